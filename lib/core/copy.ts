/**
 * Copying stored versions from one store to another, keeping their version numbers, comments
 * and binary marks. Each version the destination lacks is read and created there (create-only,
 * so it is never half-written and never overwrites); a version the destination already holds
 * is compared, never replaced.
 *
 * As they are, the stored fields are copied without any key service call and without a
 * plaintext: the copies stay wrapped under the source's master key. With `rewrap`, each data
 * key is moved to the destination's master key with the same context (see rewrap_key.ts): the
 * ciphertext and HMAC stay as they are.
 *
 * @example Copy every version to a second store, then again: nothing left to copy
 * ```ts
 * import { copyVersions, CredentialStore, createMasterKey, LocalKeyProvider, MemoryStore } from "../../mod.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await createMasterKey(`${dir}/master.key`);
 * const keys = new LocalKeyProvider(`${dir}/master.key`);
 * const from = new CredentialStore(new MemoryStore(), keys);
 * const to = new CredentialStore(new MemoryStore(), keys);
 * await from.put("db/password", "first", { autoversion: true });
 * await from.put("db/password", "second", { autoversion: true });
 * const first = await copyVersions(from, to, "db/*");
 * deepStrictEqual(first.copied.map((e) => e.version), ["1", "2"]);
 * strictEqual((await to.get("db/password")).value, "second");
 * const again = await copyVersions(from, to, "db/*");
 * deepStrictEqual([again.copied.length, again.present.length], [0, 2]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import type { EncryptionContext } from "./context.ts";
import type { CredentialStore } from "./credential_store.ts";
import {
  eachVersion,
  entryOf,
  fieldsOf,
  type ListedVersion,
  type ReadFailure,
} from "./each_version.ts";
import { toBase64 } from "./encoding.ts";
import { VersionExistsError } from "./errors.ts";
import type { VersionEntry } from "./names.ts";
import { rewrapDataKey, wrappedKeyOf } from "./rewrap_key.ts";
import { sameStored } from "./same_stored.ts";
import type { StoredSecret } from "./store.ts";

/** Options of {@linkcode copyVersions}. */
export interface CopyOptions {
  /** The encryption context of the versions (needed only with `rewrap`). */
  context?: EncryptionContext;
  /** Only the latest version of each name. */
  latestOnly?: boolean;
  /** Move each data key to the destination's master key; default: copy the fields as they are. */
  rewrap?: boolean;
  /** Say what would be copied, and copy nothing (the versions to copy are not read). */
  dryRun?: boolean;
  /** Called with the versions done so far and the total, as `getMany` calls it. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@linkcode copyVersions} did, each list sorted. */
export interface CopyResult {
  /** Versions copied; with `dryRun`, those that would be. */
  copied: VersionEntry[];
  /**
   * Versions the destination already holds with the same content: the same ciphertext, HMAC,
   * comment and binary mark, its data key wrapped under any master key.
   */
  present: VersionEntry[];
  /**
   * Of `present`, with `rewrap`: those whose data key the destination holds wrapped exactly as
   * the source does, so still under the source's master key (an earlier copy as they were).
   */
  presentUnderSourceKey: VersionEntry[];
  /** Versions the destination holds with other content: left as they are. */
  conflicts: VersionEntry[];
  /** Versions that could not be copied, and why. */
  failures: ReadFailure[];
}

type Outcome = "copied" | "present" | "present-under-source-key" | "conflict";

/**
 * Copies every version of every name matching `pattern` (all names when undefined) that `to`
 * lacks from `from`, at `from`'s concurrency. A pattern that matches nothing is a
 * `NotFoundError`; the failures of single versions are returned, not thrown.
 */
export async function copyVersions(
  from: CredentialStore,
  to: CredentialStore,
  pattern: string | undefined,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const concurrency = from.concurrency;
  if (options.rewrap && !options.dryRun) {
    // The key services load while the listings are on the network.
    from.keys.prepare?.();
    to.keys.prepare?.();
  }
  const [entries, there] = await Promise.all([
    from.select(pattern, { latestOnly: options.latestOnly, withFields: !options.dryRun }),
    to.list(pattern),
  ]);
  const held = new Set(there.map(entryKey));
  const context = options.context ?? {};

  // The same version whatever master key wraps its data key: the destination's may have been
  // re-wrapped since an earlier copy (`rewrap` there, or `copy --to-key`).
  const compare = (source: StoredSecret, destination: StoredSecret): Outcome => {
    if (!sameStored(source, destination, { ignoreKey: true })) return "conflict";
    return options.rewrap && source.key === destination.key
      ? "present-under-source-key"
      : "present";
  };

  const copyOne = async (entry: ListedVersion): Promise<Outcome> => {
    const { name, version } = entry;
    if (held.has(entryKey({ name, version }))) {
      const [source, destination] = await Promise.all([
        fieldsOf(from.store, entry),
        to.store.read(name, version),
      ]);
      return compare(source, destination);
    }
    if (options.dryRun) return "copied";
    const source = await fieldsOf(from.store, entry);
    const copy = options.rewrap
      ? {
        ...source,
        key: toBase64(await rewrapDataKey(wrappedKeyOf(source), context, from.keys, to.keys)),
      }
      : source;
    try {
      await to.store.create(name, version, copy);
      return "copied";
    } catch (e) {
      // Created meanwhile (another copy running at the same time): compared like the others.
      if (!(e instanceof VersionExistsError)) throw e;
    }
    return compare(source, await to.store.read(name, version));
  };

  const { results, failures } = await eachVersion(
    entries,
    { concurrency, onProgress: options.onProgress },
    copyOne,
  );
  const outcome = (...wanted: Outcome[]) =>
    results.filter((r) => wanted.includes(r.value)).map((r) => entryOf(r.entry));
  return {
    copied: outcome("copied"),
    present: outcome("present", "present-under-source-key"),
    presentUnderSourceKey: outcome("present-under-source-key"),
    conflicts: outcome("conflict"),
    failures,
  };
}

function entryKey(entry: { name: string; version: string }): string {
  return `${entry.name}\0${entry.version}`;
}
