/**
 * Two spellings of one version number (`01` and `1`), as another writer may have stored them:
 * one version in a stated order, the plain spelling latest; `put` refuses leading zeros.
 */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { CredentialStore } from "../../lib/core/credential_store.ts";
import { UsageError } from "../../lib/core/errors.ts";
import { compareVersions, latestVersion, validateVersion } from "../../lib/core/names.ts";
import { createMasterKey, LocalKeyProvider } from "../../lib/keys/local.ts";
import { MemoryStore } from "../../lib/stores/memory.ts";

Deno.test("versions: equal numbers sort by leading zeros, the plain spelling last", () => {
  deepStrictEqual(
    ["1", "10", "001", "2", "01", "0", "00"].sort(compareVersions),
    ["00", "0", "001", "01", "1", "2", "10"],
  );
  const entries = ["01", "1", "001"].map((version) => ({ name: "n", version }));
  strictEqual(latestVersion(entries)?.version, "1");
  strictEqual(latestVersion([...entries].reverse())?.version, "1");
  strictEqual(latestVersion([{ name: "n", version: "02" }, ...entries])?.version, "02");
});

Deno.test("versions: put refuses leading zeros, allows 0 and non-integers", () => {
  for (const v of ["01", "00", "007"]) throws(() => validateVersion(v), UsageError, v);
  for (const v of ["0", "1", "10", "beta", "v01", "1.0", "0123abc"]) {
    strictEqual(validateVersion(v), v);
  }
});

Deno.test("versions: get reads the plain spelling when another writer stored both", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await createMasterKey(`${dir}/master.key`);
    const store = new MemoryStore();
    const creds = new CredentialStore(store, new LocalKeyProvider(`${dir}/master.key`));
    await creds.put("db/password", "plain-one", { version: "1" });
    await creds.put("db/password", "zero-two", { version: "2" });
    // Stored as the original allowed, bypassing put's check.
    await store.create("db/password", "02", await store.read("db/password", "1"));
    strictEqual((await creds.get("db/password")).version, "2");
    strictEqual((await creds.get("db/password")).value, "zero-two");
    strictEqual((await creds.get("db/password", { version: "02" })).value, "plain-one");
    deepStrictEqual((await creds.list()).map((e) => e.version), ["1", "02", "2"]);
    const { secrets } = await creds.getMany(undefined);
    deepStrictEqual(secrets.map((s) => s.version), ["2"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
