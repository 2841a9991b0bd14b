/**
 * `creds3 keys [pattern] [-f text|json]`
 *
 * @module
 */
import { escapeControls } from "../lib/cli/display.ts";
import { LISTING_FORMAT, printableJson } from "./listing.ts";
import { printData } from "./output.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";

/** The `keys` command. */
export const keysCommand = defineCommand({
  name: "keys",
  description: "List credential names only, sorted, one per line",
  arguments: [
    { name: "[pattern]", description: "only names matching this; '*' matches any characters" },
  ],
  options: [LISTING_FORMAT],
  helpAfter: `
With -f json, an array of the names.

Examples:
  creds3 keys
  creds3 keys 'app/prod/*'
  creds3 keys -f json`,
  async run(call) {
    await withStore(commandConfig(call.options), async ({ creds }) => {
      // The listing is sorted by name, each name's versions together.
      const names = [...new Set((await creds.list(call.args.pattern)).map((e) => e.name))];
      if (call.options.format === "json") return await printData(printableJson(names));
      // Names other writers stored may hold control characters: escaped, as `list` shows them.
      await printData(names.map((name) => `${escapeControls(name)}\n`).join(""));
    });
  },
});
