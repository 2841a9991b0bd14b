/**
 * The local directory store: one JSON file per version holding the four fields of the format,
 * and `comment` and `binary` when set (`docs/FORMAT.md`), at `<dir>/<name>/@<version>`, each
 * `/`-separated segment of the name a folder (see ./directory/layout.ts for the layout, and how
 * names become file names valid on every OS). Files are 0600, folders 0700; new versions are
 * written to a temporary file and then hard-linked into place, which fails if the version
 * exists, so two writers can never both win and a reader never sees a half-written file. Key
 * rotation replaces a version's file by renaming a new one over it (see `replaceKey`).
 *
 * Versions stored in the earlier layout (`<dir>/<name>/<version>`) are read, listed, re-wrapped
 * and deleted where they are; new versions are always written in the current layout.
 *
 * A symbolic link below the root is never followed: an operation that meets one fails with a
 * `StoreError` naming it. The root itself may be a link.
 *
 * @module
 */
import { dirname, resolve } from "../core/paths.ts";
import { sameStored, versionChanged } from "../core/same_stored.ts";
import {
  NotFoundError,
  osErrorCode,
  StoreError,
  UsageError,
  VersionExistsError,
} from "../core/errors.ts";
import type { VersionEntry } from "../core/names.ts";
import type {
  ListOptions,
  RewrapStore,
  SetupStep,
  SetupStore,
  Store,
  StoredSecret,
} from "../core/store.ts";
import {
  currentPath,
  decodeComponent,
  earlierPath,
  isEarlierVersionFile,
} from "./directory/layout.ts";
import {
  type FileText,
  linkNewFile,
  lstatOrMissing,
  readFileWithInfo,
  replaceFile,
  sameFile,
} from "./directory/files.ts";
import { listVersions } from "./directory/listing.ts";
import { CaseClaims, refuseCaseVariants } from "./directory/case_variants.ts";
import { parseRecord, recordBytes } from "./directory/record.ts";
import { StoreTree } from "./directory/tree.ts";

/** A store in a local directory. */
export class DirectoryStore implements Store, SetupStore, RewrapStore {
  readonly root: string;
  readonly description: string;
  readonly #tree: StoreTree;
  /** The names and versions being created through this store at this moment. */
  readonly #creating = new CaseClaims();

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
    const found = await this.#find(name, version);
    return parseRecord(found.file.text, name, version);
  }

  /**
   * The file of a version, where it is (the current layout, else the earlier one), read; a
   * version that is not there is a `NotFoundError`.
   */
  async #find(name: string, version: string): Promise<{ path: string; file: FileText }> {
    for (const rel of this.#places(name, version)) {
      let read: FileText | undefined;
      let path: string | undefined;
      try {
        path = await this.#tree.locate(rel);
        const got = path === undefined ? undefined : await readFileWithInfo(path);
        if (got === "replaced") throw this.#tree.linkRefused(rel);
        read = got;
      } catch (e) {
        if (e instanceof StoreError) throw e;
        throw new StoreError(
          `Cannot read version ${version} of '${name}': ${(e as Error).message}`,
          { secret: { name, version }, code: osErrorCode(e) },
        );
      }
      if (path !== undefined && read !== undefined) return { path, file: read };
    }
    await this.#checkRoot();
    throw new NotFoundError(`Version ${version} of '${name}' is not in ${this.description}`, {
      secret: { name, version },
    });
  }

  /**
   * Replaces the version's data key where the version is (see `RewrapStore`): the new record is
   * written to a temporary file beside it, then renamed over it, so a reader sees the old
   * version or the new one, never a missing or partial one. The version file is read, compared
   * with `expected`, and read again just before the rename: it must still be the same file (the
   * same inode) with the same text, else nothing is replaced and the version is reported
   * changed. The last check and the rename are two system calls: a delete or another
   * replacement of this version between them (in the same instant) is not seen, and the
   * version is then back, or the other replacement lost; either way it holds one valid wrap of
   * its one data key.
   */
  async replaceKey(
    name: string,
    version: string,
    expected: StoredSecret,
    key: string,
  ): Promise<void> {
    const { path, file } = await this.#find(name, version);
    const current = parseRecord(file.text, name, version);
    if (!sameStored(current, expected)) throw versionChanged(name, version);
    const unchanged = async () => {
      const again = await readFileWithInfo(path);
      return typeof again === "object" && sameFile(file, again);
    };
    let replaced: boolean;
    try {
      replaced = await replaceFile(
        dirname(path),
        path,
        recordBytes({ ...current, key }),
        unchanged,
      );
    } catch (e) {
      throw new StoreError(
        `Cannot replace the data key of version ${version} of '${name}': ${(e as Error).message}`,
        { secret: { name, version }, code: osErrorCode(e) },
      );
    }
    if (!replaced) throw versionChanged(name, version);
  }

  async create(name: string, version: string, secret: StoredSecret): Promise<void> {
    await this.#checkRoot();
    const body = recordBytes(secret);
    // Names differing only in case that one command stores at once are not both created.
    const release = this.#creating.claim(name, version);
    try {
      await this.#create(name, version, body);
    } finally {
      release();
    }
  }

  async #create(name: string, version: string, body: Uint8Array): Promise<void> {
    const [rel, earlier] = this.#places(name, version);
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
