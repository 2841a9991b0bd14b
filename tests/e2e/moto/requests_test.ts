/**
 * Requests per operation: the CLI runs against moto through the counting proxy, and each
 * command must send exactly the minimum (docs/PERFORMANCE.md):
 *
 * | operation            | requests                                        |
 * | -------------------- | ----------------------------------------------- |
 * | `put NAME`           | 1 GenerateDataKey + 1 PutObject                 |
 * | `put -a NAME`        | 1 ListObjectsV2 + 1 GenerateDataKey + 1 PutObject |
 * | `get NAME`           | 1 ListObjectsV2 + 1 GetObject + 1 Decrypt       |
 * | `get -v V NAME`      | 1 GetObject + 1 Decrypt                         |
 * | `getall`, `get 'p*'`, `export` | ceil(objects/1000) ListObjectsV2 + N GetObject + N Decrypt |
 * | `list`, `list --latest`, `list -f json`, `keys` | ceil(objects/1000) ListObjectsV2 |
 * | `delete NAME`        | 1 ListObjectsV2 + 1 DeleteObjects               |
 * | `history NAME`       | 1 ListObjectsV2 + 1 HeadObject per version      |
 * | `prune PATTERN`      | ceil(objects/1000) ListObjectsV2 + ceil(deleted/1000) DeleteObjects |
 * | `put -c`, `put --binary` | as `put`                                    |
 * | `copy` (as they are) | 2 ListObjectsV2 + N GetObject + N PutObject     |
 * | `copy` again         | 2 ListObjectsV2 + 2N GetObject                  |
 * | `copy --to-key` (one KMS client) | as `copy` + N ReEncrypt + 1 DescribeKey |
 * | `copy --to-key` (another region) | as `copy` + N Decrypt + N Encrypt     |
 * | `rewrap --to-key`    | 1 ListObjectsV2 + N GetObject + N ReEncrypt + 2 DescribeKey + N CopyObject |
 * | `import FILE` of N names | N ListObjectsV2 + 1 GetObject and 1 Decrypt per existing name + 1 GenerateDataKey and 1 PutObject per change |
 *
 * and no STS call when the location is given. On a credstash table (`-l dynamodb:TABLE`):
 *
 * | operation            | requests                                        |
 * | -------------------- | ----------------------------------------------- |
 * | `put NAME`           | 1 GenerateDataKey + 1 PutItem                   |
 * | `put -a NAME`        | 1 Query + 1 GenerateDataKey + 1 PutItem         |
 * | `get NAME`           | 1 Query + 1 Decrypt                             |
 * | `get -v V NAME`      | 1 GetItem + 1 Decrypt                           |
 * | `getall`, `get 'p*'`, `export` | Scan pages + N Decrypt (no read per secret) |
 * | `list`, `keys`       | Scan pages                                      |
 * | `delete NAME`        | 1 Query + ceil(versions/25) BatchWriteItem      |
 * | `history NAME`       | 1 Query                                         |
 * | `prune PATTERN`      | Scan pages + ceil(deleted/25) BatchWriteItem    |
 * | `import FILE` of N names | N Query + 1 Decrypt per existing name + 1 Query, 1 GenerateDataKey and 1 PutItem per change |
 * | `copy dynamodb:T DEST` | Scan pages + DEST's listing + 1 create per version (no GetItem) |
 * | `rewrap --to-key`    | Scan pages + 2 DescribeKey + N ReEncrypt + N UpdateItem |
 *
 * Timings are never asserted here (see `deno task bench`); counts are.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { BatchWriteItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CredentialStore, KmsKeyProvider, S3Store } from "../../../mod.ts";
import { mapSettled } from "../../../lib/core/pool.ts";
import { motoBucketAndKey, motoTableAndKey } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";
import {
  awsEnv,
  clientConfig,
  createKmsKey,
  dynamodbClient,
  kmsClient,
  motoUrl,
  s3Client,
  uniqueName,
} from "../../helpers/moto.ts";
import { type Proxy, startProxy } from "../../helpers/proxy.ts";
import { withTempDir } from "../../helpers/scoped.ts";

interface Fixture {
  proxy: Proxy;
  bucket: string;
  /** The KMS key alias. */
  key: string;
  env: Record<string, string>;
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const url = await motoUrl();
  const proxy = await startProxy(url);
  try {
    const { bucket, alias } = await motoBucketAndKey("creds3-requests");
    // The location is given by -l in every command below, never by the environment.
    await fn({ proxy, bucket, key: alias, env: { ...awsEnv(proxy.url), CREDS3_KEY: alias } });
  } finally {
    await proxy.stop();
  }
}

