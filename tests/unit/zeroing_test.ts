/**
 * Key material in buffers creds3 owns is zeroed after use, also when the use throws: data keys
 * handed out by the key provider (on `put`, on reads, and moved to another master key by `copy
 * --to-key` and `rewrap`), and the raw bytes of the local master key. What a garbage-collected runtime cannot zero (strings, copies inside WebCrypto or the
 * AWS SDK) is described in docs/SECURITY.md. Secrets are made up.
 */
import { deepStrictEqual, ok, rejects } from "node:assert/strict";
import type { EncryptionContext } from "../../lib/core/context.ts";
import { withValueBytes } from "../../lib/core/binary.ts";
import { CredentialStore } from "../../lib/core/credential_store.ts";
import { toBase64 } from "../../lib/core/encoding.ts";
import { sealEnvelope } from "../../lib/core/envelope.ts";
import { IntegrityError, KeyProviderError } from "../../lib/core/errors.ts";
import type { DataKey, KeyProvider, WrapKeyProvider } from "../../lib/core/key_provider.ts";
import { rewrapDataKey } from "../../lib/core/rewrap_key.ts";
import { importMasterKey } from "../../lib/keys/local.ts";
import { MemoryStore } from "../../lib/stores/memory.ts";

const zeroed = (bytes: Uint8Array) => bytes.every((b) => b === 0);

/**
 * Hands out data keys of `size` bytes, "wrapped" as a copy (no cryptography: the credential
 * store's handling of the buffers is under test), and keeps every plaintext buffer it handed out.
 */
class RecordingKeys implements KeyProvider {
  readonly description = "test:recording-keys";
  readonly handedOut: Uint8Array[] = [];

  constructor(readonly size = 64) {}

  generateDataKey(_context: EncryptionContext): Promise<DataKey> {
    const plaintext = crypto.getRandomValues(new Uint8Array(this.size));
    this.handedOut.push(plaintext);
    return Promise.resolve({ plaintext, wrapped: plaintext.slice() });
  }

  decryptDataKey(wrapped: Uint8Array, _context: EncryptionContext): Promise<Uint8Array> {
    const plaintext = wrapped.slice();
    this.handedOut.push(plaintext);
    return Promise.resolve(plaintext);
  }
}

Deno.test("zeroing: put zeroes the data key, also when sealing throws", async () => {
  const keys = new RecordingKeys();
  const creds = new CredentialStore(new MemoryStore(), keys);
  await creds.put("db/password", "made-up-password");
  ok(zeroed(keys.handedOut[0]), "the data key of a successful put");

  // A data key of the wrong length makes sealing throw after the key was handed out.
  const short = new RecordingKeys(63);
  await rejects(
    new CredentialStore(new MemoryStore(), short).put("db/password", "made-up-password"),
    IntegrityError,
  );
  ok(zeroed(short.handedOut[0]), "the data key after a throw");
});

Deno.test("zeroing: reads zero the unwrapped data key, read or refused", async () => {
  const keys = new RecordingKeys();
  const store = new MemoryStore();
  const creds = new CredentialStore(store, keys);
  await creds.put("db/password", "made-up-password");
  deepStrictEqual((await creds.get("db/password")).value, "made-up-password");
  ok(zeroed(keys.handedOut[1]), "the data key of a successful read");

  // An altered HMAC: the envelope refuses after the key was unwrapped.
  const stored = await store.read("db/password", "1");
  const flipped = (stored.hmac[0] === "a" ? "b" : "a") + stored.hmac.slice(1);
  await store.create("db/password", "2", { ...stored, hmac: flipped });
  await rejects(creds.get("db/password"), /HMAC does not match/);
  ok(zeroed(keys.handedOut[2]), "the data key of a refused read");
});

Deno.test("zeroing: sealing leaves the caller's data key as it was (the caller zeroes it)", async () => {
  const dataKey = crypto.getRandomValues(new Uint8Array(64));
  const copy = dataKey.slice();
  await sealEnvelope(new TextEncoder().encode("made-up"), dataKey);
  deepStrictEqual(dataKey, copy);
});

