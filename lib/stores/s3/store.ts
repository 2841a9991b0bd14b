/**
 * The S3 store: one object per version at `<prefix><name>/<version>`, the ciphertext as the
 * base64 body and the wrapped key, HMAC and digest as user metadata (see `docs/FORMAT.md`).
 * New versions are written with `If-None-Match: *`, so a version is never overwritten.
 *
 * @module
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { DEFAULT_REGION } from "../../aws/arn.ts";
import { awsErrorCode, describeAwsError, httpStatus, noCredentials } from "../../aws/errors.ts";
import { Creds3Error, NotFoundError, type Reason, StoreError } from "../../core/errors.ts";
import type { VersionEntry } from "../../core/names.ts";
import { mapSettled } from "../../core/pool.ts";
import type {
  DescribeStore,
  ListOptions,
  RewrapStore,
  SetupOptions,
  SetupStep,
  SetupStore,
  Store,
  StoredSecret,
  VersionDetails,
} from "../../core/store.ts";
import { splitKey } from "../../core/store.ts";
import { detailsFromMetadata, fromMetadata, toMetadata } from "./metadata.ts";
import { sameStored, settleFailedCreate, versionChanged } from "../../core/same_stored.ts";
import { copyOntoItself } from "./copy_onto_itself.ts";

const DELETE_BATCH = 1000;

/** How the S3 store's bucket is reached, for `setup`. */
export interface S3StoreOptions {
  /** The region the bucket should be in (default us-east-1). */
  region?: string;
  /** An S3-compatible store at a custom endpoint: setup skips what it does not support. */
  compatible?: boolean;
  /** The endpoint is plain HTTP: setup adds no policy that denies requests without TLS. */
  plainHttp?: boolean;
}