/** As {@link withFixture}, on a credstash table; `l` is its `-l dynamodb:TABLE`. */
async function withTable(
  label: string,
  fn: (f: Fixture, l: string[], url: string) => Promise<void>,
): Promise<void> {
  const url = await motoUrl();
  const proxy = await startProxy(url);
  try {
    const { table, alias: key } = await motoTableAndKey(label);
    const env = { ...awsEnv(proxy.url), CREDS3_KEY: key };
    await fn({ proxy, bucket: table, key, env }, ["-l", `dynamodb:${table}`], url);
  } finally {
    await proxy.stop();
  }
}

/** Runs the CLI and returns the requests it sent, by operation; fails on a non-zero exit. */
async function requestsOf(
  f: Fixture,
  args: string[],
  options: { stdout?: string; json?: unknown } = {},
): Promise<Record<string, number>> {
  f.proxy.resetCounts();
  const result = await runCli(args, { env: f.env });
  strictEqual(
    result.code,
    0,
    `creds3 ${args.join(" ")} exited ${result.code}: ${result.stderr}`,
  );
  if (options.stdout !== undefined) strictEqual(result.stdout, options.stdout);
  if (options.json !== undefined) deepStrictEqual(JSON.parse(result.stdout), options.json);
  return f.proxy.counts();
}

/** The requests of `put --binary` of four bytes, not text, from a file as `tls/blob`. */
function requestsOfBinaryPut(f: Fixture, l: string[]): Promise<Record<string, number>> {
  return withTempDir("creds3-requests-", async (dir) => {
    await Deno.writeFile(`${dir}/blob`, new Uint8Array([0, 1, 254, 255]));
    return await requestsOf(f, ["put", ...l, "tls/blob", `@${dir}/blob`, "--binary"]);
  });
}

/** `prune db/* --keep 1`: its dry run sends `listing` alone, the prune itself `pruned`. */
async function checkPrune(
  f: Fixture,
  l: string[],
  listing: Record<string, number>,
  pruned: Record<string, number>,
): Promise<void> {
  const dryRun = await requestsOf(f, ["prune", ...l, "db/*", "--keep", "1", "--dry-run"]);
  deepStrictEqual(dryRun, listing, "prune --dry-run");
  deepStrictEqual(await requestsOf(f, ["prune", ...l, "db/*", "--keep", "1"]), pruned, "prune");
}

/** `put -a` of each name, each sending `requests`; gives what `getall` then prints. */
async function putEachAuto(
  f: Fixture,
  l: string[],
  names: string[],
  requests: Record<string, number>,
): Promise<Record<string, string>> {
  for (const name of names) {
    const sent = await requestsOf(f, ["put", ...l, "-a", name, `value of ${name}`]);
    deepStrictEqual(sent, requests, name);
  }
  return Object.fromEntries(names.map((n) => [n, `value of ${n}`]));
}

Deno.test("requests: put, put -a, get, get -v, list and delete send the minimum", async () => {
  await withFixture(async (f) => {
    const l = ["-l", f.bucket];
    deepStrictEqual(await requestsOf(f, ["put", ...l, "db/password", "s3cr3t-one"]), {
      "kms:GenerateDataKey": 1,
      "s3:PutObject": 1,
    });
    deepStrictEqual(await requestsOf(f, ["put", ...l, "-a", "db/password", "s3cr3t-two"]), {
      "s3:ListObjectsV2": 1,
      "kms:GenerateDataKey": 1,
      "s3:PutObject": 1,
    });
    // put -a of a new name: the listing finds nothing, version 1.
    deepStrictEqual(await requestsOf(f, ["put", ...l, "-a", "api/key", "k3y"]), {
      "s3:ListObjectsV2": 1,
      "kms:GenerateDataKey": 1,
      "s3:PutObject": 1,
    });
    deepStrictEqual(
      await requestsOf(f, ["get", ...l, "db/password"], { stdout: "s3cr3t-two\n" }),
      { "s3:ListObjectsV2": 1, "s3:GetObject": 1, "kms:Decrypt": 1 },
    );
    deepStrictEqual(
      await requestsOf(f, ["get", ...l, "-v", "1", "db/password"], { stdout: "s3cr3t-one\n" }),
      { "s3:GetObject": 1, "kms:Decrypt": 1 },
    );
    deepStrictEqual(await requestsOf(f, ["list", ...l]), { "s3:ListObjectsV2": 1 });
    deepStrictEqual(await requestsOf(f, ["delete", ...l, "api/key"]), {
      "s3:ListObjectsV2": 1,
      "s3:DeleteObjects": 1,
    });
  });
});

