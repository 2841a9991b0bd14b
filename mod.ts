/**
 * creds3 as a library for Deno programs: the same credential store the `creds3` command line
 * uses, with its stores (S3, a local directory, a credstash DynamoDB table), key providers (AWS
 * KMS, a local master key), the typed errors and locations. More is in the subpath entries:
 * `./envelope` (the stored format's encryption), `./aws` (AWS clients, settings and IAM policies)
 * and `./formats` (the output formats).
 *
 * The {@link CredentialStore} joins a {@link Store} (where sealed secrets live) and a
 * {@link KeyProvider} (who wraps their data keys). Versions are immutable: a `put` of an
 * existing version is a {@link VersionExistsError}. Errors are data: their class is the kind,
 * and `reason`, `secret` and `code` say why, about which secret, and what a remote system
 * answered.
 *
 * @example Put and get on a local directory store with a local master key
 * ```ts
 * import {
 *   createMasterKey,
 *   CredentialStore,
 *   DirectoryStore,
 *   LocalKeyProvider,
 *   NotFoundError,
 * } from "./mod.ts";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await createMasterKey(`${dir}/master.key`);
 * const store = new DirectoryStore(`${dir}/store`);
 * await store.setup();
 * const creds = new CredentialStore(store, new LocalKeyProvider(`${dir}/master.key`));
 *
 * await creds.put("db/password", "correct horse", { context: { env: "prod" } });
 * await creds.put("db/password", "battery staple", { autoversion: true, context: { env: "prod" } });
 * const latest = await creds.get("db/password", { context: { env: "prod" } });
 * strictEqual(latest.value, "battery staple");
 * strictEqual(latest.version, "2");
 * await rejects(creds.get("no/such/name"), NotFoundError);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @example Read many secrets at once
 * ```ts
 * import { createMasterKey, CredentialStore, DirectoryStore, LocalKeyProvider } from "./mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await createMasterKey(`${dir}/master.key`);
 * const store = new DirectoryStore(`${dir}/store`);
 * await store.setup();
 * const creds = new CredentialStore(store, new LocalKeyProvider(`${dir}/master.key`));
 * await creds.put("app/db-url", "postgres://db.example/app");
 * await creds.put("app/api-key", "demo-key");
 * await creds.put("other/token", "not-selected");
 *
 * const { secrets, failures } = await creds.getMany("app/*");
 * deepStrictEqual(failures, []);
 * deepStrictEqual(Object.fromEntries(secrets.map((s) => [s.name, s.value])), {
 *   "app/api-key": "demo-key",
 *   "app/db-url": "postgres://db.example/app",
 * });
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @example The store the command line would open, from the environment
 * ```ts
 * import { configFromEnv, openCredentialStore, parseLocation } from "./mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(parseLocation("s3://my-bucket/app/prod"), {
 *   kind: "s3",
 *   bucket: "my-bucket",
 *   prefix: "app/prod/",
 * });
 * // With CREDS3_LOCATION=my-bucket/app/prod and AWS credentials in the environment, this
 * // opens that S3 prefix with the KMS key alias/creds3 (not called here: it needs AWS).
 * async function readProd(): Promise<string> {
 *   const opened = await openCredentialStore(configFromEnv(Deno.env.toObject()));
 *   try {
 *     return (await opened.creds.get("db/password", { context: { env: "prod" } })).value;
 *   } finally {
 *     await opened.close();
 *   }
 * }
 * deepStrictEqual(typeof readProd, "function");
 * ```
 *
 * @example S3 and KMS clients of your own
 * ```ts
 * import { CredentialStore, KmsKeyProvider, S3Store } from "./mod.ts";
 * import { S3Client } from "@aws-sdk/client-s3";
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { strictEqual } from "node:assert/strict";
 *
 * const s3 = new S3Client({ region: "eu-west-1" });
 * const kms = new KMSClient({ region: "eu-west-1" });
 * const creds = new CredentialStore(
 *   new S3Store(s3, "my-credential-bucket", "team/"),
 *   new KmsKeyProvider(kms, "alias/creds3"),
 *   { concurrency: 16 },
 * );
 * strictEqual(creds.store.description, "s3://my-credential-bucket/team/");
 * s3.destroy();
 * kms.destroy();
 * ```
 *
 * @module
 */

export {
  CredentialStore,
  type GetManyOptions,
  type PutOptions,
  type ReadOptions,
  type Secret,
} from "./lib/core/credential_store.ts";
export type { ReadFailure } from "./lib/core/each_version.ts";
export { valueBytes } from "./lib/core/binary.ts";
export { MAX_COMMENT_BYTES, validateComment } from "./lib/core/comment.ts";
export type { PruneOptions, PruneResult } from "./lib/core/prune.ts";
export { type CopyOptions, type CopyResult, copyVersions } from "./lib/core/copy.ts";
export { type RewrapOptions, type RewrapResult, rewrapVersions } from "./lib/core/rewrap.ts";

export {
  canDescribe,
  canReplaceKey,
  canSetup,
  type DescribeStore,
  type ListOptions,
  type RewrapStore,
  type SetupStep,
  type SetupStore,
  type Store,
  type StoredSecret,
  type VersionDetails,
} from "./lib/core/store.ts";
export { DirectoryStore } from "./lib/stores/directory.ts";
export { MemoryStore, type MemoryStoreOptions } from "./lib/stores/memory.ts";
export { S3Store, type S3StoreOptions } from "./lib/stores/s3/store.ts";
export { DynamoDbStore } from "./lib/stores/dynamodb/store.ts";
export {
  canReadLatest,
  canScan,
  type LatestStore,
  type ScanStore,
  type StoredVersion,
} from "./lib/core/store.ts";

export {
  canReEncrypt,
  canWrapDataKey,
  type DataKey,
  type KeyProvider,
  type ReEncryptKeyProvider,
  type WrapKeyProvider,
} from "./lib/core/key_provider.ts";
export { createMasterKey, LocalKeyProvider, readMasterKey } from "./lib/keys/local.ts";
export { KmsKeyProvider } from "./lib/keys/kms.ts";
export { DEFAULT_KMS_KEY } from "./lib/config/config.ts";
export { CREDSTASH_KMS_KEY } from "./lib/config/config.ts";

export type { Digest } from "./lib/core/envelope.ts";
export { type EncryptionContext, parseContext } from "./lib/core/context.ts";
export {
  compareVersions,
  isPattern,
  latestVersion,
  validateName,
  validateVersion,
  type VersionEntry,
} from "./lib/core/names.ts";

export {
  Creds3Error,
  type Creds3ErrorOptions,
  ExportError,
  IntegrityError,
  KeyProviderError,
  NotFoundError,
  type Reason,
  type SecretRef,
  StoreError,
  UsageError,
  VersionExistsError,
} from "./lib/core/errors.ts";

export {
  type DirectoryLocation,
  formatLocation,
  type Location,
  parseLocation,
  type S3Location,
} from "./lib/config/location.ts";
export { CREDSTASH_TABLE, type DynamoDbLocation } from "./lib/config/location.ts";
export { type Config, configFromEnv, type Env, type KeySpec } from "./lib/config/config.ts";
export { openCredentialStore, type Opened, openKeyBeside, type OpenOptions } from "./lib/open.ts";
