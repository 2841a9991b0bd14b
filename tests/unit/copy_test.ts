/**
 * `copyVersions`' own rules, in process, on stores in memory and key providers made for tests
 * (tests/helpers/test_keys.ts): what is copied (every version the destination lacks, or the
 * latest only, with its number, comment and binary mark), that a second run copies nothing,
 * that a version the destination holds otherwise is a conflict and stays as it is, what a dry
 * run does, and re-wrapping: inside the key service when it can, else unwrapped and wrapped with
 * the plaintext zeroed, the context required and a rerun with the right one completing the
 * copy. The CLI over real stores is tested end to end in tests/e2e/copy_rewrap_test.ts.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { copyVersions } from "../../lib/core/copy.ts";
import { rewrapVersions } from "../../lib/core/rewrap.ts";
import { CredentialStore } from "../../lib/core/credential_store.ts";
import { fromBase64 } from "../../lib/core/encoding.ts";
import { Creds3Error, NotFoundError } from "../../lib/core/errors.ts";
import type { KeyProvider } from "../../lib/core/key_provider.ts";
import type { Store } from "../../lib/core/store.ts";
import { MemoryStore } from "../../lib/stores/memory.ts";
import { storedVersions, versionNames } from "../helpers/store_contents.ts";
import { ServiceKeys, TestKeys, wrappedBy } from "../helpers/test_keys.ts";

const PROD = { env: "prod" };

/** A source with two versions of a name under a context, one binary and commented, and a name without context. */
async function source(keys: KeyProvider = new TestKeys("old"), store: Store = new MemoryStore()) {
  const creds = new CredentialStore(store, keys, { concurrency: 4 });
  await creds.put("db/password", "first-made-up", { context: PROD, comment: "the first" });
  await creds.put("db/password", "second-made-up", { context: PROD, autoversion: true });
  await creds.put("tls/blob", new Uint8Array([0, 1, 254, 255]), { context: PROD });
  await creds.put("plain/token", "tok-made-up");
  return creds;
}

Deno.test("copy: every version the destination lacks, fields as they are, no key service call", async () => {
  const keys = new TestKeys("old");
  const from = await source(keys);
  const calls = { ...keys.calls };
  const to = new CredentialStore(new MemoryStore(), keys);
  const result = await copyVersions(from, to, undefined);
  deepStrictEqual(versionNames(result.copied), [
    "db/password@1",
    "db/password@2",
    "plain/token@1",
    "tls/blob@1",
  ]);
  deepStrictEqual([result.present, result.conflicts, result.failures], [[], [], []]);
  // Exactly the same fields: the wrapped keys, comments and binary marks too.
  deepStrictEqual(await storedVersions(to.store), await storedVersions(from.store));
  deepStrictEqual(keys.calls, calls, "no key was made, unwrapped or wrapped");
  strictEqual(
    (await to.get("db/password", { context: PROD, version: "1" })).value,
    "first-made-up",
  );
  strictEqual((await to.get("tls/blob", { context: PROD })).binary, true);

  const again = await copyVersions(from, to, undefined);
  deepStrictEqual([again.copied.length, again.present.length, again.conflicts.length], [0, 4, 0]);
});

Deno.test("copy: a version the destination holds with other content is a conflict, left as it is", async () => {
  const from = await source();
  const to = new CredentialStore(new MemoryStore(), new TestKeys("old"));
  await to.put("db/password", "someone-else-made-up", { version: "2", context: PROD });
  const theirs = await to.store.read("db/password", "2");
  const result = await copyVersions(from, to, "db/*");
  deepStrictEqual(versionNames(result.copied), ["db/password@1"]);
  deepStrictEqual(versionNames(result.conflicts), ["db/password@2"]);
  deepStrictEqual(await to.store.read("db/password", "2"), theirs);
  // Only the comment differs: still not the same version.
  const other = new CredentialStore(new MemoryStore(), new TestKeys("old"));
  const first = await from.store.read("db/password", "1");
  await other.store.create("db/password", "1", { ...first, comment: "changed" });
  deepStrictEqual(versionNames((await copyVersions(from, other, "db/*")).conflicts), [
    "db/password@1",
  ]);
});

