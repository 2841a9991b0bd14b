/**
 * Concurrent writers, on moto and on the local directory store: 32 concurrent `put -a` of one
 * name land on 32 distinct consecutive versions, none lost; of two concurrent `put -v 5`
 * exactly one wins; `put -a` while `prune` runs never loses its version. The stores'
 * create-only writes, and pruning against writers, are also raced directly, in one process,
 * where the writers are truly simultaneous.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { CredentialStore } from "../../lib/core/credential_store.ts";
import { VersionExistsError } from "../../lib/core/errors.ts";
import { createMasterKey, LocalKeyProvider } from "../../lib/keys/local.ts";
import { DirectoryStore } from "../../lib/stores/directory.ts";
import { S3Store } from "../../lib/stores/s3/store.ts";
import type { Store, StoredSecret } from "../../lib/core/store.ts";
import {
  localAndMoto,
  type TestBackend,
  withBackend,
  withMotoBucket,
} from "../helpers/backends.ts";
import { runCli } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/scoped.ts";

const RACERS = 32;

for (const [label, makeBackend] of localAndMoto("creds3-race")) {
  Deno.test(`races (${label}): ${RACERS} concurrent put -a land on ${RACERS} consecutive versions`, async () => {
    await withBackend(makeBackend, async (_, cli) => {
      const values = Array.from({ length: RACERS }, (_, i) => `racer-value-${i}`);
      const runs = await Promise.all(values.map((value) => cli("put", "-a", "race/name", value)));
      const stored = new Map<string, string>();
      runs.forEach((r, i) => {
        strictEqual(r.code, 0, r.stderr);
        const version = r.stderr.match(/Stored 'race\/name' version (\d+)/)?.[1];
        ok(version, r.stderr);
        ok(!stored.has(version), `version ${version} reported twice`);
        stored.set(version, values[i]);
      });
      const expected = Array.from({ length: RACERS }, (_, i) => String(i + 1));
      deepStrictEqual([...stored.keys()].sort((a, b) => +a - +b), expected);
      const list = await cli("list");
      deepStrictEqual(
        list.stdout.trimEnd().split("\n"),
        expected.map((v) => `race/name -- version ${v}`),
      );
      const reads = await Promise.all(expected.map((v) => cli("get", "race/name", "-v", v)));
      reads.forEach((r, i) => strictEqual(r.stdout, `${stored.get(expected[i])}\n`, r.stderr));
    });
  });

  Deno.test(`races (${label}): of two concurrent put -v 5 exactly one wins`, async () => {
    await withBackend(makeBackend, async (_, cli) => {
      const names = ["pair/a", "pair/b", "pair/c", "pair/d"];
      const runs = await Promise.all(
        names.flatMap((name) =>
          ["left", "right"].map((side) => cli("put", "-v", "5", name, `${side}-value`))
        ),
      );
      for (const [i, name] of names.entries()) {
        const pair = runs.slice(2 * i, 2 * i + 2);
        const winners = pair.filter((r) => r.code === 0);
        const losers = pair.filter((r) => r.code !== 0);
        strictEqual(winners.length, 1, `${name}: ${pair.map((r) => r.stderr).join(" | ")}`);
        strictEqual(losers[0].code, 1);
        strictEqual(losers[0].stdout, "");
        match(losers[0].stderr, new RegExp(`Version 5 of '${name}' already exists`));
        const side = pair[0].code === 0 ? "left" : "right";
        strictEqual((await cli("get", name)).stdout, `${side}-value\n`);
        strictEqual((await cli("list", name)).stdout, `${name} -- version 5\n`);
      }
    });
  });
}

/** Old versions 1 to `count` of `name`: copies of one stored version (prune reads none). */
async function seedOldVersions(backend: TestBackend, name: string, count: number) {
  const r = await runCli(["put", "-v", "1", name, "old-value"], { env: backend.env });
  strictEqual(r.code, 0, r.stderr);
  const fields = await backend.read(name, "1");
  for (let v = 2; v <= count; v += 10) {
    const batch = Array.from({ length: Math.min(10, count - v + 1) }, (_, i) => v + i);
    await Promise.all(batch.map((version) => backend.write(name, String(version), fields)));
  }
}

for (const [label, makeBackend] of localAndMoto("creds3-prune-race")) {
  Deno.test(`races (${label}): put -a while prune runs never loses its version`, async () => {
    const OLD = 40;
    const WRITERS = 16;
    await withBackend(makeBackend, async (backend, cli) => {
      await seedOldVersions(backend, "race/pruned", OLD);
      // Every prune keeps more versions than the writers add: the versions they write are all
      // among the latest, so only a prune that deleted what it had not listed could take one.
      const keep = String(WRITERS + 1);
      let writing = true;
      const puts = Promise.all(
        Array.from({ length: WRITERS }, (_, i) => cli("put", "-a", "race/pruned", `new-${i}`)),
      ).finally(() => writing = false);
      const pruned: string[][] = [];
      const prune = async () => {
        const r = await cli("prune", "race/pruned", "--keep", keep, "-f", "json");
        strictEqual(r.code, 0, r.stderr);
        pruned.push(JSON.parse(r.stdout).map((e: { version: string }) => e.version));
      };
      const prunes = (async () => {
        while (writing || pruned.length < 3) await prune();
      })();
      const [runs] = await Promise.all([puts, prunes]);
      // The last prune of the loop may have listed before the last writer landed: one more,
      // after every writer, leaves exactly the latest versions.
      await prune();
      const written = new Map<string, string>();
      runs.forEach((r, i) => {
        strictEqual(r.code, 0, r.stderr);
        written.set(r.stderr.match(/version (\d+)/)![1], `new-${i}`);
      });
      strictEqual(written.size, WRITERS);
      const deleted = pruned.flat();
      ok(deleted.length > 0, "the prunes deleted nothing: the race was not run");
      for (const [version, value] of written) {
        ok(!deleted.includes(version), `prune reported deleting version ${version} of a writer`);
        strictEqual((await cli("get", "race/pruned", "-v", version)).stdout, `${value}\n`);
      }
      // What is left: the latest versions, the writers' among them.
      const left = (await cli("list", "race/pruned")).stdout.trimEnd().split("\n");
      strictEqual(left.length, Number(keep), left.join("\n"));
    });
  });
}

