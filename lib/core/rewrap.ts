/**
 * Key rotation in place: the data key of every stored version moved from the configured master
 * key to another, with the same encryption context, and written back over the same version
 * (`RewrapStore.replaceKey`): same ciphertext, same HMAC, same version number. Afterwards every
 * version reads with the new key alone.
 *
 * A version whose data key the new key already wraps is left as it is, so a rotation that was
 * interrupted is finished by running it again. Telling costs one more key service call for such
 * a version (KMS: a `ReEncrypt` to the new key itself, so the data key never leaves KMS); which
 * of the two is tried first follows the version before, so a fresh rotation and a finished one
 * both cost one call per version.
 *
 * @example Rotate from one local master key to another
 * ```ts
 * import { CredentialStore, createMasterKey, LocalKeyProvider, MemoryStore, rewrapVersions } from "../../mod.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await createMasterKey(`${dir}/old.key`);
 * await createMasterKey(`${dir}/new.key`);
 * const store = new MemoryStore();
 * const old = new CredentialStore(store, new LocalKeyProvider(`${dir}/old.key`));
 * await old.put("db/password", "correct horse", { context: { env: "prod" } });
 * const next = new LocalKeyProvider(`${dir}/new.key`);
 * const done = await rewrapVersions(old, next, "db/*", { context: { env: "prod" } });
 * deepStrictEqual(done.rewrapped.map((e) => e.name), ["db/password"]);
 * const rotated = new CredentialStore(store, next);
 * strictEqual((await rotated.get("db/password", { context: { env: "prod" } })).value, "correct horse");
 * const again = await rewrapVersions(old, next, "db/*", { context: { env: "prod" } });
 * deepStrictEqual([again.rewrapped.length, again.already.length], [0, 1]);
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
import { UsageError } from "./errors.ts";
import { canCompareKeys, type KeyProvider } from "./key_provider.ts";
import type { VersionEntry } from "./names.ts";
import { refusedToUnwrap, rewrapDataKey, unwrapsUnder, wrappedKeyOf } from "./rewrap_key.ts";
import { canReplaceKey } from "./store.ts";

/** Options of {@linkcode rewrapVersions}. */
export interface RewrapOptions {
  /** The encryption context the versions were stored with. */
  context?: EncryptionContext;
  /** Called with the versions done so far and the total, as `getMany` calls it. */
  onProgress?: (done: number, total: number) => void;
}

/** What {@linkcode rewrapVersions} did, each list sorted. */
export interface RewrapResult {
  /** Versions whose data key is now wrapped under the new master key. */
  rewrapped: VersionEntry[];
  /** Versions whose data key the new master key already wrapped: left as they are. */
  already: VersionEntry[];
  /** Versions that could not be re-wrapped, and why. */
  failures: ReadFailure[];
}

/**
 * Re-wraps the data key of every version of every name matching `pattern` (all names when
 * undefined) in `creds`' store, from `creds`' master key to `to`'s, at `creds`' concurrency.
 * A store without the `RewrapStore` ability is a `UsageError`, and so is a `to` that is the
 * same master key under another name (reason `same-master-key`); a pattern that matches
 * nothing is a `NotFoundError`; the failures of single versions are returned, not thrown.
 */
export async function rewrapVersions(
  creds: CredentialStore,
  to: KeyProvider,
  pattern: string | undefined,
  options: RewrapOptions = {},
): Promise<RewrapResult> {
  const { store, keys } = creds;
  if (!canReplaceKey(store)) {
    throw new UsageError(`${store.description} cannot replace a version's data key in place`);
  }
  const concurrency = creds.concurrency;
  keys.prepare?.();
  to.prepare?.();
  // The same key under another name would rewrite every version and rotate nothing.
  if (canCompareKeys(keys) && await keys.sameKeyAs(to)) {
    throw new UsageError(
      `${to.description} is ${keys.description}, the master key the versions are read with, ` +
        "under another name",
      { reason: { type: "same-master-key" } },
    );
  }
  const entries = await creds.select(pattern, { withFields: true });
  const context = options.context ?? {};
  // Versions are rotated in name order: after an interruption, those done come first.
  let lastWasDone = false;

  const rewrapOne = async (entry: ListedVersion): Promise<"rewrapped" | "already"> => {
    const { name, version } = entry;
    const stored = await fieldsOf(store, entry);
    const wrapped = wrappedKeyOf(stored);
    const done = () => (lastWasDone = true, "already" as const);
    const probed = lastWasDone;
    if (probed && await unwrapsUnder(to, wrapped, context)) return done();
    let moved: Uint8Array;
    try {
      moved = await rewrapDataKey(wrapped, context, keys, to);
    } catch (e) {
      if (!probed && refusedToUnwrap(e) && await unwrapsUnder(to, wrapped, context)) return done();
      throw e;
    }
    await store.replaceKey(name, version, stored, toBase64(moved));
    lastWasDone = false;
    return "rewrapped";
  };

  const { results, failures } = await eachVersion(
    entries,
    { concurrency, onProgress: options.onProgress },
    rewrapOne,
  );
  const outcome = (wanted: string) =>
    results.filter((r) => r.value === wanted).map((r) => entryOf(r.entry));
  return { rewrapped: outcome("rewrapped"), already: outcome("already"), failures };
}