Deno.test("requests: keys, list, history and prune send the minimum; comments and binary values cost nothing more", async () => {
  await withFixture(async (f) => {
    const l = ["-l", f.bucket];
    for (const comment of ["first", "second", "third"]) {
      deepStrictEqual(
        await requestsOf(f, ["put", ...l, "-a", "db/password", `s3cr3t-${comment}`, "-c", comment]),
        { "s3:ListObjectsV2": 1, "kms:GenerateDataKey": 1, "s3:PutObject": 1 },
      );
    }
    deepStrictEqual(await requestsOfBinaryPut(f, l), {
      "kms:GenerateDataKey": 1,
      "s3:PutObject": 1,
    });
    deepStrictEqual(await requestsOf(f, ["get", ...l, "tls/blob"]), {
      "s3:ListObjectsV2": 1,
      "s3:GetObject": 1,
      "kms:Decrypt": 1,
    });
    const listing = { "s3:ListObjectsV2": 1 };
    deepStrictEqual(
      await requestsOf(f, ["keys", ...l], { stdout: "db/password\ntls/blob\n" }),
      listing,
    );
    deepStrictEqual(await requestsOf(f, ["keys", ...l, "-f", "json"]), listing);
    deepStrictEqual(await requestsOf(f, ["list", ...l, "--latest"]), listing);
    deepStrictEqual(await requestsOf(f, ["list", ...l, "-f", "json"]), listing);
    // Comments are not in listings: one HeadObject per version, never a GetObject or Decrypt.
    const history = await requestsOf(f, ["history", ...l, "db/password", "-f", "json"]);
    deepStrictEqual(history, { "s3:ListObjectsV2": 1, "s3:HeadObject": 3 });
    await checkPrune(f, l, listing, { "s3:ListObjectsV2": 1, "s3:DeleteObjects": 1 });
    // Nothing left to prune: the listing alone.
    deepStrictEqual(await requestsOf(f, ["prune", ...l, "*", "--keep", "1"]), listing);
    deepStrictEqual(await requestsOf(f, ["history", ...l, "db/password"]), {
      "s3:ListObjectsV2": 1,
      "s3:HeadObject": 1,
    });
  });
});

Deno.test("requests: on a credstash table each command sends the minimum: one Query for the latest, one Scan for getall", async () => {
  await withTable("creds3-requests-ddb", async (f, l) => {
    const put = { "kms:GenerateDataKey": 1, "dynamodb:PutItem": 1 };
    const putAuto = { "dynamodb:Query": 1, ...put };
    deepStrictEqual(await requestsOf(f, ["put", ...l, "db/password", "s3cr3t-one"]), put);
    for (let v = 2; v <= 10; v++) {
      deepStrictEqual(
        await requestsOf(f, ["put", ...l, "-a", "db/password", `s3cr3t-${v}`]),
        putAuto,
      );
    }
    deepStrictEqual(await requestsOf(f, ["put", ...l, "api/key", "k3y", "-c", "a note"]), put);
    deepStrictEqual(await requestsOfBinaryPut(f, l), put);
    deepStrictEqual(
      await requestsOf(f, ["get", ...l, "db/password"], { stdout: "s3cr3t-10\n" }),
      { "dynamodb:Query": 1, "kms:Decrypt": 1 },
    );
    deepStrictEqual(
      await requestsOf(f, ["get", ...l, "-v", "1", "db/password"], { stdout: "s3cr3t-one\n" }),
      { "dynamodb:GetItem": 1, "kms:Decrypt": 1 },
    );
    // Every secret's latest version from one Scan: a Decrypt each, no read per secret.
    const latest = { "api/key": "k3y", "db/password": "s3cr3t-10", "tls/blob": "AAH+/w==" };
    const scanned = { "dynamodb:Scan": 1, "kms:Decrypt": 3 };
    deepStrictEqual(await requestsOf(f, ["getall", ...l], { json: latest }), scanned);
    deepStrictEqual(await requestsOf(f, ["export", ...l, "-f", "json"], { json: latest }), scanned);
    deepStrictEqual(
      await requestsOf(f, ["get", ...l, "db/*"], { json: { "db/password": "s3cr3t-10" } }),
      { "dynamodb:Scan": 1, "kms:Decrypt": 1 },
    );
    const listing = { "dynamodb:Scan": 1 };
    for (const args of [["list"], ["list", "--latest"], ["list", "-f", "json"], ["keys"]]) {
      deepStrictEqual(await requestsOf(f, [...args, ...l]), listing, args.join(" "));
    }
    deepStrictEqual(await requestsOf(f, ["history", ...l, "db/password"]), { "dynamodb:Query": 1 });
    // Nine versions deleted: one batch.
    await checkPrune(f, l, listing, { "dynamodb:Scan": 1, "dynamodb:BatchWriteItem": 1 });
    deepStrictEqual(await requestsOf(f, ["delete", ...l, "api/key"]), {
      "dynamodb:Query": 1,
      "dynamodb:BatchWriteItem": 1,
    });
  });
});

