/**
 * A stored version's S3 user metadata: the format's `key`, `hmac` and `digest`, and beside them
 * `comment-base64` (the comment's UTF-8, standard base64) and `value-encoding: base64` (a binary
 * secret), which the original Python creds3 ignores. S3 allows 2 KB of user metadata, names and
 * values together; see `docs/FORMAT.md`, "Comments and binary values".
 *
 * @example
 * ```ts
 * import { detailsFromMetadata, toMetadata } from "./metadata.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const meta = toMetadata({ contents: "", key: "a2V5", hmac: "00", digest: "SHA256", comment: "né" });
 * deepStrictEqual(meta, { key: "a2V5", hmac: "00", digest: "SHA256", "comment-base64": "bsOp" });
 * deepStrictEqual(detailsFromMetadata(meta, { name: "n", version: "1" }), {
 *   comment: "né",
 *   binary: false,
 * });
 * ```
 *
 * @module
 */
import { decodeUtf8, fromBase64, toBase64 } from "../../core/encoding.ts";
import { IntegrityError, type SecretRef, StoreError } from "../../core/errors.ts";
import type { StoredSecret } from "../../core/store.ts";

/** The metadata name of the comment: standard base64 of its UTF-8. */
export const COMMENT_KEY = "comment-base64";
/** The metadata name that marks a binary secret; its one value is `base64`. */
export const ENCODING_KEY = "value-encoding";
/** S3's limit on user metadata: the UTF-8 bytes of every name and value together. */
export const MAX_METADATA_BYTES = 2048;

/** The user metadata of a stored version. Throws when it would exceed S3's 2 KB. */
export function toMetadata(secret: StoredSecret): Record<string, string> {
  const meta: Record<string, string> = {
    key: secret.key,
    hmac: secret.hmac,
    digest: secret.digest,
  };
  if (secret.comment !== undefined) {
    meta[COMMENT_KEY] = toBase64(new TextEncoder().encode(secret.comment));
  }
  if (secret.binary) meta[ENCODING_KEY] = "base64";
  const size = Object.entries(meta).reduce(
    (sum, [name, value]) => sum + new TextEncoder().encode(name + value).length,
    0,
  );
  if (size > MAX_METADATA_BYTES) {
    // Unreachable with comments within their limit and a wrapped key of up to 400 characters.
    throw new StoreError(
      `The object's metadata would be ${size} bytes, more than the ${MAX_METADATA_BYTES} S3 allows`,
    );
  }
  return meta;
}

/** The comment and binary mark of a version's metadata; a malformed one is an IntegrityError. */
export function detailsFromMetadata(
  meta: Record<string, string>,
  secret: SecretRef,
): { comment?: string; binary: boolean } {
  const encoded = meta[COMMENT_KEY];
  let comment: string | undefined;
  if (encoded !== undefined) {
    try {
      comment = decodeUtf8(fromBase64(encoded.trim()));
    } catch {
      comment = undefined;
    }
    if (comment === undefined) {
      throw new IntegrityError(
        `Version ${secret.version} of '${secret.name}' has a '${COMMENT_KEY}' that is not base64 of UTF-8 text`,
        { secret },
      );
    }
  }
  const encoding = meta[ENCODING_KEY];
  if (encoding !== undefined && encoding !== "base64") {
    throw new IntegrityError(
      `Version ${secret.version} of '${secret.name}' has an unknown '${ENCODING_KEY}' (only 'base64' is known)`,
      { secret },
    );
  }
  return { ...(comment === undefined ? {} : { comment }), binary: encoding === "base64" };
}

/** The stored fields of a version's metadata (the body is the contents). */
export function fromMetadata(
  contents: string,
  meta: Record<string, string>,
  secret: SecretRef,
): StoredSecret {
  // The original always writes all three; a missing one (digest too: falling back to a
  // default would let whoever can write the bucket pick the digest) is tampering.
  for (const field of ["key", "hmac", "digest"]) {
    if (typeof meta[field] !== "string") {
      throw new IntegrityError(
        `Version ${secret.version} of '${secret.name}' has no '${field}' metadata: it was altered, or not written by creds3`,
        { secret },
      );
    }
  }
  const { comment, binary } = detailsFromMetadata(meta, secret);
  return {
    contents,
    key: meta.key,
    hmac: meta.hmac,
    digest: meta.digest,
    ...(comment === undefined ? {} : { comment }),
    ...(binary ? { binary } : {}),
  };
}
