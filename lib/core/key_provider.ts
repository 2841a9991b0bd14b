/**
 * The key provider seam: make a fresh data key for a context, and unwrap one for a context.
 *
 * @module
 */
import type { EncryptionContext } from "./context.ts";

/** A fresh data key: the plaintext to encrypt with, and the wrapped form to store. */
export interface DataKey {
  /** 64 bytes: AES-256 key, then HMAC key. Never printed or stored. */
  plaintext: Uint8Array;
  /** The data key wrapped by the master key; stored base64 in the `key` field. */
  wrapped: Uint8Array;
}

/**
 * One master key that wraps and unwraps data keys, bound to an encryption context. A provider
 * stands for exactly one master key: it unwraps only data keys that key wrapped, never one
 * wrapped under another key the same credentials may use. A command that reads under one key
 * and writes under another (copying between stores) holds two providers, one per key.
 */
export interface KeyProvider {
  /** Where the master key is, for messages: `kms:alias/creds3`, `local:/path/master.key`. */
  readonly description: string;
  /** Makes a fresh 64-byte data key bound to `context`. */
  generateDataKey(context: EncryptionContext): Promise<DataKey>;
  /**
   * Unwraps a stored data key; fails when `context` differs from the one it was made with, or
   * when another master key wrapped it.
   */
  decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
  /**
   * Starts getting ready (loading code, resolving credentials) without waiting, so that it
   * overlaps the store's first requests. A failure surfaces at the first use, not here.
   */
  prepare?(): void;
}

/** Optional ability: make the master key and check it, as `setup` does. */
export interface SetupKeyProvider {
  /**
   * Creates the master key when `create` and it does not exist (an existing key is never
   * replaced), then checks what can be checked without using it. Calls `report` with one line
   * for each thing done or found.
   */
  setupKey(options: { create?: boolean; report: (line: string) => void }): Promise<void>;
}

/** Whether a key provider can make and check its master key. */
export function canSetupKey(keys: KeyProvider): keys is KeyProvider & SetupKeyProvider {
  return typeof (keys as Partial<SetupKeyProvider>).setupKey === "function";
}

/**
 * Optional ability: wrap a data key given to it. Moving a data key from one master key to
 * another without a direct path between them unwraps it with one provider and wraps it with
 * this one.
 */
export interface WrapKeyProvider {
  /**
   * Wraps the 64-byte data key `plaintext` under this master key, bound to `context`, in the
   * form `decryptDataKey` unwraps. `plaintext` is the caller's to zero.
   */
  wrapDataKey(plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array>;
}

/** Whether a key provider can wrap a data key it is given. */
export function canWrapDataKey(keys: KeyProvider): keys is KeyProvider & WrapKeyProvider {
  return typeof (keys as Partial<WrapKeyProvider>).wrapDataKey === "function";
}

/**
 * Optional ability: move a data key from this master key to another inside the key service,
 * so that the data key never leaves it (KMS `ReEncrypt`).
 */
export interface ReEncryptKeyProvider {
  /**
   * The data key `wrapped` (wrapped under this master key with `context`) wrapped under
   * `destination`'s master key with the same context; `undefined` when this provider has no
   * direct path to that key (another kind of provider, another region, other credentials),
   * and the caller unwraps and wraps instead. Fails as `decryptDataKey` does when another
   * master key wrapped it or the context differs.
   */
  reEncrypt(
    wrapped: Uint8Array,
    context: EncryptionContext,
    destination: KeyProvider,
  ): Promise<Uint8Array | undefined>;
}

/** Whether a key provider can move a data key to another master key inside the key service. */
export function canReEncrypt(keys: KeyProvider): keys is KeyProvider & ReEncryptKeyProvider {
  return typeof (keys as Partial<ReEncryptKeyProvider>).reEncrypt === "function";
}

/**
 * Optional ability: tell whether another provider stands for this same master key under
 * another name (a KMS alias and its key's id or ARN, two aliases of one key; two paths to one
 * key file, or two files holding one key). A rotation to the same key would rewrite every
 * version and leave the key in use: it is refused.
 */
export interface SameKeyProvider {
  /**
   * Whether `other` is this master key. False when it cannot tell them apart without another
   * service (another kind of provider, another region or credentials). Fails when either key
   * cannot be found.
   */
  sameKeyAs(other: KeyProvider): Promise<boolean>;
}

/** Whether a key provider can tell whether another one is the same master key. */
export function canCompareKeys(keys: KeyProvider): keys is KeyProvider & SameKeyProvider {
  return typeof (keys as Partial<SameKeyProvider>).sameKeyAs === "function";
}