/**
 * Stores `app/same` and `app/changed` in the store `l` names, then runs `fn` with a file that
 * holds `app/same` unchanged, `app/changed` changed and `app/new`.
 */
async function withImportFile(
  f: Fixture,
  l: string[],
  fn: (file: string) => Promise<void>,
): Promise<void> {
  await requestsOf(f, ["put", ...l, "app/same", "v-same"]);
  await requestsOf(f, ["put", ...l, "app/changed", "v-old"]);
  await withTempDir("creds3-requests-", async (dir) => {
    const file = `${dir}/secrets.json`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({ "app/same": "v-same", "app/changed": "v-new", "app/new": "v-1" }),
    );
    await fn(file);
  });
}

Deno.test("requests: import into a credstash table reads each name with one Query (the latest with its item), lists a changed one's versions, puts each change", async () => {
  await withTable("creds3-requests-ddb-import", async (f, l) => {
    await withImportFile(f, l, async (file) => {
      // 1 Query per name, and 1 more for the versions of the changed one.
      const compare = { "dynamodb:Query": 4, "kms:Decrypt": 2 };
      deepStrictEqual(await requestsOf(f, ["import", ...l, file, "--dry-run"]), compare);
      deepStrictEqual(await requestsOf(f, ["import", ...l, file]), {
        ...compare,
        "kms:GenerateDataKey": 2,
        "dynamodb:PutItem": 2,
      });
    });
  });
});

Deno.test("requests: a credstash table of more than 1 MB: getall reads Scan pages, prune deletes in batches of 25", async () => {
  await withTable("creds3-requests-pages", async (f, l, url) => {
    const table = l[1].slice("dynamodb:".length);
    const ddb = dynamodbClient(url);
    try {
      // 1,100 older versions of about 1 KB that are not secrets at all: reading any would fail.
      const names = ["app/a", "app/b", "app/c", "db/d"];
      const OLD_VERSIONS = 275;
      const old = names.flatMap((name) =>
        Array.from({ length: OLD_VERSIONS }, (_, i) => ({
          PutRequest: {
            Item: {
              name: { S: name },
              version: { S: String(i + 1).padStart(19, "0") },
              contents: { S: "not a secret ".repeat(80) },
            },
          },
        }))
      );
      for (let i = 0; i < old.length; i += 25) {
        const out = await ddb.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: old.slice(i, i + 25) } }),
        );
        strictEqual(Object.keys(out.UnprocessedItems ?? {}).length, 0);
      }
      // 275 versions in one Query page, then version 276 stored.
      const all = await putEachAuto(f, l, names, {
        "dynamodb:Query": 1,
        "kms:GenerateDataKey": 1,
        "dynamodb:PutItem": 1,
      });
      deepStrictEqual(await requestsOf(f, ["getall", ...l], { json: all }), {
        "dynamodb:Scan": 2,
        "kms:Decrypt": 4,
      });
      deepStrictEqual(await requestsOf(f, ["keys", ...l], { stdout: `${names.join("\n")}\n` }), {
        "dynamodb:Scan": 2,
      });
      f.proxy.resetCounts();
      const pruned = await runCli(["prune", ...l, "*", "--keep", "1", "-f", "json"], {
        env: f.env,
      });
      strictEqual(pruned.code, 0, pruned.stderr);
      strictEqual(JSON.parse(pruned.stdout).length, names.length * OLD_VERSIONS);
      deepStrictEqual(f.proxy.counts(), {
        "dynamodb:Scan": 2,
        "dynamodb:BatchWriteItem": (names.length * OLD_VERSIONS) / 25,
      });
      deepStrictEqual(await requestsOf(f, ["getall", ...l], { json: all }), {
        "dynamodb:Scan": 1,
        "kms:Decrypt": 4,
      });
    } finally {
      ddb.destroy();
    }
  });
});

