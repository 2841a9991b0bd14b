/**
 * Credential names, versions, wildcard patterns and the "latest version" rule.
 *
 * @module
 */
import { UsageError } from "./errors.ts";

// Letters and decimal digits of any script (with their combining marks), the space, and
// . _ - / + = @ : (see docs/AWS.md, "Names"). No control character, no other whitespace, no '*'.
const NAME_CHARS = /^[\p{L}\p{M}\p{Nd}._\-/+=@: ]+$/u;
const VERSION_CHARS = /^[A-Za-z0-9._-]+$/;
const MAX_NAME = 512;
/** S3 keys are at most 1,024 bytes: this leaves room for a prefix, `/` and the version. */
const MAX_NAME_BYTES = 768;
const MAX_VERSION = 64;

/**
 * Checks a name given to `put`: 1 to 512 characters (at most 768 bytes in UTF-8) of letters
 * and digits of any script, spaces and `. _ - / + = @ :`, in Unicode NFC, with no empty, `.`
 * or `..` segment and no space at the start or end of a segment. Names already in a store are
 * read as they are. The messages do not repeat the name: given in the value's place (the two
 * arguments swapped), it is the secret.
 */
export function validateName(name: string): string {
  if (name.length === 0) throw new UsageError("Credential name is empty");
  const characters = [...name].length;
  if (characters > MAX_NAME) {
    throw new UsageError(`Credential name is ${characters} characters, at most ${MAX_NAME}`);
  }
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_NAME_BYTES) {
    throw new UsageError(`Credential name is ${bytes} bytes in UTF-8, at most ${MAX_NAME_BYTES}`);
  }
  if (name.includes("*")) {
    throw new UsageError("Credential name contains '*', which is the wildcard");
  }
  if (!NAME_CHARS.test(name)) {
    throw new UsageError(
      "Credential name has a character other than letters, digits, spaces and . _ - / + = @ :",
    );
  }
  if (name.normalize("NFC") !== name) {
    throw new UsageError("Credential name is not in Unicode normal form NFC", {
      reason: { type: "name-not-nfc" },
    });
  }
  if (name.startsWith("/") || name.endsWith("/")) {
    throw new UsageError("Credential name starts or ends with '/'");
  }
  for (const segment of name.split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new UsageError("Credential name has an empty, '.' or '..' segment");
    }
    if (segment.startsWith(" ") || segment.endsWith(" ")) {
      throw new UsageError("Credential name has a space at the start or end of a segment");
    }
  }
  return name;
}

/**
 * Checks a name given to a reading or deleting command. Stored names may hold any character
 * (other tools wrote them), but no stored name has an empty, `.` or `..` segment, and on the
 * directory store such a name would reach outside the store.
 */
export function checkStoredName(name: string): string {
  if (name === "") throw new UsageError("Credential name is empty");
  if (name.split("/").some((s) => s === "" || s === "." || s === "..")) {
    throw new UsageError(
      `Credential name ${
        quoteShort(name)
      } has an empty, '.' or '..' segment, or starts or ends with '/'`,
    );
  }
  return name;
}

/** Checks a version given to a reading or deleting command: not empty, no `/`, not `.`/`..`. */
export function checkStoredVersion(version: string): string {
  if (version === "") throw new UsageError("Version is empty");
  if (version.includes("/") || version === "." || version === "..") {
    throw new UsageError(`Version ${quoteShort(version)} contains '/' or is '.' or '..'`);
  }
  return version;
}

function quoteShort(text: string): string {
  return JSON.stringify(text.length > 80 ? text.slice(0, 80) + "..." : text);
}

/**
 * Checks a version given to `put`: 1 to 64 characters of letters, digits and `. _ -`, and no
 * integer written with leading zeros (`01` would be a second spelling of version `1`).
 */
export function validateVersion(version: string): string {
  const shown = JSON.stringify(version.length > 80 ? version.slice(0, 80) + "..." : version);
  if (version.length === 0) throw new UsageError("Version is empty");
  if (version.length > MAX_VERSION || !VERSION_CHARS.test(version)) {
    throw new UsageError(
      `Version ${shown} is not 1 to ${MAX_VERSION} letters, digits, '.', '_' or '-'`,
    );
  }
  if (version === "." || version === "..") throw new UsageError(`Version ${shown} is not allowed`);
  if (isIntegerVersion(version) && version.length > 1 && version.startsWith("0")) {
    throw new UsageError(
      `Version ${shown} has a leading zero: it would be a second spelling of version ` +
        BigInt(version),
    );
  }
  return version;
}

