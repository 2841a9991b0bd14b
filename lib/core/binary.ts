/**
 * Binary secrets: arbitrary bytes are stored as the standard base64 text of the bytes, and the
 * stored version is marked binary (see `docs/FORMAT.md`, "Comments and binary values"). Text
 * outputs give that base64 text; `get` and the `k8s` format give the bytes.
 *
 * @example
 * ```ts
 * import { valueBytes } from "./binary.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const secret = { name: "tls/key", version: "1", value: "AAEC/w==", binary: true as const };
 * deepStrictEqual(valueBytes(secret), new Uint8Array([0, 1, 2, 255]));
 * ```
 *
 * @module
 */
import type { Secret } from "./credential_store.ts";
import { fromBase64 } from "./encoding.ts";
import { IntegrityError } from "./errors.ts";

/**
 * The bytes of a secret's value: for a binary secret the bytes its base64 text stands for,
 * otherwise the UTF-8 of the text. A binary secret whose value is not standard base64 is an
 * {@link IntegrityError}.
 */
export function valueBytes(secret: Secret): Uint8Array {
  if (!secret.binary) return new TextEncoder().encode(secret.value);
  try {
    return fromBase64(secret.value);
  } catch {
    throw new IntegrityError("The value is marked binary but is not standard base64", {
      secret: { name: secret.name, version: secret.version },
    });
  }
}

/**
 * Calls `use` with the bytes of a secret's value ({@linkcode valueBytes}) and zeroes them once
 * it is done, also when it throws.
 */
export async function withValueBytes<T>(
  secret: Secret,
  use: (bytes: Uint8Array) => Promise<T>,
): Promise<T> {
  const bytes = valueBytes(secret);
  try {
    return await use(bytes);
  } finally {
    bytes.fill(0);
  }
}
