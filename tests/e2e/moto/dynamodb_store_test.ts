/**
 * The DynamoDB store in process, on moto: replacing a version's key in place (and refusing to
 * when it changed or is gone), deleting more than one batch, the latest version when versions
 * are not all integers (and the version import numbers a change with), malformed items, tables
 * keyed otherwise than credstash's, and `setup` on tables that are and are not credstash's.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteTableCommand,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { CredentialStore } from "../../../lib/core/credential_store.ts";
import { planImport } from "../../../lib/core/import.ts";
import {
  IntegrityError,
  NotFoundError,
  StoreError,
  VersionExistsError,
} from "../../../lib/core/errors.ts";
import { KmsKeyProvider } from "../../../lib/keys/kms.ts";
import { DynamoDbStore } from "../../../lib/stores/dynamodb/store.ts";
import { type DynamoDbBackend, dynamodbBackend, type ItemJson } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";
import { kmsClient, uniqueName } from "../../helpers/moto.ts";

/** A store and a credential store on a fresh table and KMS key. */
function storeTest(
  name: string,
  fn: (b: DynamoDbBackend, store: DynamoDbStore, creds: CredentialStore) => Promise<void>,
): void {
  Deno.test(`dynamodb store: ${name}`, async () => {
    const b = await dynamodbBackend("creds3-ddb-store");
    const kms = kmsClient(b.url);
    try {
      const store = new DynamoDbStore(b.ddb, b.table);
      await fn(b, store, new CredentialStore(store, new KmsKeyProvider(kms, b.alias)));
    } finally {
      kms.destroy();
      await b.cleanup();
    }
  });
}

storeTest(
  "replaceKey changes only the key, in any of credstash's shapes",
  async (b, store, creds) => {
    await creds.put("db/password", "correct horse", { comment: "a note" });
    const before = await b.raw("db/password", "1") as ItemJson;
    const read = await store.read("db/password", "1");
    await store.replaceKey("db/password", "1", read, "bmV3LWtleQ==");
    const after = await b.raw("db/password", "1") as ItemJson;
    deepStrictEqual(after, { ...before, key: { S: "bmV3LWtleQ==" } });
    // An item as an older writer stored it: the hmac a String, no digest, no comment.
    const old: ItemJson = { ...before, hmac: { S: (await b.read("db/password", "1")).hmac } };
    delete old.digest;
    delete old.comment;
    await b.writeRaw("db/password", "2", old);
    const oldRead = await store.read("db/password", "2");
    strictEqual(oldRead.digest, "SHA256");
    await store.replaceKey("db/password", "2", oldRead, "b3RoZXI=");
    deepStrictEqual(await b.raw("db/password", "2"), {
      ...old,
      version: { S: "0000000000000000002" },
      key: { S: "b3RoZXI=" },
    });
  },
);

storeTest(
  "replaceKey refuses a version that changed since it was read, or is gone",
  async (b, store, creds) => {
    await creds.put("api_key", "k-1", { comment: "first" });
    const read = await store.read("api_key", "1");
    const raw = await b.raw("api_key", "1") as ItemJson;
    // Each field changed by another writer: the key is not replaced.
    const changes: ItemJson[] = [
      { comment: { S: "changed" } },
      { "value-encoding": { S: "base64" } },
      { digest: { S: "SHA512" } },
      { key: { S: "b3RoZXI=" } },
      { contents: { S: "AAAA" } },
    ];
    for (const change of changes) {
      const changed = { ...raw, ...change };
      await b.writeRaw("api_key", "1", changed);
      const error = await store.replaceKey("api_key", "1", read, "bmV3").then(
        () => undefined,
        (e) => e,
      );
      ok(error instanceof StoreError, `${JSON.stringify(change)}: ${error}`);
      strictEqual(error.reason?.type, "version-changed");
      deepStrictEqual(await b.raw("api_key", "1"), changed);
    }
    await store.remove([{ name: "api_key", version: "1" }]);
    await rejects(store.replaceKey("api_key", "1", read, "bmV3"), NotFoundError);
  },
);

storeTest(
  "create never overwrites; remove deletes more than one batch of 25",
  async (_b, store, creds) => {
    await creds.put("k", "one");
    await rejects(creds.put("k", "two"), VersionExistsError);
    strictEqual((await creds.get("k")).value, "one");
    const stored = await store.read("k", "1");
    const entries = Array.from({ length: 60 }, (_, i) => ({ name: `many/${i}`, version: "1" }));
    for (const { name } of entries) await store.create(name, "1", stored);
    strictEqual((await creds.list("many/*")).length, 60);
    await store.remove(entries);
    deepStrictEqual(await creds.list("many/*"), []);
    deepStrictEqual((await creds.list()).map((e) => e.name), ["k"]);
  },
);

