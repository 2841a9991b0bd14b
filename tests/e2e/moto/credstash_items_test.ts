/**
 * credstash's own item format, both ways, on moto's DynamoDB: items of every shape that
 * credstash writes (tests/data/credstash-items.json holds items exactly as credstash 1.17 wrote
 * them) are written with the low-level API and read by creds3; what creds3 writes is checked
 * against the same shapes; and a credstash-faithful reader and writer written from
 * docs/FORMAT.md in Python (boto3's resource layer, as credstash uses it:
 * tests/helpers/credstash_table.py) reads what creds3 wrote, and writes what creds3 reads.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import {
  type AttributeValue,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
} from "@aws-sdk/client-dynamodb";
import { GenerateDataKeyCommand } from "@aws-sdk/client-kms";
import { fromBase64, toBase64 } from "../../../lib/core/encoding.ts";
import { type Digest, READ_DIGESTS, sealEnvelope } from "../../../lib/core/envelope.ts";
import {
  type DynamoDbBackend,
  dynamodbBackend,
  itemFromJson,
  type ItemJson,
} from "../../helpers/backends.ts";
import { REPO_ROOT, runCli } from "../../helpers/cli.ts";
import { credstashTable } from "../../helpers/python_tools.ts";
import { kmsClient, uniqueName } from "../../helpers/moto.ts";

interface Vectors {
  commands: string[];
  table: { KeySchema: unknown[]; AttributeDefinitions: unknown[] };
  items: ItemJson[];
}

const VECTORS: Vectors = JSON.parse(
  await Deno.readTextFile(`${REPO_ROOT}/tests/data/credstash-items.json`),
);

/** Runs a test on a fresh table and KMS key. */
function tableTest(name: string, fn: (b: DynamoDbBackend) => Promise<void>): void {
  Deno.test(`credstash items: ${name}`, async () => {
    const b = await dynamodbBackend("creds3-items");
    try {
      await fn(b);
    } finally {
      await b.cleanup();
    }
  });
}

