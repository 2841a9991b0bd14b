/**
 * Reads are pinned to the configured KMS key (`-k`): a data key wrapped under another KMS key
 * that the reader's credentials may also use is refused, on moto, for every command that reads.
 * Someone who may only write the bucket cannot plant a value that way; a store that really uses
 * another key is read by naming it with `-k`.
 */
import { match, ok, strictEqual } from "node:assert/strict";
import { motoBackend } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";
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
