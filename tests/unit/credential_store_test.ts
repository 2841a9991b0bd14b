/**
 * The credential store's own rules, in process, on a store in memory and a key provider made
 * here: where `put` writes (version 1, a given version, the next integer with autoversion, never
 * over an existing one), which version is the latest, how `getMany` reports the secrets it
 * cannot read beside those it can, what `delete` removes, and what a pattern matches. The
 * stores and key providers themselves are tested end to end elsewhere. Secrets are made up.
 */
import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import type { EncryptionContext } from "../../lib/core/context.ts";
import { canonicalContext } from "../../lib/core/context.ts";
import { errorHint, errorMessage } from "../../commands/errors.ts";
import { CredentialStore } from "../../lib/core/credential_store.ts";
import {
  Creds3Error,
  IntegrityError,
  KeyProviderError,
  NotFoundError,
  UsageError,
  VersionExistsError,
} from "../../lib/core/errors.ts";
import type { DataKey, KeyProvider } from "../../lib/core/key_provider.ts";
import { MemoryStore } from "../../lib/stores/memory.ts";
import type { ListOptions, Store } from "../../lib/core/store.ts";
import { versionNames as names } from "../helpers/store_contents.ts";

/**
 * Wraps a data key by prefixing it with its context, which unwrapping must match: the binding
 * KMS and the local key give, without their cryptography. Counts what it is asked.
 */
class ContextKeys implements KeyProvider {
  readonly description = "test:context-keys";
  generated = 0;
  prepared = 0;

  generateDataKey(context: EncryptionContext): Promise<DataKey> {
    this.generated++;
    const plaintext = crypto.getRandomValues(new Uint8Array(64));
    const bound = canonicalContext(context);
    const wrapped = new Uint8Array(4 + bound.length + 64);
    new DataView(wrapped.buffer).setUint32(0, bound.length);
    wrapped.set(bound, 4);
    wrapped.set(plaintext, 4 + bound.length);
    return Promise.resolve({ plaintext: plaintext.slice(), wrapped });
  }

  decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const length = new DataView(wrapped.buffer, wrapped.byteOffset).getUint32(0);
    const bound = new TextDecoder().decode(wrapped.subarray(4, 4 + length));
    if (bound !== new TextDecoder().decode(canonicalContext(context))) {
      return Promise.reject(new KeyProviderError("The encryption context does not match"));
    }
    return Promise.resolve(wrapped.slice(4 + length));
  }

  prepare(): void {
    this.prepared++;
  }
}

/** A store in memory whose writes are dated by a clock the test moves. */
function fixture(options: { concurrency?: number } = {}) {
  let time = Date.UTC(2024, 0, 1);
  const store = new MemoryStore({ now: () => new Date(time += 1000) });
  const keys = new ContextKeys();
  return { store, keys, creds: new CredentialStore(store, keys, options) };
}

async function listed(store: Store, options?: ListOptions): Promise<string[]> {
  const entries = await Array.fromAsync(store.list(options));
  return entries.map((e) => `${e.name}@${e.version}`).sort();
}

Deno.test("credential store: put writes version 1, or the version given, and never over one", async () => {
  const { store, creds } = fixture();
  strictEqual(await creds.put("db/password", "first-value"), "1");
  strictEqual(await creds.put("db/password", "other-value", { version: "beta" }), "beta");
  const before = await store.read("db/password", "1");
  await rejects(creds.put("db/password", "second-value"), (e: Error) => {
    ok(e instanceof VersionExistsError, String(e));
    match(e.message, /Version 1 of 'db\/password' already exists/);
    return true;
  });
  deepStrictEqual(await store.read("db/password", "1"), before);
  strictEqual((await creds.get("db/password", { version: "1" })).value, "first-value");
  deepStrictEqual(await listed(store), ["db/password@1", "db/password@beta"]);
});

Deno.test("credential store: a bad name or version is refused before anything is written", async () => {
  const { store, keys, creds } = fixture();
  for (const name of ["", "a//b", "/a", "a/", "a/../b", "a*b", "tab\there"]) {
    await rejects(creds.put(name, "some-value"), UsageError, JSON.stringify(name));
  }
  strictEqual(keys.generated, 0, "no data key was made for a bad name");
  for (const version of ["", "a/b", "x".repeat(65)]) {
    await rejects(creds.put("okname", "some-value", { version }), UsageError, version);
  }
  deepStrictEqual(await listed(store), []);
});

