/**
 * What the commands that print a listing share (`list`, `keys`, `history`, `prune`): the
 * `-f, --format text|json` option, and listing entries as JSON objects.
 *
 * @module
 */
import type { VersionEntry } from "../lib/core/names.ts";
import type { VersionDetails } from "../lib/stores/store.ts";

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
