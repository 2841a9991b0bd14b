/**
 * Fresh stores for end-to-end tests, one per test: a local directory store with its master key
 * under a temporary HOME, a bucket and KMS key on moto, a bucket on Ceph with its KMS key on
 * moto, or a credstash table and KMS key on moto. Each gives the environment a spawned CLI needs to reach it, and reads and writes its
 * stored objects directly, as someone with write access to the store could.
 *
 * @module
 */
import { match, strictEqual } from "node:assert/strict";
import {
  type AttributeValue,
  DeleteTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import type { EncryptionContext } from "../../lib/core/context.ts";
import { CredentialStore } from "../../lib/core/credential_store.ts";
import { fromBase64, toBase64 } from "../../lib/core/encoding.ts";
import { createMasterKey, LocalKeyProvider } from "../../lib/keys/local.ts";
import { DirectoryStore } from "../../lib/stores/directory.ts";
import type { StoredSecret } from "../../lib/core/store.ts";
import { currentPath } from "../../lib/stores/directory/layout.ts";
import { cephAwsEnv, cephS3Client } from "./ceph.ts";
import { type Cli, cliWith, runCli } from "./cli.ts";
import {
  awsEnv,
  createBucket,
  createCredstashTable,
  createKmsKey,
  dynamodbClient,
  motoUrl,
  s3Client,
  uniqueName,
} from "./moto.ts";
import { withCleanup } from "./scoped.ts";

/** The fields of one stored version, as the format names them. */
export type Fields = StoredSecret;

/** A fresh, empty store for one test. */
export interface TestBackend {
  label: "local" | "moto" | "ceph" | "dynamodb";
  /** Environment of the spawned CLI (location, key, AWS endpoints). */
  env: Record<string, string>;
  /** Reads one stored version's fields, raw. */
  read(name: string, version: string): Promise<Fields>;
  /** Replaces one stored version with exactly these fields (absent ones are removed). */
  write(name: string, version: string, fields: Partial<Fields>): Promise<void>;
  /**
   * One stored version as it is: the directory store's JSON record, an S3 object's
   * `{ body, metadata }` (all user metadata, the format's and any other), or a table's item in
   * DynamoDB JSON (`{ "hmac": { "B": "<base64>" }, ... }`, as the API shows it).
   */
  raw(name: string, version: string): Promise<Record<string, unknown>>;
  /** Replaces one stored version with exactly this raw record (the shape {@link raw} gives). */
  writeRaw(name: string, version: string, record: Record<string, unknown>): Promise<void>;
  /** Everything stored (and, locally, the master key), to compare before and after. */
  snapshot(): Promise<Record<string, unknown>>;
  cleanup(): Promise<void>;
}

/** A local directory store under a temporary HOME. */
export interface LocalBackend extends TestBackend {
  label: "local";
  /** The temporary HOME; the store is `HOME/store`. */
  home: string;
  /** The master key that `setup --create-key` made. */
  keyFile: string;
}

/** A bucket and a KMS key of its own on moto. */
export interface MotoBackend extends TestBackend {
  label: "moto";
  url: string;
  bucket: string;
  /** The KMS key alias, `alias/...`. */
  alias: string;
  /** An S3 client on moto, destroyed by `cleanup`. */
  s3: S3Client;
}

/** A bucket on Ceph's gateway, with its KMS key on moto. */
export interface CephBackend extends TestBackend {
  label: "ceph";
  bucket: string;
  s3: S3Client;
}

/** A credstash table and a KMS key of its own on moto. */
export interface DynamoDbBackend extends TestBackend {
  label: "dynamodb";
  url: string;
  table: string;
  /** The KMS key alias, `alias/...`. */
  alias: string;
  /** A DynamoDB client on moto, destroyed by `cleanup`. */
  ddb: DynamoDBClient;
}

/** Replaces one field of a stored version. */
export async function tamper(
  backend: TestBackend,
  name: string,
  version: string,
  field: keyof Fields,
  value: string,
): Promise<void> {
  await backend.write(name, version, { ...await backend.read(name, version), [field]: value });
}

/** Options of {@linkcode localBackend}. */
export interface LocalOptions {
  /** Extra arguments of the `setup --create-key` that makes the store (e.g. `--debug`). */
  setupArgs?: string[];
}

/** A local store and master key, set up by `creds3 setup --create-key` in a temporary HOME. */
export async function localBackend(options: LocalOptions = {}): Promise<LocalBackend> {
  const home = await Deno.makeTempDir({ prefix: "creds3-test-" });
  const env = { HOME: home, CREDS3_LOCATION: `file:${home}/store` };
  const setup = await runCli(["setup", "--create-key", ...options.setupArgs ?? []], { env });
  strictEqual(setup.code, 0, setup.stderr);
  match(setup.stderr, /Created local master key/);
  const file = (name: string, version: string) =>
    `${home}/store/${currentPath(name, version).join("/")}`;
  return {
    label: "local",
    home,
    keyFile: `${home}/.config/creds3/master.key`,
    env,
    read: async (name, version) => JSON.parse(await Deno.readTextFile(file(name, version))),
    write: (name, version, fields) =>
      Deno.writeTextFile(file(name, version), JSON.stringify(fields)),
    raw: async (name, version) => JSON.parse(await Deno.readTextFile(file(name, version))),
    writeRaw: (name, version, record) =>
      Deno.writeTextFile(file(name, version), JSON.stringify(record)),
    snapshot: () => tree(home),
    cleanup: () => Deno.remove(home, { recursive: true }),
  };
}

/** A local store and master key in a temporary folder, filled through the library. */
export interface SeededStore {
  /** The folder: the store is `dir/store`, the key `dir/master.key`; free for other files. */
  dir: string;
  /** The store's location, `file:...`. */
  location: string;
  /** The master key's spec, `local:...`. */
  key: string;
  /** Environment of a spawned CLI: HOME is `dir`, the location and key are set. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * A local store holding `secrets` (under `context`, when given), written through the library
 * with a master key of its own, in a temporary folder named `prefix...`: no CLI is spawned.
 */
export async function seededLocalStore(
  prefix: string,
  secrets: Record<string, string>,
  context?: EncryptionContext,
): Promise<SeededStore> {
  const dir = await Deno.makeTempDir({ prefix });
  await createMasterKey(`${dir}/master.key`);
  const store = new DirectoryStore(`${dir}/store`);
  await store.setup();
  const creds = new CredentialStore(store, new LocalKeyProvider(`${dir}/master.key`));
  await Promise.all(
    Object.entries(secrets).map(([name, value]) => creds.put(name, value, { context })),
  );
  const [location, key] = [`file:${dir}/store`, `local:${dir}/master.key`];
  return {
    dir,
    location,
    key,
    env: { HOME: dir, CREDS3_LOCATION: location, CREDS3_KEY: key },
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Every path under `root` with its mode and text, e.g. `{"/store/a/1": "600 {...}"}`. */
async function tree(root: string, from = root): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for await (const entry of Deno.readDir(from)) {
    const path = `${from}/${entry.name}`;
    const info = await Deno.stat(path);
    files[path.slice(root.length)] = `${(info.mode! & 0o777).toString(8)} ${
      entry.isDirectory ? "dir" : await Deno.readTextFile(path).catch(() => "binary")
    }`;
    if (entry.isDirectory) Object.assign(files, await tree(root, path));
  }
  return files;
}

/** Reads and writes the objects of a bucket as the format lays them out. */
function objects(s3: S3Client, bucket: string, prefix: string) {
  const key = (name: string, version: string) => `${prefix}${name}/${version}`;
  return {
    async read(name: string, version: string): Promise<Fields> {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key(name, version) }));
      const meta = out.Metadata ?? {};
      return {
        contents: await out.Body!.transformToString(),
        key: meta.key,
        hmac: meta.hmac,
        digest: meta.digest,
      };
    },
    async write(name: string, version: string, { contents, ...meta }: Partial<Fields>) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key(name, version),
          Body: new TextEncoder().encode(contents ?? ""),
          Metadata: meta as Record<string, string>,
        }),
      );
    },
    async raw(name: string, version: string): Promise<Record<string, unknown>> {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key(name, version) }));
      return { body: await out.Body!.transformToString(), metadata: out.Metadata ?? {} };
    },
    async writeRaw(name: string, version: string, record: Record<string, unknown>) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key(name, version),
          Body: new TextEncoder().encode(String(record.body)),
          Metadata: record.metadata as Record<string, string>,
        }),
      );
    },
    async snapshot(): Promise<Record<string, unknown>> {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      const found: Record<string, unknown> = {};
      for (const o of listed.Contents ?? []) {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
        found[o.Key!] = { body: await got.Body!.transformToString(), meta: got.Metadata };
      }
      return found;
    },
  };
}

