/**
 * `creds3 completions bash|zsh|fish`: a shell completion script made from the command tree.
 *
 * @module
 */
import { Argument, Command } from "@commander-js/extra-typings";
import {
  type CompletionOption,
  completionScript,
  type CompletionTree,
  SHELLS,
} from "../lib/completions.ts";
import { printData } from "./output.ts";

interface CommanderOption {
  flags: string;
  short?: string;
  long?: string;
  description: string;
  required: boolean;
  optional: boolean;
  argChoices?: string[];
}

interface CommanderCommand {
  name(): string;
  description(): string;
  options: readonly unknown[];
  commands: readonly CommanderCommand[];
  registeredArguments: readonly { argChoices?: string[] }[];
}

/** Option values that name files: completed from file names. */
const PATH_VALUE = /<(file|path|dir|location|key|output)[^>]*>/i;

function optionsOf(command: CommanderCommand): CompletionOption[] {
  const options = (command.options as CommanderOption[]).map((o) => ({
    flags: [o.short, o.long].filter((f): f is string => f !== undefined),
    description: o.description,
    ...(o.required || o.optional
      ? { value: { choices: o.argChoices, files: PATH_VALUE.test(o.flags) } }
      : {}),
  }));
  return [...options, { flags: ["-h", "--help"], description: "show help for the command" }];
}

/** The completion tree of a commander program. */
export function completionTree(program: CommanderCommand): CompletionTree {
  const names = program.commands.map((c) => c.name());
  return {
    name: program.name(),
    options: optionsOf(program),
    commands: program.commands.map((c) => ({
      name: c.name(),
      description: c.description(),
      options: optionsOf(c),
      argumentChoices: c.name() === "help" ? names : c.registeredArguments[0]?.argChoices,
    })),
  };
}

/** The `completions` command. */
export function completionsCommand() {
  return new Command("completions")
    .description("Print a shell completion script for bash, zsh or fish")
    .addArgument(new Argument("<shell>", "the shell to complete in").choices(SHELLS))
    .addHelpText(
      "after",
      `
Examples:
  source <(creds3 completions bash)          # in ~/.bashrc
  source <(creds3 completions zsh)           # in ~/.zshrc, after compinit
  creds3 completions fish > ~/.config/fish/completions/creds3.fish`,
    )
    .action(async (shell, _options, command) => {
      const program = command.parent as unknown as CommanderCommand;
      await printData(completionScript(shell, completionTree(program)));
    });
}