storeTest(
  "the latest version: the highest padded integer in one Query, else creds3's rule among all",
  async (b, store, creds) => {
    strictEqual(await store.readLatest("nothing"), undefined);
    await creds.put("n", "nine", { version: "9" });
    await creds.put("n", "ten", { version: "10" });
    strictEqual((await store.readLatest("n"))?.version, "10");
    strictEqual((await creds.get("n")).value, "ten");
    // A version that is not an integer sorts above the padded ones in the table: with no dates,
    // creds3's rule compares such versions as text.
    await creds.put("n", "beta", { version: "beta" });
    strictEqual((await creds.get("n")).value, "beta");
    // credstash pads a text version too; such an item is read as it is.
    const raw = await b.raw("n", "9") as ItemJson;
    await b.writeRaw("n", "000000000000000beta", raw);
    deepStrictEqual((await creds.versions("n")).map((e) => e.version), [
      "000000000000000beta",
      "9",
      "10",
      "beta",
    ]);
    strictEqual((await creds.get("n", { version: "000000000000000beta" })).value, "nine");
    const { secrets } = await creds.getMany("n");
    deepStrictEqual(secrets.map((s) => [s.version, s.value]), [["beta", "beta"]]);
  },
);

storeTest(
  "import numbers a changed value as put -a does: not after versions that are not integers",
  async (_b, _store, creds) => {
    // `0.5` sorts below the padded `2` in the table, `beta` above every padded number.
    for (const [name, version] of [["low", "0.5"], ["low", "2"], ["high", "1"], ["high", "beta"]]) {
      await creds.put(name, `made-up-${version}`, { version });
    }
    const entries = [{ name: "low", value: "changed" }, { name: "high", value: "changed" }];
    const plan = await planImport(creds, entries);
    deepStrictEqual(plan.items, []);
    deepStrictEqual(
      plan.failures.map((f) => [f.name, f.error.message]),
      [
        ["low", "Cannot autoversion 'low': stored version '0.5' is not an integer"],
        ["high", "Cannot autoversion 'high': stored version 'beta' is not an integer"],
      ],
    );
    for (const { name } of entries) {
      await rejects(creds.put(name, "changed", { autoversion: true }), /Cannot autoversion/);
    }
    // Unchanged values need no next version.
    const same = await planImport(creds, [{ name: "low", value: "made-up-2" }]);
    deepStrictEqual(same.items.map((i) => [i.action, i.version]), [["unchanged", "2"]]);
  },
);

storeTest(
  "a malformed item fails the read that needs it, and only that one",
  async (b, _store, creds) => {
    await creds.put("good", "fine");
    await creds.put("bad", "broken");
    const raw = await b.raw("bad", "1") as ItemJson;
    const shapes: [ItemJson, RegExp][] = [
      [{ ...raw, hmac: { N: "12" } }, /'hmac' attribute that is not a string \(N\)/],
      [{ ...raw, digest: { B: "AA==" } }, /'digest' attribute that is not a string \(B\)/],
      [{ ...raw, hmac: { B: "/w==" } }, /'hmac' that is not hex text/],
      [Object.fromEntries(Object.entries(raw).filter(([n]) => n !== "key")), /no 'key' attribute/],
      [{ ...raw, "value-encoding": { S: "rot13" } }, /unknown 'value-encoding'/],
    ];
    for (const [item, message] of shapes) {
      await b.writeRaw("bad", "1", item);
      await rejects(
        creds.get("bad"),
        (e) => e instanceof IntegrityError && message.test(e.message),
      );
      const { secrets, failures } = await creds.getMany(undefined);
      deepStrictEqual(
        secrets.map((s) => s.name),
        ["good"],
      );
      deepStrictEqual(failures.map((f) => f.name), ["bad"]);
      ok(message.test(failures[0].error.message), failures[0].error.message);
      ok(!("stored" in failures[0]), "a failure does not carry the item");
    }
    // The old version of a name does not fail a read of its latest.
    await b.writeRaw("bad", "2", raw);
    strictEqual((await creds.getMany("bad")).secrets[0]?.version, "2");
  },
);