Deno.test("requests: deletions DynamoDB leaves unprocessed are sent again, within a bound", async () => {
  await withTable("creds3-requests-unprocessed", async (f, l) => {
    for (let v = 1; v <= 10; v++) {
      await requestsOf(f, ["put", ...l, "-v", String(v), "a", `a-${v}`]);
    }
    for (let v = 1; v <= 6; v++) await requestsOf(f, ["put", ...l, "-v", String(v), "b", `b-${v}`]);
    // Every batch answered with all but one deletion unprocessed: 8 rounds delete 8 of 9.
    f.proxy.setOptions({ faults: { rate: 1, kinds: ["ddb-unprocessed"] } });
    f.proxy.resetCounts();
    const stuck = await runCli(["prune", ...l, "a", "--keep", "1"], { env: f.env });
    strictEqual(stuck.code, 1, stuck.stderr);
    match(
      stuck.stderr,
      /error: DynamoDB BatchWriteItem on dynamodb:\S+ left 1 of the deletions unprocessed after 8 attempts \(the table is throttled\); the others were deleted\n/,
    );
    deepStrictEqual(f.proxy.counts(), { "dynamodb:Query": 1, "dynamodb:BatchWriteItem": 8 });
    f.proxy.setOptions({ faults: undefined });
    strictEqual(
      (await runCli(["list", ...l, "a"], { env: f.env })).stdout,
      "a -- version 9\na -- version 10\n",
    );
    // Half of the batches answered so: each is sent again until none is left.
    f.proxy.setOptions({ faults: { rate: 0.5, kinds: ["ddb-unprocessed"], seed: 7 } });
    f.proxy.resetCounts();
    const deleted = await runCli(["delete", ...l, "b"], { env: f.env });
    strictEqual(deleted.code, 0, deleted.stderr);
    const injected = f.proxy.injected()["ddb-unprocessed"] ?? 0;
    ok(injected > 0, "no batch was left unprocessed");
    deepStrictEqual(f.proxy.counts(), {
      "dynamodb:Query": 1,
      "dynamodb:BatchWriteItem": injected + 1,
    });
    f.proxy.setOptions({ faults: undefined });
    strictEqual(
      (await runCli(["list", ...l], { env: f.env })).stdout,
      "a -- version 9\na -- version 10\n",
    );
  });
});

Deno.test("requests: import lists each name once, reads each existing one, puts each change", async () => {
  await withFixture(async (f) => {
    const l = ["-l", f.bucket];
    await withImportFile(f, l, async (file) => {
      // 3 names: 3 listings, the 2 existing ones read, nothing written.
      const compare = { "s3:ListObjectsV2": 3, "s3:GetObject": 2, "kms:Decrypt": 2 };
      deepStrictEqual(await requestsOf(f, ["import", ...l, file, "--dry-run"]), compare);
      // Then one data key and one put per change; no second listing to find the version.
      deepStrictEqual(await requestsOf(f, ["import", ...l, file, "-c", "imported"]), {
        ...compare,
        "kms:GenerateDataKey": 2,
        "s3:PutObject": 2,
      });
      // Again: every name exists and is unchanged.
      deepStrictEqual(await requestsOf(f, ["import", ...l, file]), {
        "s3:ListObjectsV2": 3,
        "s3:GetObject": 3,
        "kms:Decrypt": 3,
      });
      // A file that is refused costs no request at all.
      await Deno.writeTextFile(file, '{"app/same": 1}');
      f.proxy.resetCounts();
      const refused = await runCli(["import", ...l, file], { env: f.env });
      strictEqual(refused.code, 2, refused.stderr);
      deepStrictEqual(f.proxy.counts(), {});
    });
  });
});

Deno.test("requests: without a location, STS finds the default bucket (the counter sees STS)", async () => {
  // The control for the exact counts above, which leave STS out: the proxy does count it.
  await withFixture(async (f) => {
    f.proxy.resetCounts();
    // The default bucket may or may not exist in the shared moto: the exit code is not the point.
    await runCli(["list"], { env: f.env });
    const counts = f.proxy.counts();
    strictEqual(counts["sts:GetCallerIdentity"], 1, JSON.stringify(counts));
    strictEqual(counts["s3:ListObjectsV2"], 1, JSON.stringify(counts));
  });
});

