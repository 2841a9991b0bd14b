/**
 * `creds3 list [pattern]`
 *
 * @module
 */
import { displayWidth, escapeControls, padDisplay } from "../lib/cli/display.ts";
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
      // Names other writers stored may hold control characters: shown escaped, one per line,
      // in columns as wide as the terminal shows them.
      const names = entries.map((e) => escapeControls(e.name));
      const width = Math.max(0, ...names.map(displayWidth));
      await printData(
        entries.map((e, i) => `${padDisplay(names[i], width)} -- version ${e.version}\n`)
          .join(""),
      );
    });
  },
});