storeTest(
  "setup: a missing table is created on demand; a table keyed otherwise is reported",
  async (b, store) => {
    deepStrictEqual((await store.setup()).map((s) => [s.step, s.outcome]), [
      [`Table '${b.table}'`, "ok"],
      ["Key schema", "ok"],
      ["Billing", "ok"],
    ]);
    const created = new DynamoDbStore(b.ddb, uniqueName("creds3-ddb-new"));
    const wrong = uniqueName("creds3-ddb-wrong");
    try {
      const steps = await created.setup();
      deepStrictEqual(steps.map((s) => [s.step, s.outcome]), [
        [`Table '${created.table}'`, "changed"],
        ["Key schema", "ok"],
      ]);
      await b.ddb.send(
        new CreateTableCommand({
          TableName: wrong,
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      const wrongSteps = await new DynamoDbStore(b.ddb, wrong).setup();
      deepStrictEqual(wrongSteps[1], {
        step: "Key schema",
        outcome: "failed",
        detail: "id (S, HASH): not credstash's name (S, HASH), version (S, RANGE), so this table " +
          "cannot hold credentials; give another with -l dynamodb:TABLE",
      });
    } finally {
      for (const table of [created.table, wrong]) {
        await b.ddb.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
      }
    }
  },
);

storeTest("a missing table is a store error that names it", async (b) => {
  const missing = new DynamoDbStore(b.ddb, uniqueName("creds3-ddb-missing"));
  const error = await Array.fromAsync(missing.list()).then(() => undefined, (e) => e);
  ok(error instanceof StoreError, String(error));
  deepStrictEqual(error.reason, { type: "no-such-store", location: missing.description });
  strictEqual(error.code, "ResourceNotFoundException");
  const item: Record<string, AttributeValue> = { name: { S: "x" }, version: { S: "1" } };
  await rejects(
    b.ddb.send(new PutItemCommand({ TableName: missing.table, Item: item })),
    /ResourceNotFoundException|not found/i,
  );
});

storeTest(
  "a table keyed otherwise than credstash's is said to be one, by every command, not listed as empty names",
  async (b) => {
    const tables = [
      {
        table: uniqueName("creds3-ddb-id"),
        key: [{ AttributeName: "id", KeyType: "HASH" as const }],
        types: [{ AttributeName: "id", AttributeType: "S" as const }],
        item: { id: { S: "row-1" }, data: { S: "made-up" } } as Record<string, AttributeValue>,
        schema: "id (S, HASH)",
      },
      {
        table: uniqueName("creds3-ddb-number"),
        key: [
          { AttributeName: "name", KeyType: "HASH" as const },
          { AttributeName: "version", KeyType: "RANGE" as const },
        ],
        types: [
          { AttributeName: "name", AttributeType: "S" as const },
          { AttributeName: "version", AttributeType: "N" as const },
        ],
        item: { name: { S: "a" }, version: { N: "1" }, key: { S: "a2V5" } } as Record<
          string,
          AttributeValue
        >,
        schema: "name (S, HASH), version (N, RANGE)",
      },
    ];
    try {
      for (const t of tables) {
        await b.ddb.send(
          new CreateTableCommand({
            TableName: t.table,
            KeySchema: t.key,
            AttributeDefinitions: t.types,
            BillingMode: "PAY_PER_REQUEST",
          }),
        );
        await b.ddb.send(new PutItemCommand({ TableName: t.table, Item: t.item }));
        const store = new DynamoDbStore(b.ddb, t.table);
        const notCredstash = (why: string) => (e: Error) => {
          ok(e instanceof StoreError, String(e));
          deepStrictEqual(e.reason, { type: "not-credstash-table", location: store.description });
          strictEqual(e.message, `${store.description} is not a credstash table: ${why}`);
          return true;
        };
        const items = notCredstash("its items have no 'name' and 'version' strings");
        const keyed = notCredstash(`it is keyed by ${t.schema}`);
        await rejects(Array.fromAsync(store.list()), items);
        await rejects(Array.fromAsync(store.scan()), items);
        await rejects(store.readLatest("a"), t.schema.startsWith("id") ? keyed : items);
        const secret = { contents: "Y2lwaGVy", key: "a2V5", hmac: "00ff", digest: "SHA256" };
        await rejects(store.create("a", "2", secret), keyed);
        const cli = await runCli(["list", "-l", store.description], { env: b.env });
        strictEqual(cli.code, 1);
        strictEqual(cli.stdout, "");
        strictEqual(
          cli.stderr,
          `creds3: error: ${store.description} is not a credstash table: its items have no ` +
            "'name' and 'version' strings\ncreds3: hint: a credstash table is keyed by name (S, " +
            "HASH) and version (S, RANGE): give one with -l dynamodb:TABLE, or make one with " +
            "'creds3 setup -l dynamodb:NEW_TABLE'\n",
        );
      }
    } finally {
      for (const t of tables) {
        await b.ddb.send(new DeleteTableCommand({ TableName: t.table })).catch(() => {});
      }
    }
  },
);
