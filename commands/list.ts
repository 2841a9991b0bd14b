/**
 * `creds3 list [pattern]`
 *
 * @module
 */
import { printData } from "./output.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";

/** The `list` command. */
export const listCommand = defineCommand({
  name: "list",
  description: "List credentials and their versions",
  arguments: [
    { name: "[pattern]", description: "only names matching this; '*' matches any characters" },
  ],
  helpAfter: `
Examples:
  creds3 list
  creds3 list 'app/*'`,
  async run(call) {
    await withStore(commandConfig(call.options), async ({ creds }) => {
      const entries = await creds.list(call.args.pattern);
      const width = Math.max(0, ...entries.map((e) => e.name.length));
      await printData(
        entries.map((e) => `${e.name.padEnd(width)} -- version ${e.version}\n`).join(""),
      );
    });
  },
});
