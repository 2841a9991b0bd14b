/**
 * Names and versions that differ only in case are one folder or file on Windows and on macOS
 * (whose file systems ignore case by default), so a directory store refuses to store one next
 * to the other, on every platform: a store may be shared between them. Those stored are found
 * on disk ({@linkcode refuseCaseVariants}); those one command is storing at the same moment (a
 * copy, an import) in memory ({@linkcode CaseClaims}).
 *
 * @module
 */
import { UsageError } from "../../core/errors.ts";
import {
  decodeComponent,
  encodeComponent,
  fileNameProblem,
  foldsTogether,
  isEarlierVersionFile,
  parseVersionFile,
} from "./layout.ts";
import type { StoreTree } from "./tree.ts";

/**
 * Throws `UsageError` when a stored name has a segment, or a stored version of `name` is, equal
 * to `name`'s or `version` but for case, unless `name`'s segment (or `version`) is stored too.
 */
export async function refuseCaseVariants(
  tree: StoreTree,
  name: string,
  version: string,
): Promise<void> {
  const parts = name.split("/");
  // The folders of the name so far, in the current and in the earlier layout, where they exist.
  let current: string[] | undefined = [];
  let earlier: string[] | undefined = [];
  for (let i = 0; i <= parts.length; i++) {
    const folders = [current, earlier].filter((f) => f !== undefined);
    if (folders.length === 0) return;
    const isVersion = i === parts.length;
    const wanted = isVersion ? version : parts[i];
    const stored = new Set<string>();
    for (const rel of new Map(folders.map((f) => [f.join("/"), f])).values()) {
      for (const e of await tree.entries(rel)) {
        const texts = isVersion
          ? e.isFile ? [parseVersionFile(e.name), isEarlierVersionFile(e.name) ? e.name : ""] : []
          : e.isDirectory
          ? [decodeComponent(e.name), e.name]
          : [];
        for (const t of texts) if (t) stored.add(t);
      }
    }
    const other = [...stored].find((t) => foldsTogether(t, wanted));
    if (other !== undefined && !stored.has(wanted)) {
      throw new UsageError(
        isVersion
          ? `Version ${version} of '${name}' differs only in case from version ${other}, which ` +
            "is stored: versions that differ only in case are one file on Windows and macOS"
          : `'${name}' differs only in case from '${[...parts.slice(0, i), other].join("/")}', ` +
            "which is stored: names that differ only in case are one folder on Windows and macOS",
        { secret: { name, version } },
      );
    }
    if (isVersion) return;
    const next = (rel: string[] | undefined, file: string | undefined) =>
      rel && file !== undefined ? [...rel, file] : undefined;
    const nextCurrent = next(current, encodeComponent(parts[i]));
    const nextEarlier = next(
      earlier,
      fileNameProblem(parts[i], tree.windows) ? undefined : parts[i],
    );
    current = nextCurrent && await tree.isFolder(nextCurrent) ? nextCurrent : undefined;
    earlier = nextEarlier && await tree.isFolder(nextEarlier) ? nextEarlier : undefined;
  }
}

/**
 * The names and versions being stored at this moment through one store, so that two of them
 * that differ only in case are not both created: each is checked on disk before its folders
 * exist, so `App` and `app` stored at once would each find nothing. A creation claims the
 * spelling of each folder of its name, and its version, while it runs; a claim that differs
 * from one held only in case is refused. Another process's creations are not seen.
 */
export class CaseClaims {
  /** By path folded to lower case and to upper case: its spelling, and the claims held. */
  readonly #held = new Map<string, { spelling: string; count: number }>();

  /**
   * Claims `name`'s folders and `version` until the function returned is called.
   *
   * @throws {UsageError} When a claim held differs from one of them only in case.
   */
  claim(name: string, version: string): () => void {
    const parts = name.split("/");
    const paths = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    // `/` cannot end a name segment: the version is told apart from a folder of the name.
    paths.push(`${name}/${version}/`);
    const keys = paths.flatMap((path) => [
      [`l:${path.toLowerCase()}`, path],
      [`u:${path.toUpperCase()}`, path],
    ]);
    for (const [key, path] of keys) {
      const other = this.#held.get(key)?.spelling;
      if (other === undefined || other === path) continue;
      throw new UsageError(
        path.endsWith("/")
          ? `Version ${version} of '${name}' differs only in case from version ` +
            `${other.slice(name.length + 1, -1)}, stored at the same time: versions that ` +
            "differ only in case are one file on Windows and macOS"
          : `'${name}' differs only in case from '${other}', stored at the same time: names ` +
            "that differ only in case are one folder on Windows and macOS",
        { secret: { name, version } },
      );
    }
    for (const [key, path] of keys) {
      const held = this.#held.get(key);
      if (held) held.count++;
      else this.#held.set(key, { spelling: path, count: 1 });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [key] of keys) {
        const held = this.#held.get(key)!;
        if (--held.count === 0) this.#held.delete(key);
      }
    };
  }
}