/** A store in an S3 bucket, under an optional prefix (empty or ending with `/`). */
export class S3Store implements Store, SetupStore, DescribeStore, RewrapStore {
  readonly description: string;
  /** What {@linkcode read} returned, with the ETag it was read with (for `replaceKey`). */
  readonly #read = new WeakMap<StoredSecret, { etag: string; fields: StoredSecret }>();

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly prefix: string = "",
    readonly options: S3StoreOptions = {},
  ) {
    this.description = `s3://${bucket}/${prefix}`;
  }

  #fail(action: string, e: unknown): never {
    // Our own errors from inside the SDK (a credential profile, an MFA prompt) pass as they are.
    if (e instanceof Creds3Error) throw e;
    const code = awsErrorCode(e);
    const reason: Reason | undefined = noCredentials(e)
      ? { type: "no-credentials" }
      : code === "NoSuchBucket"
      ? { type: "no-such-store", location: this.bucket }
      : code === "AccessDenied"
      ? { type: "access-denied" }
      : undefined;
    throw new StoreError(`S3 ${action} on ${this.description} failed: ${describeAwsError(e)}`, {
      reason,
      code,
      cause: e,
    });
  }

  async *list(options: ListOptions = {}): AsyncIterable<VersionEntry> {
    const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
    const listPrefix = options.name !== undefined
      ? `${this.prefix}${options.name}/`
      : `${this.prefix}${options.namePrefix ?? ""}`;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: listPrefix,
            ContinuationToken: token,
          }),
        );
      } catch (e) {
        this.#fail("ListObjectsV2", e);
      }
      for (const object of page.Contents ?? []) {
        if (!object.Key?.startsWith(this.prefix)) continue;
        const parsed = splitKey(object.Key.slice(this.prefix.length));
        if (!parsed) continue;
        if (options.name !== undefined && parsed.name !== options.name) continue;
        yield { ...parsed, modified: object.LastModified, size: object.Size };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async read(name: string, version: string): Promise<StoredSecret> {
    return (await this.#get(name, version)).stored;
  }

  /** One GetObject: the version's fields, remembered with the ETag they were read with. */
  async #get(name: string, version: string): Promise<{ stored: StoredSecret; etag?: string }> {
    const { GetObjectCommand } = await import("@aws-sdk/client-s3");
    let out;
    try {
      out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${name}/${version}` }),
      );
    } catch (e) {
      this.#failRead("GetObject", name, version, e);
    }
    const contents = (await out.Body?.transformToString("utf-8")) ?? "";
    const stored = fromMetadata(contents, out.Metadata ?? {}, { name, version });
    if (out.ETag) this.#read.set(stored, { etag: out.ETag, fields: { ...stored } });
    return { stored, etag: out.ETag };
  }

  /**
   * Replaces the version's data key with a copy of the object onto itself that replaces its
   * metadata (`CopyObject`, `MetadataDirective: REPLACE`), guarded by `x-amz-copy-source-if-match`
   * with the ETag the object had when `expected` was read (see RewrapStore): S3 answers 412 when
   * the object was replaced since, and nothing is written. `expected` as {@linkcode read}
   * returned it costs no other request; otherwise the object is read again for its ETag. The
   * ETag follows the body: a change of the metadata alone (another rotation at the same time) is
   * not seen by the condition, and the last of the two wins, each a valid wrap of the same data
   * key. In a versioned bucket the object as it was stays as a noncurrent version.
   */
  async replaceKey(
    name: string,
    version: string,
    expected: StoredSecret,
    key: string,
  ): Promise<void> {
    const known = this.#read.get(expected);
    let etag = known && sameStored(known.fields, expected) ? known.etag : undefined;
    if (etag === undefined) {
      const current = await this.#get(name, version);
      if (!sameStored(current.stored, expected)) throw versionChanged(name, version);
      etag = current.etag;
    }
    if (etag === undefined) {
      throw new StoreError(
        `S3 gave no ETag for version ${version} of '${name}', so its data key cannot be replaced`,
        { secret: { name, version } },
      );
    }
    try {
      await copyOntoItself(this.client, {
        bucket: this.bucket,
        key: `${this.prefix}${name}/${version}`,
        etag,
        metadata: toMetadata({ ...expected, key }),
        compatible: this.options.compatible,
      });
    } catch (e) {
      if (httpStatus(e) === 412 || awsErrorCode(e) === "PreconditionFailed") {
        throw versionChanged(name, version);
      }
      this.#failRead("CopyObject", name, version, e);
    }
    this.#read.delete(expected);
  }

  /** A missing object is a NotFoundError; anything else fails as {@link #fail} says. */
  #failRead(action: string, name: string, version: string, e: unknown): never {
    if (
      awsErrorCode(e) === "NoSuchKey" ||
      httpStatus(e) === 404 && awsErrorCode(e) !== "NoSuchBucket"
    ) {
      throw new NotFoundError(`Version ${version} of '${name}' is not in ${this.description}`, {
        secret: { name, version },
      });
    }
    this.#fail(action, e);
  }

  /**
   * One listing of the name, then one HeadObject per version (comments are not in listings);
   * a version deleted in between is left out.
   */
  async describeVersions(
    name: string,
    options: { concurrency?: number } = {},
  ): Promise<VersionDetails[]> {
    const { HeadObjectCommand } = await import("@aws-sdk/client-s3");
    const entries = await Array.fromAsync(this.list({ name }));
    const results = await mapSettled(entries, options.concurrency ?? 32, async (entry) => {
      const { version } = entry;
      let out;
      try {
        out = await this.client.send(
          new HeadObjectCommand({ Bucket: this.bucket, Key: `${this.prefix}${name}/${version}` }),
        );
      } catch (e) {
        this.#failRead("HeadObject", name, version, e);
      }
      const details = detailsFromMetadata(out.Metadata ?? {}, { name, version });
      return { ...entry, modified: out.LastModified ?? entry.modified, ...details };
    });
    const described: VersionDetails[] = [];
    for (const r of results) {
      if (r.status === "fulfilled") described.push(r.value);
      else if (!(r.reason instanceof NotFoundError)) throw r.reason;
    }
    return described;
  }

  async create(name: string, version: string, secret: StoredSecret): Promise<void> {
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    // Bytes with their length: the SDK takes an empty string for a stream of unknown length
    // (and warns on stderr).
    const body = new TextEncoder().encode(secret.contents);
    const metadata = toMetadata(secret);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: `${this.prefix}${name}/${version}`,
          Body: body,
          ContentLength: body.length,
          Metadata: metadata,
          IfNoneMatch: "*",
        }),
      );
    } catch (e) {
      // A PutObject whose answer was lost (reset, timeout) or was a 5xx is retried, by the SDK
      // or below it (Deno's HTTP client resends on a reused connection closed without an
      // answer, unseen by the SDK's attempt count), but the first attempt may have landed: the
      // retry then meets our own object (412), or fails while the object is stored.
      const failed = {
        conflict: httpStatus(e) === 412 || awsErrorCode(e) === "PreconditionFailed",
        outcomeUnknown: httpStatus(e) === undefined,
      };
      const holds = () => this.#holds(name, version, secret);
      if (await settleFailedCreate(name, version, failed, holds)) return;
      this.#fail("PutObject", e);
    }
  }

  /** Whether version `version` of `name` is stored with exactly these fields. */
  async #holds(name: string, version: string, secret: StoredSecret): Promise<boolean> {
    let stored: StoredSecret;
    try {
      stored = await this.read(name, version);
    } catch (e) {
      // Gone again, or a write-only principal that may not read it back: not provably ours.
      if (e instanceof NotFoundError || (e as Creds3Error).code === "AccessDenied") {
        return false;
      }
      throw e;
    }
    return sameStored(stored, secret);
  }

  async remove(entries: readonly VersionEntry[]): Promise<void> {
    const { DeleteObjectsCommand } = await import("@aws-sdk/client-s3");
    for (let i = 0; i < entries.length; i += DELETE_BATCH) {
      const batch = entries.slice(i, i + DELETE_BATCH);
      let out;
      try {
        out = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: {
              Objects: batch.map((e) => ({ Key: `${this.prefix}${e.name}/${e.version}` })),
              Quiet: true,
            },
          }),
        );
      } catch (e) {
        this.#fail("DeleteObjects", e);
      }
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new StoreError(
          `S3 DeleteObjects could not delete ${failed.length} object(s), first '${first.Key}': ${first.Code} ${
            first.Message ?? ""
          }`.trim(),
          { code: first.Code },
        );
      }
    }
  }

  /** Creates the bucket, or checks it, with the hardened settings of `setup.ts`. */
  async setup(options: SetupOptions = {}): Promise<SetupStep[]> {
    const { setupS3Bucket } = await import("./setup.ts");
    return await setupS3Bucket(this.client, {
      bucket: this.bucket,
      prefix: this.prefix,
      region: this.options.region ?? DEFAULT_REGION,
      fix: options.fix,
      denyOverwrite: options.denyOverwrite,
      compatible: this.options.compatible,
      plainHttp: this.options.plainHttp,
    });
  }
}
