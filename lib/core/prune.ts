/**
 * Which versions pruning removes: of each name, all but the `keep` latest, and with a cutoff
 * only those written before it. The latest version of a name (the highest, see
 * {@linkcode latestVersion}) is never among them, so a name never disappears.
 *
 * @example Keep the two latest versions of each name
 * ```ts
 * import { selectPrunable } from "./prune.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const entries = ["1", "2", "3", "10"].map((version) => ({ name: "db", version }));
 * deepStrictEqual(selectPrunable(entries, { keep: 2 }).map((e) => e.version), ["1", "2"]);
 * ```
 *
 * @module
 */
import { UsageError } from "./errors.ts";
import { compareVersions, isIntegerVersion, sortEntries, type VersionEntry } from "./names.ts";

/** What to prune. */
export interface PruneRule {
  /** How many of the latest versions of each name to keep: an integer of at least 1. */
  keep: number;
  /** Only versions written before this moment; a version of unknown date is kept. */
  before?: Date;
}

/** Options of `CredentialStore.prune`. */
export interface PruneOptions extends PruneRule {
  /** Only say what would be deleted. */
  dryRun?: boolean;
}

/** What `CredentialStore.prune` deleted (or, with `dryRun`, would delete). */
export interface PruneResult {
  /** The versions deleted, sorted by name and version. */
  deleted: VersionEntry[];
  /** How many names matched. */
  names: number;
  /** How many versions of them are left. */
  kept: number;
}

/** Checks `keep`: an integer of at least 1 (the latest version is never pruned). */
export function checkKeep(keep: number): number {
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new UsageError(
      `Cannot keep ${keep} versions: at least 1 is kept, since a name's latest version is never pruned`,
    );
  }
  return keep;
}

/**
 * One name's versions from oldest to latest, by the rule of {@linkcode latestVersion}: by
 * integer value when every version is an integer, else by date written, then by version.
 */
export function byRecency<T extends VersionEntry>(entries: readonly T[]): T[] {
  const integers = entries.every((e) => isIntegerVersion(e.version));
  return [...entries].sort((a, b) => {
    if (integers) return compareVersions(a.version, b.version);
    const dt = (a.modified?.getTime() ?? 0) - (b.modified?.getTime() ?? 0);
    return dt !== 0 ? dt : compareVersions(a.version, b.version);
  });
}

/** The entries pruning removes under `rule`, sorted by name and version. */
export function selectPrunable<T extends VersionEntry>(
  entries: readonly T[],
  rule: PruneRule,
): T[] {
  const keep = checkKeep(rule.keep);
  const byName = new Map<string, T[]>();
  for (const entry of entries) {
    const list = byName.get(entry.name) ?? [];
    list.push(entry);
    byName.set(entry.name, list);
  }
  const selected: T[] = [];
  for (const list of byName.values()) {
    const older = byRecency(list).slice(0, Math.max(0, list.length - keep));
    for (const entry of older) {
      if (rule.before === undefined) selected.push(entry);
      else if (entry.modified !== undefined && entry.modified < rule.before) selected.push(entry);
    }
  }
  return sortEntries(selected);
}
