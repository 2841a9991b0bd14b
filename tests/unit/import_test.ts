/**
 * The import engine's rules, in process on a store in memory with a local master key: a name
 * is stored as its next version unless its latest version holds the same value (and kind), so
 * importing twice stores nothing; what cannot be compared is a failure of the plan, before any
 * write; a version taken meanwhile by another writer is not overwritten; each name costs one
 * listing, one read when it exists and one write when it changed. Secrets are made up.
 */
import { deepStrictEqual, equal, match } from "node:assert/strict";
import { CredentialStore } from "../../lib/core/credential_store.ts";
import { Creds3Error } from "../../lib/core/errors.ts";
import { applyImport, type ImportEntry, planImport } from "../../lib/core/import.ts";
import type { ListOptions, StoredSecret } from "../../lib/core/store.ts";
import { createMasterKey, LocalKeyProvider } from "../../lib/keys/local.ts";
import { MemoryStore } from "../../lib/stores/memory.ts";
import { errorHint } from "../../commands/errors.ts";

/** A store in memory that counts what it is asked. */
class CountingStore extends MemoryStore {
  calls = { list: 0, read: 0, create: 0 };
  failCreate = new Set<string>();

  override list(options?: ListOptions) {
    this.calls.list++;
    return super.list(options);
  }
  override read(name: string, version: string) {
    this.calls.read++;
    return super.read(name, version);
  }
  override create(name: string, version: string, secret: StoredSecret) {
    this.calls.create++;
    if (this.failCreate.has(name)) {
      return Promise.reject(new Creds3Error("Access denied", { code: "AccessDenied" }));
    }
    return super.create(name, version, secret);
  }
  reset() {
    this.calls = { list: 0, read: 0, create: 0 };
  }
}

