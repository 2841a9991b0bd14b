/**
 * `creds3 list [pattern]`
 *
 * @module
 */
import type { CommandSpec } from "../lib/cli/mod.ts";
import { printData } from "./output.ts";
import { withStore } from "./session.ts";

/** The `list` command. */
export const listCommand: CommandSpec = {
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
    await withStore(call, async ({ creds }) => {
      const entries = await creds.list(call.arg("pattern"));
      const width = Math.max(0, ...entries.map((e) => e.name.length));
      await printData(
        entries.map((e) => `${e.name.padEnd(width)} -- version ${e.version}\n`).join(""),
      );
    });
  },
};
