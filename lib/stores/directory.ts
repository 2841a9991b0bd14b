/**
 * The local directory store: `<dir>/<name>/<version>`, one JSON file per version holding the
 * four fields of the format, and `comment` and `binary` when set (`docs/FORMAT.md`). Files are
 * 0600, folders 0700; new versions are written to a temporary file and then hard-linked into
 * place, which fails if the version exists, so two writers can never both win and a reader never
 * sees a half-written file.
 *
 * @module
 */
import { dirname, join, relative, resolve, SEPARATOR } from "../core/paths.ts";
import {
  IntegrityError,
  NotFoundError,
  osErrorCode,
  StoreError,
  VersionExistsError,
} from "../core/errors.ts";
import type { VersionEntry } from "../core/names.ts";
import type { ListOptions, SetupStep, SetupStore, Store, StoredSecret } from "./store.ts";
import { splitKey } from "./store.ts";

const TEMP_PREFIX = ".creds3-tmp-";
const FIELDS = ["contents", "key", "hmac", "digest"] as const;

/** A store in a local directory. */
export class DirectoryStore implements Store, SetupStore {
  readonly root: string;
  readonly description: string;

  constructor(path: string) {
    this.root = resolve(path);
    this.description = `file:${this.root}`;
  }

  #path(name: string, version?: string): string {
    const parts = name.split("/");
    return version === undefined ? join(this.root, ...parts) : join(this.root, ...parts, version);
  }

  async setup(): Promise<SetupStep[]> {
    const step = `Store directory '${this.root}'`;
    try {
      const info = await Deno.stat(this.root);
      if (!info.isDirectory) throw new StoreError(`'${this.root}' exists and is not a directory`);
      return [{ step, outcome: "ok", detail: "exists" }];
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await Deno.mkdir(this.root, { recursive: true, mode: 0o700 });
    return [{ step, outcome: "changed", detail: "created" }];
  }

  async #checkRoot(): Promise<void> {
    try {
      if ((await Deno.stat(this.root)).isDirectory) return;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    throw new NotFoundError(`Store directory '${this.root}' does not exist`, {
      reason: { type: "no-such-store", location: this.root },
    });
  }

  async *list(options: ListOptions = {}): AsyncIterable<VersionEntry> {
    await this.#checkRoot();
    if (options.name !== undefined) {
      const dir = this.#path(options.name);
      for (const entry of await readDir(dir)) {
        if (entry.isFile && !entry.name.startsWith(TEMP_PREFIX)) {
          // Deleted since it was listed (by a concurrent delete or prune): not there.
          const info = await statIfExists(join(dir, entry.name));
          if (info === undefined) continue;
          yield {
            name: options.name,
            version: entry.name,
            modified: info.mtime ?? undefined,
            size: info.size,
          };
        }
      }
      return;
    }
    const prefix = options.namePrefix ?? "";
    for await (const file of walk(this.root)) {
      const rel = relative(this.root, file.path).split(SEPARATOR).join("/");
      const parsed = splitKey(rel);
      if (!parsed || parsed.version.startsWith(TEMP_PREFIX) || !parsed.name.startsWith(prefix)) {
        continue;
      }
      yield { ...parsed, modified: file.mtime, size: file.size };
    }
  }

  async read(name: string, version: string): Promise<StoredSecret> {
    let text: string;
    try {
      text = await Deno.readTextFile(this.#path(name, version));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory) {
        await this.#checkRoot();
        throw new NotFoundError(`Version ${version} of '${name}' is not in ${this.description}`, {
          secret: { name, version },
        });
      }
      throw new StoreError(`Cannot read version ${version} of '${name}': ${(e as Error).message}`, {
        secret: { name, version },
        code: osErrorCode(e),
      });
    }
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(text);
    } catch {
      throw new IntegrityError(`Version ${version} of '${name}' is not a valid stored secret`, {
        secret: { name, version },
      });
    }
    for (const field of FIELDS) {
      if (typeof data?.[field] !== "string") {
        throw new IntegrityError(`Version ${version} of '${name}' has no '${field}' field`, {
          secret: { name, version },
        });
      }
    }
    const { contents, key, hmac, digest, comment, binary } = data as unknown as StoredSecret;
    const malformed = comment !== undefined && typeof comment !== "string" ||
      binary !== undefined && typeof binary !== "boolean";
    if (malformed) {
      const message = `Version ${version} of '${name}' has a malformed comment or binary field`;
      throw new IntegrityError(message, { secret: { name, version } });
    }
    return {
      contents,
      key,
      hmac,
      digest,
      ...(comment === undefined ? {} : { comment }),
      ...(binary ? { binary } : {}),
    };
  }

  async create(name: string, version: string, secret: StoredSecret): Promise<void> {
    await this.#checkRoot();
    const target = this.#path(name, version);
    const dir = dirname(target);
    const { contents, key, hmac, digest, comment } = secret;
    const binary = secret.binary || undefined;
    const body = JSON.stringify({ contents, key, hmac, digest, comment, binary }) + "\n";
    try {
      await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new StoreError(`Cannot create the folder for '${name}': ${(e as Error).message}`, {
        secret: { name, version },
        code: osErrorCode(e),
      });
    }
    const temp = join(dir, `${TEMP_PREFIX}${crypto.randomUUID()}`);
    try {
      const file = await Deno.open(temp, { createNew: true, write: true, mode: 0o600 });
      try {
        const bytes = new TextEncoder().encode(body);
        let written = 0;
        while (written < bytes.length) written += await file.write(bytes.subarray(written));
        // On disk before it gets its name: a crash never leaves a linked but empty version.
        await file.syncData();
      } finally {
        file.close();
      }
      await Deno.link(temp, target);
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) {
        throw new VersionExistsError(`Version ${version} of '${name}' already exists`, {
          secret: { name, version },
        });
      }
      throw new StoreError(
        `Cannot write version ${version} of '${name}': ${(e as Error).message}`,
        {
          secret: { name, version },
          code: osErrorCode(e),
        },
      );
    } finally {
      await Deno.remove(temp).catch(() => {});
    }
  }

  async remove(entries: readonly VersionEntry[]): Promise<void> {
    for (const { name, version } of entries) {
      try {
        await Deno.remove(this.#path(name, version));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) {
          throw new StoreError(
            `Cannot delete version ${version} of '${name}': ${(e as Error).message}`,
            { secret: { name, version }, code: osErrorCode(e) },
          );
        }
      }
      await this.#pruneEmpty(this.#path(name));
    }
  }

  async #pruneEmpty(dir: string): Promise<void> {
    while (dir.startsWith(this.root + SEPARATOR)) {
      try {
        await Deno.remove(dir);
      } catch {
        return;
      }
      dir = dirname(dir);
    }
  }
}

async function readDir(dir: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(dir));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return [];
    throw e;
  }
}

/** The file's information, or undefined when it no longer exists. */
async function statIfExists(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

async function* walk(dir: string): AsyncIterable<{ path: string; mtime?: Date; size: number }> {
  for (const entry of await readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walk(path);
    else if (entry.isFile) {
      const info = await statIfExists(path);
      if (info !== undefined) yield { path, mtime: info.mtime ?? undefined, size: info.size };
    }
  }
}