/** Whether a version is a plain non-negative integer (compared numerically). */
export function isIntegerVersion(version: string): boolean {
  return /^[0-9]+$/.test(version);
}

/**
 * Orders versions: numerically when both are integers, otherwise as strings. Two spellings of
 * one number (`01` and `1`, which another writer may have stored) are one version: the one
 * with more leading zeros comes first, so the plain spelling, the one creds3 and `put -a`
 * write, is the latest.
 *
 * @example
 * ```ts
 * import { compareVersions } from "./names.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(["10", "1", "9", "01"].sort(compareVersions), ["01", "1", "9", "10"]);
 * ```
 */
export function compareVersions(a: string, b: string): number {
  if (isIntegerVersion(a) && isIntegerVersion(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    if (x !== y) return x < y ? -1 : 1;
    return b.length - a.length;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One stored version of a credential as a listing reports it. */
export interface VersionEntry {
  name: string;
  version: string;
  /** When the object was last written; used only when versions are not all integers. */
  modified?: Date;
  /** The stored object's size in bytes, when the listing gives it. */
  size?: number;
}

/**
 * The latest of one name's versions: the highest when every version is an integer (`1` rather
 * than `01`, see {@linkcode compareVersions}), otherwise
 * the most recently modified (what the original did), ties broken by the higher version.
 */
export function latestVersion<T extends VersionEntry>(entries: readonly T[]): T | undefined {
  if (entries.length === 0) return undefined;
  const allIntegers = entries.every((e) => isIntegerVersion(e.version));
  let best = entries[0];
  for (const e of entries.slice(1)) {
    if (allIntegers) {
      if (compareVersions(e.version, best.version) > 0) best = e;
    } else {
      const dt = (e.modified?.getTime() ?? 0) - (best.modified?.getTime() ?? 0);
      if (dt > 0 || (dt === 0 && compareVersions(e.version, best.version) > 0)) best = e;
    }
  }
  return best;
}

/** The version `put -a` writes: highest integer + 1; refuses when a version is not an integer. */
export function nextVersion(name: string, versions: readonly string[]): string {
  let max = 0n;
  for (const v of versions) {
    if (!isIntegerVersion(v)) {
      throw new UsageError(
        `Cannot autoversion '${name}': stored version '${v}' is not an integer`,
        { reason: { type: "autoversion-not-integer" }, secret: { name } },
      );
    }
    if (BigInt(v) > max) max = BigInt(v);
  }
  return (max + 1n).toString();
}

/** Whether a name pattern contains the wildcard `*`. */
export function isPattern(pattern: string): boolean {
  return pattern.includes("*");
}

/**
 * Turns a name pattern into a matcher: `*` matches any run of characters (slashes included),
 * every other character matches only itself.
 */
export function patternMatcher(pattern: string): (name: string) => boolean {
  const source = pattern.split("*").map((part) => part.replace(/[\\^$.|?+()[\]{}/-]/g, "\\$&"))
    .join(".*");
  const regex = new RegExp(`^${source}$`, "s");
  return (name) => regex.test(name);
}

/** The literal text before the first `*`: the listing prefix a pattern needs. */
export function patternPrefix(pattern: string): string {
  const star = pattern.indexOf("*");
  return star < 0 ? pattern : pattern.slice(0, star);
}

/** Sorts entries by name, then by version (numerically where both are integers). */
export function sortEntries<T extends VersionEntry>(entries: T[]): T[] {
  return entries.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : compareVersions(a.version, b.version)
  );
}

/** One entry per name: its latest version, or exactly `version` (names without it left out). */
export function chooseVersions<T extends VersionEntry>(
  entries: readonly T[],
  version?: string,
): T[] {
  const byName = new Map<string, T[]>();
  for (const entry of entries) {
    const list = byName.get(entry.name) ?? [];
    list.push(entry);
    byName.set(entry.name, list);
  }
  const chosen: T[] = [];
  for (const list of byName.values()) {
    const entry = version === undefined
      ? latestVersion(list)
      : list.find((e) => e.version === version);
    if (entry) chosen.push(entry);
  }
  return chosen;
}
