/**
 * `creds3 policy reader|writer|admin`: the pure policy builder, and the command against moto,
 * where the account comes from STS and the key ARN from KMS `DescribeKey`, and without
 * credentials, where placeholders stand in and stderr says so.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { iamPolicy, type PolicyDocument, SETUP_BUCKET_ACTIONS } from "../lib/aws/iam_policy.ts";
import { runCli } from "./helpers/cli.ts";
import { awsEnv, createKmsKey, motoUrl, uniqueName } from "./helpers/moto.ts";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Every action the policy allows, with the resources it allows it on. */
function grants(policy: PolicyDocument): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const s of policy.Statement) {
    strictEqual(s.Effect, "Allow");
    for (const action of s.Action) {
      map.set(action, [...(map.get(action) ?? []), ...[s.Resource].flat()]);
    }
  }
  return map;
}

Deno.test("policy: reader, writer and admin grant only what each needs", () => {
  const target = {
    partition: "aws",
    bucket: "team-secrets",
    prefix: "app/prod/",
    kms: { keyArn: KEY, aliasArn: "arn:aws:kms:eu-west-1:123456789012:alias/creds3" },
  };
  const objects = ["arn:aws:s3:::team-secrets/app/prod/*"];
  const bucket = ["arn:aws:s3:::team-secrets"];
  const reader = iamPolicy("reader", target);
  deepStrictEqual(
    grants(reader),
    new Map([["s3:ListBucket", bucket], ["s3:GetObject", objects], ["kms:Decrypt", [KEY]]]),
  );
  deepStrictEqual(reader.Statement[0].Condition, {
    StringLike: { "s3:prefix": ["app/prod/*"] },
  });
  const writer = grants(iamPolicy("writer", target));
  deepStrictEqual([...writer.keys()].sort(), [
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:PutObject",
  ]);
  deepStrictEqual(writer.get("s3:PutObject"), objects);
  deepStrictEqual(writer.get("kms:GenerateDataKey"), [KEY]);
  const admin = iamPolicy("admin", target);
  const adminGrants = grants(admin);
  deepStrictEqual(adminGrants.get("s3:DeleteObject"), objects);
  for (const action of SETUP_BUCKET_ACTIONS) {
    ok(adminGrants.get(action)?.every((r) => r === bucket[0]), action);
  }
  deepStrictEqual(adminGrants.get("kms:DescribeKey"), [KEY]);
  deepStrictEqual(adminGrants.get("kms:CreateAlias"), [
    target.kms.aliasArn,
    "arn:aws:kms:eu-west-1:123456789012:key/*",
  ]);
  // Nothing but creds3's S3 and KMS actions, and no wildcard action.
  for (const action of adminGrants.keys()) match(action, /^(s3|kms):[A-Z][A-Za-z]+$/);
  // Only admin lists the bucket unconditioned: setup's HeadBucket needs s3:ListBucket.
  deepStrictEqual(admin.Statement.filter((s) => s.Action.includes("s3:ListBucket")).length, 2);
  const sids = admin.Statement.map((s) => s.Sid);
  strictEqual(new Set(sids).size, sids.length, "statement ids are unique");
});

Deno.test("policy: the whole bucket without a prefix, no KMS statements for a local key", () => {
  const policy = iamPolicy("writer", { partition: "aws-cn", bucket: "b-1", prefix: "" });
  strictEqual(policy.Statement[0].Condition, undefined);
  deepStrictEqual(policy.Statement[1].Resource, "arn:aws-cn:s3:::b-1/*");
  ok(policy.Statement.every((s) => s.Action.every((a) => a.startsWith("s3:"))));
});

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
    ok(!r.stderr.includes("warning"), r.stderr);
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
    if (role === "admin") {
      deepStrictEqual(all.get("kms:CreateAlias"), [
        `arn:aws:kms:us-east-1:123456789012:${alias}`,
        "arn:aws:kms:us-east-1:123456789012:key/*",
      ]);
    }
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
  match(bad.stderr, /reader, writer, admin/);
});