Deno.test("requests: getall, wildcard get and export: pages of 1,000 listed, only the latest read", async () => {
  await withFixture(async (f) => {
    const names = ["app/a", "app/b", "app/c", "db/d"];
    const OLD_VERSIONS = 250;
    // 1,000 older versions that are not secrets at all: reading any of them would fail.
    const s3 = s3Client(await motoUrl());
    try {
      const keys = names.flatMap((name) =>
        Array.from({ length: OLD_VERSIONS }, (_, i) => `${name}/${i + 1}`)
      );
      for (let i = 0; i < keys.length; i += 25) {
        await Promise.all(
          keys.slice(i, i + 25).map((Key) =>
            s3.send(new PutObjectCommand({ Bucket: f.bucket, Key, Body: "not a secret" }))
          ),
        );
      }
    } finally {
      s3.destroy();
    }
    const l = ["-l", f.bucket];
    // 250 versions listed on one page, then version 251 stored.
    const all = await putEachAuto(f, l, names, {
      "s3:ListObjectsV2": 1,
      "kms:GenerateDataKey": 1,
      "s3:PutObject": 1,
    });
    // 1,004 objects: two listing pages, then one GET and one Decrypt per name.
    deepStrictEqual(
      await requestsOf(f, ["getall", ...l], { json: all }),
      { "s3:ListObjectsV2": 2, "s3:GetObject": 4, "kms:Decrypt": 4 },
    );
    // The wildcard lists only under its literal prefix (753 objects: one page).
    const app = Object.fromEntries(names.slice(0, 3).map((n) => [n, `value of ${n}`]));
    deepStrictEqual(
      await requestsOf(f, ["get", ...l, "app/*"], { json: app }),
      { "s3:ListObjectsV2": 1, "s3:GetObject": 3, "kms:Decrypt": 3 },
    );
    deepStrictEqual(await requestsOf(f, ["export", ...l, "-f", "json", "db/*"]), {
      "s3:ListObjectsV2": 1,
      "s3:GetObject": 1,
      "kms:Decrypt": 1,
    });
    // --concurrency 1 changes the order of requests, not their number.
    deepStrictEqual(await requestsOf(f, ["getall", ...l, "--concurrency", "1"]), {
      "s3:ListObjectsV2": 2,
      "s3:GetObject": 4,
      "kms:Decrypt": 4,
    });
    // Listings of 1,004 objects: two pages, nothing read.
    deepStrictEqual(await requestsOf(f, ["keys", ...l], { stdout: `${names.join("\n")}\n` }), {
      "s3:ListObjectsV2": 2,
    });
    deepStrictEqual(await requestsOf(f, ["list", ...l, "--latest", "-f", "json"]), {
      "s3:ListObjectsV2": 2,
    });
    // Pruning the 1,000 old versions: the two pages, then one DeleteObjects of 1,000 keys.
    f.proxy.resetCounts();
    const pruned = await runCli(["prune", ...l, "*", "--keep", "1", "-f", "json"], { env: f.env });
    strictEqual(pruned.code, 0, pruned.stderr);
    strictEqual(JSON.parse(pruned.stdout).length, 1000);
    deepStrictEqual(f.proxy.counts(), { "s3:ListObjectsV2": 2, "s3:DeleteObjects": 1 });
    deepStrictEqual(await requestsOf(f, ["getall", ...l], { json: all }), {
      "s3:ListObjectsV2": 1,
      "s3:GetObject": 4,
      "kms:Decrypt": 4,
    });
  });
});

Deno.test("requests: S3 SlowDown and KMS throttling are retried, each failed request once more", async () => {
  await withFixture(async (f) => {
    const l = ["-l", f.bucket];
    const names = Array.from({ length: 12 }, (_, i) => `svc/s${String(i).padStart(2, "0")}`);
    for (const name of names) await requestsOf(f, ["put", ...l, name, `v-${name}`]);
    // With 10 attempts, one of the 24 reads failing every attempt has odds of 24 × 0.3^10, about
    // 1 in 7,000 (with the default 5 it would be 1 in 17).
    f.proxy.setOptions({
      faults: {
        rate: 0.3,
        kinds: ["s3-503", "kms-throttle"],
        ops: ["s3:GetObject", "kms:Decrypt"],
      },
    });
    const expected = Object.fromEntries(names.map((n) => [n, `v-${n}`]));
    const counts = await requestsOf(f, ["getall", ...l, "--max-attempts", "10"], {
      json: expected,
    });
    const injected = f.proxy.injected();
    f.proxy.setOptions({ faults: undefined });
    ok((injected["s3-503"] ?? 0) > 0, `no S3 fault was injected: ${JSON.stringify(injected)}`);
    ok(
      (injected["kms-throttle"] ?? 0) > 0,
      `no KMS fault was injected: ${JSON.stringify(injected)}`,
    );
    deepStrictEqual(counts, {
      "s3:ListObjectsV2": 1,
      "s3:GetObject": names.length + injected["s3-503"],
      "kms:Decrypt": names.length + injected["kms-throttle"],
    });
  });
});

