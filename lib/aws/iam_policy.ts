/**
 * The minimal IAM policies for the three ways of using a store: `reader` (get, getall, list,
 * keys, history, export), `writer` (also put) and `admin` (also delete, prune and setup). Pure: the caller resolves
 * the account and the key ARN, or passes placeholders.
 *
 * @module
 */

/** Who the policy is for. */
export type PolicyRole = "reader" | "writer" | "admin";

/** The roles, least privilege first. */
export const POLICY_ROLES: readonly PolicyRole[] = ["reader", "writer", "admin"];

/** What the policy grants access to. */
export interface PolicyTarget {
  /** The AWS partition: `aws`, `aws-cn`, `aws-us-gov`. */
  partition: string;
  bucket: string;
  /** Empty (the whole bucket) or ending with `/`. */
  prefix: string;
  /** The KMS master key; absent for a local master key (no KMS statements). */
  kms?: {
    /** The key's ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`), possibly with placeholders. */
    keyArn: string;
    /** The alias ARN when the key was named by an alias: setup may create key and alias. */
    aliasArn?: string;
  };
}

/** One IAM policy statement. */
export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** The bucket-level actions `creds3 setup` uses to create, check and harden the bucket. */
export const SETUP_BUCKET_ACTIONS: readonly string[] = [
  "s3:CreateBucket",
  "s3:ListBucket",
  "s3:GetBucketLocation",
  "s3:GetBucketPublicAccessBlock",
  "s3:PutBucketPublicAccessBlock",
  "s3:GetEncryptionConfiguration",
  "s3:PutEncryptionConfiguration",
  "s3:GetBucketVersioning",
  "s3:PutBucketVersioning",
  "s3:GetBucketPolicy",
  "s3:PutBucketPolicy",
];

/**
 * The minimal policy for `role` on `target`: listing conditioned on the prefix, object access
 * only under the prefix, and the KMS calls only on the master key.
 *
 * @example
 * ```ts
 * import { iamPolicy } from "./iam_policy.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const policy = iamPolicy("reader", {
 *   partition: "aws",
 *   bucket: "my-bucket",
 *   prefix: "app/",
 *   kms: { keyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd" },
 * });
 * strictEqual(policy.Statement[0].Condition?.StringLike["s3:prefix"][0], "app/*");
 * strictEqual(policy.Statement[1].Resource, "arn:aws:s3:::my-bucket/app/*");
 * ```
 */
export function iamPolicy(role: PolicyRole, target: PolicyTarget): PolicyDocument {
  const bucketArn = `arn:${target.partition}:s3:::${target.bucket}`;
  const objects = `${bucketArn}/${target.prefix}*`;
  const writes = role !== "reader";
  const admin = role === "admin";
  const statements: PolicyStatement[] = [{
    Sid: "ListSecrets",
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: bucketArn,
    ...(target.prefix ? { Condition: { StringLike: { "s3:prefix": [`${target.prefix}*`] } } } : {}),
  }, {
    Sid: admin ? "ReadWriteDeleteSecrets" : writes ? "ReadWriteSecrets" : "ReadSecrets",
    Effect: "Allow",
    Action: [
      "s3:GetObject",
      ...(writes ? ["s3:PutObject"] : []),
      ...(admin ? ["s3:DeleteObject"] : []),
    ],
    Resource: objects,
  }];
  if (admin) {
    statements.push({
      Sid: "SetUpBucket",
      Effect: "Allow",
      Action: [...SETUP_BUCKET_ACTIONS],
      Resource: bucketArn,
    });
  }
  if (target.kms) {
    statements.push({
      Sid: writes ? "EncryptDecryptSecrets" : "DecryptSecrets",
      Effect: "Allow",
      Action: [
        "kms:Decrypt",
        ...(writes ? ["kms:GenerateDataKey"] : []),
        ...(admin ? ["kms:DescribeKey"] : []),
      ],
      Resource: target.kms.keyArn,
    });
    if (admin && target.kms.aliasArn) {
      // `setup --create-key` makes the key, then points the alias at it. CreateKey cannot be
      // scoped to a resource; CreateAlias needs both the alias and the new key.
      const keys = target.kms.keyArn.replace(/:key\/[^:]*$/, ":key/*");
      statements.push({
        Sid: "CreateMasterKey",
        Effect: "Allow",
        Action: ["kms:CreateKey"],
        Resource: "*",
      }, {
        Sid: "CreateMasterKeyAlias",
        Effect: "Allow",
        Action: ["kms:CreateAlias"],
        Resource: [target.kms.aliasArn, keys],
      });
    }
  }
  return { Version: "2012-10-17", Statement: statements };
}
