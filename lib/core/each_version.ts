/**
 * Running one operation over many stored versions the way `getMany` reads many secrets: the
 * configured number at once, progress after each, no new one started once the store or the key
 * service cannot be reached, and each failure kept with the version it concerns.
 *
 * @module
 */
import {
  type CredentialStore,
  notRead,
  type ReadFailure,
  unreachable,
} from "./credential_store.ts";
import { Creds3Error, NotFoundError } from "./errors.ts";
import { isPattern, sortEntries, type VersionEntry } from "./names.ts";
import { mapSettled } from "./pool.ts";

/** Options of {@linkcode eachVersion}. */
export interface EachVersionOptions {
  /** Operations in flight at once. */
  concurrency: number;
  /** Called with how many are done (or failed) and the total: once with 0, then after each. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@linkcode eachVersion} did: each version with its result, and the failures. */
export interface EachVersionResult<R> {
  results: { entry: VersionEntry; value: R }[];
  failures: ReadFailure[];
}

/**
 * Runs `fn` on each entry, at most `concurrency` at once; results and failures keep the order
 * of `entries`. An error of ours is told which version it concerns.
 */
export async function eachVersion<R>(
  entries: readonly VersionEntry[],
  options: EachVersionOptions,
  fn: (entry: VersionEntry) => Promise<R>,
): Promise<EachVersionResult<R>> {
  const progress = options.onProgress;
  let done = 0;
  progress?.(0, entries.length);
  const settled = await mapSettled(
    entries,
    options.concurrency,
    async (entry) => {
      try {
        return await fn(entry);
      } catch (e) {
        if (e instanceof Creds3Error) e.attachSecret({ name: entry.name, version: entry.version });
        throw e;
      } finally {
        progress?.(++done, entries.length);
      }
    },
    { stopWhen: unreachable },
  );
  const results: EachVersionResult<R>["results"] = [];
  const failures: ReadFailure[] = [];
  settled.forEach((r, i) => {
    const entry = entries[i];
    if (r.status === "fulfilled") results.push({ entry, value: r.value });
    else {failures.push({
        name: entry.name,
        version: entry.version,
        error: notRead(r.reason, entry),
      });}
  });
  if (done < entries.length) progress?.(entries.length, entries.length);
  return { results, failures };
}

/**
 * The stored versions whose name matches `pattern` (every name when undefined), sorted: all of
 * them, or with `latestOnly` the latest of each name. A pattern that matches nothing is a
 * {@link NotFoundError}.
 */
export async function selectVersions(
  creds: CredentialStore,
  pattern: string | undefined,
  latestOnly = false,
): Promise<VersionEntry[]> {
  const entries = latestOnly ? sortEntries(await creds.latest(pattern)) : await creds.list(pattern);
  if (pattern !== undefined && entries.length === 0) {
    throw new NotFoundError(
      isPattern(pattern)
        ? `No credential matches '${pattern}'`
        : `Credential '${pattern}' is not in ${creds.store.description}`,
      isPattern(pattern) ? { reason: { type: "no-match" } } : { secret: { name: pattern } },
    );
  }
  return entries;
}
