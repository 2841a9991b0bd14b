/**
 * Reads are pinned to the configured KMS key (`-k`): a data key wrapped under another KMS key
 * that the reader's credentials may also use is refused, on moto, for every command that reads,
 * on S3 and in a credstash table. Someone who may only write the store cannot plant a value that
 * way: `import` does not take it for the latest value, `copy --to-key` and `rewrap` do not move
 * it to a new key, and a copy as it is carries it unchanged, still refused. A store that really
 * uses another key is read by naming it with `-k`.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { dynamodbBackend, motoBackend, motoBucket } from "../../helpers/backends.ts";
import { type CliResult, runCli } from "../../helpers/cli.ts";
import { awsEnv, createKmsKey, uniqueName } from "../../helpers/moto.ts";
import { startProxy } from "../../helpers/proxy.ts";

const GENUINE = "genuine-db-url-4fd1";
const PLANTED = "planted-db-url-9c2e";

Deno.test("kms key: a value wrapped under another KMS key is refused by every read", async () => {
  const store = await motoBackend({ label: "creds3-kms-pin" });
  const other = `alias/${uniqueName("creds3-kms-other")}`;
  const otherId = await createKmsKey(store.url, other);
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { env: { ...store.env, ...env } });
  try {
    strictEqual((await cli(["put", "db/url", GENUINE])).code, 0);
    // Someone who may write the bucket and use another key plants a higher version.
    const planted = await cli(["put", "-v", "2", "db/url", PLANTED], { CREDS3_KEY: other });
    strictEqual(planted.code, 0, planted.stderr);

    const refusals: [string, string[]][] = [
      ["get", ["get", "db/url"]],
      ["get -v", ["get", "db/url", "-v", "2"]],
      ["wildcard get", ["get", "db/*"]],
      ["getall", ["getall"]],
      ["export", ["export", "db/*", "-f", "dotenv"]],
      ["exec", ["exec", "db/*", "--", "sh", "-c", 'echo "child ran: $DB_URL"']],
    ];
    for (const [label, args] of refusals) {
      const r = await cli(args);
      strictEqual(r.code, 1, `${label}: ${r.stderr}`);
      strictEqual(r.stdout, "", `${label} printed something`);
      ok(!r.stderr.includes(PLANTED) && !r.stderr.includes(GENUINE), label);
      match(r.stderr, /'db\/url' version 2/, label);
      match(r.stderr, /wrapped under a different KMS key than '[^']+'/, label);
      match(r.stderr, /hint: .*-k KEY/, label);
    }

    // The genuine version is still read, and the other key reads what it wrapped when named,
    // by alias, by alias ARN and by key ARN.
    strictEqual((await cli(["get", "db/url", "-v", "1"])).stdout, `${GENUINE}\n`);
    const arn = `arn:aws:kms:us-east-1:123456789012:${other}`;
    const keyArn = `arn:aws:kms:us-east-1:123456789012:key/${otherId}`;
    for (const key of [other, arn, keyArn, otherId]) {
      const r = await cli(["get", "db/url", "-k", key]);
      strictEqual(r.code, 0, `-k ${key}: ${r.stderr}`);
      strictEqual(r.stdout, `${PLANTED}\n`);
    }
  } finally {
    await store.cleanup();
  }
});

/** A refusal of version 2 of `db/url` as wrapped under another key, with no value shown. */
function refusedAsPlanted(r: CliResult, label: string): void {
  strictEqual(r.code, 1, `${label}: ${r.stderr}`);
  ok(!r.stderr.includes(PLANTED) && !r.stderr.includes(GENUINE), label);
  match(r.stderr, /'db\/url' version 2: The data key was wrapped under a different KMS key/, label);
}