/** Races 64 `put -a` with back-to-back prunes on one store, in one process. */
async function racePrune(store: Store): Promise<void> {
  await withTempDir("creds3-race-key-", async (dir) => {
    await createMasterKey(`${dir}/master.key`);
    const creds = new CredentialStore(store, new LocalKeyProvider(`${dir}/master.key`));
    for (let v = 1; v <= 30; v++) await creds.put("p/name", `old-${v}`, { version: String(v) });
    const WRITERS = 64;
    let writing = true;
    let deleted = 0;
    const puts = Promise.all(
      Array.from(
        { length: WRITERS },
        (_, i) =>
          creds.put("p/name", `new-${i}`, { autoversion: true }).then((v) => [v, `new-${i}`]),
      ),
    ).finally(() => writing = false);
    const prunes = (async () => {
      while (writing) {
        deleted += (await creds.prune("p/name", { keep: WRITERS + 1 })).deleted.length;
      }
    })();
    const [written] = await Promise.all([puts, prunes]);
    ok(deleted > 0, "the prunes deleted nothing: the race was not run");
    strictEqual(new Set(written.map(([v]) => v)).size, WRITERS);
    for (const [version, value] of written) {
      strictEqual((await creds.get("p/name", { version })).value, value);
    }
  });
}

/** Runs `fn` on a directory store, set up in a temporary directory removed afterwards. */
function withDirectoryStore(fn: (store: DirectoryStore, root: string) => Promise<void>) {
  return withTempDir("creds3-race-dir-", async (dir) => {
    const store = new DirectoryStore(`${dir}/store`);
    await store.setup();
    await fn(store, `${dir}/store`);
  });
}

Deno.test("races: prune against 64 writers on the directory store, in one process", async () => {
  await withDirectoryStore(racePrune);
});

Deno.test("races: prune against 64 writers on S3 (moto), in one process", async () => {
  await withMotoBucket(
    "creds3-race-prune",
    ({ s3, bucket }) => racePrune(new S3Store(s3, bucket, "p/")),
  );
});

const sealed = (i: number): StoredSecret => ({
  contents: btoa(`ciphertext-${i}`),
  key: btoa(`wrapped-key-${i}`),
  hmac: i.toString(16).padStart(64, "0"),
  digest: "SHA256",
});

/** Races `writers` creates of one version; exactly one must win and its object must be whole. */
async function raceCreate(store: Store, writers: number): Promise<void> {
  const results = await Promise.allSettled(
    Array.from({ length: writers }, (_, i) => store.create("same/name", "5", sealed(i))),
  );
  const won = results.flatMap((r, i) => r.status === "fulfilled" ? [i] : []);
  strictEqual(won.length, 1, `winners: ${won.join(", ")}`);
  for (const r of results) {
    if (r.status === "rejected") {
      ok(r.reason instanceof VersionExistsError, String(r.reason));
      match(r.reason.message, /Version 5 of 'same\/name' already exists/);
    }
  }
  deepStrictEqual(await store.read("same/name", "5"), sealed(won[0]));
  const listed = await Array.fromAsync(store.list({ name: "same/name" }));
  deepStrictEqual(listed.map((e) => e.version), ["5"]);
}

Deno.test("races: the directory store's create-only link lets exactly one of 64 writers win", async () => {
  await withDirectoryStore(async (store, root) => {
    for (let round = 0; round < 5; round++) {
      await raceCreate(store, 64);
      await store.remove([{ name: "same/name", version: "5" }]);
    }
    // No temporary file is left behind by the losers.
    deepStrictEqual([...Deno.readDirSync(root)], []);
  });
});

Deno.test("races: a put into a folder that a delete is emptying still lands (directory store)", async () => {
  await withDirectoryStore(async (store, root) => {
    // Deleting the only version removes the emptied folders, possibly just after the writer
    // made them and before it writes its file there: the writer makes them again.
    for (let round = 0; round < 100; round++) {
      await store.create("a/b", "1", sealed(1));
      const [removed, created] = await Promise.allSettled([
        store.remove([{ name: "a/b", version: "1" }]),
        store.create("a/b", "2", sealed(2)),
      ]);
      strictEqual(removed.status, "fulfilled", String((removed as PromiseRejectedResult).reason));
      strictEqual(created.status, "fulfilled", String((created as PromiseRejectedResult).reason));
      deepStrictEqual(await store.read("a/b", "2"), sealed(2));
      await store.remove([{ name: "a/b", version: "2" }]);
    }
    deepStrictEqual([...Deno.readDirSync(root)], []);
  });
});

Deno.test("races: S3 conditional PutObject lets exactly one of 16 writers win (moto)", async () => {
  await withMotoBucket("creds3-race-s3", async ({ s3, bucket }) => {
    const store = new S3Store(s3, bucket, "p/");
    for (let round = 0; round < 3; round++) {
      await raceCreate(store, 16);
      await store.remove([{ name: "same/name", version: "5" }]);
    }
  });
});
