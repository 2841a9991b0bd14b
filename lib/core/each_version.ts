/**
 * Running one operation over many stored versions, as `getMany` reads many secrets: the
 * configured number at once, progress after each, no new one started once the store or the key
 * service cannot be reached, and each failure kept with the version it concerns.
 *
 * @module
 */
import { Creds3Error } from "./errors.ts";
import type { VersionEntry } from "./names.ts";
import { mapSettled, NotStarted } from "./pool.ts";
import type { Store, StoredSecret } from "./store.ts";

/** A version, with its fields when the listing gave them. */
export type ListedVersion = VersionEntry & { stored?: () => StoredSecret };

/** The fields of a version: those its listing gave, else read from `store`. */
export async function fieldsOf(store: Store, entry: ListedVersion): Promise<StoredSecret> {
  return entry.stored ? entry.stored() : await store.read(entry.name, entry.version);
}

/** Only the name and version of an entry (without the fields a listing gave). */
export function entryOf({ name, version }: VersionEntry): VersionEntry {
  return { name, version };
}

/** A secret that could not be read, and why. */
export interface ReadFailure {
  name: string;
  version: string;
  error: Error;
}

/**
 * Network codes of a request that reached no server or got no answer, after its retries: the
 * connection refused, the host unknown or unreachable, or no answer in time.
 */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  // The AWS SDK's name for an attempt that found no connection in time.
  "TimeoutError",
]);

/** Whether an error says the store or the key service could not be reached at all. */
export function unreachable(error: unknown): boolean {
  return error instanceof Creds3Error && UNREACHABLE_CODES.has(error.code ?? "");
}

/** The error of a read: its own, or why it was never started. */
export function notRead(reason: unknown, entry: VersionEntry): Error {
  if (!(reason instanceof NotStarted)) return reason as Error;
  return new Creds3Error(
    "not tried, since an earlier read could not reach the store or the key service",
    { reason: { type: "reads-stopped" }, cause: reason.stoppedBy },
  ).attachSecret({ name: entry.name, version: entry.version });
}

/** Options of {@linkcode eachVersion}. */
export interface EachVersionOptions {
  /** Operations in flight at once. */
  concurrency: number;
  /** Called with how many are done (or failed) and the total: once with 0, then after each. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@linkcode eachVersion} did: each version with its result, and the failures. */
export interface EachVersionResult<R, E extends VersionEntry = VersionEntry> {
  results: { entry: E; value: R }[];
  failures: ReadFailure[];
}

/**
 * Runs `fn` on each entry, at most `concurrency` at once; results and failures keep the order
 * of `entries`. An error of ours is told which version it concerns.
 */
export async function eachVersion<R, E extends VersionEntry = VersionEntry>(
  entries: readonly E[],
  options: EachVersionOptions,
  fn: (entry: E) => Promise<R>,
): Promise<EachVersionResult<R, E>> {
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
  const results: EachVersionResult<R, E>["results"] = [];
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
