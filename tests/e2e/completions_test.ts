/**
 * Shell completions, tried in the real shells: bash (COMP_WORDS/COMP_CWORD and the completion
 * function), zsh (a pseudo-terminal session pressing TAB, with compadd recording the matches)
 * and fish (`complete -C`). Without zsh or fish, that shell's test is skipped, with the reason
 * and the install command in its name; under CI (`CI=true`) or with
 * `CREDS3_TEST_REQUIRE_SHELLS=1` it runs, and fails saying how to install the shell.
 */
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { completionTree } from "../../lib/cli/completion_tree.ts";
import { buildProgram } from "../../commands/mod.ts";
import { completionScript, type Shell } from "../../lib/cli/completions.ts";
import { runCli, runCommand } from "../helpers/cli.ts";
import { missingShell, shellMissingError, skipIf } from "../helpers/skip.ts";

const tree = completionTree(buildProgram());

async function requireShell(shell: string): Promise<string> {
  const found = await new Deno.Command("sh", {
    args: ["-c", `command -v ${shell}`],
    stdout: "piped",
  }).output();
  if (!found.success) throw shellMissingError(shell);
  return new TextDecoder().decode(found.stdout).trim();
}

/**
 * A test of `shell`'s completion, given the generated script in a file; skipped, with the
 * reason, when the shell is not installed (see tests/helpers/skip.ts).
 */
function shellTest(shell: Shell, name: string, fn: (script: string) => Promise<void>) {
  Deno.test(skipIf(shell === "bash" ? undefined : missingShell(shell), name), async () => {
    const script = await scriptFile(shell);
    try {
      await fn(script);
    } finally {
      await Deno.remove(script);
    }
  });
}

async function scriptFile(shell: Shell): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: `creds3-completion-`, suffix: `.${shell}` });
  await Deno.writeTextFile(path, completionScript(shell, tree));
  return path;
}

function run(command: string, args: string[], env: Record<string, string> = {}) {
  return runCommand(command, args, {
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", TERM: "dumb", ...env },
  });
}

Deno.test("completions: the CLI prints the generated scripts, and refuses other shells", async () => {
  for (const shell of ["bash", "zsh", "fish"] as const) {
    const r = await runCli(["completions", shell]);
    strictEqual(r.code, 0, r.stderr);
    strictEqual(r.stdout, completionScript(shell, tree));
  }
  const bad = await runCli(["completions", "powershell"]);
  strictEqual(bad.code, 2);
  match(bad.stderr, /creds3: error: .*'powershell'.*Allowed choices are bash, zsh, fish/);
  strictEqual(bad.stdout, "");
});

/** Completes `line` (words; the last one is the word being completed) in a real bash. */
async function bashComplete(script: string, words: string[]): Promise<string[]> {
  const quoted = words.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(" ");
  const r = await run(await requireShell("bash"), [
    "--norc",
    "--noprofile",
    "-c",
    `source '${script}' || exit 9
COMP_WORDS=(${quoted}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMP_LINE="\${COMP_WORDS[*]}"
COMPREPLY=(); _creds3 creds3 "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`,
  ]);
  strictEqual(r.code, 0, r.stderr);
  strictEqual(r.stderr, "");
  return r.stdout.split("\n").filter(Boolean);
}

shellTest(
  "bash",
  "completions: bash completes commands, options, choices and help topics",
  async (script) => {
    deepStrictEqual(await bashComplete(script, ["creds3", "ge"]), ["get", "getall"]);
    deepStrictEqual(await bashComplete(script, ["creds3", "put", "--au"]), ["--autoversion"]);
    deepStrictEqual(await bashComplete(script, ["creds3", "-l", "./store", "de"]), ["delete"]);
    deepStrictEqual(await bashComplete(script, ["creds3", "getall", "-f", "d"]), ["dotenv"]);
    deepStrictEqual(await bashComplete(script, ["creds3", "put", "-d", "SHA3"]), ["SHA384"]);
    deepStrictEqual(await bashComplete(script, ["creds3", "completions", "z"]), ["zsh"]);
    deepStrictEqual(await bashComplete(script, ["creds3", "help", "se"]), ["setup"]);
    deepStrictEqual(await bashComplete(script, ["creds3", "--ver"]), ["--version"]);
    deepStrictEqual(await bashComplete(script, ["creds3", "list", "--concurrency", ""]), []);
  },
);

