/**
 * `creds3 help [command]`: the program's help, or one command's with its examples. An unknown
 * command is a usage error that names the closest one.
 *
 * @module
 */
import { closest, helpText } from "../lib/cli/mod.ts";
import { UsageError } from "../lib/core/errors.ts";
import { defineCommand } from "./global_options.ts";
import { printData } from "./output.ts";

/** The `help` command. */
export const helpCommand = defineCommand({
  name: "help",
  description: "Show the help of creds3 or of one command, with examples",
  arguments: [{ name: "[command]", description: "the command to explain", completeCommands: true }],
  helpAfter: `
Examples:
  creds3 help
  creds3 help getall`,
  async run(call) {
    const { program } = call;
    const name = call.args.command;
    if (name === undefined) return await printData(helpText(program));
    const target = program.commands.find((c) => c.name === name);
    if (!target) {
      throw new UsageError(`Unknown command '${name}'`, {
        reason: {
          type: "unknown-command",
          program: program.name,
          suggestion: closest(name, program.commands.map((c) => c.name)),
        },
      });
    }
    await printData(helpText(program, target));
  },
});
