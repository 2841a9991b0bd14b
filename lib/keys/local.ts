/**
 * The local master key: 32 random bytes in a file of mode 0600, the embedded default that needs
 * no AWS. Data keys are wrapped with AES-256-GCM, the canonical encryption context bound as
 * associated data, so a wrong or missing context fails as it does with KMS.
 *
 * Wrapped data key layout (then base64 in the `key` field): the 4 ASCII bytes `C3L1`, a 12-byte
 * random nonce, and the AES-GCM ciphertext of the 64-byte data key with its 16-byte tag.
 *
 * @module
 */
import { dirname } from "../core/paths.ts";
import { canonicalContext, type EncryptionContext } from "../core/context.ts";
import { KeyProviderError, NotFoundError, osErrorCode } from "../core/errors.ts";
import type {
  DataKey,
  KeyProvider,
  SameKeyProvider,
  SetupKeyProvider,
  WrapKeyProvider,
} from "../core/key_provider.ts";

const MAGIC = new TextEncoder().encode("C3L1");
const MASTER_KEY_BYTES = 32;
const DATA_KEY_BYTES = 64;
const NONCE_BYTES = 12;

/**
 * Reads a master key file, refusing a missing, malformed or group/world-accessible one. The
 * caller owns the bytes returned and zeroes them (see {@linkcode importMasterKey}).
 */
export async function readMasterKey(path: string): Promise<Uint8Array<ArrayBuffer>> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new NotFoundError(`Local master key '${path}' does not exist`, {
        reason: { type: "no-local-key", path },
      });
    }
    throw new KeyProviderError(`Cannot read local master key '${path}': ${(e as Error).message}`, {
      code: osErrorCode(e),
    });
  }
  if (Deno.build.os !== "windows" && info.mode !== null && (info.mode & 0o077) !== 0) {
    throw new KeyProviderError(
      `Local master key '${path}' is accessible by others (mode ${
        (info.mode & 0o777).toString(8).padStart(3, "0")
      })`,
      { reason: { type: "key-too-open", path } },
    );
  }
  const bytes = await Deno.readFile(path);
  if (bytes.length !== MASTER_KEY_BYTES) {
    bytes.fill(0);
    throw new KeyProviderError(
      `Local master key '${path}' is ${bytes.length} bytes, expected ${MASTER_KEY_BYTES}`,
    );
  }
  return bytes;
}

/**
 * Creates a new master key file (mode 0600, its folder 0700) unless one exists. Returns whether
 * it created one; an existing key is never replaced. The key is written to a temporary file,
 * flushed, then hard-linked into place (which fails if the key exists), so a crash or a second
 * `setup` at the same moment never leaves a short or empty key file.
 */