/** A new bucket on moto, named after `label`. */
export async function motoBucket(label: string): Promise<{ url: string; bucket: string }> {
  const url = await motoUrl();
  const bucket = uniqueName(label);
  await createBucket(url, bucket);
  return { url, bucket };
}

/** Runs `fn` on a new bucket on moto with an S3 client for it, destroyed when `fn` ends. */
export async function withMotoBucket<T>(
  label: string,
  fn: (made: { url: string; bucket: string; s3: S3Client }) => Promise<T>,
): Promise<T> {
  const { url, bucket } = await motoBucket(label);
  const s3 = s3Client(url);
  try {
    return await fn({ url, bucket, s3 });
  } finally {
    s3.destroy();
  }
}

/** A new bucket and a new KMS key (with an alias) on moto, named after `label`. */
export async function motoBucketAndKey(
  label: string,
): Promise<{ url: string; bucket: string; alias: string }> {
  const alias = `alias/${uniqueName(label)}`;
  const [made] = await Promise.all([
    motoBucket(label),
    motoUrl().then((url) => createKmsKey(url, alias)),
  ]);
  return { ...made, alias };
}

/** A new credstash table and a new KMS key (with an alias) on moto, named after `label`. */
export async function motoTableAndKey(
  label: string,
): Promise<{ url: string; table: string; alias: string }> {
  const url = await motoUrl();
  const table = uniqueName(label);
  const alias = `alias/${uniqueName(label)}`;
  await Promise.all([createCredstashTable(url, table), createKmsKey(url, alias)]);
  return { url, table, alias };
}