Deno.test("zeroing: the raw master key bytes are zeroed once imported, also when refused", async () => {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const key = await importMasterKey(raw, "/made/up/master.key");
  ok(zeroed(raw), "the raw bytes of an imported key");
  deepStrictEqual(key.algorithm, { name: "AES-GCM", length: 256 });

  const short = crypto.getRandomValues(new Uint8Array(31));
  await rejects(importMasterKey(short, "/made/up/master.key"), KeyProviderError);
  ok(zeroed(short), "the raw bytes of a refused key");
});

/** Refuses every data key, as KMS does without permission. */
class RefusingKeys implements KeyProvider {
  readonly description = "test:refusing-keys";

  generateDataKey(_context: EncryptionContext): Promise<DataKey> {
    return Promise.reject(new KeyProviderError("made-up refusal"));
  }

  decryptDataKey(_wrapped: Uint8Array, _context: EncryptionContext): Promise<Uint8Array> {
    return Promise.reject(new KeyProviderError("made-up refusal"));
  }
}

Deno.test("zeroing: put zeroes a binary value's bytes once sealed, stored or refused", async () => {
  const made = () => crypto.getRandomValues(new Uint8Array(100)).map((b) => b | 1);
  const keys = new RecordingKeys();
  const store = new MemoryStore();
  const creds = new CredentialStore(store, keys);
  const bytes = made();
  const text = toBase64(bytes);
  await creds.put("tls/key", bytes);
  ok(zeroed(bytes), "the bytes of a stored binary value");
  ok(zeroed(keys.handedOut[0]), "its data key");
  deepStrictEqual(await creds.get("tls/key"), {
    name: "tls/key",
    version: "1",
    value: text,
    binary: true,
  });

  const short = made();
  await rejects(new CredentialStore(new MemoryStore(), new RecordingKeys(63)).put("k", short));
  ok(zeroed(short), "the bytes when sealing throws");
  const refused = made();
  await rejects(
    new CredentialStore(new MemoryStore(), new RefusingKeys()).put("k", refused),
    KeyProviderError,
  );
  ok(zeroed(refused), "the bytes when no data key was given");
});

Deno.test("zeroing: a binary secret's bytes are zeroed once written, also when writing fails", async () => {
  const secret = { name: "tls/key", version: "1", value: "AAEC/w==", binary: true as const };
  let seen: Uint8Array | undefined;
  const written = await withValueBytes(secret, (bytes) => {
    deepStrictEqual([...bytes], [0, 1, 2, 255]);
    seen = bytes;
    return Promise.resolve("written");
  });
  deepStrictEqual(written, "written");
  ok(seen && zeroed(seen), "the bytes after a write");
  await rejects(
    withValueBytes(secret, (bytes) => {
      seen = bytes;
      return Promise.reject(new Error("made-up broken pipe"));
    }),
    /broken pipe/,
  );
  ok(seen && zeroed(seen), "the bytes after a failed write");
});

/** Wraps a given data key as a copy, or refuses to, as a key service that fails would. */
class WrappingKeys extends RecordingKeys implements WrapKeyProvider {
  constructor(readonly fails: boolean) {
    super();
  }

  wrapDataKey(plaintext: Uint8Array, _context: EncryptionContext): Promise<Uint8Array> {
    if (this.fails) return Promise.reject(new KeyProviderError("made-up wrap failure"));
    return Promise.resolve(plaintext.slice());
  }
}

Deno.test("zeroing: a data key moved to another master key is zeroed once wrapped, also when wrapping fails", async () => {
  const wrapped = crypto.getRandomValues(new Uint8Array(64)).map((b) => b | 1);
  const context = { env: "prod" };
  const from = new RecordingKeys();
  const moved = await rewrapDataKey(wrapped, context, from, new WrappingKeys(false));
  deepStrictEqual(moved, wrapped, "the same data key, wrapped again");
  ok(zeroed(from.handedOut[0]), "the data key once wrapped");

  const failing = new RecordingKeys();
  await rejects(
    rewrapDataKey(wrapped, context, failing, new WrappingKeys(true)),
    /made-up wrap failure/,
  );
  ok(failing.handedOut.length === 1 && zeroed(failing.handedOut[0]), "the data key, not wrapped");
});
