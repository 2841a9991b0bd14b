/**
 * The credential store: what the commands call. It joins a {@link Store} (where sealed
 * secrets live) and a {@link KeyProvider} (who wraps their data keys) with the envelope.
 *
 * @example Put and get on a local directory store
 * ```ts
 * import { CredentialStore, DirectoryStore, LocalKeyProvider, createMasterKey } from "../../mod.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await createMasterKey(`${dir}/master.key`);
 * const store = new DirectoryStore(`${dir}/store`);
 * await store.setup();
 * const creds = new CredentialStore(store, new LocalKeyProvider(`${dir}/master.key`));
 * await creds.put("db/password", "correct horse", { context: { env: "prod" } });
 * const secret = await creds.get("db/password", { context: { env: "prod" } });
 * strictEqual(secret.value, "correct horse");
 * strictEqual(secret.version, "1");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { validateComment } from "./comment.ts";
import type { EncryptionContext } from "./context.ts";
import { base64Bytes, decodeUtf8, toBase64 } from "./encoding.ts";
import {
  DEFAULT_DIGEST,
  type Digest,
  openEnvelope,
  type SealedValue,
  sealEnvelope,
} from "./envelope.ts";
import {
  Creds3Error,
  IntegrityError,
  NotFoundError,
  UsageError,
  VersionExistsError,
} from "./errors.ts";
import type { DataKey, KeyProvider } from "./key_provider.ts";
import {
  checkStoredName,
  checkStoredVersion,
  chooseVersions,
  isPattern,
  latestVersion,
  nextVersion,
  patternMatcher,
  patternPrefix,
  sortEntries,
  validateName,
  validateVersion,
  type VersionEntry,
} from "./names.ts";
import { eachVersion, fieldsOf, type ListedVersion, type ReadFailure } from "./each_version.ts";
import { readHistory } from "./history.ts";
import { wrappedKeyOf } from "./rewrap_key.ts";
import { checkKeep, type PruneOptions, type PruneResult, selectPrunable } from "./prune.ts";
import {
  canReadLatest,
  canScan,
  type ListOptions,
  type Store,
  type VersionDetails,
} from "./store.ts";

/** A secret as read: its name, the version read and the value. */
export interface Secret {
  name: string;
  version: string;
  /** The value; for a binary secret, the standard base64 text of its bytes. */
  value: string;
  /** Present (true) when the value is the base64 text of bytes: see `valueBytes` in `binary.ts`. */
  binary?: true;
}

/** Options of {@link CredentialStore.put}. */
export interface PutOptions {
  /** The version to store (default `1`); ignored with `autoversion`. */
  version?: string;
  /** Store highest integer version + 1, retrying on the next number if another writer won. */
  autoversion?: boolean;
  context?: EncryptionContext;
  digest?: Digest;
  /** A note stored with the version (checked by `validateComment` before anything else). */
  comment?: string;
}

/** Options of the reading methods. */
export interface ReadOptions {
  /** A specific version; default the latest. */
  version?: string;
  context?: EncryptionContext;
}

/** Options of {@link CredentialStore.getMany}. */
export interface GetManyOptions extends ReadOptions {
  /**
   * Called with the number of secrets read so far (read or failed) and the total: once with 0
   * after the listing, then after each read.
   */
  onProgress?: (done: number, total: number) => void;
}

const AUTOVERSION_ATTEMPTS = 64;

/** Options of the {@link CredentialStore} constructor. */
export interface CredentialStoreOptions {
  /**
   * Reads in flight at once in {@linkcode CredentialStore.getMany} (default 32). A function is
   * called when such a read starts: a setting is then checked only where it is used, and may
   * throw there.
   */
  concurrency?: number | (() => number);
}

/** The facade over a store and a key provider. */
export class CredentialStore {
  readonly #concurrency: number | (() => number);

  constructor(
    readonly store: Store,
    readonly keys: KeyProvider,
    options: CredentialStoreOptions = {},
  ) {
    this.#concurrency = options.concurrency ?? 32;
  }

  /** Reads in flight at once in {@linkcode getMany}. */
  get concurrency(): number {
    const c = this.#concurrency;
    return typeof c === "function" ? c() : c;
  }

