/**
 * `creds3 history credential [-f text|json]`
 *
 * @module
 */
import type { VersionDetails } from "../lib/stores/store.ts";
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

/** The text table: a header, then one row per version, the comment last and unpadded. */
function historyTable(history: readonly VersionDetails[]): string {
  const rows = [
    ["VERSION", "WRITTEN", "TYPE", "COMMENT"],
    ...history.map((e) => [
      e.version,
      e.modified?.toISOString().replace(/\.\d{3}Z$/, "Z") ?? "-",
      e.binary ? "binary" : "text",
      printable(e.comment ?? ""),
    ]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) =>
    `${row.slice(0, 3).map((cell, i) => cell.padEnd(widths[i])).join("  ")}  ${row[3]}`
      .trimEnd() + "\n"
  ).join("");
}

// Control characters and bidirectional overrides: a comment another tool stored may hold them.
// deno-lint-ignore no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu;

/** The text with characters that would act on a terminal shown as `\u{...}` escapes. */
function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}