// Drives an interactive zsh on a pseudo-terminal (zsh/zpty): loads compinit and the script,
// wraps compadd to print what completion adds, types the line and TAB.
const ZSH_HARNESS = `
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "PROMPT= ; RPROMPT= ; unsetopt zle_bracketed_paste"
zpty -w z "autoload -U compinit; compinit -u -d \${(q)3}"
zpty -w z "source \${(q)1}"
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
zpty -w z 'compadd () {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits; builtin compadd -A __hits "$@"; local ret=$?
  (( $#__hits )) || return $ret
  print -r -- "<<" "\${__hits[@]}" ">>"; return $ret
}'
zpty -w z 'finish () { print -r -- "<<END>>"; }; zle -N finish; bindkey "^X" finish'
zpty -w z "print -r -- READY"
zpty -r z line '*READY*'
zpty -r z line '*READY*'
zpty -w -n z "$2"$'\\t'
zpty -w -n z $'\\C-x'
while zpty -r z line; do
  [[ $line == *'<<END>>'* ]] && break
  [[ $line == *'<<'*'>>'* ]] && print -r -- "\${\${line#*<< }% >>*}"
done
zpty -d z
`;

async function zshComplete(script: string, line: string): Promise<string[]> {
  const zsh = await requireShell("zsh");
  const dir = await Deno.makeTempDir({ prefix: "creds3-zsh-" });
  try {
    await Deno.writeTextFile(`${dir}/harness.zsh`, ZSH_HARNESS);
    // A stuck harness (no prompt, no completion) ends instead of hanging the suite.
    const r = await run("timeout", [
      "120",
      zsh,
      "-f",
      `${dir}/harness.zsh`,
      script,
      line,
      `${dir}/dump`,
    ], {
      HOME: dir,
    });
    strictEqual(r.code, 0, `zsh harness failed (${r.code}): ${r.stderr}`);
    return r.stdout.split("\n").filter(Boolean).flatMap((l) => l.trim().split(/\s+/));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

shellTest(
  "zsh",
  "completions: zsh script parses, and completes commands and options on TAB",
  async (script) => {
    const check = await run(await requireShell("zsh"), ["-n", script]);
    strictEqual(check.code, 0, check.stderr);
    deepStrictEqual(await zshComplete(script, "creds3 ge"), ["get", "getall"]);
    deepStrictEqual(await zshComplete(script, "creds3 put --au"), ["--autoversion"]);
    deepStrictEqual(await zshComplete(script, "creds3 completions "), ["bash", "zsh", "fish"]);
    deepStrictEqual(
      (await zshComplete(script, "creds3 getall -f ")).sort(),
      ["csv", "dotenv", "json", "k8s", "properties", "shell", "tfvars", "yaml"],
    );
  },
);

async function fishComplete(script: string, line: string): Promise<string[]> {
  const r = await run(await requireShell("fish"), [
    "--no-config",
    "-c",
    `source '${script}'; complete -C '${line}'`,
  ]);
  strictEqual(r.code, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0]);
}

shellTest(
  "fish",
  "completions: fish script parses, and completes commands and options",
  async (script) => {
    const check = await run(await requireShell("fish"), ["--no-config", "-n", script]);
    strictEqual(check.code, 0, check.stderr);
    deepStrictEqual(await fishComplete(script, "creds3 ge"), ["get", "getall"]);
    deepStrictEqual(await fishComplete(script, "creds3 put --au"), ["--autoversion"]);
    deepStrictEqual(await fishComplete(script, "creds3 getall -f d"), ["dotenv"]);
    deepStrictEqual(await fishComplete(script, "creds3 help exp"), ["export"]);
  },
);
