/**
 * The README stays true: every command line in its fenced `sh` blocks runs, in README order, and
 * must exit 0 (or the code a trailing `# exit N` states; `# prints: TEXT` also checks stdout).
 *
 * The HTML comment right before a block says where it runs:
 * - `<!-- readme-test: local -->`: a temporary HOME and working folder, no AWS (the default);
 * - `<!-- readme-test: repo -->`: the same session, in the repository (tasks, install);
 * - `<!-- readme-test: moto -->`: a second session against moto (S3, KMS and STS), with AWS
 *   credentials and endpoints in the environment, as a user's AWS set-up would have;
 * - `<!-- readme-test: skip REASON -->`: not run (real AWS, a downloaded release, the test suite
 *   itself); each line is still checked: `creds3` lines name a real command and real options,
 *   `deno task` lines a real task, anything else a known tool.
 *
 * `creds3` is `deno run <the binary's permissions> main.ts`; `deno` and `npx -y deno@2` are this
 * Deno. Blocks of one session share a bash shell, so `export` carries over.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { buildProgram } from "../../commands/mod.ts";
import { parse } from "../../lib/cli/parse.ts";
import { UsageError } from "../../lib/core/errors.ts";
import denoJson from "../../deno.json" with { type: "json" };
import { PERMISSIONS } from "../../scripts/compile.ts";
import { cliEnv, MAIN_TS, REPO_ROOT, runCommand } from "../helpers/cli.ts";
import { awsEnv, motoUrl } from "../helpers/moto.ts";

type Mode = "local" | "repo" | "moto" | "skip";

/** One command line of the README (continuations joined). */
export interface ReadmeLine {
  /** 1-based line number in README.md where the command starts. */
  at: number;
  command: string;
  expect: number;
  prints?: string;
}

/** One fenced `sh` block and where it runs. */
export interface ReadmeBlock {
  at: number;
  mode: Mode;
  reason?: string;
  lines: ReadmeLine[];
}