/** Options of {@linkcode motoBackend} and {@linkcode cephBackend}. */
export interface BucketOptions {
  /** The store's prefix in the bucket, ending in `/` (default none). */
  prefix?: string;
  /** Names the bucket and key, e.g. `creds3-tamper` (default `creds3-test`). */
  label?: string;
}

/** A fresh bucket and KMS key on moto; `env` points the CLI at them. */
export async function motoBackend(options: BucketOptions = {}): Promise<MotoBackend> {
  const prefix = options.prefix ?? "";
  const { url, bucket, alias } = await motoBucketAndKey(options.label ?? "creds3-test");
  const s3 = s3Client(url);
  return {
    label: "moto",
    url,
    bucket,
    alias,
    s3,
    env: {
      ...awsEnv(url),
      CREDS3_LOCATION: prefix ? `${bucket}/${prefix}` : bucket,
      CREDS3_KEY: alias,
    },
    ...objects(s3, bucket, prefix),
    cleanup: () => Promise.resolve(s3.destroy()),
  };
}

/** Deletes every object version and delete marker of a bucket, then the bucket. */
export async function emptyAndDelete(s3: S3Client, bucket: string): Promise<void> {
  let listing;
  do {
    listing = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const versions = [...(listing.Versions ?? []), ...(listing.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key!,
      VersionId: v.VersionId,
    }));
    if (versions.length === 0) break;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: versions } }));
  } while (listing.IsTruncated);
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** A fresh bucket on the Ceph gateway `gateway` and a fresh KMS key on moto. */
export async function cephBackend(
  gateway: string,
  options: BucketOptions = {},
): Promise<CephBackend> {
  const prefix = options.prefix ?? "";
  const kms = await motoUrl();
  const bucket = uniqueName(options.label ?? "creds3-ceph");
  const alias = `alias/${uniqueName(options.label ?? "creds3-ceph")}`;
  const s3 = cephS3Client(gateway);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await createKmsKey(kms, alias);
  return {
    label: "ceph",
    bucket,
    s3,
    env: { ...cephAwsEnv(gateway, kms), CREDS3_LOCATION: `${bucket}/${prefix}`, CREDS3_KEY: alias },
    ...objects(s3, bucket, prefix),
    async cleanup() {
      try {
        await emptyAndDelete(s3, bucket);
      } finally {
        s3.destroy();
      }
    },
  };
}