Deno.test("requests: a storm of 5xx on many reads: every secret keeps its own attempts (no client-wide retry quota)", async () => {
  // The SDK's standard mode shares a retry quota of 500 per client, 14 per retried 5xx: a
  // getall of hundreds of secrets under a storm of errors would stop retrying and fail secrets
  // that had attempts left. creds3 retries each request up to --max-attempts.
  await withFixture(async (f) => {
    const N = 300;
    const url = await motoUrl();
    const s3 = s3Client(url);
    const kms = kmsClient(url);
    try {
      const creds = new CredentialStore(new S3Store(s3, f.bucket), new KmsKeyProvider(kms, f.key));
      const results = await mapSettled(
        Array.from({ length: N }, (_, i) => `storm/s${String(i).padStart(3, "0")}`),
        16,
        (name) => creds.put(name, `v-${name}`),
      );
      strictEqual(results.filter((r) => r.status === "rejected").length, 0);
    } finally {
      s3.destroy();
      kms.destroy();
    }
    f.proxy.setOptions({ faults: { rate: 0.5, kinds: ["s3-500"], ops: ["s3:GetObject"] } });
    // 0.5^20: no secret runs out of attempts.
    const counts = await requestsOf(f, ["getall", "-l", f.bucket, "--max-attempts", "20"]);
    const injected = f.proxy.injected()["s3-500"] ?? 0;
    f.proxy.setOptions({ faults: undefined });
    ok(injected > N / 2, `only ${injected} faults injected`);
    deepStrictEqual(counts, {
      "s3:ListObjectsV2": 1,
      "s3:GetObject": N + injected,
      "kms:Decrypt": N,
    });
  });
});

/** A bucket and a KMS key (alias) in `region` on moto, made straight on moto. */
async function inRegion(region: string): Promise<{ bucket: string; alias: string }> {
  const url = await motoUrl();
  const bucket = uniqueName("creds3-requests-eu");
  const alias = `alias/${uniqueName("creds3-requests-eu")}`;
  const s3 = new S3Client({ ...clientConfig(url), region });
  const { forcePathStyle: _, ...kmsConfig } = clientConfig(url);
  const kms = new KMSClient({ ...kmsConfig, region });
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: region as "eu-west-1" },
      }),
    );
    const key = await kms.send(new CreateKeyCommand({}));
    await kms.send(
      new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyMetadata!.KeyId! }),
    );
  } finally {
    s3.destroy();
    kms.destroy();
  }
  return { bucket, alias };
}