/** The `sh` blocks of a Markdown text. Throws on an unknown marker or an unclosed block. */
export function shBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split("\n");
  const blocks: ReadmeBlock[] = [];
  let marker: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const m = text.match(/^<!--\s*readme-test:\s*(.*?)\s*-->\s*$/);
    if (m) {
      marker = m[1];
      continue;
    }
    const fence = text.match(/^(`{3,})(\w*)\s*$/);
    if (!fence) {
      if (text.trim() !== "") marker = undefined;
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && l.startsWith(fence[1]) && l.trim() === fence[1]);
    if (end < 0) throw new Error(`README.md:${i + 1}: unclosed code block`);
    if (fence[2] === "sh") {
      const [word, ...rest] = (marker ?? "local").split(/\s+/);
      if (!["local", "repo", "moto", "skip"].includes(word)) {
        throw new Error(`README.md:${i + 1}: unknown readme-test marker '${marker}'`);
      }
      if (word === "skip" && rest.length === 0) {
        throw new Error(`README.md:${i + 1}: 'skip' needs a reason`);
      }
      blocks.push({
        at: i + 1,
        mode: word as Mode,
        reason: rest.join(" ") || undefined,
        lines: commandLines(lines.slice(i + 1, end), i + 2),
      });
    }
    marker = undefined;
    i = end;
  }
  return blocks;
}

function commandLines(body: string[], firstLine: number): ReadmeLine[] {
  const out: ReadmeLine[] = [];
  for (let i = 0; i < body.length; i++) {
    const at = firstLine + i;
    let command = body[i];
    while (command.endsWith("\\") && i + 1 < body.length) {
      command = command.slice(0, -1) + body[++i];
    }
    if (command.trim() === "" || command.trim().startsWith("#")) continue;
    let expect = 0;
    let prints: string | undefined;
    const exit = command.match(/\s+#\s*exit (\d+)\s*$/);
    if (exit) {
      expect = Number(exit[1]);
      command = command.slice(0, exit.index);
    }
    const printed = command.match(/\s+#\s*prints: (.*)$/);
    if (printed) {
      prints = printed[1];
      command = command.slice(0, printed.index);
    }
    out.push({ at, command: command.trim(), expect, prints });
  }
  return out;
}

/** Splits a command line into shell words (quotes removed; no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      word += line.slice(i + 1, close < 0 ? undefined : close);
      i = close < 0 ? line.length : close;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') {
        if (line[j] === "\\" && j + 1 < line.length) j++;
        word += line[j++];
      }
      i = j;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The bash script of one session: helpers, then each line with its exit check. */
function sessionScript(blocks: ReadmeBlock[], workdir: string): string {
  const parts = [
    "set -o pipefail",
    `DENO=${quote(Deno.execPath())}`,
    `creds3() { "$DENO" run ${PERMISSIONS.join(" ")} --quiet ${quote(MAIN_TS)} "$@"; }`,
    'deno() { "$DENO" "$@"; }',
    'npx() { if [ "$1" = -y ] && [ "$2" = deno@2 ]; then shift 2; "$DENO" "$@"; else command npx "$@"; fi; }',
    "export -f creds3 deno npx",
    `export DENO ; cd ${quote(workdir)}`,
  ];
  for (const block of blocks) {
    const dir = block.mode === "repo" ? REPO_ROOT : workdir;
    parts.push(`cd ${quote(dir)}`);
    for (const line of block.lines) {
      const where = `README.md:${line.at}`;
      parts.push(`echo ${quote(`readme$ ${line.command}`)} >&2`);
      if (line.prints !== undefined) {
        parts.push(
          `__out=$(${line.command}); __rc=$?`,
          `[ "$__out" = ${quote(line.prints)} ] || ` +
            `{ echo ${quote(`${where}: printed`)} "'$__out'" ${
              quote(`instead of '${line.prints}'`)
            } >&2; exit 98; }`,
        );
      } else {
        parts.push(line.command, "__rc=$?");
      }
      parts.push(
        `[ "$__rc" = ${line.expect} ] || { echo ${quote(`${where}: exit`)} "$__rc" ${
          quote(`(expected ${line.expect}): ${line.command}`)
        } >&2; exit 99; }`,
      );
    }
  }
  return parts.join("\n") + "\necho readme-session-done >&2\n";
}

async function runSession(
  blocks: ReadmeBlock[],
  env: Record<string, string>,
): Promise<{ code: number; stderr: string; stdout: string }> {
  const home = await Deno.makeTempDir({ prefix: "creds3-readme-" });
  const work = `${home}/work`;
  await Deno.mkdir(work);
  try {
    return await runCommand("bash", ["--norc", "--noprofile", "-c", sessionScript(blocks, work)], {
      clearEnv: true,
      env: cliEnv({ HOME: home, ...env }),
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

const README = await Deno.readTextFile(`${REPO_ROOT}/README.md`);
const BLOCKS = shBlocks(README);

Deno.test("readme: the blocks are parsed and most of them run", () => {
  ok(BLOCKS.length >= 8, `only ${BLOCKS.length} sh blocks`);
  const count = (mode: Mode) =>
    BLOCKS.filter((b) => b.mode === mode).reduce((n, b) => n + b.lines.length, 0);
  ok(count("local") + count("repo") >= 20, "at least 20 lines run without AWS");
  ok(count("moto") >= 5, "at least 5 lines run against moto");
  ok(count("skip") <= (count("local") + count("repo") + count("moto")) / 2, "mostly runnable");
  for (const block of BLOCKS) ok(block.lines.length > 0, `README.md:${block.at}: empty block`);
});

Deno.test("readme: local and repository blocks run, in order, in one shell", async () => {
  const blocks = BLOCKS.filter((b) => b.mode === "local" || b.mode === "repo");
  const r = await runSession(blocks, {});
  strictEqual(r.code, 0, `README session failed:\n${r.stderr.slice(-6000)}`);
  ok(r.stderr.trimEnd().endsWith("readme-session-done"), r.stderr.slice(-2000));
});

Deno.test("readme: AWS blocks run against moto (S3, KMS, STS)", async () => {
  const url = await motoUrl();
  const blocks = BLOCKS.filter((b) => b.mode === "moto");
  // Credentials and endpoints as a configured AWS account would have them; moto's state is
  // shared with other tests, so the README's bucket and key names must be its own.
  const { AWS_CONFIG_FILE: _c, AWS_SHARED_CREDENTIALS_FILE: _s, ...env } = awsEnv(url);
  const r = await runSession(blocks, env);
  strictEqual(r.code, 0, `README AWS session failed:\n${r.stderr.slice(-6000)}`);
  ok(r.stderr.trimEnd().endsWith("readme-session-done"), r.stderr.slice(-2000));
});

/** A heading's anchor, as GitHub makes it: lower case, punctuation dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, "").replaceAll(" ", "-");
}

/** The anchors of a Markdown file's headings (outside code blocks). */
async function anchorsOf(path: string): Promise<Set<string>> {
  const text = (await Deno.readTextFile(path)).replace(/^```[\s\S]*?^```/gm, "");
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));
}

Deno.test("readme: links of the README and the docs point at files and headings that exist", async () => {
  const docs = [...Deno.readDirSync(`${REPO_ROOT}/docs`)]
    .filter((e) => e.name.endsWith(".md"))
    .map((e) => `docs/${e.name}`);
  const problems: string[] = [];
  let checked = 0;
  for (const file of ["README.md", ...docs]) {
    const text = (await Deno.readTextFile(`${REPO_ROOT}/${file}`)).replace(
      /^```[\s\S]*?^```/gm,
      "",
    );
    const folder = file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : "";
    for (const m of text.matchAll(/\]\(([^)\s]*)\)/g)) {
      const [path, anchor] = m[1].split("#");
      if (/^[a-z]+:/.test(path)) continue;
      checked++;
      const target = path === "" ? file : new URL(folder + path, "file:///r/").pathname.slice(3);
      const exists = await Deno.stat(`${REPO_ROOT}/${target}`).then(() => true, () => false);
      if (!exists) problems.push(`${file}: ${m[1]}: no file ${target}`);
      else if (anchor && target.endsWith(".md")) {
        if (!(await anchorsOf(`${REPO_ROOT}/${target}`)).has(anchor)) {
          problems.push(`${file}: ${m[1]}: no heading for #${anchor} in ${target}`);
        }
      }
    }
  }
  deepStrictEqual(problems, []);
  ok(checked >= 20, `only ${checked} links checked`);
  // The anchors are GitHub's.
  strictEqual(
    anchorOf("Copying secrets and rotating the master key (`copy`, `rewrap`)"),
    "copying-secrets-and-rotating-the-master-key-copy-rewrap",
  );
  strictEqual(
    anchorOf("`-f github`: secrets for the later steps of a GitHub Actions job"),
    "-f-github-secrets-for-the-later-steps-of-a-github-actions-job",
  );
});

