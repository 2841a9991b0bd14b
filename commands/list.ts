/**
 * `creds3 list [pattern]`
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { printData } from "./output.ts";
import { withStore } from "./session.ts";

/** The `list` command. */
export function listCommand() {
  return new Command("list")
    .description("List credentials and their versions")
    .argument("[pattern]", "only names matching this; '*' matches any characters")
    .addHelpText(
      "after",
      `
Examples:
  creds3 list
  creds3 list 'app/*'`,
    )
    .action(async (pattern, _options, command) => {
      await withStore(command, async ({ creds }) => {
        const entries = await creds.list(pattern);
        const width = Math.max(0, ...entries.map((e) => e.name.length));
        await printData(
          entries.map((e) => `${e.name.padEnd(width)} -- version ${e.version}\n`).join(""),
        );
      });
    });
}
