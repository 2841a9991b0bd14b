/**
 * Shell completion scripts (bash, zsh, fish) generated from a {@link CompletionTree}, which
 * `completion_tree.ts` makes from the same specs as the parser and the help. Pure text.
 *
 * @example A bash script completing two commands
 * ```ts
 * import { completionScript } from "./completions.ts";
 * import type { CompletionTree } from "./completion_tree.ts";
 * import { ok } from "node:assert/strict";
 *
 * const tree: CompletionTree = {
 *   name: "tool",
 *   options: [{ flags: ["-h", "--help"], description: "show help" }],
 *   commands: [
 *     { name: "get", description: "print one", options: [] },
 *     { name: "put", description: "store one", options: [] },
 *   ],
 * };
 * const script = completionScript("bash", tree);
 * ok(script.includes("-F _tool tool"));
 * ok(script.includes("get put"));
 * ```
 *
 * @module
 */
import type { CompletionOption, CompletionTree } from "./completion_tree.ts";

/** The shells a script can be generated for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/** One of {@link SHELLS}. */
export type Shell = typeof SHELLS[number];

/** The completion script for `shell`. */
export function completionScript(shell: Shell, tree: CompletionTree): string {
  if (!/^[A-Za-z][\w-]*$/.test(tree.name)) throw new Error(`Bad program name '${tree.name}'`);
  switch (shell) {
    case "bash":
      return bashScript(tree);
    case "zsh":
      return zshScript(tree);
    case "fish":
      return fishScript(tree);
  }
}