Deno.test("requests: copy reads and creates each version; with --to-key KMS moves each data key itself (ReEncrypt), or across regions unwraps and wraps; rewrap copies each object onto itself", async () => {
  await withFixture(async (f) => {
    const l = ["-l", f.bucket];
    await requestsOf(f, ["put", ...l, "db/a", "made-up-a", "env=prod"]);
    await requestsOf(f, ["put", ...l, "db/b", "made-up-b1", "env=prod"]);
    await requestsOf(f, ["put", ...l, "-a", "db/b", "made-up-b2", "env=prod"]);
    const asIs = (await motoBucketAndKey("creds3-requests-to")).bucket;
    deepStrictEqual(await requestsOf(f, ["copy", f.bucket, asIs]), {
      "s3:ListObjectsV2": 2,
      "s3:GetObject": 3,
      "s3:PutObject": 3,
    });
    // Nothing to copy: each version compared, still no KMS request.
    deepStrictEqual(await requestsOf(f, ["copy", f.bucket, asIs]), {
      "s3:ListObjectsV2": 2,
      "s3:GetObject": 6,
    });

    const { bucket: rewrapped, alias: next } = await motoBucketAndKey("creds3-requests-to");
    const toKey = ["--to-key", next, "env=prod"];
    deepStrictEqual(await requestsOf(f, ["copy", f.bucket, rewrapped, ...toKey]), {
      "s3:ListObjectsV2": 2,
      "s3:GetObject": 3,
      "s3:PutObject": 3,
      // The data keys never leave KMS; the alias's key ARN is looked up once, to check the key
      // KMS says it unwrapped with.
      "kms:ReEncrypt": 3,
      "kms:DescribeKey": 1,
    });
    const newEnv = { ...f.env, CREDS3_KEY: next };
    const read = await runCli(["get", "-l", rewrapped, "db/b", "env=prod"], { env: newEnv });
    strictEqual(read.stdout, "made-up-b2\n", read.stderr);

    // Another region: its KMS client is another, so the data key is unwrapped and wrapped.
    const eu = await inRegion("eu-west-1");
    const crossRegion = ["copy", f.bucket, eu.bucket, "--to-region", "eu-west-1"];
    deepStrictEqual(await requestsOf(f, [...crossRegion, "--to-key", eu.alias, "env=prod"]), {
      "s3:ListObjectsV2": 2,
      "s3:GetObject": 3,
      "s3:PutObject": 3,
      "kms:Decrypt": 3,
      "kms:Encrypt": 3,
    });
    // Other credentials for the destination (--to-profile): another KMS client, so the data key
    // is unwrapped and wrapped even in one region.
    await withTempDir("creds3-requests-profile-", async (dir) => {
      await Deno.writeTextFile(`${dir}/config`, "[profile dr]\nregion = us-east-1\n");
      await Deno.writeTextFile(
        `${dir}/credentials`,
        "[dr]\naws_access_key_id = dr-made-up\naws_secret_access_key = dr-made-up-secret\n",
      );
      const other = (await motoBucketAndKey("creds3-requests-to")).bucket;
      f.proxy.resetCounts();
      const profiled = await runCli(["copy", f.bucket, other, "--to-profile", "dr", ...toKey], {
        env: {
          ...f.env,
          AWS_CONFIG_FILE: `${dir}/config`,
          AWS_SHARED_CREDENTIALS_FILE: `${dir}/credentials`,
        },
      });
      strictEqual(profiled.code, 0, profiled.stderr);
      deepStrictEqual(f.proxy.counts(), {
        "s3:ListObjectsV2": 2,
        "s3:GetObject": 3,
        "s3:PutObject": 3,
        "kms:Decrypt": 3,
        "kms:Encrypt": 3,
      });
    });

    const euEnv = { ...f.env, CREDS3_KEY: eu.alias };
    const euRead = await runCli(["get", "-l", eu.bucket, "-r", "eu-west-1", "db/a", "env=prod"], {
      env: euEnv,
    });
    strictEqual(euRead.stdout, "made-up-a\n", euRead.stderr);

    // Rotation in place of the copies as they were.
    // Each alias's key ARN is looked up once: the old key's to check the key KMS says it
    // unwrapped with, and both to refuse a new key that is the old one under another name.
    const rewrap = ["rewrap", "-l", asIs, ...toKey];
    deepStrictEqual(await requestsOf(f, rewrap), {
      "s3:ListObjectsV2": 1,
      "s3:GetObject": 3,
      "kms:ReEncrypt": 3,
      "kms:DescribeKey": 2,
      "s3:CopyObject": 3,
    });
    // Run again (one at a time, so that the order of tries is set): the first version tries
    // the old key, then the new one; each after it is tried with the new key only.
    deepStrictEqual(await requestsOf(f, [...rewrap, "--concurrency", "1"]), {
      "s3:ListObjectsV2": 1,
      "s3:GetObject": 3,
      "kms:ReEncrypt": 4,
      "kms:DescribeKey": 2,
    });
    const after = await runCli(["getall", "-l", asIs, "env=prod"], { env: newEnv });
    deepStrictEqual(JSON.parse(after.stdout), { "db/a": "made-up-a", "db/b": "made-up-b2" });
  });
});

Deno.test("requests: copy from a credstash table takes each version's fields from its Scan (no GetItem), and rewrap on a table updates each item once", async () => {
  await withTable("creds3-requests-ddb-copy", async (f, l, url) => {
    for (const [name, value] of [["db/a", "made-up-1"], ["db/a", "made-up-2"], ["db/b", "b"]]) {
      await requestsOf(f, ["put", ...l, "-a", name, value]);
    }
    const bucket = uniqueName("creds3-requests-from-ddb");
    await requestsOf(f, ["setup", "-l", bucket]);
    deepStrictEqual(await requestsOf(f, ["copy", l[1], bucket]), {
      "dynamodb:Scan": 1,
      "s3:ListObjectsV2": 1,
      "s3:PutObject": 3,
    });
    // Again: every version is there; each is compared with the copy.
    deepStrictEqual(await requestsOf(f, ["copy", l[1], bucket]), {
      "dynamodb:Scan": 1,
      "s3:ListObjectsV2": 1,
      "s3:GetObject": 3,
    });
    const newKey = `alias/${uniqueName("creds3-requests-ddb-new")}`;
    await createKmsKey(url, newKey);
    deepStrictEqual(await requestsOf(f, ["rewrap", ...l, "--to-key", newKey]), {
      "dynamodb:Scan": 1,
      "kms:DescribeKey": 2,
      "kms:ReEncrypt": 3,
      "dynamodb:UpdateItem": 3,
    });
    deepStrictEqual(
      await requestsOf(f, ["get", ...l, "db/a", "-k", newKey], { stdout: "made-up-2\n" }),
      { "dynamodb:Query": 1, "kms:Decrypt": 1 },
    );
  });
});
