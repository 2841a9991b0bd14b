/**
 * The hardened `setup` against moto: a fresh bucket gets every setting (checked through the S3
 * API, not through creds3's own report), a second run changes nothing, an existing bucket's
 * differences are reported and left alone until `--fix`; the TLS-only bucket policy (which the
 * CLI leaves out on moto's plain-HTTP endpoint) through the library; `--create-key`.
 */
import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  KMSClient,
} from "@aws-sdk/client-kms";
import {
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { motoBucket, withMotoBucket } from "../../helpers/backends.ts";
import * as policies from "../../helpers/bucket_policy.ts";
import { runCli } from "../../helpers/cli.ts";
import { awsEnv, clientConfig, motoUrl, s3Client, uniqueName } from "../../helpers/moto.ts";
import { setupS3Bucket } from "../../../lib/stores/s3/setup.ts";
import {
  hasTlsOnlyStatement,
  parseBucketPolicy,
  TLS_ONLY_SID,
} from "../../../lib/stores/s3/bucket_policy.ts";

/** The bucket's settings as S3 reports them. */
async function settings(s3: S3Client, bucket: string) {
  const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })).then(
    (o) => o.PublicAccessBlockConfiguration,
    (e) => e.name,
  );
  const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })).then(
    (o) =>
      o.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
        ?.SSEAlgorithm,
    (e) => e.name,
  );
  const versioning = (await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
  return { block, encryption, versioning };
}

const HARDENED = {
  block: {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  },
  encryption: "AES256",
  versioning: "Enabled",
};

Deno.test("setup: a fresh bucket gets every setting; a second run reports them and changes nothing", async () => {
  const url = await motoUrl();
  const bucket = uniqueName("creds3-setup");
  const alias = `alias/${uniqueName("creds3-setup")}`;
  const env = { ...awsEnv(url), CREDS3_LOCATION: `${bucket}/team/`, CREDS3_KEY: alias };
  const first = await runCli(["setup", "--create-key"], { env });
  strictEqual(first.code, 0, first.stderr);
  strictEqual(first.stdout, "");
  for (
    const line of [
      `Bucket '${bucket}': created in us-east-1`,
      "Block Public Access: turned on",
      "Default encryption: turned on (SSE-S3, AES256)",
      "Versioning: turned on",
      "TLS-only bucket policy: skipped, the endpoint is plain HTTP",
      "Write check: a create-only write of an existing object is refused",
      `Created KMS key `,
      `Ready: s3://${bucket}/team/ with kms:${alias}`,
    ]
  ) {
    ok(first.stderr.includes(line), `missing '${line}' in:\n${first.stderr}`);
  }
  const s3 = s3Client(url);
  try {
    deepStrictEqual(await settings(s3, bucket), HARDENED);
    const second = await runCli(["setup", "--create-key"], { env });
    strictEqual(second.code, 0, second.stderr);
    for (
      const line of [
        `Bucket '${bucket}': exists`,
        "Block Public Access: on",
        "Default encryption: on (AES256)",
        "Versioning: on",
        `KMS key '${alias}' exists`,
      ]
    ) {
      ok(second.stderr.includes(line), `missing '${line}' in:\n${second.stderr}`);
    }
    ok(!/turned on|Created|warning/.test(second.stderr), second.stderr);
    deepStrictEqual(await settings(s3, bucket), HARDENED);
    // The write checks left no current object behind, and none a listing takes for a secret.
    const put = await runCli(["put", "x", "some-value"], { env });
    strictEqual(put.code, 0, put.stderr);
    strictEqual((await runCli(["list"], { env })).stdout, "x -- version 1\n");
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    for (const v of versions.Versions ?? []) {
      ok(v.Key === "team/x/1" || /^team\/\.creds3-setup-check-[0-9a-f]{16}$/.test(v.Key!), v.Key);
    }
  } finally {
    s3.destroy();
  }
});

Deno.test("setup: an existing bucket's differences are reported, changed only with --fix", async () => {
  await withMotoBucket("creds3-drift", async ({ url, bucket, s3 }) => {
    const env = { ...awsEnv(url), CREDS3_LOCATION: bucket, CREDS3_KEY: "alias/unused" };
    const before = await settings(s3, bucket);
    const check = await runCli(["setup"], { env });
    strictEqual(check.code, 0, check.stderr);
    match(
      check.stderr,
      /warning: Block Public Access: off \(BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets\); not changed without --fix/,
    );
    match(check.stderr, /warning: Default encryption: off; not changed without --fix/);
    match(check.stderr, /warning: Versioning: off; not changed without --fix/);
    match(check.stderr, /hint: run 'creds3 setup --fix' to change what differs/);
    deepStrictEqual(await settings(s3, bucket), before);
    deepStrictEqual(before, {
      block: "NoSuchPublicAccessBlockConfiguration",
      encryption: "ServerSideEncryptionConfigurationNotFoundError",
      versioning: undefined,
    });
    const fix = await runCli(["setup", "--fix"], { env });
    strictEqual(fix.code, 0, fix.stderr);
    match(fix.stderr, /Block Public Access: turned on/);
    match(fix.stderr, /Versioning: turned on/);
    deepStrictEqual(await settings(s3, bucket), HARDENED);
    const again = await runCli(["setup"], { env });
    strictEqual(again.code, 0, again.stderr);
    ok(!again.stderr.includes("warning"), again.stderr);
  });
});

