/**
 * Whether two stored versions are the same: what a copy, a re-wrap in place and a conditional
 * replacement compare; and the error of a version that is no longer the one read.
 *
 * @example
 * ```ts
 * import { sameStored } from "./same_stored.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const a = { contents: "Y2lwaGVy", key: "a2V5LTE=", hmac: "00ff", digest: "SHA256" };
 * const b = { ...a, key: "a2V5LTI=" };
 * strictEqual(sameStored(a, b), false);
 * strictEqual(sameStored(a, b, { ignoreKey: true }), true);
 * ```
 *
 * @module
 */
import { StoreError, VersionExistsError } from "./errors.ts";
import type { StoredSecret } from "./store.ts";

/** Options of {@linkcode sameStored}. */
export interface SameStoredOptions {
  /** Leave the wrapped data key out: the same value with its data key wrapped another way. */
  ignoreKey?: boolean;
}

/**
 * Whether `a` and `b` hold the same fields, exactly: contents, hmac, digest, comment and the
 * binary mark, and the wrapped data key unless `ignoreKey`.
 */
export function sameStored(
  a: StoredSecret,
  b: StoredSecret,
  options: SameStoredOptions = {},
): boolean {
  return a.contents === b.contents && a.hmac === b.hmac && a.digest === b.digest &&
    (options.ignoreKey || a.key === b.key) && a.comment === b.comment &&
    Boolean(a.binary) === Boolean(b.binary);
}

/** The error of a version that changed since it was read (reason `version-changed`). */
export function versionChanged(name: string, version: string): StoreError {
  return new StoreError(`Version ${version} of '${name}' changed since it was read`, {
    reason: { type: "version-changed" },
    secret: { name, version },
  });
}

/** How a create-only write failed, as far as its store can tell. */
export interface FailedCreate {
  /** The store refused it: the version exists. */
  conflict: boolean;
  /** No answer came back (a reset, a timeout): it may have been stored all the same. */
  outcomeUnknown: boolean;
}

/**
 * Settles a create-only write that failed. A retried write whose first attempt landed meets its
 * own version, and a write without an answer may have landed: `holds` (whether the stored
 * version has exactly the fields written; every put has a fresh wrapped data key, so only our
 * own write can) tells ours apart. Returns true when the version is ours; throws a
 * `VersionExistsError` on a conflict with another writer's; returns false otherwise, for the
 * store to report its own error.
 */
export async function settleFailedCreate(
  name: string,
  version: string,
  failed: FailedCreate,
  holds: () => Promise<boolean>,
): Promise<boolean> {
  if (failed.conflict) {
    if (await holds()) return true;
    throw new VersionExistsError(`Version ${version} of '${name}' already exists`, {
      secret: { name, version },
    });
  }
  // The outcome is unknown: the store's error is reported unless the version is ours.
  return failed.outcomeUnknown && await holds().catch(() => false);
}
