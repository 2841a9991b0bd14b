/**
 * `creds3 policy reader|writer|admin|setup` against moto, where the account comes from STS and the
 * key ARN from KMS `DescribeKey`, and without credentials, where placeholders stand in and
 * stderr says so.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import type { PolicyDocument } from "../../../lib/aws/iam_policy.ts";
import { runCli } from "../../helpers/cli.ts";
import { grants } from "../../helpers/iam.ts";
import { awsEnv, createKmsKey, motoUrl, uniqueName } from "../../helpers/moto.ts";

Deno.test("policy: the command resolves account and key through STS and KMS", async () => {
  const url = await motoUrl();
  const alias = `alias/${uniqueName("creds3-policy")}`;
  const keyId = await createKmsKey(url, alias);
  const keyArn = `arn:aws:kms:us-east-1:123456789012:key/${keyId}`;
  const env = { ...awsEnv(url), CREDS3_KEY: alias };
  for (const role of ["reader", "writer", "admin"]) {
    const r = await runCli(["policy", role, "-l", "s3://team-secrets/app/prod"], { env });
    strictEqual(r.code, 0, r.stderr);
    match(r.stderr, /^Account 123456789012, as arn:aws:sts::123456789012:/);
    // The admin of a prefix is told that setting up the bucket is not theirs.
    strictEqual(r.stderr.includes("warning"), role === "admin", r.stderr);
    const policy: PolicyDocument = JSON.parse(r.stdout);
    strictEqual(policy.Version, "2012-10-17");
    const all = grants(policy);
    deepStrictEqual(all.get("kms:Decrypt"), [keyArn]);
    deepStrictEqual(all.get("s3:GetObject"), ["arn:aws:s3:::team-secrets/app/prod/*"]);
    deepStrictEqual(policy.Statement[0].Condition, {
      StringLike: { "s3:prefix": ["app/prod/*"] },
    });
    strictEqual(all.has("s3:PutObject"), role !== "reader");
    strictEqual(all.has("s3:DeleteObject"), role === "admin");
    strictEqual(all.has("s3:PutBucketPolicy"), false, role);
    strictEqual(all.has("kms:CreateAlias"), false, role);
  }
  const admin = await runCli(["policy", "admin", "-l", "team-secrets/app/prod"], { env });
  match(
    admin.stderr,
    /warning: the admin of prefix 'app\/prod\/' does not set up the bucket: its settings control every prefix; 'creds3 policy setup -l team-secrets' is for the bucket's owner/,
  );
  const setup = await runCli(["policy", "setup", "-l", "team-secrets/app/prod"], { env });
  strictEqual(setup.code, 0, setup.stderr);
  match(setup.stderr, /warning: setting up controls the whole bucket 'team-secrets'/);
  const setupGrants = grants(JSON.parse(setup.stdout));
  deepStrictEqual(setupGrants.get("s3:PutBucketPolicy"), ["arn:aws:s3:::team-secrets"]);
  deepStrictEqual(setupGrants.get("kms:CreateAlias"), [
    `arn:aws:kms:us-east-1:123456789012:${alias}`,
    "arn:aws:kms:us-east-1:123456789012:key/*",
  ]);
  // Context pairs and --create-only.
  const conditioned = await runCli(
    ["policy", "writer", "-l", "team-secrets/app/prod", "env=prod", "--create-only"],
    { env },
  );
  strictEqual(conditioned.code, 0, conditioned.stderr);
  const statements: PolicyDocument["Statement"] = JSON.parse(conditioned.stdout).Statement;
  deepStrictEqual(
    statements.find((s) => s.Action.includes("kms:GenerateDataKey"))?.Condition,
    { StringEquals: { "kms:EncryptionContext:env": ["prod"] } },
  );
  deepStrictEqual(
    statements.find((s) => s.Action.includes("s3:PutObject"))?.Condition,
    { Null: { "s3:if-none-match": ["false"] } },
  );
  for (
    const [args, error] of [
      [["policy", "reader", "--create-only"], /--create-only is for the writer and admin/],
      [["policy", "setup", "env=prod"], /The setup policy makes no KMS calls with a context/],
      [["policy", "reader", "envprod"], /envprod/],
    ] as const
  ) {
    const bad = await runCli([...args], { env });
    strictEqual(bad.code, 2, bad.stderr);
    strictEqual(bad.stdout, "");
    match(bad.stderr, error);
  }
  // Without -l: the default bucket of the account.
  const byDefault = await runCli(["policy", "reader"], { env });
  strictEqual(byDefault.code, 0, byDefault.stderr);
  deepStrictEqual(
    grants(JSON.parse(byDefault.stdout)).get("s3:ListBucket"),
    ["arn:aws:s3:::credential-store-123456789012"],
  );
});

Deno.test("policy: without credentials, placeholders and a warning for each", async () => {
  const url = await motoUrl();
  const {
    AWS_ACCESS_KEY_ID: _id,
    AWS_SECRET_ACCESS_KEY: _secret,
    ...noCredentials
  } = awsEnv(url);
  const r = await runCli(["policy", "writer", "--kms-region", "eu-west-1"], {
    env: noCredentials,
  });
  strictEqual(r.code, 0, r.stderr);
  match(
    r.stderr,
    /warning: the account is the placeholder ACCOUNT_ID: STS GetCallerIdentity failed/,
  );
  match(r.stderr, /warning: the key is the placeholder KEY_ID: KMS DescribeKey of 'alias\/creds3'/);
  const all = grants(JSON.parse(r.stdout));
  deepStrictEqual(all.get("s3:PutObject"), ["arn:aws:s3:::credential-store-ACCOUNT_ID/*"]);
  deepStrictEqual(all.get("kms:GenerateDataKey"), [
    "arn:aws:kms:eu-west-1:ACCOUNT_ID:key/KEY_ID",
  ]);
  const local = await runCli(["policy", "reader", "-l", "b-u-c", "-k", "local:/tmp/none.key"], {
    env: awsEnv(url),
  });
  strictEqual(local.code, 0, local.stderr);
  match(local.stderr, /warning: the master key is a local file: the policy has no KMS statements/);
  ok(![...grants(JSON.parse(local.stdout)).keys()].some((a) => a.startsWith("kms:")));
  const dir = await runCli(["policy", "reader", "-l", "file:/tmp/store"], { env: awsEnv(url) });
  strictEqual(dir.code, 2);
  match(dir.stderr, /IAM policies are for S3 stores; 'file:\/tmp\/store' is a local directory/);
  strictEqual(dir.stdout, "");
  const bad = await runCli(["policy", "owner"], { env: awsEnv(url) });
  strictEqual(bad.code, 2);
  match(bad.stderr, /reader, writer, admin, setup/);
});
