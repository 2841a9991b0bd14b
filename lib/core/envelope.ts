/**
 * The legacy credstash envelope that creds3 stores: AES-256-CTR with a fixed initial counter
 * block under the first half of a 64-byte data key, and an HMAC of the ciphertext under the
 * second half. See `docs/FORMAT.md`.
 *
 * @example Seal and open with a data key
 * ```ts
 * import { openEnvelope, sealEnvelope } from "./envelope.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dataKey = crypto.getRandomValues(new Uint8Array(64));
 * const sealed = await sealEnvelope(new TextEncoder().encode("hunter2"), dataKey);
 * const opened = await openEnvelope(sealed, dataKey);
 * strictEqual(new TextDecoder().decode(opened), "hunter2");
 * ```
 *
 * @module
 */
import { constantTimeEqual, fromBase64, fromHex, toBase64, toHex } from "./encoding.ts";
import { IntegrityError, UsageError } from "./errors.ts";

/** Digest names as stored in the `digest` metadata field. */
export type Digest = "SHA" | "SHA224" | "SHA256" | "SHA384" | "SHA512" | "MD5";

/** Every digest that creds3 can read. */
export const READ_DIGESTS: readonly Digest[] = [
  "SHA",
  "SHA224",
  "SHA256",
  "SHA384",
  "SHA512",
  "MD5",
];
/** The digests that creds3 writes; SHA256 is the default. */
export const WRITE_DIGESTS: readonly Digest[] = ["SHA256", "SHA384", "SHA512"];
/** The digest used when none is given. */
export const DEFAULT_DIGEST: Digest = "SHA256";

/** The encrypted part of a stored secret: what the envelope produces and consumes. */
export interface SealedValue {
  /** Standard base64 of the ciphertext (the S3 object body). */
  contents: string;
  /** Lowercase hex HMAC of the raw ciphertext. */
  hmac: string;
  /** The HMAC's hash function. */
  digest: string;
}

const DATA_KEY_BYTES = 64;
const INITIAL_COUNTER = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
const WEBCRYPTO_HASH: Partial<Record<Digest, string>> = {
  SHA: "SHA-1",
  SHA256: "SHA-256",
  SHA384: "SHA-384",
  SHA512: "SHA-512",
};
const NODE_HASH: Partial<Record<Digest, string>> = { SHA224: "sha224", MD5: "md5" };

/** Whether `name` is a digest creds3 can read. */
export function isDigest(name: string): name is Digest {
  return (READ_DIGESTS as readonly string[]).includes(name);
}

/** Checks a digest chosen for writing; throws {@link UsageError} for any other. */
export function writeDigest(name: string): Digest {
  const upper = name.toUpperCase();
  if (!(WRITE_DIGESTS as readonly string[]).includes(upper)) {
    throw new UsageError(
      `Digest '${name}' cannot be used for writing; choose one of ${WRITE_DIGESTS.join(", ")}`,
    );
  }
  return upper as Digest;
}

async function hmac(digest: Digest, key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>) {
  const webHash = WEBCRYPTO_HASH[digest];
  if (webHash) {
    const cryptoKey = await crypto.subtle.importKey(
      "raw",
      key,
      { name: "HMAC", hash: webHash },
      false,
      ["sign"],
    );
    return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, data));
  }
  // MD5 and SHA-224 HMACs (objects of old writers) only: WebCrypto has neither. Loaded here,
  // not at start-up, because Node's crypto costs every command about 40 ms to load.
  const { createHmac } = await import("node:crypto");
  return new Uint8Array(createHmac(NODE_HASH[digest]!, key).update(data).digest());
}

async function aesCtr(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>) {
  const cryptoKey = await crypto.subtle.importKey("raw", key, "AES-CTR", false, ["encrypt"]);
  const params = { name: "AES-CTR", counter: INITIAL_COUNTER, length: 128 };
  return new Uint8Array(await crypto.subtle.encrypt(params, cryptoKey, data));
}

function splitKey(dataKey: Uint8Array): [Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>] {
  if (dataKey.length !== DATA_KEY_BYTES) {
    throw new IntegrityError(`Data key is ${dataKey.length} bytes, expected ${DATA_KEY_BYTES}`);
  }
  return [dataKey.slice(0, 32), dataKey.slice(32)];
}

/**
 * Encrypts `plaintext` under a 64-byte data key. Deterministic for a given key, as the format
 * requires; the key must be fresh for every sealed value. The copies it makes of the key halves
 * and of the plaintext are zeroed before it returns or throws; `plaintext` and `dataKey` are
 * the caller's to zero.
 */
export async function sealEnvelope(
  plaintext: Uint8Array,
  dataKey: Uint8Array,
  digest: Digest = DEFAULT_DIGEST,
): Promise<SealedValue> {
  const [aesKey, hmacKey] = splitKey(dataKey);
  const copy = new Uint8Array(plaintext);
  try {
    const ciphertext = await aesCtr(aesKey, copy);
    const mac = await hmac(digest, hmacKey, ciphertext);
    return { contents: toBase64(ciphertext), hmac: toHex(mac), digest };
  } finally {
    zero(aesKey, hmacKey, copy);
  }
}

/**
 * Verifies the HMAC in constant time, then decrypts. Throws {@link IntegrityError} when the
 * fields are malformed, the digest is unknown or the HMAC does not match; nothing is decrypted
 * in that case. The copies of the key halves are zeroed before it returns or throws; the
 * plaintext returned and `dataKey` are the caller's to zero.
 */
export async function openEnvelope(sealed: SealedValue, dataKey: Uint8Array): Promise<Uint8Array> {
  const digest = sealed.digest;
  // The original always writes the digest's name; an empty one taken as the default would let
  // whoever can write the store choose the digest.
  if (digest === "") throw new IntegrityError("The stored digest is empty");
  if (!isDigest(digest)) {
    throw new IntegrityError(`Unknown digest '${digest}' (known: ${READ_DIGESTS.join(", ")})`);
  }
  let ciphertext: Uint8Array<ArrayBuffer>;
  let expected: Uint8Array;
  try {
    ciphertext = fromBase64(sealed.contents.trim());
  } catch {
    throw new IntegrityError("Stored contents are not valid base64");
  }
  try {
    expected = fromHex(sealed.hmac.trim());
  } catch {
    throw new IntegrityError("Stored HMAC is not valid hex");
  }
  const [aesKey, hmacKey] = splitKey(dataKey);
  try {
    const actual = await hmac(digest, hmacKey, ciphertext);
    if (!constantTimeEqual(actual, expected)) {
      throw new IntegrityError("Computed HMAC does not match the stored HMAC");
    }
    return await aesCtr(aesKey, ciphertext);
  } finally {
    zero(aesKey, hmacKey);
  }
}

/** Overwrites buffers that held key material or plaintext with zeros. */
function zero(...buffers: Uint8Array[]): void {
  for (const buffer of buffers) buffer.fill(0);
}
