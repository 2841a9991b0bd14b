/**
 * The bucket policy statements creds3 adds: one that denies every request made without TLS, and
 * one that denies every write to the store's prefix that could replace an object; and how to
 * find them in, or add them to, an existing bucket policy without touching the other statements.
 *
 * @module
 */
import { iamLiteral } from "../../aws/iam_policy.ts";
import { StoreError } from "../../core/errors.ts";

/** The `Sid` of the statement creds3 adds. */
export const TLS_ONLY_SID = "Creds3DenyInsecureTransport";

/** A bucket policy document, as loosely typed as S3 accepts it. */
export interface BucketPolicy {
  Version?: string;
  Id?: string;
  Statement: Record<string, unknown>[];
}

/** The statement: deny `s3:*` on the bucket and its objects when `aws:SecureTransport` is false. */
export function tlsOnlyStatement(partition: string, bucket: string): Record<string, unknown> {
  const arn = `arn:${partition}:s3:::${bucket}`;
  return {
    Sid: TLS_ONLY_SID,
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}

/** Parses a bucket policy (undefined: the bucket has none). */
export function parseBucketPolicy(text: string | undefined): BucketPolicy {
  if (text === undefined || text.trim() === "") return { Version: "2012-10-17", Statement: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StoreError("The bucket policy is not valid JSON");
  }
  if (typeof parsed !== "object" || parsed === null) {
    throw new StoreError("The bucket policy is not a JSON object");
  }
  const policy = parsed as { Statement?: unknown };
  const statements = Array.isArray(policy.Statement)
    ? policy.Statement
    : policy.Statement === undefined
    ? []
    : [policy.Statement];
  return { ...(parsed as BucketPolicy), Statement: statements as Record<string, unknown>[] };
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function isFalse(value: unknown): boolean {
  return list(value).length > 0 && list(value).every((v) => v === false || v === "false");
}

/** A statement taken apart: whether it denies to everyone, its actions, resources and condition. */
function deniedToEveryone(s: Record<string, unknown>) {
  const principal = s.Principal;
  const everyone = principal === "*" ||
    list((principal as { AWS?: unknown } | undefined)?.AWS).includes("*");
  return {
    denies: s.Effect === "Deny" && everyone,
    actions: list(s.Action),
    resources: list(s.Resource),
    condition: (s.Condition ?? {}) as Record<string, Record<string, unknown>>,
  };
}

/**
 * Whether `policy` denies every action on the bucket and all its objects to everyone when
 * `aws:SecureTransport` is false (whoever wrote the statement).
 */
export function hasTlsOnlyStatement(
  policy: BucketPolicy,
  partition: string,
  bucket: string,
): boolean {
  const arn = `arn:${partition}:s3:::${bucket}`;
  return policy.Statement.some((s) => {
    const { denies, actions, resources, condition } = deniedToEveryone(s);
    const bool = condition.Bool ?? {};
    return denies && (actions.includes("s3:*") || actions.includes("*")) &&
      resources.includes(arn) && (resources.includes(`${arn}/*`)) &&
      isFalse(bool["aws:SecureTransport"]) && Object.keys(condition).length === 1;
  });
}

/** The policy with creds3's statement added (replacing an older one with the same `Sid`). */
export function withTlsOnlyStatement(
  policy: BucketPolicy,
  partition: string,
  bucket: string,
): BucketPolicy {
  return {
    ...policy,
    Version: policy.Version ?? "2012-10-17",
    Statement: [
      ...policy.Statement.filter((s) => s.Sid !== TLS_ONLY_SID),
      tlsOnlyStatement(partition, bucket),
    ],
  };
}

/** The `Sid` of the deny-overwrite statement (a number follows when several prefixes have one). */
export const DENY_OVERWRITE_SID = "Creds3DenyOverwrite";

/** The objects of a store: `arn:PARTITION:s3:::BUCKET/PREFIX*`, the prefix a literal. */
function storeObjects(partition: string, bucket: string, prefix: string): string {
  return `arn:${partition}:s3:::${bucket}/${iamLiteral(prefix)}*`;
}

/**
 * The statement that denies to everyone a `PutObject` under the store's prefix made without
 * `If-None-Match` (the condition key `s3:if-none-match` is absent): no version can be replaced,
 * by creds3 (which always sends it) or by any other client. It also refuses `CopyObject` and
 * multipart uploads there.
 */
export function denyOverwriteStatement(
  partition: string,
  bucket: string,
  prefix: string,
  sid: string = DENY_OVERWRITE_SID,
): Record<string, unknown> {
  return {
    Sid: sid,
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: storeObjects(partition, bucket, prefix),
    Condition: { Null: { "s3:if-none-match": "true" } },
  };
}

/**
 * Whether `policy` denies to everyone every `PutObject` without `If-None-Match` on all the
 * objects under `prefix` (whoever wrote the statement).
 */
export function hasDenyOverwriteStatement(
  policy: BucketPolicy,
  partition: string,
  bucket: string,
  prefix: string,
): boolean {
  const objects = storeObjects(partition, bucket, prefix);
  const bucketObjects = `arn:${partition}:s3:::${bucket}/*`;
  return policy.Statement.some((s) => {
    const { denies, actions, resources, condition } = deniedToEveryone(s);
    const absent = list(condition.Null?.["s3:if-none-match"]);
    return denies &&
      actions.some((a) => a === "s3:PutObject" || a === "s3:*" || a === "*") &&
      (resources.includes(objects) || resources.includes(bucketObjects)) &&
      absent.length > 0 && absent.every((v) => v === true || v === "true") &&
      Object.keys(condition).length === 1 && Object.keys(condition.Null).length === 1;
  });
}

/** The policy with a deny-overwrite statement for `prefix` added, under a `Sid` not yet taken. */
export function withDenyOverwriteStatement(
  policy: BucketPolicy,
  partition: string,
  bucket: string,
  prefix: string,
): BucketPolicy {
  const taken = new Set(policy.Statement.map((s) => s.Sid));
  let sid = DENY_OVERWRITE_SID;
  for (let n = 2; taken.has(sid); n++) sid = `${DENY_OVERWRITE_SID}${n}`;
  return {
    ...policy,
    Version: policy.Version ?? "2012-10-17",
    Statement: [...policy.Statement, denyOverwriteStatement(partition, bucket, prefix, sid)],
  };
}