Deno.test("kms key: a credstash table's planted item is refused; import, copy --to-key and rewrap do not take it, a copy as it is carries it still refused", async () => {
  const table = await dynamodbBackend("creds3-kms-pin-ddb");
  const other = `alias/${uniqueName("creds3-kms-other")}`;
  const next = `alias/${uniqueName("creds3-kms-next")}`;
  const [asIs, moved] = [
    await motoBucket("creds3-kms-pin-to"),
    await motoBucket("creds3-kms-pin-to"),
  ];
  await Promise.all([createKmsKey(table.url, other), createKmsKey(table.url, next)]);
  const dir = await Deno.makeTempDir({ prefix: "creds3-kms-pin-" });
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { env: { ...table.env, ...env }, cwd: dir });
  try {
    strictEqual((await cli(["put", "db/url", GENUINE])).code, 0);
    // Someone who may write the table and use another key plants a higher version.
    const planted = await cli(["put", "-v", "2", "db/url", PLANTED], { CREDS3_KEY: other });
    strictEqual(planted.code, 0, planted.stderr);
    const items = await table.snapshot();

    for (const args of [["get", "db/url"], ["getall"], ["export", "db/*", "-f", "json"]]) {
      const r = await cli(args);
      refusedAsPlanted(r, args[0]);
      strictEqual(r.stdout, "", args[0]);
      match(r.stderr, /hint: .*-k KEY/, args[0]);
    }
    // import compares with the latest version, which it cannot read: nothing is stored.
    await Deno.writeTextFile(`${dir}/in.json`, JSON.stringify({ "db/url": "imported-db-url" }));
    refusedAsPlanted(await cli(["import", "in.json"]), "import");
    // Moved to a new key elsewhere: never.
    const copied = await cli(["copy", table.env.CREDS3_LOCATION, moved.bucket, "--to-key", next]);
    refusedAsPlanted(copied, "copy --to-key");
    strictEqual(copied.stdout, "db/url -- version 1\n");
    const read = await cli(["get", "db/url", "-l", moved.bucket, "-k", next]);
    strictEqual(read.stdout, `${GENUINE}\n`, read.stderr);

    // A copy as it is calls no KMS: the planted item arrives byte for byte, under its own key,
    // and the destination's readers refuse it as the table's do.
    const carried = await cli(["copy", table.env.CREDS3_LOCATION, asIs.bucket]);
    strictEqual(carried.code, 0, carried.stderr);
    strictEqual(carried.stdout, "db/url -- version 1\ndb/url -- version 2\n");
    const there = await cli(["get", "db/url", "-l", asIs.bucket]);
    refusedAsPlanted(there, "get after a copy as it is");
    strictEqual(there.stdout, "");
    const genuine = await cli(["get", "db/url", "-v", "1", "-l", asIs.bucket]);
    strictEqual(genuine.stdout, `${GENUINE}\n`, genuine.stderr);
    deepStrictEqual(await table.snapshot(), items, "import and the copies changed nothing");

    // Re-wrapped in place: the genuine version only; the planted item stays as it was.
    const plantedItem = await table.raw("db/url", "2");
    refusedAsPlanted(await cli(["rewrap", "--to-key", next]), "rewrap");
    deepStrictEqual(await table.raw("db/url", "2"), plantedItem);
    const rotated = await cli(["get", "db/url", "-v", "1", "-k", next]);
    strictEqual(rotated.stdout, `${GENUINE}\n`, rotated.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await table.cleanup();
  }
});

Deno.test("kms key: AWS's answers, a real permission denial stays one", async () => {
  // KMS through the fault proxy, which answers Decrypt as AWS does (moto answers a pinned
  // Decrypt of another key's ciphertext with a bare AccessDeniedException, tested above).
  const store = await motoBackend({ label: "creds3-kms-answers" });
  const proxy = await startProxy(store.url);
  const env = { ...store.env, ...awsEnv(store.url, proxy.url) };
  const cli = (...args: string[]) => runCli(args, { env });
  try {
    strictEqual((await cli("put", "db/url", GENUINE)).code, 0);
    proxy.setOptions({ faults: { rate: 1, kinds: ["kms-incorrect-key"], ops: ["kms:Decrypt"] } });
    const incorrect = await cli("get", "db/url");
    strictEqual(incorrect.code, 1, incorrect.stderr);
    strictEqual(incorrect.stdout, "");
    match(incorrect.stderr, /'db\/url' version 1: The data key was wrapped under a different KMS/);
    match(incorrect.stderr, /IncorrectKeyException/);

    proxy.setOptions({ faults: { rate: 1, kinds: ["kms-access-denied"], ops: ["kms:Decrypt"] } });
    const denied = await cli("get", "db/url");
    strictEqual(denied.code, 1, denied.stderr);
    strictEqual(denied.stdout, "");
    match(denied.stderr, /KMS Decrypt failed: AccessDeniedException: User: .* is not authorized/);
    ok(!/different KMS key|-k KEY/.test(denied.stderr), denied.stderr);

    proxy.setOptions({ faults: undefined });
    strictEqual((await cli("get", "db/url")).stdout, `${GENUINE}\n`);
  } finally {
    await proxy.stop();
    await store.cleanup();
  }
});