/** The CLI on the backend; fails the test unless it exits 0. */
async function creds3(b: DynamoDbBackend, ...args: string[]): Promise<string> {
  const r = await runCli(args, { env: b.env });
  strictEqual(r.code, 0, `creds3 ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Each attribute's DynamoDB type (`S`, `B`, ...), by name. */
function types(item: ItemJson): Record<string, string> {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [name, Object.keys(value)[0]]),
  );
}

/** The ASCII text of a Binary shown as base64. */
function binaryText(base64: string): string {
  return new TextDecoder().decode(fromBase64(base64));
}

/**
 * An item of credstash's shape holding `value`: a data key from the backend's KMS key, sealed
 * with `digest`; `hmac` is stored as a Binary of its hex (credstash on Python 3) or as a String
 * (older writers), and `digest` left out when `withDigest` is false.
 */
async function credstashItem(
  b: DynamoDbBackend,
  shape: {
    name: string;
    version: string;
    value: string;
    digest: Digest;
    context?: Record<string, string>;
    hmac?: "binary" | "string";
    withDigest?: boolean;
    comment?: string;
  },
): Promise<Record<string, AttributeValue>> {
  const kms = kmsClient(b.url);
  try {
    const key = await kms.send(
      new GenerateDataKeyCommand({
        KeyId: b.alias,
        NumberOfBytes: 64,
        EncryptionContext: shape.context ?? {},
      }),
    );
    const sealed = await sealEnvelope(
      new TextEncoder().encode(shape.value),
      key.Plaintext!,
      shape.digest,
    );
    key.Plaintext!.fill(0);
    return {
      name: { S: shape.name },
      version: { S: shape.version },
      key: { S: toBase64(key.CiphertextBlob!) },
      contents: { S: sealed.contents },
      hmac: shape.hmac === "string"
        ? { S: sealed.hmac }
        : { B: new TextEncoder().encode(sealed.hmac) },
      ...(shape.withDigest === false ? {} : { digest: { S: shape.digest } }),
      ...(shape.comment === undefined ? {} : { comment: { S: shape.comment } }),
    };
  } finally {
    kms.destroy();
  }
}

async function putItem(b: DynamoDbBackend, item: Record<string, AttributeValue>): Promise<void> {
  await b.ddb.send(new PutItemCommand({ TableName: b.table, Item: item }));
}

/** The credstash-faithful reader and writer (tests/helpers/credstash_table.py) on the table. */
function credstashLike(b: DynamoDbBackend, ...args: string[]) {
  return credstashTable(b.url, b.table, ...args);
}

async function credstashLikeOk(b: DynamoDbBackend, ...args: string[]): Promise<string> {
  const r = await credstashLike(b, ...args);
  strictEqual(r.code, 0, `credstash_table.py ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

tableTest(
  "creds3 writes what credstash 1.17 writes: the vectors' commands give the same attributes, types, padding and values",
  async (b) => {
    deepStrictEqual(VECTORS.commands.slice(1), [
      "credstash put db/password 'correct horse' env=prod",
      "credstash put -a db/password 'second ü' env=prod",
      "credstash put -c 'rotated by ops' -d SHA512 api_key 'k-1'",
      "credstash put -v 10 api_key 'k-10'",
    ]);
    await creds3(b, "put", "db/password", "correct horse", "env=prod");
    await creds3(b, "put", "-a", "db/password", "second ü", "env=prod");
    await creds3(b, "put", "-c", "rotated by ops", "-d", "SHA512", "api_key", "k-1");
    await creds3(b, "put", "-v", "10", "api_key", "k-10");
    const written = await b.snapshot() as Record<string, ItemJson>;
    deepStrictEqual(
      Object.keys(written).sort(),
      VECTORS.items.map((i) => `${i.name.S}/${i.version.S}`).sort(),
    );
    for (const vector of VECTORS.items) {
      const item = written[`${vector.name.S}/${vector.version.S}`];
      const label = `${vector.name.S} ${vector.version.S}`;
      deepStrictEqual(types(item), types(vector), label);
      for (const attribute of ["name", "version", "digest", "comment"]) {
        deepStrictEqual(item[attribute], vector[attribute], `${label}: ${attribute}`);
      }
      // The hmac: a Binary of lowercase hex, as long as credstash's for the digest.
      const hmac = binaryText(item.hmac.B!);
      match(hmac, /^[0-9a-f]+$/);
      strictEqual(hmac.length, binaryText(vector.hmac.B!).length, label);
      // contents and key: base64, of the same lengths (the same plaintext, a 64-byte data key).
      strictEqual(item.contents.S!.length, vector.contents.S!.length, label);
      strictEqual(toBase64(fromBase64(item.key.S!)), item.key.S);
    }
    // And they read back.
    strictEqual(await creds3(b, "get", "db/password", "env=prod"), "second ü\n");
    strictEqual(await creds3(b, "get", "api_key"), "k-10\n");
  },
);

tableTest(
  "setup creates the table as credstash's (the vectors' key schema), billed on demand",
  async (b) => {
    const table = uniqueName("creds3-items-setup");
    try {
      await checkSetup(b, table);
    } finally {
      await b.ddb.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
    }
  },
);

/** `setup` of a new table `table`, then of the fixture's existing one. */
async function checkSetup(b: DynamoDbBackend, table: string): Promise<void> {
  const r = await runCli(["setup", "-l", `dynamodb:${table}`], { env: b.env });
  strictEqual(r.code, 0, r.stderr);
  match(r.stderr, new RegExp(`Table '${table}': created, billed on demand \\(PAY_PER_REQUEST\\)`));
  const described = await b.ddb.send(new DescribeTableCommand({ TableName: table }));
  const description = described.Table!;
  strictEqual(description.TableStatus, "ACTIVE");
  strictEqual(description.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
  deepStrictEqual(description.KeySchema, VECTORS.table.KeySchema);
  deepStrictEqual(
    [...description.AttributeDefinitions!].sort((x, y) =>
      x.AttributeName! < y.AttributeName! ? -1 : 1
    ),
    VECTORS.table.AttributeDefinitions,
  );
  // The fixture's table was made as credstash's setup makes it: provisioned, 1 and 1.
  const existing = await runCli(["setup"], { env: b.env });
  strictEqual(existing.code, 0, existing.stderr);
  match(existing.stderr, /Key schema: name \(S, HASH\), version \(S, RANGE\), as credstash's/);
  match(existing.stderr, /Billing: provisioned, 1 read and 1 write capacity units/);
}

tableTest(
  "creds3 reads items of every shape credstash writes: each digest, hmac as Binary and as String, no digest, comments, a context",
  async (b) => {
    const context = { env: "prod" };
    // The vectors' own items, with an envelope of this KMS key in place of theirs (a throwaway
    // key's, which cannot be decrypted), every other attribute as credstash wrote it.
    for (const [i, vector] of VECTORS.items.entries()) {
      const real = await credstashItem(b, {
        name: vector.name.S!,
        version: vector.version.S!,
        value: `vector value ${i}`,
        digest: (vector.digest?.S ?? "SHA256") as Digest,
        context,
      });
      await putItem(b, {
        ...itemFromJson(vector),
        key: real.key,
        contents: real.contents,
        hmac: real.hmac,
      });
    }
    // Then one version per digest, alternately with the hmac as a String (an older writer's).
    const shapes = READ_DIGESTS.map((digest, i) => ({
      name: "shapes",
      version: String(i + 1).padStart(19, "0"),
      value: `digest ${digest} ✓`,
      digest,
      context,
      hmac: i % 2 === 0 ? "binary" as const : "string" as const,
    }));
    // No digest at all (SHA256 for credstash's reader), and a comment.
    shapes.push(
      {
        name: "shapes",
        version: "0000000000000000007",
        value: "no digest stored",
        digest: "SHA256",
        context,
        hmac: "binary",
        withDigest: false,
        comment: "written by an old writer",
      } as (typeof shapes)[number],
    );
    for (const shape of shapes) await putItem(b, await credstashItem(b, shape));
    for (const [i, vector] of VECTORS.items.entries()) {
      const version = String(Number(vector.version.S));
      strictEqual(
        await creds3(b, "get", vector.name.S!, "-v", version, "env=prod"),
        `vector value ${i}\n`,
      );
    }
    for (const shape of shapes) {
      const version = String(Number(shape.version));
      strictEqual(
        await creds3(b, "get", "shapes", "-v", version, "env=prod"),
        `${shape.value}\n`,
        `${shape.digest}, hmac as ${shape.hmac}`,
      );
    }
    // Versions are read without their padding, the latest is the highest.
    strictEqual(await creds3(b, "get", "shapes", "env=prod"), "no digest stored\n");
    strictEqual(await creds3(b, "get", "api_key", "env=prod"), "vector value 1\n");
    deepStrictEqual(JSON.parse(await creds3(b, "getall", "env=prod")), {
      api_key: "vector value 1",
      "db/password": "vector value 3",
      shapes: "no digest stored",
    });
    strictEqual(
      await creds3(b, "list", "api_key"),
      "api_key -- version 1\napi_key -- version 10\n",
    );
    const history = JSON.parse(await creds3(b, "history", "shapes", "-f", "json"));
    deepStrictEqual(history.map((e: { version: string }) => e.version), [
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
    ]);
    strictEqual(history[6].comment, "written by an old writer");
    const apiKey = JSON.parse(await creds3(b, "history", "api_key", "-f", "json"));
    deepStrictEqual(apiKey.map((e: { comment?: string }) => e.comment), [
      "rotated by ops",
      undefined,
    ]);
    // The context is checked: without it, nothing is printed.
    const noContext = await runCli(["get", "shapes"], { env: b.env });
    strictEqual(noContext.code, 1);
    strictEqual(noContext.stdout, "");
    match(noContext.stderr, /'shapes' version 7/);
  },
);

tableTest(
  "autoversion past 9: version 10 is the latest, and the padding keeps the table in the numbers' order",
  async (b) => {
    for (let v = 1; v <= 11; v++) {
      const r = await runCli(["put", "-a", "counter", `value ${v}`], { env: b.env });
      strictEqual(r.code, 0, r.stderr);
      match(r.stderr, new RegExp(`version ${v}\\b`));
    }
    strictEqual(await creds3(b, "get", "counter"), "value 11\n");
    strictEqual(await creds3(b, "get", "counter", "-v", "9"), "value 9\n");
    // The table's own order (a Query, ascending) is the numbers' order.
    const query = await b.ddb.send(
      new QueryCommand({
        TableName: b.table,
        KeyConditionExpression: "#n = :n",
        ExpressionAttributeNames: { "#n": "name" },
        ExpressionAttributeValues: { ":n": { S: "counter" } },
      }),
    );
    deepStrictEqual(
      query.Items!.map((i) => i.version.S),
      Array.from({ length: 11 }, (_, i) => String(i + 1).padStart(19, "0")),
    );
    deepStrictEqual(
      (await creds3(b, "list", "counter")).trimEnd().split("\n").map((l) => l.split(" ").pop()),
      ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"],
    );
    // A credstash-like put -a continues from creds3's highest.
    strictEqual(
      await credstashLikeOk(b, "put", "counter", "value 12", "-k", b.alias, "-v", "auto"),
      "0000000000000000012",
    );
    strictEqual(await creds3(b, "get", "counter"), "value 12\n");
  },
);

tableTest(
  "a credstash-faithful reader reads what creds3 writes, and creds3 reads what it writes",
  async (b) => {
    const dir = await Deno.makeTempDir({ prefix: "creds3-items-" });
    try {
      // creds3 writes: a context, a comment, SHA512, a binary value, autoversion.
      await creds3(b, "put", "app/db", "correct horse ü", "env=prod", "-c", "from creds3 ✓");
      await creds3(b, "put", "-a", "app/db", "battery staple", "env=prod", "-d", "SHA512");
      const bytes = new Uint8Array([0, 1, 2, 253, 254, 255, 10]);
      await Deno.writeFile(`${dir}/blob`, bytes);
      await creds3(b, "put", "app/blob", `@${dir}/blob`, "--binary");
      strictEqual(await credstashLikeOk(b, "get", "app/db", "-e", "env=prod"), "battery staple");
      strictEqual(
        await credstashLikeOk(b, "get", "app/db", "-v", "1", "-e", "env=prod"),
        "correct horse ü",
      );
      // A binary secret reads as the base64 text of its bytes.
      strictEqual(await credstashLikeOk(b, "get", "app/blob"), toBase64(bytes));
      // Controls: the reader does check the context and the HMAC.
      const wrongContext = await credstashLike(b, "get", "app/db", "-e", "env=dev");
      strictEqual(wrongContext.code, 1);
      match(wrongContext.stderr, /InvalidCiphertextException/);
      const raw = await b.raw("app/blob", "1") as ItemJson;
      const hex = binaryText(raw.hmac.B!);
      const flipped = (hex[0] === "0" ? "1" : "0") + hex.slice(1);
      await b.writeRaw("app/blob", "1", {
        ...raw,
        hmac: { B: toBase64(new TextEncoder().encode(flipped)) },
      });
      const tampered = await credstashLike(b, "get", "app/blob");
      strictEqual(tampered.code, 1);
      match(tampered.stderr, /HMAC does not match/);
      // Its listing shows creds3's padded versions and comments.
      strictEqual(
        await credstashLikeOk(b, "list"),
        "app/blob 0000000000000000001 \napp/db 0000000000000000001 from creds3 ✓\n" +
          "app/db 0000000000000000002 \n",
      );

      // It writes: the hmac as a Binary and as a String, MD5, no digest, a comment, put -a.
      await credstashLikeOk(b, "put", "py/secret", "one", "-k", b.alias, "-e", "team=core");
      await credstashLikeOk(
        b,
        "put",
        "py/secret",
        "two",
        "-k",
        b.alias,
        "-v",
        "auto",
        "--hmac-string",
        "-d",
        "MD5",
        "-e",
        "team=core",
      );
      await credstashLikeOk(
        b,
        "put",
        "py/secret",
        "three",
        "-k",
        b.alias,
        "-v",
        "auto",
        "--no-digest",
        "-c",
        "old writer",
        "-e",
        "team=core",
      );
      for (const [version, value] of [["1", "one"], ["2", "two"], ["3", "three"]]) {
        strictEqual(await creds3(b, "get", "py/secret", "-v", version, "team=core"), `${value}\n`);
      }
      strictEqual(await creds3(b, "get", "py/secret", "team=core"), "three\n");
      const history = JSON.parse(await creds3(b, "history", "py/secret", "-f", "json"));
      deepStrictEqual(history.map((e: { comment?: string }) => e.comment), [
        undefined,
        undefined,
        "old writer",
      ]);
      // creds3's put -a continues, and the credstash-like reader reads it.
      match(
        (await runCli(["put", "-a", "py/secret", "four", "team=core"], { env: b.env })).stderr,
        /version 4/,
      );
      strictEqual(await credstashLikeOk(b, "get", "py/secret", "-e", "team=core"), "four");
      // Its conditional put never overwrites what creds3 wrote.
      const again = await credstashLike(
        b,
        "put",
        "py/secret",
        "other",
        "-k",
        b.alias,
        "-v",
        "4",
        "-e",
        "team=core",
      );
      strictEqual(again.code, 1);
      match(again.stderr, /ConditionalCheckFailedException/);
      strictEqual(await creds3(b, "get", "py/secret", "team=core"), "four\n");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("credstash items: the vectors hold every attribute and type credstash writes", () => {
  // A guard on the test data: what the tests above compare with.
  const seen = new Set(
    VECTORS.items.flatMap((i) => Object.entries(types(i)).map(([n, t]) => `${n}:${t}`)),
  );
  deepStrictEqual([...seen].sort(), [
    "comment:S",
    "contents:S",
    "digest:S",
    "hmac:B",
    "key:S",
    "name:S",
    "version:S",
  ]);
  ok(VECTORS.items.every((i) => /^[0-9]{19}$/.test(i.version.S!)));
});