  /**
   * Seals and stores a value; returns the version stored. Never overwrites: an existing
   * version is a {@link VersionExistsError}. Bytes (a `Uint8Array`) are stored as a binary
   * secret: the plaintext is their standard base64 text, and the stored version says so. Such
   * bytes are zeroed once sealed, also when sealing fails (pass a copy to keep them).
   */
  async put(name: string, value: string | Uint8Array, options: PutOptions = {}): Promise<string> {
    validateName(name);
    const { comment } = options;
    if (comment !== undefined) validateComment(comment);
    const binary = value instanceof Uint8Array;
    const context = options.context ?? {};
    // The base64 text of bytes is made as bytes: no string holds a binary value.
    const plaintext = binary ? base64Bytes(value) : new TextEncoder().encode(value);
    let dataKey: DataKey | undefined;
    let sealed: SealedValue;
    try {
      dataKey = await this.keys.generateDataKey(context);
      sealed = await sealEnvelope(plaintext, dataKey.plaintext, options.digest ?? DEFAULT_DIGEST);
    } finally {
      plaintext.fill(0);
      if (binary) value.fill(0);
      dataKey?.plaintext.fill(0);
    }
    const stored = {
      ...sealed,
      key: toBase64(dataKey.wrapped),
      ...(comment === undefined ? {} : { comment }),
      ...(binary ? { binary } : {}),
    };
    if (!options.autoversion) {
      const version = validateVersion(options.version ?? "1");
      await this.store.create(name, version, stored);
      return version;
    }
    for (let attempt = 0; attempt < AUTOVERSION_ATTEMPTS; attempt++) {
      const versions = (await this.versions(name)).map((e) => e.version);
      const version = nextVersion(name, versions);
      try {
        await this.store.create(name, version, stored);
        return version;
      } catch (e) {
        if (!(e instanceof VersionExistsError)) throw e;
      }
    }
    throw new Creds3Error(
      `Could not find a free version of '${name}' after ${AUTOVERSION_ATTEMPTS} attempts`,
      { reason: { type: "autoversion-contended" }, secret: { name } },
    );
  }

  /** Every stored version of exactly `name`, sorted. */
  async versions(name: string): Promise<VersionEntry[]> {
    checkStoredName(name);
    return sortEntries(await Array.fromAsync(this.store.list({ name })));
  }

  /** Reads and opens one secret: the given version, or the latest. */
  async get(name: string, options: ReadOptions = {}): Promise<Secret> {
    checkStoredName(name);
    let version = options.version;
    if (version !== undefined) checkStoredVersion(version);
    // KMS loads while the listing and the read are on the network.
    this.keys.prepare?.();
    if (version === undefined && canReadLatest(this.store)) {
      // The latest version and its fields in one request.
      const found = await this.store.readLatest(name);
      if (!found) {
        throw new NotFoundError(`Credential '${name}' is not in ${this.store.description}`, {
          secret: { name },
        });
      }
      return await this.#open(found, options.context ?? {});
    }
    if (version === undefined) {
      const latest = latestVersion(await this.versions(name));
      if (!latest) {
        throw new NotFoundError(`Credential '${name}' is not in ${this.store.description}`, {
          secret: { name },
        });
      }
      version = latest.version;
    }
    return await this.#open({ name, version }, options.context ?? {});
  }

