/**
 * The storage seam: read, create-only write, list and remove the stored versions of secrets.
 *
 * @module
 */
import type { SealedValue } from "../core/envelope.ts";
import type { VersionEntry } from "../core/names.ts";

/** One stored version: the sealed value and its wrapped data key, exactly the format's fields. */
export interface StoredSecret extends SealedValue {
  /** Standard base64 of the wrapped data key. */
  key: string;
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