export async function createMasterKey(path: string): Promise<boolean> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    const file = await Deno.open(temp, { createNew: true, write: true, mode: 0o600 });
    const key = crypto.getRandomValues(new Uint8Array(MASTER_KEY_BYTES));
    try {
      let written = 0;
      while (written < key.length) written += await file.write(key.subarray(written));
      await file.syncData();
    } finally {
      key.fill(0);
      file.close();
    }
    await Deno.link(temp, path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw new KeyProviderError(
      `Cannot create local master key '${path}': ${(e as Error).message}`,
      { code: osErrorCode(e) },
    );
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/**
 * Imports raw master key bytes as a non-extractable AES-GCM key, then zeroes `raw`, also when
 * the bytes are refused (not 32 of them). WebCrypto keeps its own copy inside the key object,
 * out of reach of JavaScript.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importMasterKey } from "./local.ts";
 *
 * const raw = crypto.getRandomValues(new Uint8Array(32));
 * await importMasterKey(raw, "master.key");
 * assert.ok(raw.every((b) => b === 0));
 * ```
 */
export async function importMasterKey(
  raw: Uint8Array<ArrayBuffer>,
  path: string,
): Promise<CryptoKey> {
  try {
    if (raw.length !== MASTER_KEY_BYTES) {
      throw new KeyProviderError(
        `Local master key '${path}' is ${raw.length} bytes, expected ${MASTER_KEY_BYTES}`,
      );
    }
    return await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  } finally {
    raw.fill(0);
  }
}

/** A key provider over a local master key file. The file is read once, on first use. */
export class LocalKeyProvider
  implements KeyProvider, SetupKeyProvider, WrapKeyProvider, SameKeyProvider {
  readonly description: string;
  #key?: Promise<CryptoKey>;

  constructor(readonly path: string) {
    this.description = `local:${path}`;
  }

  #masterKey(): Promise<CryptoKey> {
    this.#key ??= readMasterKey(this.path).then((raw) => importMasterKey(raw, this.path));
    return this.#key;
  }

  /** Creates the key file when asked and it is missing, then checks it (see readMasterKey). */
  async setupKey(options: { create?: boolean; report: (line: string) => void }): Promise<void> {
    if (options.create) {
      const made = await createMasterKey(this.path);
      options.report(
        made ? `Created local master key '${this.path}'` : `Local master key '${this.path}' exists`,
      );
    }
    (await readMasterKey(this.path)).fill(0);
  }

  /**
   * Whether `other` is a local key holding the same 32 bytes: the same file under another
   * path, or a copy of it. Both files are read and checked (see readMasterKey), and the bytes
   * zeroed once compared.
   */
  async sameKeyAs(other: KeyProvider): Promise<boolean> {
    if (!(other instanceof LocalKeyProvider)) return false;
    const mine = await readMasterKey(this.path);
    try {
      const theirs = await readMasterKey(other.path);
      try {
        return mine.every((byte, i) => byte === theirs[i]);
      } finally {
        theirs.fill(0);
      }
    } finally {
      mine.fill(0);
    }
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const plaintext = crypto.getRandomValues(new Uint8Array(DATA_KEY_BYTES));
    try {
      return { plaintext, wrapped: await this.wrapDataKey(plaintext, context) };
    } catch (e) {
      plaintext.fill(0);
      throw e;
    }
  }

  /** Wraps a given 64-byte data key under the master key with AES-256-GCM, bound to `context`. */
  async wrapDataKey(plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    if (plaintext.length !== DATA_KEY_BYTES) {
      throw new KeyProviderError(
        `A data key is ${DATA_KEY_BYTES} bytes, not ${plaintext.length}`,
      );
    }
    const key = await this.#masterKey();
    const iv = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: canonicalContext(context) },
        key,
        plaintext as Uint8Array<ArrayBuffer>,
      ),
    );
    const wrapped = new Uint8Array(MAGIC.length + NONCE_BYTES + sealed.length);
    wrapped.set(MAGIC, 0);
    wrapped.set(iv, MAGIC.length);
    wrapped.set(sealed, MAGIC.length + NONCE_BYTES);
    return wrapped;
  }

  async decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const key = await this.#masterKey();
    const head = wrapped.subarray(0, MAGIC.length);
    if (wrapped.length < MAGIC.length + NONCE_BYTES + 16 || !head.every((b, i) => b === MAGIC[i])) {
      throw new KeyProviderError("The data key was not wrapped by a local master key", {
        reason: { type: "foreign-data-key" },
      });
    }
    const iv = wrapped.slice(MAGIC.length, MAGIC.length + NONCE_BYTES);
    try {
      return new Uint8Array(
        await crypto.subtle.decrypt(
          { name: "AES-GCM", iv, additionalData: canonicalContext(context) },
          key,
          wrapped.slice(MAGIC.length + NONCE_BYTES),
        ),
      );
    } catch {
      throw new KeyProviderError(
        `Cannot unwrap the data key with local master key '${this.path}': the encryption ` +
          "context differs from the one it was stored with, or another master key wrapped it",
      );
    }
  }
}
