/**
 * `creds3 completions bash|zsh|fish`: a shell completion script made from the command tree.
 *
 * @module
 */
import {
  type CommandSpec,
  optionsOf,
  type ParsedOption,
  type ProgramSpec,
} from "../lib/cli/parse.ts";
import {
  type CompletionOption,
  completionScript,
  type CompletionTree,
  type Shell,
  SHELLS,
} from "../lib/cli/completions.ts";
import { printData } from "./output.ts";

/** Option values that name files: completed from file names. */
const PATH_VALUE = /<(file|path|dir|location|key|output)[^>]*>/i;

function completionOptions(options: readonly ParsedOption[]): CompletionOption[] {
  return options.map((o) => ({
    flags: [o.short, o.long].filter((f): f is string => f !== undefined),
    description: o.spec.description,
    ...(o.value ? { value: { choices: o.spec.choices, files: PATH_VALUE.test(o.value) } } : {}),
  }));
}

/** The completion tree of the program. */
export function completionTree(program: ProgramSpec): CompletionTree {
  const names = program.commands.map((c) => c.name);
  return {
    name: program.name,
    options: completionOptions(optionsOf(program)),
    commands: program.commands.map((c) => ({
      name: c.name,
      description: c.description,
      options: completionOptions(optionsOf(program, c)),
      argumentChoices: c.name === "help" ? names : c.arguments?.[0]?.choices,
    })),
  };
}

/** The `completions` command. */
export const completionsCommand: CommandSpec = {
  name: "completions",
  description: "Print a shell completion script for bash, zsh or fish",
  arguments: [{ name: "<shell>", description: "the shell to complete in", choices: SHELLS }],
  helpAfter: `
Examples:
  source <(creds3 completions bash)          # in ~/.bashrc
  source <(creds3 completions zsh)           # in ~/.zshrc, after compinit
  creds3 completions fish > ~/.config/fish/completions/creds3.fish`,
  async run(call) {
    await printData(completionScript(call.arg("shell") as Shell, completionTree(call.program)));
  },
};
