/**
 * The local directory store: one JSON file per version holding the four fields of the format,
 * and `comment` and `binary` when set (`docs/FORMAT.md`), at `<dir>/<name>/@<version>`, each
 * `/`-separated segment of the name a folder (see ./directory/layout.ts for the layout, and how
 * names become file names valid on every OS). Files are 0600, folders 0700; new versions are
 * written to a temporary file and then hard-linked into place, which fails if the version
 * exists, so two writers can never both win and a reader never sees a half-written file.
 *
 * Versions stored in the earlier layout (`<dir>/<name>/<version>`) are read, listed and
 * deleted where they are; new versions are always written in the current layout.
 *
 * A symbolic link below the root is never followed: an operation that meets one fails with a
 * `StoreError` naming it. The root itself may be a link.
 *
 * @module
 */
import { resolve } from "../core/paths.ts";
import {
  IntegrityError,
  NotFoundError,
  osErrorCode,
  StoreError,
  UsageError,
  VersionExistsError,
} from "../core/errors.ts";
import type { VersionEntry } from "../core/names.ts";
import type { ListOptions, SetupStep, SetupStore, Store, StoredSecret } from "../core/store.ts";
import {
  currentPath,
  decodeComponent,
  earlierPath,
  isEarlierVersionFile,
} from "./directory/layout.ts";
import { linkNewFile, lstatOrMissing, readFileText } from "./directory/files.ts";
import { listVersions } from "./directory/listing.ts";
import { refuseCaseVariants } from "./directory/case_variants.ts";
import { StoreTree } from "./directory/tree.ts";

const FIELDS = ["contents", "key", "hmac", "digest"] as const;

/** A store in a local directory. */
export class DirectoryStore implements Store, SetupStore {
  readonly root: string;
  readonly description: string;
  readonly #tree: StoreTree;

  constructor(path: string) {
    this.root = resolve(path);
    this.description = `file:${this.root}`;
    this.#tree = new StoreTree(this.root, this.description);
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

  /** Where a version may be: the current layout's path, then the earlier one's (if any). */
  #places(name: string, version: string): string[][] {
    const earlier = earlierPath(name, version, this.#tree.windows);
    return [currentPath(name, version), ...(earlier ? [earlier] : [])];
  }

  async *list(options: ListOptions = {}): AsyncIterable<VersionEntry> {
    await this.#checkRoot();
    yield* await listVersions(this.#tree, options);
  }

  async read(name: string, version: string): Promise<StoredSecret> {
    let text: string | undefined;
    for (const rel of this.#places(name, version)) {
      try {
        const path = await this.#tree.locate(rel);
        const read = path === undefined ? undefined : await readFileText(path);
        if (read === "replaced") throw this.#tree.linkRefused(rel);
        text = read;
      } catch (e) {
        if (e instanceof StoreError) throw e;
        throw new StoreError(
          `Cannot read version ${version} of '${name}': ${(e as Error).message}`,
          { secret: { name, version }, code: osErrorCode(e) },
        );
      }
      if (text !== undefined) break;
    }
    if (text === undefined) {
      await this.#checkRoot();
      throw new NotFoundError(`Version ${version} of '${name}' is not in ${this.description}`, {
        secret: { name, version },
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
    const [rel, earlier] = this.#places(name, version);
    const { contents, key, hmac, digest, comment } = secret;
    const binary = secret.binary || undefined;
    const record = { contents, key, hmac, digest, comment, binary };
    const body = new TextEncoder().encode(JSON.stringify(record) + "\n");
    await refuseCaseVariants(this.#tree, name, version);
    for (let attempt = 1;; attempt++) {
      try {
        const dir = await this.#tree.makeFolders(
          rel.slice(0, -1),
          (file) => this.#inTheWay(name, version, file),
        );
        if (dir === undefined) {
          if (!await this.#tree.isFolder(rel.slice(0, -1))) {
            throw new Deno.errors.NotFound("its folder was removed meanwhile");
          }
          throw new UsageError(`'${name}' differs only in case from a stored name`, {
            secret: { name, version },
          });
        }
        const there = earlier && await lstatOrMissing(this.#tree.path(earlier));
        if (there && !there.isDirectory) throw new Deno.errors.AlreadyExists();
        await linkNewFile(dir, this.#tree.path(rel), body);
        return;
      } catch (e) {
        // A folder just made can be removed by a delete that emptied it: make it again.
        if (e instanceof Deno.errors.NotFound && attempt < 5) continue;
        if (e instanceof Deno.errors.AlreadyExists) {
          throw new VersionExistsError(`Version ${version} of '${name}' already exists`, {
            secret: { name, version },
          });
        }
        if (e instanceof StoreError || e instanceof UsageError) throw e;
        throw new StoreError(
          `Cannot write version ${version} of '${name}': ${(e as Error).message}`,
          { secret: { name, version }, code: osErrorCode(e) },
        );
      }
    }
  }

  /** The error for a file where `name` needs a folder: often an earlier layout's version. */
  #inTheWay(name: string, version: string, rel: readonly string[]): StoreError {
    const shown = rel.map((c) => decodeComponent(c) ?? c);
    const what = rel.length > 1 && isEarlierVersionFile(rel[rel.length - 1])
      ? `is version ${shown.at(-1)} of '${shown.slice(0, -1).join("/")}' in the earlier layout`
      : "is a file";
    return new StoreError(
      `Cannot store '${name}' in ${this.description}: '${shown.join("/")}' there ${what}, ` +
        "where this name needs a folder",
      { secret: { name, version } },
    );
  }

  async remove(entries: readonly VersionEntry[]): Promise<void> {
    for (const { name, version } of entries) {
      for (const rel of this.#places(name, version)) {
        if (await this.#tree.locate(rel.slice(0, -1)) === undefined) continue;
        const path = this.#tree.path(rel);
        const info = await lstatOrMissing(path);
        if (info?.isSymlink) throw this.#tree.linkRefused(rel);
        if (!info?.isFile) continue;
        try {
          await Deno.remove(path);
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound)) {
            throw new StoreError(
              `Cannot delete version ${version} of '${name}': ${(e as Error).message}`,
              { secret: { name, version }, code: osErrorCode(e) },
            );
          }
        }
        await this.#tree.pruneEmpty(rel.slice(0, -1));
      }
    }
  }
}
