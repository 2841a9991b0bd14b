/**
 * The minimal IAM policies for the ways of using a store: `reader` (get, getall, list, keys,
 * history, export, exec), `writer` (also put), `admin` (also delete and prune) and `setup` (create
 * and harden the bucket and the master key). Bucket-level actions control every prefix of the
 * bucket, so the admin of a prefix does not get them: `setup` is a role of its own, and only the
 * admin of a whole bucket also gets it. Pure: the caller resolves the account and the key ARN, or
 * passes placeholders.
 *
 * @module
 */
import type { EncryptionContext } from "../core/context.ts";

/** Who the policy is for. */
export type PolicyRole = "reader" | "writer" | "admin" | "setup";

/** The roles, least privilege first, then `setup`. */
export const POLICY_ROLES: readonly PolicyRole[] = ["reader", "writer", "admin", "setup"];

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

/** Options of {@linkcode iamPolicy}. */
export interface PolicyOptions {
  /**
   * Pairs every KMS `Decrypt` and `GenerateDataKey` must carry in their encryption context:
   * one `kms:EncryptionContext:KEY` condition per pair.
   */
  context?: EncryptionContext;
  /**
   * writer, admin: `PutObject` only with `If-None-Match` (a condition on `s3:if-none-match`),
   * so the principal can add versions but never replace one (creds3 always sends it).
   */
  createOnly?: boolean;
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** The start of the object `creds3 setup`'s write check writes and removes under the prefix. */
export const SETUP_CHECK_OBJECT = ".creds3-setup-check-";

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
 * `text` as a literal in an IAM policy's resources and condition values, where `*` and `?` are
 * wildcards and `${...}` a policy variable: each of the three characters becomes the policy
 * variable that stands for it (`${*}`, `${?}`, `${$}`).
 *
 * @example
 * ```ts
 * import { iamLiteral } from "./iam_policy.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(iamLiteral("app?-${x}-*"), "app${?}-${$}{x}-${*}");
 * ```
 */
export function iamLiteral(text: string): string {
  return text.replace(/[*?$]/g, (c) => `\${${c}}`);
}

/**
 * The minimal policy for `role` on `target`: listing conditioned on the prefix, object access
 * only under the prefix, and the KMS calls only on the master key (with the encryption context
 * of `options` as conditions). `setup` gets the bucket-level actions, the objects of setup's
 * write check and the creation of the key; so does `admin`, but only of a whole bucket (no
 * prefix).
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
export function iamPolicy(
  role: PolicyRole,
  target: PolicyTarget,
  options: PolicyOptions = {},
): PolicyDocument {
  const bucketArn = `arn:${target.partition}:s3:::${target.bucket}`;
  const prefix = iamLiteral(target.prefix);
  const statements: PolicyStatement[] = [];
  if (role !== "setup") {
    statements.push(...secretStatements(role, bucketArn, prefix, options));
    if (target.kms) statements.push(kmsStatement(role !== "reader", target.kms.keyArn, options));
  }
  // The bucket's settings control every prefix in it: only its whole owner sets it up.
  if (role === "setup" || role === "admin" && target.prefix === "") {
    statements.push(...setupStatements(target, bucketArn, prefix));
  }
  return { Version: "2012-10-17", Statement: statements };
}

function secretStatements(
  role: "reader" | "writer" | "admin",
  bucketArn: string,
  prefix: string,
  options: PolicyOptions,
): PolicyStatement[] {
  const objects = `${bucketArn}/${prefix}*`;
  const writes = role !== "reader";
  const admin = role === "admin";
  const createOnly = writes && options.createOnly === true;
  const statements: PolicyStatement[] = [{
    Sid: "ListSecrets",
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: bucketArn,
    ...(prefix ? { Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } } : {}),
  }, {
    Sid: admin
      ? (createOnly ? "ReadDeleteSecrets" : "ReadWriteDeleteSecrets")
      : writes && !createOnly
      ? "ReadWriteSecrets"
      : "ReadSecrets",
    Effect: "Allow",
    Action: [
      "s3:GetObject",
      ...(writes && !createOnly ? ["s3:PutObject"] : []),
      ...(admin ? ["s3:DeleteObject"] : []),
    ],
    Resource: objects,
  }];
  if (createOnly) {
    // IAM sees the If-None-Match header as s3:if-none-match: present, the write cannot
    // replace an object.
    statements.push({
      Sid: "CreateSecretsOnly",
      Effect: "Allow",
      Action: ["s3:PutObject"],
      Resource: objects,
      Condition: { Null: { "s3:if-none-match": ["false"] } },
    });
  }
  return statements;
}

/**
 * The KMS statement of a store's readers (`Decrypt`) or writers (also `GenerateDataKey`) on the
 * master key, with the encryption context of `options` as conditions.
 */
export function kmsStatement(
  writes: boolean,
  keyArn: string,
  options: PolicyOptions,
): PolicyStatement {
  const pairs = Object.entries(options.context ?? {}).sort(([a], [b]) => a < b ? -1 : 1);
  return {
    Sid: writes ? "EncryptDecryptSecrets" : "DecryptSecrets",
    Effect: "Allow",
    Action: ["kms:Decrypt", ...(writes ? ["kms:GenerateDataKey"] : [])],
    Resource: keyArn,
    ...(pairs.length > 0
      ? {
        Condition: {
          StringEquals: Object.fromEntries(
            pairs.map(([key, value]) => [`kms:EncryptionContext:${key}`, [iamLiteral(value)]]),
          ),
        },
      }
      : {}),
  };
}

function setupStatements(
  target: PolicyTarget,
  bucketArn: string,
  prefix: string,
): PolicyStatement[] {
  const statements: PolicyStatement[] = [{
    Sid: "SetUpBucket",
    Effect: "Allow",
    Action: [...SETUP_BUCKET_ACTIONS],
    Resource: bucketArn,
  }, {
    // Setup's write check writes one object twice (create-only) and removes it.
    Sid: "SetUpWriteCheck",
    Effect: "Allow",
    Action: ["s3:PutObject", "s3:DeleteObject"],
    Resource: `${bucketArn}/${prefix}${SETUP_CHECK_OBJECT}*`,
  }];
  if (target.kms) statements.push(...masterKeySetupStatements(target.kms));
  return statements;
}

/** What `setup` does with the KMS master key: check it, and create it when named by an alias. */
export function masterKeySetupStatements(
  kms: NonNullable<PolicyTarget["kms"]>,
): PolicyStatement[] {
  const statements: PolicyStatement[] = [{
    Sid: "CheckMasterKey",
    Effect: "Allow",
    Action: ["kms:DescribeKey"],
    Resource: kms.keyArn,
  }];
  if (kms.aliasArn) {
    // `setup --create-key` makes the key, then points the alias at it. CreateKey cannot be
    // scoped to a resource; CreateAlias needs both the alias and the new key.
    const keys = kms.keyArn.replace(/:key\/[^:]*$/, ":key/*");
    statements.push({
      Sid: "CreateMasterKey",
      Effect: "Allow",
      Action: ["kms:CreateKey"],
      Resource: "*",
    }, {
      Sid: "CreateMasterKeyAlias",
      Effect: "Allow",
      Action: ["kms:CreateAlias"],
      Resource: [kms.aliasArn, keys],
    });
  }
  return statements;
}
