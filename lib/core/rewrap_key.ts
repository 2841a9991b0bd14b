/**
 * Moving a stored data key from one master key to another with the same encryption context:
 * inside the key service when the source provider has a direct path to the destination's key
 * (KMS `ReEncrypt`), else unwrapped by one provider and wrapped by the other, the plaintext
 * data key zeroed as soon as it is wrapped. The ciphertext and HMAC it protects do not change.
 *
 * @module
 */
import type { EncryptionContext } from "./context.ts";
import { fromBase64 } from "./encoding.ts";
import { IntegrityError, KeyProviderError } from "./errors.ts";
import { canReEncrypt, canWrapDataKey, type KeyProvider } from "./key_provider.ts";
import type { StoredSecret } from "./store.ts";

/** The wrapped data key of a stored version, decoded; malformed base64 is an IntegrityError. */
export function wrappedKeyOf(stored: StoredSecret): Uint8Array {
  try {
    return fromBase64(stored.key.trim());
  } catch {
    throw new IntegrityError("The stored data key is not valid base64");
  }
}

/**
 * `wrapped`, a data key `from`'s master key wrapped with `context`, wrapped under `to`'s master
 * key with the same context. Fails as `from.decryptDataKey` does when another master key
 * wrapped it or the context differs.
 */
export async function rewrapDataKey(
  wrapped: Uint8Array,
  context: EncryptionContext,
  from: KeyProvider,
  to: KeyProvider,
): Promise<Uint8Array> {
  if (canReEncrypt(from)) {
    const direct = await from.reEncrypt(wrapped, context, to);
    if (direct !== undefined) return direct;
  }
  if (!canWrapDataKey(to)) {
    throw new KeyProviderError(`The master key ${to.description} cannot wrap a given data key`);
  }
  const plaintext = await from.decryptDataKey(wrapped, context);
  try {
    return await to.wrapDataKey(plaintext, context);
  } finally {
    plaintext.fill(0);
  }
}

/**
 * Whether a key provider refused to unwrap a data key because of the data key itself: another
 * master key wrapped it, or with another context (not a network, permission or key-state
 * failure). The local key cannot tell the two apart and says neither.
 */
export function refusedToUnwrap(error: unknown): boolean {
  if (!(error instanceof KeyProviderError)) return false;
  const type = error.reason?.type;
  if (type === undefined) return error.code === undefined;
  return type === "wrong-kms-key" || type === "context-mismatch" || type === "foreign-data-key";
}

/**
 * Whether `keys`' master key unwraps `wrapped` with `context`. KMS answers inside the service
 * (a `ReEncrypt` to its own key, whose result is dropped); another provider unwraps it, and the
 * data key is zeroed at once. A refusal is `false`; any other failure is thrown.
 */
export async function unwrapsUnder(
  keys: KeyProvider,
  wrapped: Uint8Array,
  context: EncryptionContext,
): Promise<boolean> {
  try {
    if (canReEncrypt(keys)) {
      const moved = await keys.reEncrypt(wrapped, context, keys);
      if (moved !== undefined) return true;
    }
    (await keys.decryptDataKey(wrapped, context)).fill(0);
    return true;
  } catch (e) {
    if (refusedToUnwrap(e)) return false;
    throw e;
  }
}
