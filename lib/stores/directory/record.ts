/**
 * The directory store's record of one version: a JSON object with the format's four fields,
 * and `comment` and `binary` when set, on one line.
 *
 * @example
 * ```ts
 * import { parseRecord, recordBytes } from "./record.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const secret = { contents: "Y2lwaGVy", key: "a2V5", hmac: "00ff", digest: "SHA256", binary: true };
 * const text = new TextDecoder().decode(recordBytes(secret));
 * deepStrictEqual(parseRecord(text, "tls/blob", "1"), secret);
 * ```
 *
 * @module
 */
import { IntegrityError } from "../../core/errors.ts";
import type { StoredSecret } from "../../core/store.ts";

const FIELDS = ["contents", "key", "hmac", "digest"] as const;

/** A version's record as stored: the format's four fields, and `comment` and `binary` when set. */
export function recordBytes(secret: StoredSecret): Uint8Array {
  const { contents, key, hmac, digest, comment } = secret;
  const binary = secret.binary || undefined;
  const record = { contents, key, hmac, digest, comment, binary };
  return new TextEncoder().encode(JSON.stringify(record) + "\n");
}

/** The stored fields of a version's record; a malformed one is an `IntegrityError`. */
export function parseRecord(text: string, name: string, version: string): StoredSecret {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(text);
  } catch {
    throw new IntegrityError(`Version ${version} of '${name}' is not a valid stored secret`, {
      secret: { name, version },
    });
  }
  for (const field of FIELDS) {
    if (typeof data?.[field] !== "string") {
      throw new IntegrityError(`Version ${version} of '${name}' has no '${field}' field`, {
        secret: { name, version },
      });
    }
  }
  const { contents, key, hmac, digest, comment, binary } = data as unknown as StoredSecret;
  const malformed = comment !== undefined && typeof comment !== "string" ||
    binary !== undefined && typeof binary !== "boolean";
  if (malformed) {
    const message = `Version ${version} of '${name}' has a malformed comment or binary field`;
    throw new IntegrityError(message, { secret: { name, version } });
  }
  return {
    contents,
    key,
    hmac,
    digest,
    ...(comment === undefined ? {} : { comment }),
    ...(binary ? { binary } : {}),
  };
}