/** Runs `fn` on the store `make` makes, with the CLI pointed at it; the store is cleaned up after. */
export function withBackend<B extends TestBackend, T>(
  make: () => Promise<B>,
  fn: (backend: B, cli: Cli) => Promise<T>,
): Promise<T> {
  return withCleanup(make, (backend) => fn(backend, cliWith(backend.env)));
}

/** The two stores most end-to-end tests run on, as `[label, make]` pairs. */
export function localAndMoto(label: string): [string, () => Promise<TestBackend>][] {
  return [["local", () => localBackend()], ["moto", () => motoBackend({ label })]];
}

/** An item in DynamoDB JSON, a Binary as the base64 of its bytes (JSON-safe, as the API shows it). */
export type ItemJson = Record<string, { S?: string; B?: string; N?: string }>;

/** An item as the SDK gives it, in DynamoDB JSON. */
export function itemToJson(item: Record<string, AttributeValue>): ItemJson {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      value.B !== undefined ? { B: toBase64(value.B) } : value as { S?: string; N?: string },
    ]),
  );
}

/** An item in DynamoDB JSON as the SDK takes it. */
export function itemFromJson(item: ItemJson): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => [
      name,
      (value.B !== undefined ? { B: fromBase64(value.B) } : value) as AttributeValue,
    ]),
  );
}

/** The padded version credstash keys items by (integers of up to 19 digits). */
export function paddedVersion(version: string): string {
  return /^(0|[1-9][0-9]{0,18})$/.test(version) ? version.padStart(19, "0") : version;
}

/**
 * A fresh credstash table (made as credstash's `setup` makes it) and KMS key on moto; `env`
 * points the CLI at them. Fields are read and written as credstash writes them: the hmac as a
 * Binary of its hex text.
 */
export async function dynamodbBackend(label = "creds3-ddb"): Promise<DynamoDbBackend> {
  const { url, table, alias } = await motoTableAndKey(label);
  const ddb = dynamodbClient(url);
  const key = (name: string, version: string) => ({
    name: { S: name },
    version: { S: paddedVersion(version) },
  });
  const getItem = async (name: string, version: string) => {
    const out = await ddb.send(
      new GetItemCommand({ TableName: table, Key: key(name, version), ConsistentRead: true }),
    );
    if (!out.Item) throw new Error(`no item for version ${version} of '${name}'`);
    return out.Item;
  };
  const putItem = (item: Record<string, AttributeValue>) =>
    ddb.send(new PutItemCommand({ TableName: table, Item: item })).then(() => {});
  return {
    label: "dynamodb",
    url,
    table,
    alias,
    ddb,
    env: { ...awsEnv(url), CREDS3_LOCATION: `dynamodb:${table}`, CREDS3_KEY: alias },
    async read(name, version) {
      const item = await getItem(name, version);
      const hmac = item.hmac?.B ? new TextDecoder().decode(item.hmac.B) : item.hmac?.S;
      return {
        contents: item.contents?.S ?? "",
        key: item.key?.S ?? "",
        hmac: hmac ?? "",
        digest: item.digest?.S ?? "",
      };
    },
    async write(name, version, fields) {
      const item: Record<string, AttributeValue> = { ...key(name, version) };
      for (const [field, value] of Object.entries(fields)) {
        if (typeof value !== "string") continue;
        item[field] = field === "hmac" ? { B: new TextEncoder().encode(value) } : { S: value };
      }
      await putItem(item);
    },
    raw: async (name, version) => itemToJson(await getItem(name, version)),
    writeRaw: (name, version, record) =>
      putItem({ ...itemFromJson(record as ItemJson), ...key(name, version) }),
    async snapshot() {
      const items: Record<string, unknown> = {};
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await ddb.send(
          new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }),
        );
        for (const item of page.Items ?? []) {
          items[`${item.name.S}/${item.version.S}`] = itemToJson(item);
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return items;
    },
    async cleanup() {
      try {
        await ddb.send(new DeleteTableCommand({ TableName: table }));
      } finally {
        ddb.destroy();
      }
    },
  };
}
