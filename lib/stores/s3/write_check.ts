/**
 * The write check: whether the store refuses a create-only write of an existing object, which
 * creds3 relies on so that no version is ever overwritten.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { awsErrorCode, describeAwsError, httpStatus } from "../../aws/errors.ts";
import { SETUP_CHECK_OBJECT } from "../../aws/iam_policy.ts";
import type { S3, S3SetupOptions } from "./setup_options.ts";

/** What a store that passes the write check does. */
export const WRITE_CHECK_OK =
  "a create-only write of an existing object is refused, as creds3 needs";

/**
 * Writes a check object twice with `If-None-Match: *` (the second must be refused) and removes
 * it. The object is `<prefix>.creds3-setup-check-<random>`: no `/` after the prefix, so no
 * listing ever takes it for a secret. Returns what is wrong, or undefined.
 */
export async function writeCheck(
  s3: S3,
  client: S3Client,
  options: S3SetupOptions,
): Promise<string | undefined> {
  const random = crypto.getRandomValues(new Uint8Array(8));
  const Key = `${options.prefix}${SETUP_CHECK_OBJECT}${
    Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
  const put = () =>
    client.send(
      new s3.PutObjectCommand({
        Bucket: options.bucket,
        Key,
        Body: "creds3 setup write check",
        IfNoneMatch: "*",
      }),
    );
  try {
    await put();
  } catch (e) {
    return `a create-only write fails: ${describeAwsError(e)}`;
  }
  let problem: string | undefined;
  try {
    await put();
    problem = "this store does not refuse a create-only write of an existing object " +
      "(If-None-Match: *), which creds3 needs so that no version is ever overwritten";
  } catch (e) {
    if (httpStatus(e) !== 412 && awsErrorCode(e) !== "PreconditionFailed") {
      problem = `a second create-only write fails with ${describeAwsError(e)}, not 412`;
    }
  }
  try {
    await client.send(new s3.DeleteObjectCommand({ Bucket: options.bucket, Key }));
  } catch (e) {
    problem ??= `the check object '${Key}' could not be removed: ${describeAwsError(e)}`;
  }
  return problem;
}
