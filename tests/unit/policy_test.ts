/** The IAM policy builder (`lib/aws/iam_policy.ts`): what reader, writer and admin may do. */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { iamPolicy, SETUP_BUCKET_ACTIONS } from "../../lib/aws/iam_policy.ts";
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
