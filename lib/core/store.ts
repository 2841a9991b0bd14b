/**
 * The storage seam: read, create-only write, list and remove the stored versions of secrets.
 *
 * @module
 */
import type { SealedValue } from "./envelope.ts";
import type { VersionEntry } from "./names.ts";

/**
 * One stored version: the sealed value and its wrapped data key, exactly the format's fields,
 * and what may be stored beside them (neither is covered by the HMAC; see `docs/FORMAT.md`).
 */
export interface StoredSecret extends SealedValue {
  /** Standard base64 of the wrapped data key. */
  key: string;
  /** A note on this version: Unicode text checked by `validateComment` (lib/core/comment.ts). */
  comment?: string;
  /** The plaintext is the base64 text of arbitrary bytes (absent: UTF-8 text). */
  binary?: boolean;
}

/** A version as a listing reports it, with what is stored beside its value. */
export interface VersionDetails extends VersionEntry {
  comment?: string;
  binary?: boolean;
}

/** What to list: every version of exactly one name, or every name starting with a prefix. */
export interface ListOptions {
  /** Only the versions of exactly this name. */
  name?: string;
  /** Only names that start with this text. */
  namePrefix?: string;
}

/** A place that holds stored secrets, one object per version. */
export interface Store {
  /** Where the store is, for messages: `s3://bucket/prefix/`, `file:/path`. */
  readonly description: string;
  /** Every stored version that matches, following pagination to the end, in no set order. */
  list(options?: ListOptions): AsyncIterable<VersionEntry>;
  /** One version; throws `NotFoundError` when it is not stored. */
  read(name: string, version: string): Promise<StoredSecret>;
  /** Stores a new version; throws `VersionExistsError` when it exists (never overwrites). */
  create(name: string, version: string, secret: StoredSecret): Promise<void>;
  /** Removes the given versions. */
  remove(entries: readonly VersionEntry[]): Promise<void>;
}

/** One step of setting up a store, as reported to the user. */
export interface SetupStep {
  /** What the step is about: `Bucket 'name'`, `Versioning`, ... */
  step: string;
  /**
   * `ok`: already right; `changed`: made right now; `differs`: not right and left as it is
   * (no `--fix`); `skipped`: the store does not support it; `failed`: it could not be done.
   */
  outcome: "ok" | "changed" | "differs" | "skipped" | "failed";
  detail: string;
}

/** What `setup` is asked to do besides creating what is missing. */
export interface SetupOptions {
  /** Change the settings of an existing store that differ. */
  fix?: boolean;
  /** S3: add the bucket policy statement that denies writes able to replace a version. */
  denyOverwrite?: boolean;
}

/** Optional ability: create or check the store itself (bucket or directory). */
export interface SetupStore {
  /**
   * Creates what is missing; on an existing store checks its settings and changes those that
   * differ only with `fix`. Returns one step per check, in order.
   */
  setup(options?: SetupOptions): Promise<SetupStep[]>;
}

/**
 * Optional ability: the details of every version of one name at less cost than reading each
 * version (S3: a HeadObject per version instead of a GetObject). Without it, the credential store
 * reads each version.
 */
export interface DescribeStore {
  /** Every version of exactly `name` with its details, in no set order; none when it has none. */
  describeVersions(name: string, options?: { concurrency?: number }): Promise<VersionDetails[]>;
}

/** Whether a store can describe versions without reading them. */
export function canDescribe(store: Store): store is Store & DescribeStore {
  return typeof (store as Partial<DescribeStore>).describeVersions === "function";
}

/**
 * Optional ability: replace the wrapped data key of one stored version in place (key rotation),
 * without touching anything else, and only if the version is still exactly as it was read.
 */
export interface RewrapStore {
  /**
   * Replaces the `key` field of version `version` of `name` with `key` (standard base64 of the
   * newly wrapped data key), keeping the contents, hmac, digest, comment and binary mark, if and
   * only if every field stored now equals `expected` (what the caller read). A version that
   * changed meanwhile is a `StoreError` with reason `version-changed`; one that is gone is a
   * `NotFoundError`. Never leaves a partly written version.
   */
  replaceKey(name: string, version: string, expected: StoredSecret, key: string): Promise<void>;
}

/** Whether a store can re-wrap a version's data key in place. */
export function canReplaceKey(store: Store): store is Store & RewrapStore {
  return typeof (store as Partial<RewrapStore>).replaceKey === "function";
}

/** Whether a store can set itself up. */
export function canSetup(store: Store): store is Store & SetupStore {
  return typeof (store as Partial<SetupStore>).setup === "function";
}

/** Splits an object key relative to the store root into name and version (the last segment). */
export function splitKey(relative: string): { name: string; version: string } | undefined {
  const slash = relative.lastIndexOf("/");
  if (slash <= 0 || slash === relative.length - 1) return undefined;
  return { name: relative.slice(0, slash), version: relative.slice(slash + 1) };
}

/** A stored version with its fields, from a store that reads both in one request. */
export interface StoredVersion extends VersionEntry {
  /**
   * The version's fields, as {@linkcode Store.read} gives them, and throwing as it does (an
   * `IntegrityError` for malformed ones): one bad version fails only the read that needs it.
   */
  stored(): StoredSecret;
}

/**
 * Optional ability: the latest version of a name with its fields, in one request (DynamoDB: a
 * Query for the highest version). Without it, the credential store lists the name's versions,
 * then reads the latest.
 */
export interface LatestStore {
  /**
   * The latest version of exactly `name`, by the rule of `latestVersion` (lib/core/names.ts),
   * with its fields; undefined when the name has none.
   */
  readLatest(name: string): Promise<StoredVersion | undefined>;
}

/** Whether a store can read a name's latest version in one request. */
export function canReadLatest(store: Store): store is Store & LatestStore {
  return typeof (store as Partial<LatestStore>).readLatest === "function";
}

/**
 * Optional ability: every stored version that matches, with its fields, in one pass (DynamoDB:
 * a Scan). Without it, a read of many secrets lists, then reads each one.
 */
export interface ScanStore {
  /** Like {@linkcode Store.list}, each version with its fields. */
  scan(options?: ListOptions): AsyncIterable<StoredVersion>;
}

/** Whether a store can list versions with their fields. */
export function canScan(store: Store): store is Store & ScanStore {
  return typeof (store as Partial<ScanStore>).scan === "function";
}