Deno.test("credential store: autoversion writes the highest integer version + 1", async () => {
  const { store, creds } = fixture();
  strictEqual(await creds.put("svc", "v1-value", { autoversion: true }), "1");
  for (const version of ["2", "10", "9"]) {
    await creds.put("svc", `v${version}-value`, { version });
  }
  // Autoversion wins over a version given beside it, and counts only this exact name.
  await creds.put("svc/other", "other-value", { version: "50" });
  await creds.put("svcx", "other-value", { version: "70" });
  strictEqual(await creds.put("svc", "v11-value", { autoversion: true, version: "3" }), "11");
  deepStrictEqual((await creds.versions("svc")).map((e) => e.version), [
    "1",
    "2",
    "9",
    "10",
    "11",
  ]);
  strictEqual((await creds.get("svc")).value, "v11-value");
  ok((await listed(store)).includes("svc@11"));
});

Deno.test("credential store: autoversion refuses a name with a non-integer version", async () => {
  const { store, creds } = fixture();
  await creds.put("odd", "beta-value", { version: "beta" });
  await rejects(creds.put("odd", "next-value", { autoversion: true }), (e: Error) => {
    ok(e instanceof UsageError, String(e));
    match(e.message, /stored version 'beta' is not an integer/);
    return true;
  });
  deepStrictEqual(await listed(store), ["odd@beta"]);
});

/** A store where another writer takes the next version just before each of the first `n` writes. */
function contested(inner: Store, n: number): Store & { lost: number } {
  return {
    description: inner.description,
    lost: 0,
    list: (options) => inner.list(options),
    read: (name, version) => inner.read(name, version),
    remove: (entries) => inner.remove(entries),
    async create(name, version, secret) {
      if (this.lost < n) {
        this.lost++;
        await inner.create(name, version, { ...secret, contents: "b3RoZXIgd3JpdGVy" });
      }
      await inner.create(name, version, secret);
    },
  };
}

Deno.test("credential store: autoversion moves on when another writer takes its version", async () => {
  const { store, keys } = fixture();
  const racing = contested(store, 3);
  const creds = new CredentialStore(racing, keys);
  strictEqual(await creds.put("race", "mine", { autoversion: true }), "4");
  strictEqual(racing.lost, 3);
  strictEqual((await creds.get("race", { version: "4" })).value, "mine");
  deepStrictEqual(await listed(store), ["race@1", "race@2", "race@3", "race@4"]);
});

Deno.test("credential store: autoversion gives up after 64 lost races, saying why", async () => {
  const { store, keys } = fixture();
  const racing = contested(store, Infinity);
  const creds = new CredentialStore(racing, keys);
  await rejects(creds.put("busy", "never-stored", { autoversion: true }), (e: Error) => {
    ok(e instanceof Creds3Error && !(e instanceof UsageError), String(e));
    match(e.message, /Could not find a free version of 'busy' after 64 attempts/);
    match(errorHint(e) ?? "", /many writers/);
    return true;
  });
  strictEqual(racing.lost, 64);
});

Deno.test("credential store: the latest is the highest integer, compared as numbers", async () => {
  const { creds } = fixture();
  for (const version of ["10", "9", "2", "100", "1"]) {
    await creds.put("n", `value-${version}`, { version });
  }
  deepStrictEqual(await creds.get("n"), { name: "n", version: "100", value: "value-100" });
  strictEqual((await creds.get("n", { version: "9" })).value, "value-9");
  deepStrictEqual((await creds.latest("n")).map((e) => e.version), ["100"]);
});

Deno.test("credential store: with a non-integer version the latest is the newest write", async () => {
  const { creds } = fixture();
  // Written in this order, each a second after the one before.
  for (const version of ["2", "beta", "1"]) {
    await creds.put("mixed", `value-${version}`, { version });
  }
  strictEqual((await creds.get("mixed")).version, "1");
  await creds.put("mixed", "value-alpha", { version: "alpha" });
  strictEqual((await creds.get("mixed")).value, "value-alpha");
});