Deno.test("copy: a version re-wrapped in the destination since an earlier copy is there, not a conflict", async () => {
  const keys = new TestKeys("old");
  const from = await source(keys);
  const to = new CredentialStore(new MemoryStore(), keys);
  await copyVersions(from, to, "db/*");
  // The backup's data keys moved to a key of its own, as `rewrap` there does.
  const next = new TestKeys("new");
  await rewrapVersions(to, next, "db/*", { context: PROD });
  const rewrapped = await storedVersions(to.store);
  const again = await copyVersions(from, to, "db/*");
  deepStrictEqual(versionNames(again.present), ["db/password@1", "db/password@2"]);
  deepStrictEqual([again.copied, again.conflicts, again.failures], [[], [], []]);
  deepStrictEqual(await storedVersions(to.store), rewrapped, "left as they are");
  const toKey = await copyVersions(from, to, "db/*", { rewrap: true, context: PROD });
  deepStrictEqual(versionNames(toKey.present), ["db/password@1", "db/password@2"]);
  deepStrictEqual([toKey.presentUnderSourceKey, toKey.conflicts], [[], []]);
});

Deno.test("copy: a version created meanwhile in the destination is compared, never overwritten", async () => {
  const from = await source();
  const inner = new MemoryStore();
  // Another copy lands the same version first, and another writer a different one.
  const racing: Store = {
    description: inner.description,
    list: (o) => inner.list(o),
    read: (n, v) => inner.read(n, v),
    remove: (e) => inner.remove(e),
    async create(name, version, secret) {
      const before = name === "db/password" && version === "1"
        ? secret
        : { ...secret, contents: "b3RoZXI=" };
      await inner.create(name, version, before);
      await inner.create(name, version, secret);
    },
  };
  const result = await copyVersions(from, new CredentialStore(racing, new TestKeys("old")), "db/*");
  deepStrictEqual(
    [versionNames(result.copied), versionNames(result.present), versionNames(result.conflicts)],
    [[], ["db/password@1"], ["db/password@2"]],
  );
});

Deno.test("copy: --latest-only copies the latest version of each name", async () => {
  const from = await source();
  const to = new CredentialStore(new MemoryStore(), new TestKeys("old"));
  const result = await copyVersions(from, to, undefined, { latestOnly: true });
  deepStrictEqual(versionNames(result.copied), ["db/password@2", "plain/token@1", "tls/blob@1"]);
});

Deno.test("copy: a dry run reads nothing it would copy, writes nothing, and still finds conflicts", async () => {
  const from = await source();
  const read: string[] = [];
  const inner = from.store;
  const watched: Store = {
    description: inner.description,
    list: (o) => inner.list(o),
    read: (n, v) => (read.push(`${n}@${v}`), inner.read(n, v)),
    create: (n, v, s) => inner.create(n, v, s),
    remove: (e) => inner.remove(e),
  };
  const to = new CredentialStore(new MemoryStore(), new TestKeys("other"));
  await to.put("db/password", "someone-else-made-up", { version: "2", context: PROD });
  const result = await copyVersions(new CredentialStore(watched, from.keys), to, undefined, {
    dryRun: true,
    rewrap: true,
  });
  deepStrictEqual(versionNames(result.copied), ["db/password@1", "plain/token@1", "tls/blob@1"]);
  deepStrictEqual(versionNames(result.conflicts), ["db/password@2"]);
  deepStrictEqual(read, ["db/password@2"], "only the version to compare was read");
  deepStrictEqual(versionNames(await Array.fromAsync(to.store.list())), ["db/password@2"]);
});

Deno.test("copy: a pattern that matches nothing is an error; an empty source copies nothing", async () => {
  const from = await source();
  const to = new CredentialStore(new MemoryStore(), new TestKeys("old"));
  await rejects(copyVersions(from, to, "nothing/*"), NotFoundError);
  const empty = new CredentialStore(new MemoryStore(), new TestKeys("old"));
  deepStrictEqual((await copyVersions(empty, to, undefined)).copied, []);
});

/** `copy db/* --to-key` from a key of the service `oldService` to one of `newService`. */
async function copyToKey(oldService: string, newService: string) {
  const old = new ServiceKeys("old", oldService);
  const next = new ServiceKeys("new", newService);
  const from = await source(old);
  const to = new CredentialStore(new MemoryStore(), next);
  const result = await copyVersions(from, to, "db/*", { rewrap: true, context: PROD });
  return { old, next, from, to, result };
}

