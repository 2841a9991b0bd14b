/**
 * The bucket itself: created in the configured region when missing, or reported with its
 * region when it exists.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_REGION } from "../../aws/arn.ts";
import { awsErrorCode, describeAwsError, httpStatus } from "../../aws/errors.ts";
import { Creds3Error, StoreError } from "../../core/errors.ts";
import type { SetupStep } from "../../core/store.ts";
import { type S3, type S3SetupOptions, unsupported } from "./setup_options.ts";

/** Makes sure the bucket exists in the configured region. */
export async function ensureBucket(
  s3: S3,
  client: S3Client,
  options: S3SetupOptions,
): Promise<SetupStep> {
  const { bucket: Bucket, region } = options;
  const step = `Bucket '${Bucket}'`;
  try {
    await client.send(new s3.HeadBucketCommand({ Bucket }));
    return await bucketRegion(s3, client, options);
  } catch (e) {
    if (e instanceof Creds3Error) throw e;
    const status = httpStatus(e);
    if (status === 403) {
      return {
        step,
        outcome: "failed",
        detail: "exists, but these credentials may not use it (403): it may belong to another " +
          "account",
      };
    }
    if (status !== 404 && awsErrorCode(e) !== "NotFound" && awsErrorCode(e) !== "NoSuchBucket") {
      return { step, outcome: "failed", detail: `cannot check it: ${describeAwsError(e)}` };
    }
  }
  try {
    await client.send(
      new s3.CreateBucketCommand({
        Bucket,
        // us-east-1 is the one region that must not be named as a location constraint.
        CreateBucketConfiguration: region === DEFAULT_REGION
          ? undefined
          : { LocationConstraint: region as never },
      }),
    );
  } catch (e) {
    const code = awsErrorCode(e);
    if (code === "BucketAlreadyOwnedByYou") return await bucketRegion(s3, client, options);
    if (code === "BucketAlreadyExists") {
      throw new StoreError(`Bucket '${Bucket}' belongs to another account`, {
        reason: { type: "bucket-taken", bucket: Bucket },
        code,
      });
    }
    return { step, outcome: "failed", detail: `cannot create it: ${describeAwsError(e)}` };
  }
  return { step, outcome: "changed", detail: `created in ${region}` };
}

/** Reports an existing bucket and whether it is in the configured region. */
async function bucketRegion(s3: S3, client: S3Client, options: S3SetupOptions): Promise<SetupStep> {
  const step = `Bucket '${options.bucket}'`;
  let location: string | undefined;
  try {
    const out = await client.send(new s3.GetBucketLocationCommand({ Bucket: options.bucket }));
    // No constraint is us-east-1; "EU" is the old name of eu-west-1.
    location = out.LocationConstraint === "EU"
      ? "eu-west-1"
      : (out.LocationConstraint as string | undefined) || DEFAULT_REGION;
  } catch (e) {
    if (unsupported(e, options)) return { step, outcome: "ok", detail: "exists" };
    return {
      step,
      outcome: "ok",
      detail: `exists (its region is unknown: ${describeAwsError(e)})`,
    };
  }
  if (options.compatible) return { step, outcome: "ok", detail: `exists (location '${location}')` };
  if (location !== options.region) {
    return {
      step,
      outcome: "differs",
      detail: `exists in ${location}, not in ${options.region}; give -r ${location} to use it ` +
        "(a bucket cannot be moved)",
    };
  }
  return { step, outcome: "ok", detail: `exists in ${location}` };
}
