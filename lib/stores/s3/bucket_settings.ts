/**
 * The bucket settings setup hardens, each read, judged, turned on and (on an S3-compatible store
 * whose create-only writes break with it) weakened or turned back: Block Public Access, default
 * encryption (SSE-S3), versioning, and the bucket policy statement that denies requests made
 * without TLS.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { partitionOf } from "../../aws/arn.ts";
import { awsErrorCode } from "../../aws/errors.ts";
import {
  hasDenyOverwriteStatement,
  hasTlsOnlyStatement,
  parseBucketPolicy,
  withDenyOverwriteStatement,
  withTlsOnlyStatement,
} from "./bucket_policy.ts";
import type { S3, S3SetupOptions } from "./setup_options.ts";

/** One configurable bucket setting: how to read it, whether it is right, how to change it. */
export interface Setting<T> {
  name: string;
  read(): Promise<T>;
  isOn(state: T): boolean;
  describe(state: T): string;
  turnOn(state: T): Promise<string>;
  /**
   * When the write check fails with the setting on (S3-compatible stores only): a weaker form
   * to try instead, returning what it did.
   */
  fallback?(): Promise<string>;
  /** Puts the previous state back after the write check failed (S3-compatible stores only). */
  restore?(previous: T): Promise<string>;
  /** Asked for by an option of its own: turned on in an existing bucket without `fix`. */
  requested?: boolean;
}

/** The settings to check, in order (no TLS-only policy on a plain HTTP endpoint). */
export function settings(s3: S3, client: S3Client, options: S3SetupOptions): Setting<unknown>[] {
  const Bucket = options.bucket;
  const partition = partitionOf(options.region);
  const blockAll = {
    BlockPublicAcls: true,
    IgnorePublicAcls: true,
    BlockPublicPolicy: true,
    RestrictPublicBuckets: true,
  };
  type Block = Partial<typeof blockAll> | undefined;
  const publicAccess: Setting<Block> = {
    name: "Block Public Access",
    async read() {
      try {
        const out = await client.send(new s3.GetPublicAccessBlockCommand({ Bucket }));
        return out.PublicAccessBlockConfiguration ?? {};
      } catch (e) {
        if (awsErrorCode(e) === "NoSuchPublicAccessBlockConfiguration") return undefined;
        throw e;
      }
    },
    isOn: (state) => Object.keys(blockAll).every((k) => state?.[k as keyof typeof blockAll]),
    describe: (state) => {
      const off = Object.keys(blockAll).filter((k) => !state?.[k as keyof typeof blockAll]);
      return off.length === 0 ? "on" : `off (${off.join(", ")})`;
    },
    async turnOn() {
      await client.send(
        new s3.PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: blockAll }),
      );
      return "turned on";
    },
    async fallback() {
      // Ceph RGW 16 refuses every PutObject while BlockPublicAcls is on; the other three
      // settings still protect the bucket.
      await client.send(
        new s3.PutPublicAccessBlockCommand({
          Bucket,
          PublicAccessBlockConfiguration: { ...blockAll, BlockPublicAcls: false },
        }),
      );
      return "turned on except BlockPublicAcls";
    },
    async restore(previous) {
      if (previous === undefined) {
        await client.send(new s3.DeletePublicAccessBlockCommand({ Bucket }));
      } else {
        await client.send(
          new s3.PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: previous }),
        );
      }
      return "turned back off";
    },
  };
  const encryption: Setting<string | undefined> = {
    name: "Default encryption",
    async read() {
      try {
        const out = await client.send(new s3.GetBucketEncryptionCommand({ Bucket }));
        const rule = out.ServerSideEncryptionConfiguration?.Rules?.find((r) =>
          r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm
        );
        return rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
      } catch (e) {
        if (awsErrorCode(e) === "ServerSideEncryptionConfigurationNotFoundError") return undefined;
        throw e;
      }
    },
    isOn: (algorithm) => algorithm !== undefined,
    describe: (algorithm) => algorithm ? `on (${algorithm})` : "off",
    async turnOn() {
      await client.send(
        new s3.PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: {
            Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
          },
        }),
      );
      return "turned on (SSE-S3, AES256)";
    },
    async restore() {
      await client.send(new s3.DeleteBucketEncryptionCommand({ Bucket }));
      return "turned back off";
    },
  };
  const versioning: Setting<string | undefined> = {
    name: "Versioning",
    async read() {
      return (await client.send(new s3.GetBucketVersioningCommand({ Bucket }))).Status;
    },
    isOn: (status) => status === "Enabled",
    describe: (status) => status === "Enabled" ? "on" : status ? `off (${status})` : "off",
    async turnOn() {
      await client.send(
        new s3.PutBucketVersioningCommand({
          Bucket,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      );
      return "turned on (a deleted or overwritten object can be recovered)";
    },
    async restore() {
      // Versioning once enabled can only be suspended, never removed.
      await client.send(
        new s3.PutBucketVersioningCommand({
          Bucket,
          VersioningConfiguration: { Status: "Suspended" },
        }),
      );
      return "suspended it again";
    },
  };
  const readPolicy = async () => {
    try {
      return (await client.send(new s3.GetBucketPolicyCommand({ Bucket }))).Policy;
    } catch (e) {
      if (awsErrorCode(e) === "NoSuchBucketPolicy") return undefined;
      throw e;
    }
  };
  const policy: Setting<string | undefined> = {
    name: "TLS-only bucket policy",
    read: readPolicy,
    isOn: (text) => hasTlsOnlyStatement(parseBucketPolicy(text), partition, Bucket),
    describe: (text) =>
      hasTlsOnlyStatement(parseBucketPolicy(text), partition, Bucket)
        ? "present (requests without TLS are denied)"
        : text
        ? "missing from the bucket policy"
        : "missing (the bucket has no policy)",
    async turnOn(text) {
      const merged = withTlsOnlyStatement(parseBucketPolicy(text), partition, Bucket);
      await client.send(new s3.PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(merged) }));
      return text ? "added to the bucket policy" : "added";
    },
  };
  const { prefix } = options;
  const where = prefix ? `under '${prefix}'` : "in the bucket";
  const denyOverwrite: Setting<string | undefined> = {
    name: "Deny-overwrite bucket policy",
    requested: true,
    read: readPolicy,
    isOn: (text) => hasDenyOverwriteStatement(parseBucketPolicy(text), partition, Bucket, prefix),
    describe: (text) =>
      hasDenyOverwriteStatement(parseBucketPolicy(text), partition, Bucket, prefix)
        ? `present (a write ${where} without If-None-Match is denied)`
        : "missing",
    async turnOn(text) {
      const merged = withDenyOverwriteStatement(parseBucketPolicy(text), partition, Bucket, prefix);
      await client.send(new s3.PutBucketPolicyCommand({ Bucket, Policy: JSON.stringify(merged) }));
      return `added: a write ${where} without If-None-Match is denied`;
    },
    async restore(previous) {
      if (previous === undefined) {
        await client.send(new s3.DeleteBucketPolicyCommand({ Bucket }));
      } else {
        await client.send(new s3.PutBucketPolicyCommand({ Bucket, Policy: previous }));
      }
      return "put the bucket policy back as it was";
    },
  };
  const list = [publicAccess, encryption, versioning] as Setting<unknown>[];
  if (!options.plainHttp) list.push(policy as Setting<unknown>);
  if (options.denyOverwrite) list.push(denyOverwrite as Setting<unknown>);
  return list;
}