Deno.test("copy --to-key: inside the key service when it reaches both keys; same ciphertext and HMAC", async () => {
  const { old, next, from, to, result } = await copyToKey("kms-eu", "kms-eu");
  deepStrictEqual(versionNames(result.copied), ["db/password@1", "db/password@2"]);
  strictEqual(old.calls.reEncrypt, 2);
  strictEqual(old.calls.decryptDataKey ?? 0, 0, "no data key left the service");
  strictEqual(next.calls.wrapDataKey ?? 0, 0);
  for (const version of ["1", "2"]) {
    const [a, b] = await Promise.all([
      from.store.read("db/password", version),
      to.store.read("db/password", version),
    ]);
    deepStrictEqual({ ...b, key: a.key }, a, "everything but the wrapped key is the same");
    strictEqual(wrappedBy(fromBase64(b.key)), "new");
  }
  strictEqual((await to.get("db/password", { context: PROD })).value, "second-made-up");
  // The copies read with the new key only.
  await rejects(new CredentialStore(to.store, old).get("db/password", { context: PROD }));
});

Deno.test("copy --to-key: between services, unwrapped and wrapped, the data key zeroed", async () => {
  const { old, next, to, result } = await copyToKey("kms-us", "kms-eu");
  strictEqual(result.copied.length, 2);
  deepStrictEqual([old.calls.decryptDataKey, next.calls.wrapDataKey, old.calls.reEncrypt], [
    2,
    2,
    undefined,
  ]);
  strictEqual(old.handedOut.length, 2);
  ok(old.handedOut.every((key) => key.every((b) => b === 0)), "every data key was zeroed");
  strictEqual(
    (await to.get("db/password", { context: PROD, version: "1" })).value,
    "first-made-up",
  );
});

Deno.test("copy --to-key: a version under another context fails, named; a rerun with it completes", async () => {
  const from = await source(new TestKeys("old"));
  const to = new CredentialStore(new MemoryStore(), new TestKeys("new"));
  const first = await copyVersions(from, to, undefined, { rewrap: true, context: PROD });
  deepStrictEqual(versionNames(first.copied), ["db/password@1", "db/password@2", "tls/blob@1"]);
  deepStrictEqual(versionNames(first.failures), ["plain/token@1"]);
  const error = first.failures[0].error as Creds3Error;
  strictEqual(error.reason?.type, "context-mismatch");
  deepStrictEqual(error.secret, { name: "plain/token", version: "1" });
  deepStrictEqual(versionNames(await Array.fromAsync(to.store.list({ name: "plain/token" }))), []);

  const rerun = await copyVersions(from, to, "plain/*", { rewrap: true });
  deepStrictEqual([versionNames(rerun.copied), rerun.failures], [["plain/token@1"], []]);
  const all = await copyVersions(from, to, undefined, { rewrap: true, context: PROD });
  deepStrictEqual([all.copied.length, all.present.length, all.failures.length], [0, 4, 0]);
});

Deno.test("copy --to-key: versions the destination holds under the source's key are told apart", async () => {
  const keys = new TestKeys("old");
  const from = await source(keys);
  const to = new CredentialStore(new MemoryStore(), new TestKeys("new"));
  await copyVersions(from, to, "db/*");
  const result = await copyVersions(from, to, "db/*", { rewrap: true, context: PROD });
  deepStrictEqual(versionNames(result.present), ["db/password@1", "db/password@2"]);
  deepStrictEqual(versionNames(result.presentUnderSourceKey), ["db/password@1", "db/password@2"]);
});

Deno.test("copy: once the store cannot be reached, no further version is tried", async () => {
  const from = await source();
  const inner = new MemoryStore();
  let creates = 0;
  const down: Store = {
    description: "down:",
    list: (o) => inner.list(o),
    read: (n, v) => inner.read(n, v),
    remove: (e) => inner.remove(e),
    create() {
      creates++;
      return Promise.reject(new Creds3Error("connection refused", { code: "ECONNREFUSED" }));
    },
  };
  const to = new CredentialStore(down, new TestKeys("old"));
  const result = await copyVersions(
    new CredentialStore(from.store, from.keys, { concurrency: 1 }),
    to,
    undefined,
  );
  strictEqual(creates, 1);
  strictEqual(result.failures.length, 4);
  strictEqual((result.failures[3].error as Creds3Error).reason?.type, "reads-stopped");
});
