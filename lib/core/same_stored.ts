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
import { StoreError } from "./errors.ts";
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
