/**
 * `creds3 history credential [-f text|json]`
 *
 * @module
 */
import { displayWidth, escapeControls, padDisplay } from "../lib/cli/display.ts";
import type { VersionDetails } from "../lib/core/store.ts";
import { entryJson, LISTING_FORMAT, printableJson } from "./listing.ts";
import { printData } from "./output.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";

/** The `history` command. */
export const historyCommand = defineCommand({
  name: "history",
  description: "Show every version of one credential: when written, its type and comment",
  arguments: [{ name: "<credential>", description: "exact name of the credential (no wildcards)" }],
  options: [LISTING_FORMAT],
  helpAfter: `
One row per version, oldest first: the version, the date it was written (UTC),
'text' or 'binary', and the comment given with put -c. With -f json, an array
of objects with name, version, lastModified, size (where the store knows it),
binary and comment (when there is one). No value is read or decrypted.

Examples:
  creds3 history db/password
  creds3 history db/password -f json`,
  async run(call) {
    await withStore(commandConfig(call.options), async ({ creds }) => {
      const history = await creds.history(call.args.credential);
      if (call.options.format === "json") {
        return await printData(printableJson(history.map(entryJson)));
      }
      await printData(historyTable(history));
    });
  },
});

/**
 * The text table: a header, then one row per version, the comment last and unpadded. Versions
 * and comments other tools stored may hold control characters: shown escaped.
 */
function historyTable(history: readonly VersionDetails[]): string {
  const rows = [
    ["VERSION", "WRITTEN", "TYPE", "COMMENT"],
    ...history.map((e) => [
      escapeControls(e.version),
      e.modified?.toISOString().replace(/\.\d{3}Z$/, "Z") ?? "-",
      e.binary ? "binary" : "text",
      escapeControls(e.comment ?? ""),
    ]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => displayWidth(row[i]))));
  return rows.map((row) =>
    `${row.slice(0, 3).map((cell, i) => padDisplay(cell, widths[i])).join("  ")}  ${row[3]}`
      .trimEnd() + "\n"
  ).join("");
}
