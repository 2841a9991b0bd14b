/**
 * `creds3 list [pattern] [--latest] [-f text|json]`
 *
 * @module
 */
import { entryJson, LISTING_FORMAT, printableJson, versionLines } from "./listing.ts";
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
  options: [
    { flags: "--latest", description: "only the latest version of each name" },
    LISTING_FORMAT,
  ],
  helpAfter: `
One line per version, sorted by name then version. With -f json, an array of
objects with name, version, lastModified (ISO 8601, UTC) and size in bytes
where the store gives it, from the listing alone: no secret is read.

Examples:
  creds3 list
  creds3 list 'app/*'
  creds3 list --latest
  creds3 list -f json | jq -r '.[] | select(.version == "1") | .name'`,
  async run(call) {
    await withStore(commandConfig(call.options), async ({ creds }) => {
      const { pattern } = call.args;
      const entries = call.options.latest ? await creds.latest(pattern) : await creds.list(pattern);
      if (call.options.format === "json") {
        return await printData(printableJson(entries.map(entryJson)));
      }
      await printData(versionLines(entries));
    });
  },
});
