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
  etag: string | undefined;
  metadata: Record<string, string>;
}

/**
 * Copies the object onto itself with `MetadataDirective: REPLACE` and the new metadata, only if
 * its ETag is still `etag` (S3 answers 412 `PreconditionFailed` otherwise). The content type
 * is the one creds3 writes. Throws the SDK's error.
 */
export async function copyOntoItself(client: S3Client, target: CopyOntoItself): Promise<void> {
  const { CopyObjectCommand } = await import("@aws-sdk/client-s3");
  // The copy source is a URL path: each segment of the key percent-encoded.
  const source = [target.bucket, ...target.key.split("/")].map(encodeURIComponent).join("/");
  await client.send(
    new CopyObjectCommand({
      Bucket: target.bucket,
      Key: target.key,
      CopySource: source,
      CopySourceIfMatch: target.etag,
      MetadataDirective: "REPLACE",
      Metadata: target.metadata,
      ContentType: "application/octet-stream",
    }),
  );
}
