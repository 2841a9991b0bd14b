/**
 * `creds3 setup` for an S3 bucket: the bucket in the right region, Block Public Access on,
 * default encryption on (SSE-S3), versioning on and a bucket policy that denies requests made
 * without TLS. A bucket it creates gets every setting; on an existing bucket it only checks and
 * reports what differs, unless asked to fix. Each step is idempotent and reported.
 *
 * On an S3-compatible store (a custom endpoint) a step the store does not support is skipped
 * with a message, and a setting after which the store no longer does what creds3 relies on
 * (create-only writes) is turned back and reported.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_REGION, partitionOf } from "../../aws/arn.ts";
import { awsErrorCode, describeAwsError, httpStatus } from "../../aws/errors.ts";
import { Creds3Error, StoreError } from "../../core/errors.ts";
import { hasTlsOnlyStatement, parseBucketPolicy, withTlsOnlyStatement } from "./bucket_policy.ts";
import type { SetupStep } from "../store.ts";

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
}

type S3 = typeof import("@aws-sdk/client-s3");

const WRITE_CHECK_OK = "a create-only write of an existing object is refused, as creds3 needs";

const UNSUPPORTED_CODES = new Set([
  "NotImplemented",
  "XNotImplemented",
  "MethodNotAllowed",
  "UnsupportedOperation",
  "InvalidArgument",
  "InvalidRequest",
]);

/** A store-specific failure that means "this store cannot do that" on S3-compatible stores. */
function unsupported(e: unknown, options: S3SetupOptions): boolean {
  if (!options.compatible) return false;
  const status = httpStatus(e);
  return status === 501 || status === 405 || UNSUPPORTED_CODES.has(awsErrorCode(e) ?? "");
}

/** One configurable bucket setting: how to read it, whether it is right, how to change it. */
interface Setting<T> {
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
}

/**
 * Sets up (or checks) the bucket: one {@link SetupStep} per step, in order. Failures of a
 * single step are reported as `failed` steps, not thrown, so every step is reported.
 */
export async function setupS3Bucket(
  client: S3Client,
  options: S3SetupOptions,
): Promise<SetupStep[]> {
  const s3 = await import("@aws-sdk/client-s3");
  const steps: SetupStep[] = [];
  const bucketStep = await ensureBucket(s3, client, options);
  steps.push(bucketStep);
  if (bucketStep.outcome === "failed") return steps;
  const fresh = bucketStep.outcome === "changed";
  const apply = fresh || options.fix === true;
  const check = () => writeCheck(s3, client, options);
  // On an S3-compatible store a setting is kept only if create-only writes still work with it
  // (that can be judged only when they worked before it), and the check runs even when nothing
  // is changed: some stores ignore If-None-Match on versioned buckets.
  let guard = false;
  if (options.compatible) {
    const baseline = await check();
    guard = baseline === undefined;
    if (baseline) steps.push({ step: "Write check", outcome: "failed", detail: baseline });
  }
  let changed = fresh;
  for (const setting of settings(s3, client, options)) {
    const step = await runSetting(setting, { apply, guard, check }, options);
    if (step.outcome === "changed") changed = true;
    steps.push(step);
  }
  if (options.plainHttp) {
    steps.push({
      step: "TLS-only bucket policy",
      outcome: "skipped",
      detail: "the endpoint is plain HTTP, and a policy that denies requests without TLS would " +
        "deny every request made through it",
    });
  }
  if (changed || guard) {
    // After the last change (a store may refuse writes with a setting that has no fallback),
    // or to report the passing check an S3-compatible store gets on every run.
    const problem = changed ? await check() : undefined;
    const step = options.compatible && !guard ? "Write check after the changes" : "Write check";
    steps.push(
      problem
        ? { step, outcome: "failed", detail: problem }
        : { step, outcome: "ok", detail: WRITE_CHECK_OK },
    );
  }
  return steps;
}

async function runSetting<T>(
  setting: Setting<T>,
  run: { apply: boolean; guard: boolean; check: () => Promise<string | undefined> },
  options: S3SetupOptions,
): Promise<SetupStep> {
  const step = setting.name;
  let state: T;
  try {
    state = await setting.read();
  } catch (e) {
    if (e instanceof Creds3Error) throw e;
    if (unsupported(e, options)) {
      return {
        step,
        outcome: "skipped",
        detail: `not supported by this store (${describeAwsError(e)})`,
      };
    }
    return { step, outcome: "failed", detail: `cannot check it: ${describeAwsError(e)}` };
  }
  if (setting.isOn(state)) return { step, outcome: "ok", detail: setting.describe(state) };
  if (!run.apply) {
    return {
      step,
      outcome: "differs",
      detail: `${setting.describe(state)}; not changed without --fix`,
    };
  }
  let done: string;
  try {
    done = await setting.turnOn(state);
  } catch (e) {
    if (e instanceof Creds3Error) throw e;
    if (unsupported(e, options)) {
      return {
        step,
        outcome: "skipped",
        detail: `not supported by this store (${describeAwsError(e)})`,
      };
    }
    return { step, outcome: "failed", detail: `cannot turn it on: ${describeAwsError(e)}` };
  }
  if (run.guard && setting.restore) {
    const problem = await run.check();
    if (problem && setting.fallback) {
      try {
        const weaker = await setting.fallback();
        if (await run.check() === undefined) {
          return { step, outcome: "changed", detail: `${weaker}: with it all on, ${problem}` };
        }
      } catch {
        // Not supported either: restore below.
      }
    }
    if (problem) {
      let restored: string;
      try {
        restored = await setting.restore(state);
      } catch (e) {
        return {
          step,
          outcome: "failed",
          detail: `with it on, ${problem}; turning it back failed: ${describeAwsError(e)}`,
        };
      }
      return { step, outcome: "skipped", detail: `with it on, ${problem}; ${restored}` };
    }
  }
  return { step, outcome: "changed", detail: done };
}

function settings(s3: S3, client: S3Client, options: S3SetupOptions): Setting<unknown>[] {
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
  const policy: Setting<string | undefined> = {
    name: "TLS-only bucket policy",
    async read() {
      try {
        return (await client.send(new s3.GetBucketPolicyCommand({ Bucket }))).Policy;
      } catch (e) {
        if (awsErrorCode(e) === "NoSuchBucketPolicy") return undefined;
        throw e;
      }
    },
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
  const list = [publicAccess, encryption, versioning] as Setting<unknown>[];
  return options.plainHttp ? list : [...list, policy as Setting<unknown>];
}

/** Makes sure the bucket exists in the configured region. */
async function ensureBucket(
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

/**
 * Writes a check object twice with `If-None-Match: *` (the second must be refused) and removes
 * it. The object is `<prefix>.creds3-setup-check-<random>`: no `/` after the prefix, so no
 * listing ever takes it for a secret. Returns what is wrong, or undefined.
 */
async function writeCheck(
  s3: S3,
  client: S3Client,
  options: S3SetupOptions,
): Promise<string | undefined> {
  const random = crypto.getRandomValues(new Uint8Array(8));
  const Key = `${options.prefix}.creds3-setup-check-${
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