/** `text` as one single-quoted shell word (bash, zsh and fish agree on `'...'` without `'`). */
function sq(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function fnName(tree: CompletionTree): string {
  return `_${tree.name.replaceAll("-", "_")}`;
}

function flagsWithValue(options: CompletionOption[], files = false): string[] {
  return options.filter((o) => o.value && (!files || o.value.files)).flatMap((o) => o.flags);
}

function bashScript(tree: CompletionTree): string {
  const fn = fnName(tree);
  const names = tree.commands.map((c) => c.name);
  const lines: string[] = [];
  lines.push(
    `# bash completion for ${tree.name}: source <(${tree.name} completions bash)`,
    `${fn}() {`,
    `  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" command="" i word`,
    `  [[ $COMP_CWORD -gt 0 ]] && prev="\${COMP_WORDS[COMP_CWORD-1]}"`,
    `  local takes_value=" ${flagsWithValue(tree.options).join(" ")} "`,
    `  local takes_file=" ${flagsWithValue(tree.options, true).join(" ")} "`,
    `  for ((i = 1; i < COMP_CWORD; i++)); do`,
    `    word="\${COMP_WORDS[i]}"`,
    `    case "$word" in`,
    `      -*) [[ $takes_value == *" $word "* ]] && ((i++)) ;;`,
    `      *) command="$word"; break ;;`,
    `    esac`,
    `  done`,
    `  local options="${tree.options.flatMap((o) => o.flags).join(" ")}" choices=""`,
    `  case "$command" in`,
  );
  for (const command of tree.commands) {
    lines.push(
      `    ${command.name})`,
      `      options="${command.options.flatMap((o) => o.flags).join(" ")}"`,
      `      takes_value=" ${flagsWithValue(command.options).join(" ")} "`,
      `      takes_file=" ${flagsWithValue(command.options, true).join(" ")} "`,
    );
    if (command.argumentChoices) {
      lines.push(`      choices="${command.argumentChoices.join(" ")}"`);
    }
    for (const option of command.options) {
      if (option.value?.choices) {
        lines.push(
          `      case "$prev" in ${option.flags.join("|")})`,
          `        COMPREPLY=($(compgen -W "${
            option.value.choices.join(" ")
          }" -- "$cur")); return ;;`,
          `      esac`,
        );
      }
    }
    lines.push(`      ;;`);
  }
  lines.push(
    `  esac`,
    `  if [[ $takes_file == *" $prev "* ]]; then`,
    `    COMPREPLY=($(compgen -f -- "$cur")); return`,
    `  elif [[ $takes_value == *" $prev "* ]]; then`,
    `    COMPREPLY=(); return`,
    `  fi`,
    `  if [[ $cur == -* ]]; then`,
    `    COMPREPLY=($(compgen -W "$options" -- "$cur"))`,
    `  elif [[ -z $command ]]; then`,
    `    COMPREPLY=($(compgen -W "${names.join(" ")}" -- "$cur"))`,
    `  elif [[ -n $choices ]]; then`,
    `    COMPREPLY=($(compgen -W "$choices" -- "$cur"))`,
    `  else`,
    `    COMPREPLY=($(compgen -f -- "$cur"))`,
    `  fi`,
    `}`,
    `complete -o default -F ${fn} ${tree.name}`,
  );
  return lines.join("\n") + "\n";
}

/** Escapes text for a zsh `_arguments` spec description (inside `[...]`). */
function zshDescription(text: string): string {
  return text.replace(/[\\[\]:]/g, (c) => `\\${c}`);
}

function zshOptionSpecs(options: CompletionOption[]): string[] {
  return options.map((o) => {
    const exclusive = o.flags.length > 1 ? sq(`(${o.flags.join(" ")})`) : "";
    const names = o.flags.length > 1 ? `{${o.flags.join(",")}}` : o.flags[0];
    const description = `[${zshDescription(o.description)}]`;
    const value = !o.value
      ? ""
      : o.value.choices
      ? `:value:(${o.value.choices.join(" ")})`
      : o.value.files
      ? ":file:_files"
      : ":value: ";
    return `${exclusive}${names}${sq(description + value)}`;
  });
}

function zshScript(tree: CompletionTree): string {
  const fn = fnName(tree);
  const lines: string[] = [
    `#compdef ${tree.name}`,
    `# zsh completion for ${tree.name}: source <(${tree.name} completions zsh) after compinit,`,
    `# or save it as ${fn} in a folder on $fpath`,
    `${fn}() {`,
    `  local curcontext="$curcontext" state line ret=1`,
    `  typeset -A opt_args`,
    `  local -a commands=(`,
    ...tree.commands.map((c) => `    ${sq(`${c.name}:${c.description}`)}`),
    `  )`,
    `  _arguments -C \\`,
    ...zshOptionSpecs(tree.options).map((s) => `    ${s} \\`),
    `    '1: :->command' \\`,
    `    '*:: :->args' && ret=0`,
    `  case $state in`,
    `    command) _describe -t commands 'command' commands && ret=0 ;;`,
    `    args)`,
    `      case $line[1] in`,
  ];
  for (const command of tree.commands) {
    const rest = command.argumentChoices
      ? `'1: :(${command.argumentChoices.join(" ")})'`
      : `'*: :_files'`;
    lines.push(
      `        ${command.name})`,
      `          _arguments \\`,
      ...zshOptionSpecs(command.options).map((s) => `            ${s} \\`),
      `            ${rest} && ret=0 ;;`,
    );
  }
  lines.push(
    `      esac ;;`,
    `  esac`,
    `  return ret`,
    `}`,
    `if [[ $zsh_eval_context[-1] == loadautofunc ]]; then`,
    `  ${fn} "$@"`,
    `else`,
    `  compdef ${fn} ${tree.name}`,
    `fi`,
  );
  return lines.join("\n") + "\n";
}

function fishOption(name: string, condition: string, o: CompletionOption): string {
  const parts = [`complete -c ${name}`];
  if (condition) parts.push(`-n ${sq(condition)}`);
  for (const flag of o.flags) {
    parts.push(flag.startsWith("--") ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`);
  }
  if (o.value?.choices) parts.push(`-x -a ${sq(o.value.choices.join(" "))}`);
  else if (o.value?.files) parts.push("-r -F");
  else if (o.value) parts.push("-x");
  parts.push(`-d ${sq(o.description)}`);
  return parts.join(" ");
}

function fishScript(tree: CompletionTree): string {
  const name = tree.name;
  const names = tree.commands.map((c) => c.name).join(" ");
  const none = `not __fish_seen_subcommand_from ${names}`;
  const lines = [
    `# fish completion for ${name}: ${name} completions fish | source`,
    `# (or save it as ~/.config/fish/completions/${name}.fish)`,
    `complete -c ${name} -f`,
    ...tree.commands.map((c) =>
      `complete -c ${name} -n ${sq(none)} -a ${c.name} -d ${sq(c.description)}`
    ),
    ...tree.options.map((o) => fishOption(name, none, o)),
  ];
  for (const command of tree.commands) {
    const seen = `__fish_seen_subcommand_from ${command.name}`;
    if (command.argumentChoices) {
      lines.push(`complete -c ${name} -n ${sq(seen)} -a ${sq(command.argumentChoices.join(" "))}`);
    } else {
      lines.push(`complete -c ${name} -n ${sq(seen)} -F`);
    }
    for (const option of command.options) lines.push(fishOption(name, seen, option));
  }
  return lines.join("\n") + "\n";
}
