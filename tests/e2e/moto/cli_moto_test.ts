/**
 * The CLI suite against moto (S3 + KMS + STS), plus what only S3 has: the exact object format,
 * prefixes, the default bucket through STS and listings past one page.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { CopyObjectCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { defineCliSuite } from "../cli_suite.ts";
import { defineVersionsSuite } from "../versions_suite.ts";
import { motoBackend } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";
import { awsEnv, createKmsKey, motoUrl, s3Client, uniqueName } from "../../helpers/moto.ts";

defineCliSuite("moto", () => motoBackend());
defineCliSuite("moto with prefix", () => motoBackend({ prefix: "app/prod/" }));
defineVersionsSuite(
  "moto versions",
  () => motoBackend({ prefix: "team/", label: "creds3-versions" }),
);

Deno.test("moto: objects carry exactly the key, body and metadata of the format", async () => {
  const b = await motoBackend({ prefix: "team/" });
  try {
    const put = await runCli(["put", "db/password", "format-check", "env=prod"], { env: b.env });
    strictEqual(put.code, 0, put.stderr);
    const s3 = s3Client(b.url);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: b.bucket }));
    deepStrictEqual(listed.Contents?.map((o) => o.Key), ["team/db/password/1"]);
    const out = await s3.send(
      new GetObjectCommand({ Bucket: b.bucket, Key: "team/db/password/1" }),
    );
    const body = await out.Body!.transformToString();
    match(body, /^[A-Za-z0-9+/]+={0,2}$/);
    strictEqual(atob(body).length, "format-check".length);
    deepStrictEqual(Object.keys(out.Metadata ?? {}).sort(), ["digest", "hmac", "key"]);
    strictEqual(out.Metadata!.digest, "SHA256");
    match(out.Metadata!.hmac, /^[0-9a-f]{64}$/);
    match(out.Metadata!.key, /^[A-Za-z0-9+/]+={0,2}$/);
    s3.destroy();
  } finally {
    await b.cleanup();
  }
});

Deno.test("moto: without -l the bucket is credential-store-<account>, found through STS", async () => {
  const url = await motoUrl();
  const bucket = "credential-store-123456789012";
  const alias = `alias/${uniqueName("creds3-test")}`;
  await createKmsKey(url, alias);
  const env = { ...awsEnv(url), CREDS3_KEY: alias };
  const setup = await runCli(["setup"], { env });
  strictEqual(setup.code, 0, setup.stderr);
  match(setup.stderr, new RegExp(bucket));
  const name = uniqueName("default-bucket");
  strictEqual((await runCli(["put", name, "in-default-bucket"], { env })).code, 0);
  strictEqual((await runCli(["get", name], { env })).stdout, "in-default-bucket\n");
  strictEqual(
    (await runCli(["get", name], { env: { ...env, CREDS3_LOCATION: bucket } })).stdout,
    "in-default-bucket\n",
  );
});

Deno.test("moto: setup creates a bucket in another region, and a KMS key with --create-key", async () => {
  const url = await motoUrl();
  const bucket = uniqueName("creds3-region");
  const alias = `alias/${uniqueName("creds3-new")}`;
  const env = { ...awsEnv(url), CREDS3_LOCATION: bucket, CREDS3_KEY: alias };
  const first = await runCli(["setup", "--create-key", "-r", "eu-west-1"], { env });
  strictEqual(first.code, 0, first.stderr);
  match(first.stderr, /Bucket '.*': created in eu-west-1/);
  match(first.stderr, /Created KMS key .* with alias/);
  const second = await runCli(["setup", "--create-key", "-r", "eu-west-1"], { env });
  strictEqual(second.code, 0, second.stderr);
  match(second.stderr, /exists/);
  strictEqual((await runCli(["put", "x", "regional", "-r", "eu-west-1"], { env })).code, 0);
});

Deno.test("moto: one name with 1,100 versions lists them all and reads 1100 as latest", async () => {
  const b = await motoBackend();
  try {
    const put = await runCli(["put", "many", "many-versions"], { env: b.env });
    strictEqual(put.code, 0, put.stderr);
    const s3 = s3Client(b.url);
    for (let start = 2; start <= 1100; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, 1101 - start) }, (_, i) =>
          s3.send(
            new CopyObjectCommand({
              Bucket: b.bucket,
              CopySource: `${b.bucket}/many/1`,
              Key: `many/${start + i}`,
            }),
          )),
      );
    }
    s3.destroy();
    const list = await runCli(["list"], { env: b.env });
    const lines = list.stdout.trimEnd().split("\n");
    strictEqual(lines.length, 1100);
    strictEqual(lines[0], "many -- version 1");
    strictEqual(lines[1099], "many -- version 1100");
    const auto = await runCli(["put", "-a", "many", "next"], { env: b.env });
    match(auto.stderr, /version 1101/);
    const latest = await runCli(["get", "many"], { env: b.env });
    strictEqual(latest.stdout, "next\n");
    const old = await runCli(["get", "many", "-v", "1100"], { env: b.env });
    strictEqual(old.stdout, "many-versions\n");
  } finally {
    await b.cleanup();
  }
});

Deno.test("moto: a KMS error on put is one clear line, not a trace", async () => {
  const b = await motoBackend();
  try {
    const r = await runCli(["put", "x", "some-value", "-k", "alias/does-not-exist"], {
      env: b.env,
    });
    strictEqual(r.code, 1);
    match(
      r.stderr,
      /^creds3: error: KMS GenerateDataKey with key 'alias\/does-not-exist' failed: NotFoundException/,
    );
    ok(!r.stderr.includes("    at "), r.stderr);
    strictEqual((await runCli(["list"], { env: b.env })).stdout, "");
  } finally {
    await b.cleanup();
  }
});