Deno.test("credential store: writes dated the same second: the higher version is the latest", async () => {
  const store = new MemoryStore({ now: () => new Date(Date.UTC(2024, 0, 1)) });
  const creds = new CredentialStore(store, new ContextKeys());
  for (const version of ["b", "c", "a"]) await creds.put("tie", `value-${version}`, { version });
  strictEqual((await creds.get("tie")).version, "c");
});

Deno.test("credential store: a name that is not stored is NotFound, for get and delete", async () => {
  const { creds } = fixture();
  await creds.put("present", "present-value");
  for (const attempt of [() => creds.get("absent"), () => creds.delete("absent")]) {
    await rejects(attempt(), (e: Error) => {
      ok(e instanceof NotFoundError, String(e));
      match(e.message, /'absent' is not in memory:/);
      return true;
    });
  }
  await rejects(creds.get("present", { version: "2" }), NotFoundError);
  await rejects(creds.delete("present", { version: "2" }), /Version 2 of 'present' is not in/);
  // 'pres' is a prefix of a stored name, not a stored name.
  await rejects(creds.get("pres"), NotFoundError);
});

Deno.test("credential store: getMany reads the latest of each match and reports each failure", async () => {
  const { store, keys, creds } = fixture();
  await creds.put("app/a", "a-value-1");
  await creds.put("app/a", "a-value-2", { autoversion: true });
  await creds.put("app/bound", "bound-value", { context: { env: "prod" } });
  await creds.put("app/c", "c-value");
  await creds.put("other/d", "d-value");
  // Someone with write access replaced app/c's value with another's: the HMAC does not match.
  const c = await store.read("app/c", "1");
  await store.remove([{ name: "app/c", version: "1" }]);
  await store.create("app/c", "1", { ...c, contents: (await store.read("app/a", "1")).contents });

  const prepared = keys.prepared;
  const { secrets, failures } = await creds.getMany("app/*");
  strictEqual(keys.prepared, prepared + 1, "the key provider was asked to get ready");
  deepStrictEqual(secrets, [{ name: "app/a", version: "2", value: "a-value-2" }]);
  deepStrictEqual(failures.map(({ name, version }) => `${name}@${version}`), [
    "app/bound@1",
    "app/c@1",
  ]);
  ok(failures[0].error instanceof KeyProviderError, String(failures[0].error));
  ok(failures[1].error instanceof IntegrityError, String(failures[1].error));
  match(failures[1].error.message, /HMAC does not match/);
  for (const failure of failures) {
    const message = errorMessage(failure.error as Creds3Error);
    match(message, new RegExp(`'${failure.name}'`), "the failure names the secret");
    deepStrictEqual((failure.error as Creds3Error).secret, {
      name: failure.name,
      version: failure.version,
    });
    for (const value of ["a-value-1", "a-value-2", "bound-value", "c-value"]) {
      ok(!message.includes(value), message);
    }
  }

  const bound = await creds.getMany("app/b*", { context: { env: "prod" } });
  deepStrictEqual(bound, {
    secrets: [{ name: "app/bound", version: "1", value: "bound-value" }],
    failures: [],
  });
});

Deno.test("credential store: getMany with a version reads that version of the names having it", async () => {
  const { creds } = fixture();
  await creds.put("x/one", "one-v1");
  await creds.put("x/one", "one-v2", { version: "2" });
  await creds.put("x/two", "two-v1");
  await creds.put("x/three", "three-v2", { version: "2" });
  const { secrets, failures } = await creds.getMany(undefined, { version: "2" });
  deepStrictEqual(failures, []);
  deepStrictEqual(secrets.map((s) => `${s.name}=${s.value}`).sort(), [
    "x/one=one-v2",
    "x/three=three-v2",
  ]);
  await rejects(creds.getMany(undefined, { version: "a/b" }), UsageError);
});

/** Counts how many reads run at once. */
function counting(inner: Store): Store & { running: number; most: number } {
  return {
    description: inner.description,
    running: 0,
    most: 0,
    list: (options) => inner.list(options),
    create: (name, version, secret) => inner.create(name, version, secret),
    remove: (entries) => inner.remove(entries),
    async read(name, version) {
      this.most = Math.max(this.most, ++this.running);
      try {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return await inner.read(name, version);
      } finally {
        this.running--;
      }
    },
  };
}