async function withCreds(fn: (creds: CredentialStore, store: CountingStore) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "creds3-import-" });
  try {
    await createMasterKey(`${dir}/master.key`);
    const store = new CountingStore();
    await fn(new CredentialStore(store, new LocalKeyProvider(`${dir}/master.key`)), store);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function importAll(creds: CredentialStore, entries: ImportEntry[], context = {}) {
  const plan = await planImport(creds, entries, { context });
  deepStrictEqual(plan.failures, []);
  return { plan, result: await applyImport(creds, plan.items, { context }) };
}

const actions = (plan: Awaited<ReturnType<typeof planImport>>) =>
  plan.items.map((i) => `${i.entry.name} ${i.action} ${i.version}`);

Deno.test("import engine: new names get version 1, changed ones the next, unchanged none", async () => {
  await withCreds(async (creds) => {
    await creds.put("kept", "same");
    await creds.put("moved", "old");
    await creds.put("moved", "older", { version: "9" });
    const entries = [
      { name: "kept", value: "same" },
      { name: "moved", value: "new" },
      { name: "fresh", value: "" },
    ];
    const { plan, result } = await importAll(creds, entries);
    deepStrictEqual(actions(plan), ["kept unchanged 1", "moved changed 10", "fresh new 1"]);
    deepStrictEqual(result, {
      stored: [{ name: "moved", version: "10" }, { name: "fresh", version: "1" }],
      failures: [],
    });
    equal((await creds.get("moved")).value, "new");
    equal((await creds.get("fresh")).value, "");
    const again = await importAll(creds, entries);
    deepStrictEqual(actions(again.plan), [
      "kept unchanged 1",
      "moved unchanged 10",
      "fresh unchanged 1",
    ]);
    deepStrictEqual(again.result.stored, []);
  });
});

Deno.test("import engine: one listing per name, one read per existing name, one write per change", async () => {
  await withCreds(async (creds, store) => {
    for (let i = 0; i < 10; i++) await creds.put(`n${i}`, `v${i}`);
    const entries = Array.from({ length: 15 }, (_, i) => ({
      name: `n${i}`,
      value: i < 7 ? `v${i}` : `changed ${i}`,
    }));
    store.reset();
    const plan = await planImport(creds, entries);
    deepStrictEqual(store.calls, { list: 15, read: 10, create: 0 });
    store.reset();
    const result = await applyImport(creds, plan.items);
    deepStrictEqual(store.calls, { list: 0, read: 0, create: 8 });
    equal(result.stored.length, 8);
  });
});

Deno.test("import engine: the context is used to compare and to store", async () => {
  await withCreds(async (creds) => {
    await creds.put("api", "tok", { context: { env: "prod" } });
    const entries = [{ name: "api", value: "tok" }, { name: "db", value: "pw" }];
    const blind = await planImport(creds, entries);
    deepStrictEqual(blind.failures.map((f) => [f.name, f.version]), [["api", "1"]]);
    deepStrictEqual(actions(blind), ["db new 1"]);
    const { plan } = await importAll(creds, entries, { env: "prod" });
    deepStrictEqual(actions(plan), ["api unchanged 1", "db new 1"]);
    equal((await creds.get("db", { context: { env: "prod" } })).value, "pw");
  });
});

Deno.test("import engine: binary values are stored as bytes; the same text of the other kind fails", async () => {
  await withCreds(async (creds) => {
    await importAll(creds, [{ name: "blob", value: "AAH+/w==", binary: true }]);
    const stored = await creds.get("blob");
    deepStrictEqual([stored.value, stored.binary], ["AAH+/w==", true]);
    const again = await importAll(creds, [{ name: "blob", value: "AAH+/w==", binary: true }]);
    deepStrictEqual(actions(again.plan), ["blob unchanged 1"]);
    // The base64 text of a binary secret, given as text (a getall file without --binary).
    const text = await planImport(creds, [{ name: "blob", value: "AAH+/w==" }]);
    equal(text.failures.length, 1);
    const [failure] = text.failures;
    deepStrictEqual([failure.name, failure.version], ["blob", "1"]);
    match(failure.error.message, /binary secret, and the value is the base64 text/);
    match(errorHint(failure.error) ?? "", /--binary/);
    await creds.put("word", "AAH+/w==");
    const asBytes = await planImport(creds, [{ name: "word", value: "AAH+/w==", binary: true }]);
    match(asBytes.failures[0].error.message, /latest version is text/);
  });
});

Deno.test("import engine: a version taken meanwhile is kept; the value goes to the next one", async () => {
  await withCreds(async (creds) => {
    await creds.put("race", "first");
    const plan = await planImport(creds, [{ name: "race", value: "mine" }]);
    deepStrictEqual(actions(plan), ["race changed 2"]);
    await creds.put("race", "theirs", { version: "2" });
    const result = await applyImport(creds, plan.items, { comment: "imported" });
    deepStrictEqual(result.stored, [{ name: "race", version: "3" }]);
    equal((await creds.get("race", { version: "2" })).value, "theirs");
    equal((await creds.get("race")).value, "mine");
    deepStrictEqual((await creds.history("race")).map((v) => v.comment), [
      undefined,
      undefined,
      "imported",
    ]);
  });
});

Deno.test("import engine: versions that are not integers fail a change, not an unchanged name", async () => {
  await withCreds(async (creds) => {
    await creds.put("tagged", "v", { version: "release-a" });
    const same = await planImport(creds, [{ name: "tagged", value: "v" }]);
    deepStrictEqual(actions(same), ["tagged unchanged release-a"]);
    const changed = await planImport(creds, [{ name: "tagged", value: "w" }]);
    equal(changed.failures.length, 1);
    match(changed.failures[0].error.message, /Cannot autoversion 'tagged'/);
  });
});

Deno.test("import engine: a write that fails is reported by name; the others are stored", async () => {
  await withCreds(async (creds, store) => {
    store.failCreate.add("denied");
    const plan = await planImport(creds, [
      { name: "allowed", value: "a" },
      { name: "denied", value: "b" },
    ]);
    const result = await applyImport(creds, plan.items);
    deepStrictEqual(result.stored, [{ name: "allowed", version: "1" }]);
    deepStrictEqual(result.failures.map((f) => [f.name, f.version, f.error.message]), [
      ["denied", "1", "Access denied"],
    ]);
  });
});
