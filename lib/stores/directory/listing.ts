/**
 * Listing a directory store: the versions of one name, or of every name under a prefix, in
 * both layouts, each (name, version) once (the current layout's file when both hold it).
 *
 * @module
 */
import type { VersionEntry } from "../../core/names.ts";
import type { ListOptions } from "../../core/store.ts";
import { lstatOrMissing } from "./files.ts";
import {
  currentPath,
  decodeComponent,
  earlierPath,
  fileNameProblem,
  isEarlierVersionFile,
  parseVersionFile,
} from "./layout.ts";
import type { StoreTree } from "./tree.ts";

/** A folder to look in, with the name whose versions it holds in each layout (if any). */
export interface Folder {
  rel: string[];
  /** The name of the current layout's versions here (`""` at the root, which has none). */
  current?: string;
  /** The name of the earlier layout's versions here. */
  earlier?: string;
}

/** The folders that may hold a name's versions: the current layout's, and the earlier one's. */
export function foldersOf(name: string, windows: boolean): Folder[] {
  const current = currentPath(name);
  const earlier = earlierPath(name, undefined, windows);
  if (earlier?.join("/") === current.join("/")) {
    return [{ rel: current, current: name, earlier: name }];
  }
  return [{ rel: current, current: name }, ...(earlier ? [{ rel: earlier, earlier: name }] : [])];
}

function child(parent: string | undefined, segment: string | undefined): string | undefined {
  if (parent === undefined || segment === undefined) return undefined;
  return parent === "" ? segment : `${parent}/${segment}`;
}

/** Every stored version that matches `options`, with its modification time and size in bytes. */
export async function listVersions(
  tree: StoreTree,
  options: ListOptions,
): Promise<VersionEntry[]> {
  const found = new Map<string, { entry: VersionEntry; rel: string[]; current: boolean }>();
  const add = (name: string, version: string, rel: string[], current: boolean) => {
    const key = `${name}\0${version}`;
    if (!found.get(key)?.current) found.set(key, { entry: { name, version }, rel, current });
  };
  const prefix = options.namePrefix ?? "";
  const wanted = (name?: string) =>
    name !== undefined && (name.startsWith(prefix) || prefix.startsWith(`${name}/`));

  const scan = async (folder: Folder, deep: boolean): Promise<void> => {
    for (const e of await tree.entries(folder.rel)) {
      const rel = [...folder.rel, e.name];
      if (e.isFile) {
        const version = folder.current ? parseVersionFile(e.name) : undefined;
        if (version !== undefined) add(folder.current!, version, rel, true);
        else if (folder.earlier && isEarlierVersionFile(e.name)) {
          add(folder.earlier, e.name, rel, false);
        }
      } else if (e.isDirectory && deep) {
        const current = child(folder.current, decodeComponent(e.name));
        const earlier = child(
          folder.earlier,
          fileNameProblem(e.name, tree.windows) ? undefined : e.name,
        );
        if (wanted(current) || wanted(earlier)) await scan({ rel, current, earlier }, true);
      }
    }
  };

  if (options.name !== undefined) {
    for (const folder of foldersOf(options.name, tree.windows)) {
      if (await tree.locate(folder.rel)) await scan(folder, false);
    }
  } else {
    await scan({ rel: [], current: "", earlier: "" }, true);
  }
  const entries: VersionEntry[] = [];
  for (const { entry, rel } of found.values()) {
    if (!entry.name.startsWith(prefix)) continue;
    // A version deleted since it was listed is left out.
    const info = await lstatOrMissing(tree.path(rel));
    if (info) entries.push({ ...entry, modified: info.mtime ?? undefined, size: info.size });
  }
  return entries;
}
