/**
 * What the steps of setting up an S3 bucket share: where and how to set it up, and how an
 * S3-compatible store says that it does not support a request.
 *
 * @module
 */
import { awsErrorCode, httpStatus } from "../../aws/errors.ts";

/** Where and how to set up the bucket. */
export interface S3SetupOptions {
  bucket: string;
  /** The store's prefix: the write check's object goes there. */
  prefix: string;
  /** The region the bucket should be in. */
  region: string;
  /** Change an existing bucket's settings that differ. */
  fix?: boolean;
  /** An S3-compatible store at a custom endpoint: unsupported steps are skipped. */
  compatible?: boolean;
  /** The endpoint is plain HTTP: a TLS-only policy would refuse every request through it. */
  plainHttp?: boolean;
  /** Add the bucket policy statement that denies writes able to replace a version. */
  denyOverwrite?: boolean;
}

/** The S3 SDK module, loaded by `setupS3Bucket`. */
export type S3 = typeof import("@aws-sdk/client-s3");

const UNSUPPORTED_CODES = new Set([
  "NotImplemented",
  "XNotImplemented",
  "MethodNotAllowed",
  "UnsupportedOperation",
  "InvalidArgument",
  "InvalidRequest",
]);

/** A store-specific failure that means "this store cannot do that" on S3-compatible stores. */
export function unsupported(e: unknown, options: S3SetupOptions): boolean {
  if (!options.compatible) return false;
  const status = httpStatus(e);
  return status === 501 || status === 405 || UNSUPPORTED_CODES.has(awsErrorCode(e) ?? "");
}
