/**
 * Replacing an object's metadata in place: S3 has no request for that, but a copy of the object
 * onto itself that replaces the metadata does it in one step, the body copied inside S3.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";

/** The object, the ETag it must still have, and its new user metadata. */
export interface CopyOntoItself {
  bucket: string;
  /** The object's key. */
  key: string;
  /** The ETag the object must have for the copy to happen (`x-amz-copy-source-if-match`). */
  etag: string;
  metadata: Record<string, string>;
  /**
   * Send the condition under the name Ceph's RADOS Gateway reads too (`x-amz-copy-if-match`;
   * up to at least Ceph 16 it ignores `x-amz-copy-source-if-match`): for S3-compatible stores.
   */
  compatible?: boolean;
}

/**
 * Copies the object onto itself with `MetadataDirective: REPLACE` and the new metadata, only if
 * its ETag is still `etag` (S3 answers 412 `PreconditionFailed` otherwise; so do moto and Ceph,
 * which reads the condition under its own name). The content type is the one creds3 writes.
 * Throws the SDK's error.
 */
export async function copyOntoItself(client: S3Client, target: CopyOntoItself): Promise<void> {
  const { CopyObjectCommand } = await import("@aws-sdk/client-s3");
  // The copy source is a URL path: each segment of the key percent-encoded.
  const source = [target.bucket, ...target.key.split("/")].map(encodeURIComponent).join("/");
  const command = new CopyObjectCommand({
    Bucket: target.bucket,
    Key: target.key,
    CopySource: source,
    CopySourceIfMatch: target.etag,
    MetadataDirective: "REPLACE",
    Metadata: target.metadata,
    ContentType: "application/octet-stream",
  });
  const { etag } = target;
  if (target.compatible) {
    // Added before signing, so that the header is signed as the others are.
    command.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers["x-amz-copy-if-match"] = etag;
        return next(args);
      },
      { step: "build", name: "creds3CopyIfMatch" },
    );
  }
  await client.send(command);
}
