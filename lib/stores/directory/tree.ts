/**
 * The folders and files below a directory store's root, reached only through no symbolic link:
 * paths relative to the root (lists of file names, as ./layout.ts gives them), checked to stay
 * below it, and the operations on them that refuse a link on the way.
 *
 * @module
 */
import { join } from "../../core/paths.ts";
import { StoreError } from "../../core/errors.ts";
import { entriesOf, isMissing, lstatOrMissing } from "./files.ts";
import { pathInside } from "./layout.ts";

/** The tree below a store's root. */
export class StoreTree {
  readonly windows = Deno.build.os === "windows";
  #realRoot?: string;

  constructor(readonly root: string, readonly description: string) {}

  /** The absolute path of `rel`, refused (`StoreError`) if it would leave the root. */
  path(rel: readonly string[]): string {
    return pathInside(this.root, rel, this.windows);
  }

  /** The error for a link met at `rel`. */
  linkRefused(rel: readonly string[]): StoreError {
    return new StoreError(
      `'${rel.join("/")}' in ${this.description} is a symbolic link: creds3 does not follow ` +
        "links inside a store",
    );
  }

  /**
   * The path of `rel` when it exists and is reached from the root through no link; `undefined`
   * when it is missing, or is there only under another spelling (on a file system that ignores
   * case). Throws when a link is on the way.
   */
  async locate(rel: readonly string[]): Promise<string | undefined> {
    const path = this.path(rel);
    let real: string;
    try {
      this.#realRoot ??= await Deno.realPath(this.root);
      real = await Deno.realPath(path);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    const expected = join(this.#realRoot, ...rel);
    if (join(real) === expected) return path;
    for (let i = 1; i <= rel.length; i++) {
      if ((await lstatOrMissing(this.path(rel.slice(0, i))))?.isSymlink) {
        throw this.linkRefused(rel.slice(0, i));
      }
    }
    if (join(real).toLowerCase() === expected.toLowerCase()) return undefined;
    throw new StoreError(
      `'${rel.join("/")}' in ${this.description} resolves to '${real}', outside the store`,
    );
  }

  /** The entries of the folder `rel` (none when it is missing); a link among them is refused. */
  async entries(rel: readonly string[]): Promise<Deno.DirEntry[]> {
    const entries = await entriesOf(this.path(rel));
    const link = entries.find((e) => e.isSymlink);
    if (link) throw this.linkRefused([...rel, link.name]);
    return entries;
  }

  /** Whether `rel` is a folder (a link is not). */
  async isFolder(rel: readonly string[]): Promise<boolean> {
    return (await lstatOrMissing(this.path(rel)))?.isDirectory ?? false;
  }

  /**
   * Makes the folders of `rel` (0700) one by one and returns the last one's path. A link on the
   * way is refused; a file on the way is passed to `inTheWay`, which returns the error to throw.
   * Returns `undefined` when the folder is there only under another spelling.
   */
  async makeFolders(
    rel: readonly string[],
    inTheWay: (rel: readonly string[]) => Error,
  ): Promise<string | undefined> {
    for (let i = 1; i <= rel.length; i++) {
      const path = this.path(rel.slice(0, i));
      let info = await lstatOrMissing(path);
      if (!info) {
        await Deno.mkdir(path, { mode: 0o700 }).catch((e) => {
          if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
        });
        info = await Deno.lstat(path);
      }
      if (info.isSymlink) throw this.linkRefused(rel.slice(0, i));
      if (!info.isDirectory) throw inTheWay(rel.slice(0, i));
    }
    return await this.locate(rel);
  }

  /** Removes the folders of `rel` that are empty, deepest first, up to the root. */
  async pruneEmpty(rel: readonly string[]): Promise<void> {
    for (let i = rel.length; i > 0; i--) {
      if (!await this.isFolder(rel.slice(0, i))) return;
      try {
        await Deno.remove(this.path(rel.slice(0, i)));
      } catch {
        return;
      }
    }
  }
}