  /** Opens one version: its fields from the listing when it gave them, else read. */
  async #open(entry: ListedVersion, context: EncryptionContext): Promise<Secret> {
    const { name, version } = entry;
    try {
      const stored = await fieldsOf(this.store, entry);
      const dataKey = await this.keys.decryptDataKey(wrappedKeyOf(stored), context);
      let plaintext: Uint8Array | undefined;
      try {
        plaintext = await openEnvelope(stored, dataKey);
        const value = decodeUtf8(plaintext);
        if (value === undefined) throw new IntegrityError("The value is not valid UTF-8");
        return stored.binary ? { name, version, value, binary: true } : { name, version, value };
      } finally {
        dataKey.fill(0);
        plaintext?.fill(0);
      }
    } catch (e) {
      // A key provider's or the envelope's error does not know which secret it is about.
      if (e instanceof Creds3Error) e.attachSecret({ name, version });
      throw e;
    }
  }

  /**
   * The latest version (or the given version) of every name that matches `pattern` (all names
   * when undefined), one listing then concurrent reads. Names without the given version are
   * left out. Returns the secrets and the failures, each sorted by name.
   */
  async getMany(
    pattern: string | undefined,
    options: GetManyOptions = {},
  ): Promise<{ secrets: Secret[]; failures: ReadFailure[] }> {
    if (options.version !== undefined) checkStoredVersion(options.version);
    const concurrency = this.concurrency;
    this.keys.prepare?.();
    // A store that lists versions with their fields is read in that one pass.
    const store = this.store;
    const entries: ListedVersion[] = canScan(store)
      ? chooseVersions(await this.#matching(pattern, (o) => store.scan(o)), options.version)
      : await this.latest(pattern, options.version);
    const context = options.context ?? {};
    const { results, failures } = await eachVersion(
      entries,
      { concurrency, onProgress: options.onProgress },
      (entry) => this.#open(entry, context),
    );
    return { secrets: results.map((r) => r.value), failures };
  }

  /** One entry per name matching `pattern`: the latest version, or exactly `version`. */
  async latest(pattern: string | undefined, version?: string): Promise<VersionEntry[]> {
    return chooseVersions(await this.list(pattern), version);
  }

  /** Every stored version whose name matches `pattern` (all when undefined), sorted. */
  async list(pattern?: string): Promise<VersionEntry[]> {
    return await this.#matching(pattern, (options) => this.store.list(options));
  }

  /**
   * The stored versions whose name matches `pattern` (every name when undefined), sorted: all
   * of them, or with `latestOnly` the latest of each name. With `withFields`, a store that lists
   * versions with their fields gives them here (`stored`), so they need no read of their own. A
   * pattern that matches nothing is a {@link NotFoundError}.
   */
  async select(
    pattern: string | undefined,
    options: { latestOnly?: boolean; withFields?: boolean } = {},
  ): Promise<ListedVersion[]> {
    const store = this.store;
    let entries: ListedVersion[] = options.withFields && canScan(store)
      ? await this.#matching(pattern, (o) => store.scan(o))
      : await this.list(pattern);
    if (options.latestOnly) entries = sortEntries(chooseVersions(entries));
    if (pattern !== undefined && entries.length === 0) {
      throw new NotFoundError(
        isPattern(pattern)
          ? `No credential matches '${pattern}'`
          : `Credential '${pattern}' is not in ${this.store.description}`,
        isPattern(pattern) ? { reason: { type: "no-match" } } : { secret: { name: pattern } },
      );
    }
    return entries;
  }

  /** What `listing` gives for the names matching `pattern`, sorted. */
  async #matching<T extends VersionEntry>(
    pattern: string | undefined,
    listing: (options: ListOptions) => AsyncIterable<T>,
  ): Promise<T[]> {
    if (pattern !== undefined && !isPattern(pattern)) {
      checkStoredName(pattern);
      return sortEntries(await Array.fromAsync(listing({ name: pattern })));
    }
    const matches = pattern === undefined ? () => true : patternMatcher(pattern);
    const namePrefix = pattern === undefined ? undefined : patternPrefix(pattern);
    const entries: T[] = [];
    for await (const entry of listing({ namePrefix })) {
      if (matches(entry.name)) entries.push(entry);
    }
    return sortEntries(entries);
  }

  /**
   * Every version of exactly `name` with the date it was written and what is stored beside its
   * value (comment, binary), sorted. A name with no version is a {@link NotFoundError}.
   */
  async history(name: string): Promise<VersionDetails[]> {
    if (name === "" || isPattern(name)) {
      throw new UsageError(`'${name}' is not a credential name: history takes one exact name`);
    }
    checkStoredName(name);
    return await readHistory(this.store, name, { concurrency: this.concurrency });
  }

  /**
   * Deletes the old versions of every name matching `pattern` (an exact name, or `*`
   * wildcards): all but the `keep` latest of each name, and with `before` only those written
   * before it. The latest version of a name is never deleted. Versions stored while it runs are
   * not listed, so never deleted. A pattern that matches nothing is a {@link NotFoundError}.
   *
   * @example Comment versions, read the history, keep the latest two
   * ```ts
   * import { CredentialStore, createMasterKey, LocalKeyProvider, MemoryStore } from "../../mod.ts";
   * import { deepStrictEqual } from "node:assert/strict";
   *
   * const dir = await Deno.makeTempDir();
   * await createMasterKey(`${dir}/master.key`);
   * const creds = new CredentialStore(new MemoryStore(), new LocalKeyProvider(`${dir}/master.key`));
   * for (const comment of ["first", "second", "third"]) {
   *   await creds.put("db/password", `value ${comment}`, { autoversion: true, comment });
   * }
   * const pruned = await creds.prune("db/*", { keep: 2 });
   * deepStrictEqual(pruned.deleted.map((e) => e.version), ["1"]);
   * const history = await creds.history("db/password");
   * deepStrictEqual(history.map((e) => [e.version, e.comment]), [["2", "second"], ["3", "third"]]);
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  async prune(pattern: string, options: PruneOptions): Promise<PruneResult> {
    if (pattern === "") throw new UsageError("The pattern is empty");
    checkKeep(options.keep);
    const entries = await this.select(pattern);
    const deleted = selectPrunable(entries, options);
    if (!options.dryRun && deleted.length > 0) await this.store.remove(deleted);
    const names = new Set(entries.map((e) => e.name)).size;
    return { deleted, names, kept: entries.length - deleted.length };
  }

  /** Deletes every version of exactly `name`, or one version; returns what was deleted. */
  async delete(name: string, options: { version?: string } = {}): Promise<VersionEntry[]> {
    if (name === "" || isPattern(name)) {
      throw new UsageError(`'${name}' is not a credential name: delete takes one exact name`);
    }
    if (options.version !== undefined) checkStoredVersion(options.version);
    let entries = await this.versions(name);
    if (options.version !== undefined) {
      entries = entries.filter((e) => e.version === options.version);
    }
    if (entries.length === 0) {
      throw new NotFoundError(
        options.version === undefined
          ? `Credential '${name}' is not in ${this.store.description}`
          : `Version ${options.version} of '${name}' is not in ${this.store.description}`,
        { secret: { name, version: options.version } },
      );
    }
    await this.store.remove(entries);
    return entries;
  }
}