Deno.test("setup: the TLS-only policy is added beside other statements, once", async () => {
  await withMotoBucket("creds3-policy", async ({ s3, bucket }) => {
    const other = policies.someoneElses(bucket);
    await policies.putBucketPolicy(s3, bucket, [other]);
    const options = { bucket, prefix: "", region: "us-east-1", compatible: true };
    const check = await setupS3Bucket(s3, options);
    deepStrictEqual(check.find((s) => s.step === "TLS-only bucket policy"), {
      step: "TLS-only bucket policy",
      outcome: "differs",
      detail: "missing from the bucket policy; not changed without --fix",
    });
    const fixed = await setupS3Bucket(s3, { ...options, fix: true });
    deepStrictEqual(
      fixed.map((s) => [s.step, s.outcome]),
      [
        [`Bucket '${bucket}'`, "ok"],
        ["Block Public Access", "changed"],
        ["Default encryption", "changed"],
        ["Versioning", "changed"],
        ["TLS-only bucket policy", "changed"],
        ["Write check", "failed"],
      ],
    );
    // moto enforces the policy: this plain-HTTP client may no longer write, which is why the
    // CLI leaves the policy out on plain-HTTP endpoints.
    match(fixed[5].detail, /^a create-only write fails: .*HTTP 403/);
    const policy = await policies.storedBucketPolicy(s3, bucket);
    deepStrictEqual(policy.Statement[0], other);
    strictEqual(policy.Statement.length, 2);
    deepStrictEqual(policy.Statement[1], {
      Sid: TLS_ONLY_SID,
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    const denied = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "over-http", Body: "x" }),
    ).then(() => 200, (e) => e.$metadata?.httpStatusCode);
    strictEqual(denied, 403);
    const again = await setupS3Bucket(s3, { ...options, fix: true });
    deepStrictEqual(
      again.filter((s) => s.outcome !== "ok").map((s) => s.step),
      ["Write check"],
      JSON.stringify(again),
    );
    strictEqual((await policies.storedBucketPolicy(s3, bucket)).Statement.length, 2);
  });
});

Deno.test("setup: what counts as a TLS-only statement", () => {
  const arn = "arn:aws:s3:::b-1";
  const deny = policies.denyForEveryone(["s3:*"], [`${arn}/*`, arn], {
    Bool: { "aws:SecureTransport": false },
  });
  ok(hasTlsOnlyStatement(deny({}), "aws", "b-1"));
  ok(hasTlsOnlyStatement(deny({ Action: "*" }), "aws", "b-1"));
  ok(!hasTlsOnlyStatement(deny({ Effect: "Allow" }), "aws", "b-1"));
  ok(!hasTlsOnlyStatement(deny({ Resource: `${arn}/*` }), "aws", "b-1"), "objects only");
  ok(!hasTlsOnlyStatement(deny({ Action: "s3:GetObject" }), "aws", "b-1"));
  ok(!hasTlsOnlyStatement(deny({ Principal: { AWS: "arn:aws:iam::1:root" } }), "aws", "b-1"));
  const fromSome = deny(policies.fromSomeAddresses({ Bool: { "aws:SecureTransport": "false" } }));
  ok(!hasTlsOnlyStatement(fromSome, "aws", "b-1"), "only from some addresses");
  ok(!hasTlsOnlyStatement(deny({}), "aws-cn", "b-1"), "another partition");
  ok(!hasTlsOnlyStatement(parseBucketPolicy(undefined), "aws", "b-1"));
  throws(() => parseBucketPolicy("{not json"), /not valid JSON/);
});

Deno.test("setup --create-key: creates key and alias once; refuses what it cannot create", async () => {
  const { url, bucket } = await motoBucket("creds3-key");
  const alias = `alias/${uniqueName("creds3-new")}`;
  const env = { ...awsEnv(url), CREDS3_LOCATION: bucket };
  const kms = new KMSClient({ ...clientConfig(url), region: "eu-west-1" });
  try {
    const made = await runCli(["setup", "--create-key", "-k", alias, "--kms-region", "eu-west-1"], {
      env,
    });
    strictEqual(made.code, 0, made.stderr);
    const id = made.stderr.match(/Created KMS key (\S+) with alias '(.*)'/);
    ok(id, made.stderr);
    strictEqual(id[2], alias);
    // In the KMS region, and the alias names it.
    const described = await kms.send(new DescribeKeyCommand({ KeyId: alias }));
    strictEqual(described.KeyMetadata?.KeyId, id[1]);
    strictEqual(described.KeyMetadata?.KeySpec, "SYMMETRIC_DEFAULT");
    const again = await runCli(
      ["setup", "--create-key", "-k", alias, "--kms-region", "eu-west-1"],
      {
        env,
      },
    );
    strictEqual(again.code, 0, again.stderr);
    match(again.stderr, new RegExp(`KMS key '${alias}' exists`));
    ok(!again.stderr.includes("Created KMS key"), again.stderr);
    const put = await runCli(["put", "-k", described.KeyMetadata!.Arn!, "k", "some-value"], {
      env,
    });
    strictEqual(put.code, 0, put.stderr);

    const missingId = await runCli(
      ["setup", "--create-key", "-k", "1234abcd-12ab-34cd-56ef-1234567890ab"],
      { env },
    );
    strictEqual(missingId.code, 2, missingId.stderr);
    match(missingId.stderr, /does not exist; only an alias can be created/);
    const disabled = await kms.send(new CreateKeyCommand({ Description: "creds3 test disabled" }));
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyMetadata!.KeyId }));
    const off = await runCli(
      ["setup", "--create-key", "-k", disabled.KeyMetadata!.Arn!],
      { env },
    );
    strictEqual(off.code, 1, off.stderr);
    match(off.stderr, /exists but is Disabled/);
  } finally {
    kms.destroy();
  }
});
