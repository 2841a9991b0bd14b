/**
 * creds3 as a library for Deno programs: the same credential store the `creds3` command line
 * uses, with its stores (S3, a local directory), key providers (AWS KMS, a local master key),
 * the envelope format, the typed errors, locations and the output formats.
 *
 * The {@link CredentialStore} joins a {@link Store} (where sealed secrets live) and a
 * {@link KeyProvider} (who wraps their data keys). Versions are immutable: a `put` of an
 * existing version is a {@link VersionExistsError}.
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
 * @example Read many secrets at once and render them as a dotenv file
 * ```ts
 * import {
 *   createMasterKey,
 *   CredentialStore,
 *   DirectoryStore,
 *   exporter,
 *   LocalKeyProvider,
 *   mapKeys,
 * } from "./mod.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await createMasterKey(`${dir}/master.key`);
 * const store = new DirectoryStore(`${dir}/store`);
 * await store.setup();
 * const creds = new CredentialStore(store, new LocalKeyProvider(`${dir}/master.key`));
 * await creds.put("app/db-url", "postgres://db.example/app");
 * await creds.put("app/api-key", "demo-key");
 *
 * const { secrets, failures } = await creds.getMany("app/*");
 * deepStrictEqual(failures, []);
 * const record = Object.fromEntries(secrets.map((s) => [s.name, s.value]));
 * const text = exporter("dotenv").render(mapKeys(record, { style: "env", stripPrefix: "app/" }));
 * strictEqual(text, "API_KEY='demo-key'\nDB_URL='postgres://db.example/app'\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @example The store the command line would open, from a location and a key spec
 * ```ts
 * import { openCredentialStore, parseLocation, resolveConfig } from "./mod.ts";
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
 *   const opened = await openCredentialStore(resolveConfig({}, Deno.env.toObject()));
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
  type ReadFailure,
  type ReadOptions,
  type Secret,
} from "./lib/core/credential_store.ts";

export {
  canSetup,
  type ListOptions,
  type SetupStore,
  type Store,
  type StoredSecret,
} from "./lib/stores/store.ts";
export { DirectoryStore } from "./lib/stores/directory.ts";
export { MemoryStore, type MemoryStoreOptions } from "./lib/stores/memory.ts";
export { S3Store } from "./lib/stores/s3/store.ts";

export type { DataKey, KeyProvider } from "./lib/keys/key_provider.ts";
export { createMasterKey, LocalKeyProvider, readMasterKey } from "./lib/keys/local.ts";
export { DEFAULT_KMS_KEY, KmsKeyProvider } from "./lib/keys/kms.ts";

export {
  DEFAULT_DIGEST,
  type Digest,
  openEnvelope,
  READ_DIGESTS,
  type SealedValue,
  sealEnvelope,
  WRITE_DIGESTS,
} from "./lib/core/envelope.ts";
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
  IntegrityError,
  KeyProviderError,
  NotFoundError,
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
export {
  type Config,
  type GlobalOptions,
  type KeySpec,
  resolveConfig,
} from "./lib/config/config.ts";
export { openCredentialStore, type Opened } from "./lib/open.ts";

export {
  type Exporter,
  exporter,
  exporterNames,
  ExportError,
  exporters,
  type RenderOptions,
} from "./plugins/mod.ts";
export { mapKeys, type MapKeysOptions } from "./plugins/env_keys.ts";
