/**
 * `rewrapVersions`' own rules, in process, on a store in memory and key providers made for tests
 * (tests/helpers/test_keys.ts): every version moved to the new key in place (same ciphertext,
 * HMAC, comment, binary mark and version), inside the key service when it can, else with the
 * data key zeroed; a version already under the new key left as it is, so a rerun finishes an
 * interrupted rotation, at one key service call per version either way; versions under another
 * context or key failing, named; a version changed meanwhile never clobbered; the same local
 * key under another path, or copied, refused before anything. The stores' `replaceKey` is tested in replace_key_test.ts, the CLI end to end in
 * tests/e2e/copy_rewrap_test.ts.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { CredentialStore } from "../../lib/core/credential_store.ts";
import { fromBase64 } from "../../lib/core/encoding.ts";
import { type Creds3Error, StoreError, UsageError } from "../../lib/core/errors.ts";
import { rewrapVersions } from "../../lib/core/rewrap.ts";
import type { RewrapStore, Store, StoredSecret } from "../../lib/core/store.ts";
import { createMasterKey, LocalKeyProvider } from "../../lib/keys/local.ts";
import { MemoryStore } from "../../lib/stores/memory.ts";
import { storedVersions, versionNames } from "../helpers/store_contents.ts";
import { ServiceKeys, TestKeys, wrappedBy } from "../helpers/test_keys.ts";

const PROD = { env: "prod" };

async function fixture(old: TestKeys, store: Store & RewrapStore = new MemoryStore()) {
  const creds = new CredentialStore(store, old, { concurrency: 1 });
  for (const n of [1, 2, 3]) {
    await creds.put("db/password", `made-up-${n}`, {
      context: PROD,
      autoversion: true,
      comment: `v${n}`,
    });
  }
  await creds.put("tls/blob", new Uint8Array([0, 1, 254, 255]), { context: PROD });
  return creds;
}

Deno.test("rewrap: every version moved to the new key in place, inside the key service", async () => {
  const old = new ServiceKeys("old", "kms");
  const next = new ServiceKeys("new", "kms");
  const creds = await fixture(old);
  const before = await storedVersions(creds.store);
  const result = await rewrapVersions(creds, next, undefined, { context: PROD });
  deepStrictEqual(versionNames(result.rewrapped), [
    "db/password@1",
    "db/password@2",
    "db/password@3",
    "tls/blob@1",
  ]);
  deepStrictEqual([result.already, result.failures], [[], []]);
  deepStrictEqual(
    [old.calls.reEncrypt, old.calls.decryptDataKey ?? 0, next.calls.reEncrypt ?? 0],
    [4, 0, 0],
    "one ReEncrypt per version, no data key out of the service, no probe",
  );
  const after = await storedVersions(creds.store);
  for (const [id, secret] of Object.entries(after)) {
    deepStrictEqual({ ...secret, key: before[id].key }, before[id], `${id} kept all but its key`);
    strictEqual(wrappedBy(fromBase64(secret.key)), "new");
  }
  const rotated = new CredentialStore(creds.store, next);
  strictEqual(
    (await rotated.get("db/password", { context: PROD, version: "1" })).value,
    "made-up-1",
  );
  strictEqual((await rotated.get("tls/blob", { context: PROD })).binary, true);
  await rejects(creds.get("db/password", { context: PROD }), (e: Creds3Error) => {
    strictEqual(e.reason?.type, "wrong-kms-key");
    return true;
  });
});

Deno.test("rewrap: between providers the data key is unwrapped, wrapped and zeroed", async () => {
  const old = new TestKeys("old");
  const next = new TestKeys("new");
  const creds = await fixture(old);
  const result = await rewrapVersions(creds, next, "db/*", { context: PROD });
  strictEqual(result.rewrapped.length, 3);
  deepStrictEqual([old.calls.decryptDataKey, next.calls.wrapDataKey], [3, 3]);
  ok(old.handedOut.every((key) => key.every((b) => b === 0)), "every data key was zeroed");
});

Deno.test("rewrap: a rerun finishes an interrupted rotation at one key service call per version", async () => {
  const old = new ServiceKeys("old", "kms");
  const next = new ServiceKeys("new", "kms");
  const inner = new MemoryStore();
  let allowed = 2;
  // The rotation stops after two versions (the process killed, the network down).
  const failing = Object.assign(
    {
      description: inner.description,
      list: inner.list.bind(inner),
      read: inner.read.bind(inner),
      create: inner.create.bind(inner),
      remove: inner.remove.bind(inner),
    },
    {
      replaceKey(name: string, version: string, expected: StoredSecret, key: string) {
        if (allowed-- <= 0) return Promise.reject(new StoreError("interrupted"));
        return inner.replaceKey(name, version, expected, key);
      },
    },
  );
  const creds = await fixture(old, failing);
  const first = await rewrapVersions(creds, next, undefined, { context: PROD });
  deepStrictEqual(versionNames(first.rewrapped), ["db/password@1", "db/password@2"]);
  deepStrictEqual(versionNames(first.failures), ["db/password@3", "tls/blob@1"]);

  allowed = Infinity;
  const calls = () => (old.calls.reEncrypt ?? 0) + (next.calls.reEncrypt ?? 0);
  const before = calls();
  const second = await rewrapVersions(creds, next, undefined, { context: PROD });
  deepStrictEqual(versionNames(second.already), ["db/password@1", "db/password@2"]);
  deepStrictEqual(versionNames(second.rewrapped), ["db/password@3", "tls/blob@1"]);
  deepStrictEqual(second.failures, []);
  // The first version tried the old key first (2), the next done one was probed (1), the first
  // not done was probed, then moved (2), the last moved (1).
  strictEqual(calls() - before, 6);

  const third = await rewrapVersions(creds, next, undefined, { context: PROD });
  deepStrictEqual([third.rewrapped.length, third.already.length], [0, 4]);
  strictEqual(
    calls() - before,
    6 + 5,
    "a finished rotation: the first version costs 2, the rest 1",
  );
});

Deno.test("rewrap: versions under another context or another key fail, named", async () => {
  const old = new ServiceKeys("old", "kms");
  const next = new ServiceKeys("new", "kms");
  const creds = await fixture(old);
  await creds.put("plain/token", "tok-made-up");
  // Planted: wrapped under a third key the same service holds.
  const third = new CredentialStore(creds.store, new ServiceKeys("third", "kms"));
  await third.put("planted/x", "planted-made-up", { context: PROD });
  const planted = await creds.store.read("planted/x", "1");
  const result = await rewrapVersions(creds, next, undefined, { context: PROD });
  deepStrictEqual(versionNames(result.failures), ["plain/token@1", "planted/x@1"]);
  const reasons = result.failures.map((f) => (f.error as Creds3Error).reason?.type);
  deepStrictEqual(reasons, ["context-mismatch", "wrong-kms-key"]);
  deepStrictEqual(
    await creds.store.read("planted/x", "1"),
    planted,
    "the planted one is untouched",
  );
  strictEqual(result.rewrapped.length, 4);
  const rest = await rewrapVersions(creds, next, "plain/*");
  deepStrictEqual(versionNames(rest.rewrapped), ["plain/token@1"]);
});

Deno.test("rewrap: a version changed since it was read is not replaced", async () => {
  const old = new ServiceKeys("old", "kms");
  const inner = new MemoryStore();
  await fixture(old, inner);
  // Another writer replaces version 2 between the read and the replacement.
  const racing = Object.assign(Object.create(null), {
    description: inner.description,
    list: inner.list.bind(inner),
    read: inner.read.bind(inner),
    create: inner.create.bind(inner),
    remove: inner.remove.bind(inner),
    async replaceKey(name: string, version: string, expected: StoredSecret, key: string) {
      if (version === "2") {
        await inner.remove([{ name, version }]);
        await inner.create(name, version, { ...expected, contents: "b3RoZXI=" });
      }
      return await inner.replaceKey(name, version, expected, key);
    },
  });
  const result = await rewrapVersions(
    new CredentialStore(racing, old),
    new ServiceKeys("new", "kms"),
    "db/*",
    {
      context: PROD,
    },
  );
  deepStrictEqual(versionNames(result.failures), ["db/password@2"]);
  const error = result.failures[0].error as Creds3Error;
  ok(error instanceof StoreError);
  strictEqual(error.reason?.type, "version-changed");
  strictEqual((await inner.read("db/password", "2")).contents, "b3RoZXI=");
  strictEqual(wrappedBy(fromBase64((await inner.read("db/password", "2")).key)), "old");
});

Deno.test("rewrap: a store that cannot replace a data key in place is refused before anything", async () => {
  const inner = new MemoryStore();
  const plain: Store = {
    description: "plain:",
    list: (o) => inner.list(o),
    read: (n, v) => inner.read(n, v),
    create: (n, v, s) => inner.create(n, v, s),
    remove: (e) => inner.remove(e),
  };
  const old = new TestKeys("old");
  await rejects(
    rewrapVersions(new CredentialStore(plain, old), new TestKeys("new"), undefined),
    UsageError,
  );
  strictEqual(old.calls.decryptDataKey ?? 0, 0);
});

Deno.test("rewrap: the same local key under another path, or a copy of it, is refused before anything", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await createMasterKey(`${dir}/master.key`);
    await Deno.copyFile(`${dir}/master.key`, `${dir}/copy.key`);
    await createMasterKey(`${dir}/new.key`);
    const old = new LocalKeyProvider(`${dir}/master.key`);
    const creds = new CredentialStore(new MemoryStore(), old);
    await creds.put("db/password", "made-up", { context: PROD });
    const before = await storedVersions(creds.store);
    for (const path of [`${dir}/./master.key`, `${dir}//master.key`, `${dir}/copy.key`]) {
      await rejects(
        rewrapVersions(creds, new LocalKeyProvider(path), undefined, { context: PROD }),
        (e: Error) => {
          strictEqual(e instanceof UsageError && e.reason?.type, "same-master-key", e.message);
          return true;
        },
      );
      deepStrictEqual(await storedVersions(creds.store), before, path);
    }
    const next = new LocalKeyProvider(`${dir}/new.key`);
    const done = await rewrapVersions(creds, next, undefined, { context: PROD });
    deepStrictEqual(versionNames(done.rewrapped), ["db/password@1"]);
    const again = await rewrapVersions(creds, next, undefined, { context: PROD });
    deepStrictEqual([again.rewrapped.length, again.already.length], [0, 1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
