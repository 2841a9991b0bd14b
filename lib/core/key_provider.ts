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
