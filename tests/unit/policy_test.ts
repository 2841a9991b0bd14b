/** The IAM policy builder (`lib/aws/iam_policy.ts`): what reader, writer, admin and setup may do. */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import {
  iamLiteral,
  iamPolicy,
  SETUP_BUCKET_ACTIONS,
  SETUP_CHECK_OBJECT,
} from "../../lib/aws/iam_policy.ts";
import { tablePolicy } from "../../lib/aws/iam_policy_table.ts";
import { grants } from "../helpers/iam.ts";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

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
  // The admin of a prefix deletes, and nothing of the bucket's own.
  const admin = iamPolicy("admin", target);
  const adminGrants = grants(admin);
  deepStrictEqual(adminGrants.get("s3:DeleteObject"), objects);
  deepStrictEqual([...adminGrants.keys()].sort(), [
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "s3:DeleteObject",
    "s3:GetObject",
    "s3:ListBucket",
    "s3:PutObject",
  ]);
  deepStrictEqual(admin.Statement.filter((s) => s.Action.includes("s3:ListBucket")).length, 1);
  ok(admin.Statement.every((s) => !s.Action.includes("s3:ListBucket") || s.Condition));
  // setup: the bucket's actions, setup's write check and the key's creation, nothing else.
  const setup = iamPolicy("setup", target);
  const setupGrants = grants(setup);
  for (const action of SETUP_BUCKET_ACTIONS) {
    deepStrictEqual(setupGrants.get(action), bucket, action);
  }
  const check = [`arn:aws:s3:::team-secrets/app/prod/${SETUP_CHECK_OBJECT}*`];
  deepStrictEqual(setupGrants.get("s3:PutObject"), check);
  deepStrictEqual(setupGrants.get("s3:DeleteObject"), check);
  strictEqual(setupGrants.has("s3:GetObject"), false);
  strictEqual(setupGrants.has("kms:Decrypt"), false);
  deepStrictEqual(setupGrants.get("kms:DescribeKey"), [KEY]);
  deepStrictEqual(setupGrants.get("kms:CreateAlias"), [
    target.kms.aliasArn,
    "arn:aws:kms:eu-west-1:123456789012:key/*",
  ]);
  for (const policy of [reader, admin, setup]) {
    // Nothing but creds3's S3 and KMS actions, and no wildcard action.
    for (const action of grants(policy).keys()) match(action, /^(s3|kms):[A-Z][A-Za-z]+$/);
    const sids = policy.Statement.map((s) => s.Sid);
    strictEqual(new Set(sids).size, sids.length, "statement ids are unique");
  }
});

Deno.test("policy: the admin of a whole bucket also sets it up", () => {
  const target = { partition: "aws", bucket: "team-secrets", prefix: "", kms: { keyArn: KEY } };
  const admin = grants(iamPolicy("admin", target));
  for (const action of SETUP_BUCKET_ACTIONS) {
    ok(admin.get(action)?.includes("arn:aws:s3:::team-secrets"), action);
  }
  deepStrictEqual(admin.get("kms:DescribeKey"), [KEY]);
  deepStrictEqual(
    iamPolicy("admin", target).Statement.find((s) => s.Sid === "EncryptDecryptSecrets")?.Action,
    ["kms:Decrypt", "kms:GenerateDataKey"],
  );
});

Deno.test("policy: a prefix with IAM's special characters is a literal", () => {
  const policy = iamPolicy("writer", {
    partition: "aws",
    bucket: "b-1",
    prefix: "team*?/${aws:username}/",
  });
  const literal = "team${*}${?}/${$}{aws:username}/";
  deepStrictEqual(policy.Statement[0].Condition, { StringLike: { "s3:prefix": [`${literal}*`] } });
  strictEqual(policy.Statement[1].Resource, `arn:aws:s3:::b-1/${literal}*`);
  strictEqual(iamLiteral("plain/prefix-1_2.3/"), "plain/prefix-1_2.3/");
});

Deno.test("policy: a context becomes kms:EncryptionContext conditions on Decrypt and GenerateDataKey", () => {
  const target = { partition: "aws", bucket: "b", prefix: "", kms: { keyArn: KEY } };
  const context = { team: "pay*", env: "prod" };
  for (const role of ["reader", "writer", "admin"] as const) {
    const kms = iamPolicy(role, target, { context }).Statement.filter((s) =>
      s.Action.includes("kms:Decrypt")
    );
    strictEqual(kms.length, 1, role);
    deepStrictEqual(kms[0].Condition, {
      StringEquals: {
        "kms:EncryptionContext:env": ["prod"],
        "kms:EncryptionContext:team": ["pay${*}"],
      },
    });
  }
  // DescribeKey carries no context: setup's statement has no condition.
  const admin = iamPolicy("admin", target, { context });
  strictEqual(
    admin.Statement.find((s) => s.Action.includes("kms:DescribeKey"))?.Condition,
    undefined,
  );
  strictEqual(
    iamPolicy("reader", target).Statement.find((s) => s.Sid === "DecryptSecrets")
      ?.Condition,
    undefined,
  );
});

Deno.test("policy: a create-only writer may add versions, never replace one", () => {
  const target = { partition: "aws", bucket: "b", prefix: "app/" };
  for (const role of ["writer", "admin"] as const) {
    const policy = iamPolicy(role, target, { createOnly: true });
    const puts = policy.Statement.filter((s) => s.Action.includes("s3:PutObject"));
    strictEqual(puts.length, 1, role);
    deepStrictEqual(puts[0].Condition, { Null: { "s3:if-none-match": ["false"] } });
    deepStrictEqual(puts[0].Resource, "arn:aws:s3:::b/app/*");
    deepStrictEqual(grants(policy).get("s3:GetObject"), ["arn:aws:s3:::b/app/*"]);
  }
});

Deno.test("policy: the whole bucket without a prefix, no KMS statements for a local key", () => {
  const policy = iamPolicy("writer", { partition: "aws-cn", bucket: "b-1", prefix: "" });
  strictEqual(policy.Statement[0].Condition, undefined);
  deepStrictEqual(policy.Statement[1].Resource, "arn:aws-cn:s3:::b-1/*");
  ok(policy.Statement.every((s) => s.Action.every((a) => a.startsWith("s3:"))));
});

Deno.test("policy: a credstash table's statements name the table and the key", () => {
  const tableArn = "arn:aws:dynamodb:eu-west-1:111122223333:table/credential-store";
  const reader = tablePolicy("reader", { partition: "aws", tableArn });
  deepStrictEqual(reader.Statement, [{
    Sid: "ReadSecrets",
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
    Resource: tableArn,
  }]);
  const kms = { keyArn: "arn:aws:kms:eu-west-1:111122223333:key/k" };
  const writer = tablePolicy("writer", { partition: "aws", tableArn, kms }, {
    context: { env: "prod" },
  });
  deepStrictEqual(writer.Statement.map((s) => s.Sid), [
    "ReadWriteSecrets",
    "EncryptDecryptSecrets",
  ]);
  deepStrictEqual(writer.Statement[1].Condition, {
    StringEquals: { "kms:EncryptionContext:env": ["prod"] },
  });
  // The table is the whole store: its admin also sets it up (no alias: no key creation).
  deepStrictEqual(
    tablePolicy("admin", { partition: "aws", tableArn, kms }).Statement.map((s) => s.Sid),
    [
      "ReadWriteDeleteSecrets",
      "EncryptDecryptSecrets",
      "SetUpTable",
      "CheckMasterKey",
    ],
  );
});