Deno.test("credential store: getMany reads at most `concurrency` at once and reports progress", async () => {
  const { store, keys } = fixture();
  const seeding = new CredentialStore(store, keys);
  for (let i = 0; i < 20; i++) await seeding.put(`many/${String(i).padStart(2, "0")}`, `v-${i}`);
  const reads = counting(store);
  const creds = new CredentialStore(reads, keys, { concurrency: 3 });
  const progress: string[] = [];
  const { secrets } = await creds.getMany("many/*", {
    onProgress: (done, total) => progress.push(`${done}/${total}`),
  });
  strictEqual(secrets.length, 20);
  deepStrictEqual(secrets.map((s) => s.name), secrets.map((s) => s.name).sort());
  strictEqual(reads.most, 3, "the limit was reached and never passed");
  deepStrictEqual(progress, Array.from({ length: 21 }, (_, i) => `${i}/20`));
});

Deno.test("credential store: delete removes exactly one name, or one version of it", async () => {
  const { store, creds } = fixture();
  for (const name of ["foo", "foobar", "foo/bar"]) await creds.put(name, `${name}-value`);
  await creds.put("foo", "foo-value-2", { autoversion: true });
  deepStrictEqual(names(await creds.delete("foo", { version: "1" })), ["foo@1"]);
  strictEqual((await creds.get("foo")).value, "foo-value-2");
  deepStrictEqual(names(await creds.delete("foo")), ["foo@2"]);
  deepStrictEqual(await listed(store), ["foo/bar@1", "foobar@1"]);
});

Deno.test("credential store: delete takes one exact name, never a pattern", async () => {
  const { store, creds } = fixture();
  await creds.put("foo", "foo-value");
  for (const name of ["foo*", "*", ""]) {
    await rejects(creds.delete(name), (e: Error) => {
      ok(e instanceof UsageError, String(e));
      match(e.message, /is not a credential name: delete takes one exact name/);
      return true;
    });
  }
  deepStrictEqual(await listed(store), ["foo@1"]);
});

Deno.test("credential store: '*' matches any run of characters, everything else itself", async () => {
  const { creds } = fixture();
  for (const name of ["a.b", "aXb", "a.b.c", "a+b", "aab", "a/b/c", "other"]) {
    await creds.put(name, `value-of-${name}`);
  }
  await creds.put("a.b", "second-of-a.b", { version: "2" });
  const match = async (pattern?: string) => names(await creds.list(pattern));
  deepStrictEqual(await match("a.b*"), ["a.b@1", "a.b@2", "a.b.c@1"]);
  deepStrictEqual(await match("a+*"), ["a+b@1"]);
  deepStrictEqual(await match("*b"), ["a+b@1", "a.b@1", "a.b@2", "aXb@1", "aab@1"]);
  deepStrictEqual(await match("a*c"), ["a.b.c@1", "a/b/c@1"]);
  deepStrictEqual(await match("nomatch*"), []);
  // Without '*' a pattern is one exact name.
  deepStrictEqual(await match("a.b"), ["a.b@1", "a.b@2"]);
  deepStrictEqual(await match("a"), []);
  deepStrictEqual((await match()).length, 8);
  deepStrictEqual((await creds.latest("a.b*")).map((e) => `${e.name}@${e.version}`).sort(), [
    "a.b.c@1",
    "a.b@2",
  ]);
});

/** Records what the credential store asks the store to list. */
function listing(inner: Store): Store & { asked: (ListOptions | undefined)[] } {
  const asked: (ListOptions | undefined)[] = [];
  return {
    description: inner.description,
    asked,
    list: (options) => (asked.push(options), inner.list(options)),
    read: (name, version) => inner.read(name, version),
    create: (name, version, secret) => inner.create(name, version, secret),
    remove: (entries) => inner.remove(entries),
  };
}

Deno.test("credential store: a pattern lists only from its literal prefix, a name only itself", async () => {
  const { store, keys } = fixture();
  const spy = listing(store);
  const creds = new CredentialStore(spy, keys);
  await creds.put("team/app/key", "app-value");
  await creds.list("team/ap*/key");
  await creds.list("team/app/key");
  await creds.list();
  deepStrictEqual(spy.asked, [
    { namePrefix: "team/ap" },
    { name: "team/app/key" },
    { namePrefix: undefined },
  ]);
});
