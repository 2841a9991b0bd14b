/**
 * What the commands that print a listing share (`list`, `keys`, `history`, `prune`): the
 * `-f, --format text|json` option, listing entries as JSON objects, and `list`'s line format.
 * Names, versions and comments from the store may hold control characters (another writer
 * stored them): the text format shows them escaped ({@linkcode escapeControls}), the JSON
 * format exactly.
 *
 * @module
 */
import { displayWidth, escapeControls, padDisplay } from "../lib/cli/display.ts";
import type { VersionEntry } from "../lib/core/names.ts";
import type { VersionDetails } from "../lib/core/store.ts";

/** The `-f, --format` option of a command that prints a listing. */
export const LISTING_FORMAT = {
  flags: "-f, --format <format>",
  description: "output format",
  choices: ["text", "json"],
  default: "text",
} as const;

/** A date as ISO 8601 in UTC (`2024-05-01T10:00:00.000Z`), or null when unknown. */
export function isoDate(date: Date | undefined): string | null {
  return date === undefined ? null : date.toISOString();
}

/**
 * One entry as JSON: `name`, `version`, `lastModified` (ISO 8601 UTC, null when the store does
 * not know it) and `size` in bytes when the listing gives it; with details, also `binary` and
 * `comment` (when there is one).
 */
export function entryJson(entry: VersionEntry | VersionDetails): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: entry.name,
    version: entry.version,
    lastModified: isoDate(entry.modified),
  };
  if (entry.size !== undefined) json.size = entry.size;
  if ("binary" in entry) json.binary = entry.binary === true;
  if ("comment" in entry && entry.comment !== undefined) json.comment = entry.comment;
  return json;
}

/** Any JSON value as the listing commands print it: two-space indented, one final newline. */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/**
 * Entries in `list`'s line format, `NAME -- version V`, one per line: names and versions
 * escaped, names padded to one column by the cells a terminal gives them.
 */
export function versionLines(entries: readonly VersionEntry[]): string {
  const names = entries.map((e) => escapeControls(e.name));
  const width = Math.max(0, ...names.map(displayWidth));
  return entries.map((e, i) =>
    `${padDisplay(names[i], width)} -- version ${escapeControls(e.version)}\n`
  ).join("");
}