Deno.test("readme: the reference lists every command and every CREDS3_ variable", async () => {
  const reference = README.slice(README.indexOf("## Reference"));
  for (const command of buildProgram().commands) {
    ok(reference.includes(`| \`${command.name}`), `'${command.name}' is in the command table`);
  }
  const config = await Deno.readTextFile(`${REPO_ROOT}/lib/config/config.ts`);
  const variables = new Set([...config.matchAll(/env\.(CREDS3_[A-Z_]+)/g)].map((m) => m[1]));
  ok(variables.size >= 5, [...variables].join());
  for (const name of variables) ok(reference.includes(`\`${name}\``), `${name} is in the table`);
});

/** Tools a skipped block may name besides creds3 and deno. */
const KNOWN_TOOLS = new Set([
  "aws",
  "sha256sum",
  "chmod",
  "sudo",
  "mv",
  "curl",
  "python3",
  "pip",
  "cd",
  "export",
  "git",
  "kubectl",
  "gh",
]);

Deno.test("readme: lines that cannot run here still name real commands, options and tasks", () => {
  const program = buildProgram();
  const problems: string[] = [];
  for (const block of BLOCKS.filter((b) => b.mode === "skip")) {
    for (const line of block.lines) {
      const words = shellWords(line.command);
      const where = `README.md:${line.at}`;
      const task = words[0] === "deno" ? words.slice(1) : words[0] === "npx" ? words.slice(3) : [];
      if (words[0] === "creds3") {
        // The line must parse: a real command, its options and its arguments.
        try {
          parse(program, words.slice(1));
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          problems.push(`${where}: ${error.message}`);
        }
      } else if (task[0] === "task") {
        if (!(task[1] in denoJson.tasks)) problems.push(`${where}: no deno task '${task[1]}'`);
      } else if (words[0] === "npx" && words.slice(0, 2).join(" ") !== "npx -y") {
        problems.push(`${where}: npx use other than 'npx -y deno@2'`);
      } else if (!KNOWN_TOOLS.has(words[0]) && words[0] !== "deno") {
        problems.push(`${where}: unknown program '${words[0]}' in a block that is not run`);
      }
    }
  }
  deepStrictEqual(problems, []);
});

Deno.test("readme: the harness parses markers, continuations, exit codes and quotes", () => {
  const blocks = shBlocks([
    "<!-- readme-test: skip needs AWS -->",
    "```sh",
    "creds3 get a \\",
    "  'b c'   # exit 1",
    "# a comment",
    "creds3 list  # prints: x",
    "```",
    "```sh",
    "creds3 list",
    "```",
  ].join("\n"));
  deepStrictEqual(blocks, [
    {
      at: 2,
      mode: "skip",
      reason: "needs AWS",
      lines: [
        { at: 3, command: "creds3 get a   'b c'", expect: 1, prints: undefined },
        { at: 6, command: "creds3 list", expect: 0, prints: "x" },
      ],
    },
    {
      at: 8,
      mode: "local",
      reason: undefined,
      lines: [{ at: 9, command: "creds3 list", expect: 0, prints: undefined }],
    },
  ]);
  deepStrictEqual(shellWords(`creds3 put "a b" 'c d' e\\"f`), [
    "creds3",
    "put",
    "a b",
    "c d",
    'e"f',
  ]);
  let threw = false;
  try {
    shBlocks("<!-- readme-test: sometimes -->\n```sh\nls\n```\n");
  } catch {
    threw = true;
  }
  ok(threw, "an unknown marker is an error");
});
