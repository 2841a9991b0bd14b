/**
 * A store in memory: the {@link Store} seam with nothing behind it, for programs and tests that
 * want the credential store's rules without a disk or a network. Its contents end with it.
 *
 * @example Put and get through the credential store
 * ```ts
 * import { CredentialStore } from "../core/credential_store.ts";
 * import { createMasterKey, LocalKeyProvider } from "../keys/local.ts";
 * import { MemoryStore } from "./memory.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await createMasterKey(`${dir}/master.key`);
 * const creds = new CredentialStore(new MemoryStore(), new LocalKeyProvider(`${dir}/master.key`));
 * await creds.put("db/password", "correct horse");
 * strictEqual((await creds.get("db/password")).value, "correct horse");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
import { NotFoundError, VersionExistsError } from "../core/errors.ts";
import type { VersionEntry } from "../core/names.ts";
import { sameStored, versionChanged } from "../core/same_stored.ts";
import type { ListOptions, RewrapStore, Store, StoredSecret } from "../core/store.ts";

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** The clock that dates each write (default: the system clock). */
  now?: () => Date;
}

/** A {@link Store} that keeps every version in a map, create-only like the others. */
export class MemoryStore implements Store, RewrapStore {
  readonly description = "memory:";
  readonly #objects = new Map<string, { secret: StoredSecret; entry: VersionEntry }>();
  readonly #now: () => Date;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  async *list(options: ListOptions = {}): AsyncIterable<VersionEntry> {
    for (const { entry } of [...this.#objects.values()]) {
      if (options.name !== undefined && entry.name !== options.name) continue;
      if (!entry.name.startsWith(options.namePrefix ?? "")) continue;
      yield { ...entry };
    }
  }

  read(name: string, version: string): Promise<StoredSecret> {
    const found = this.#objects.get(objectKey(name, version));
    if (!found) {
      return Promise.reject(
        new NotFoundError(`Version ${version} of '${name}' is not in ${this.description}`),
      );
    }
    return Promise.resolve({ ...found.secret });
  }

  create(name: string, version: string, secret: StoredSecret): Promise<void> {
    if (this.#objects.has(objectKey(name, version))) {
      return Promise.reject(
        new VersionExistsError(`Version ${version} of '${name}' already exists`),
      );
    }
    this.#objects.set(objectKey(name, version), {
      secret: { ...secret },
      entry: { name, version, modified: this.#now() },
    });
    return Promise.resolve();
  }

  /** Replaces the data key at once when the version holds exactly `expected` (see RewrapStore). */
  replaceKey(name: string, version: string, expected: StoredSecret, key: string): Promise<void> {
    const found = this.#objects.get(objectKey(name, version));
    const secret = { name, version };
    if (!found) {
      return Promise.reject(
        new NotFoundError(`Version ${version} of '${name}' is not in ${this.description}`, {
          secret,
        }),
      );
    }
    if (!sameStored(found.secret, expected)) return Promise.reject(versionChanged(name, version));
    found.secret = { ...found.secret, key };
    return Promise.resolve();
  }

  remove(entries: readonly VersionEntry[]): Promise<void> {
    for (const { name, version } of entries) this.#objects.delete(objectKey(name, version));
    return Promise.resolve();
  }
}

/** The object key of a version, as the other stores lay it out. */
function objectKey(name: string, version: string): string {
  return `${name}/${version}`;
}
