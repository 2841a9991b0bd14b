/**
 * Bucket policies for the `setup` tests: a statement of someone else's already in a bucket's
 * policy, the policy as S3 stores it, and one-statement policies made from a base statement
 * with some fields changed, to show which changes a check accepts.
 *
 * @module
 */
import { GetBucketPolicyCommand, PutBucketPolicyCommand, type S3Client } from "@aws-sdk/client-s3";
import { type BucketPolicy, parseBucketPolicy } from "../../lib/stores/s3/bucket_policy.ts";

/** A statement of another party's: another account may read the bucket's objects. */
export function someoneElses(bucket: string): Record<string, unknown> {
  return {
    Sid: "SomeoneElses",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:root" },
    Action: "s3:GetObject",
    Resource: `arn:aws:s3:::${bucket}/*`,
  };
}

/** Replaces the bucket's policy with one holding `statements`. */
export async function putBucketPolicy(
  s3: S3Client,
  bucket: string,
  statements: Record<string, unknown>[],
): Promise<void> {
  const Policy = JSON.stringify({ Version: "2012-10-17", Statement: statements });
  await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy }));
}

/** The bucket's policy as S3 stores it, parsed. */
export async function storedBucketPolicy(s3: S3Client, bucket: string): Promise<BucketPolicy> {
  return parseBucketPolicy((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy);
}

/**
 * Policies of one statement that denies `Action` on `Resource` to everyone under `Condition`,
 * with `changes` laid over it: `deny({})` is the statement itself.
 */
export function denyForEveryone(
  Action: string[],
  Resource: string[],
  Condition: Record<string, unknown>,
): (changes: Record<string, unknown>) => BucketPolicy {
  const base = { Effect: "Deny", Principal: { AWS: ["*"] }, Action, Resource, Condition };
  return (changes) => parseBucketPolicy(JSON.stringify({ Statement: { ...base, ...changes } }));
}

/** `condition` narrowed to some source addresses: a statement that no longer holds for all. */
export function fromSomeAddresses(condition: Record<string, unknown>): Record<string, unknown> {
  return { Condition: { ...condition, IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } };
}
