/**
 * The file operations of the directory store that know nothing of names: look without
 * following links, write a new file under a name that must not exist, replace a file by
 * renaming a new one over it, and read a file checked to be the one that was looked at.
 *
 * @module
 */
import { join } from "../../core/paths.ts";
import { TEMP_PREFIX } from "./layout.ts";

/** Whether an error says the path (or a folder on the way) is not there. */
export function isMissing(e: unknown): boolean {
  return e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory;
}

/** The path's own information (a link is not followed), or `undefined` when it is missing. */
export async function lstatOrMissing(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.lstat(path);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

/** A folder's entries (a link is reported as a link), or none when it is missing. */
export async function entriesOf(dir: string): Promise<Deno.DirEntry[]> {
  try {
    return await Array.fromAsync(Deno.readDir(dir));
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
}

/** Writes `bytes` to a new temporary file in `dir` (created exclusively, mode 0600), flushed. */
async function writeTemp(dir: string, bytes: Uint8Array): Promise<string> {
  const temp = join(dir, `${TEMP_PREFIX}${crypto.randomUUID()}`);
  const file = await Deno.open(temp, { createNew: true, write: true, mode: 0o600 });
  try {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    // On disk before it gets its name: a crash never leaves a linked but empty version.
    await file.syncData();
  } finally {
    file.close();
  }
  return temp;
}

/**
 * Writes `bytes` to a new temporary file in `dir` (created exclusively, mode 0600), flushes it,
 * then hard-links it to `target`, which fails with `Deno.errors.AlreadyExists` when `target`
 * exists (even as a link): never replaced, never half-written. The temporary file is removed.
 */
export async function linkNewFile(dir: string, target: string, bytes: Uint8Array): Promise<void> {
  let temp: string | undefined;
  try {
    temp = await writeTemp(dir, bytes);
    await Deno.link(temp, target);
  } finally {
    if (temp) await Deno.remove(temp).catch(() => {});
  }
}

/**
 * Writes `bytes` to a new temporary file in `dir` (mode 0600, flushed), then, if `unchanged()`
 * still says yes, renames it over `target` in one step: a reader sees the old file or the new
 * one, never a missing or partial one. Returns false, replacing nothing, when `unchanged()` says
 * no. The check and the rename are two system calls: a change between them is not seen.
 */
export async function replaceFile(
  dir: string,
  target: string,
  bytes: Uint8Array,
  unchanged: () => Promise<boolean>,
): Promise<boolean> {
  let temp: string | undefined;
  try {
    temp = await writeTemp(dir, bytes);
    if (!await unchanged()) return false;
    await Deno.rename(temp, target);
    temp = undefined;
    return true;
  } finally {
    if (temp) await Deno.remove(temp).catch(() => {});
  }
}

/** A regular file's text and the file it was read from (its device, inode, size and date). */
export interface FileText {
  text: string;
  info: Deno.FileInfo;
}

/**
 * The text of the regular file at `path`, or `undefined` when it is missing or not a regular
 * file; `"replaced"` when what was opened is not what is at `path` after the open (a link, or
 * another file put there meanwhile).
 */
export async function readFileText(path: string): Promise<string | undefined | "replaced"> {
  const read = await readFileWithInfo(path);
  return typeof read === "object" ? read.text : read;
}

/** As {@linkcode readFileText}, with the information of the file read. */
export async function readFileWithInfo(
  path: string,
): Promise<FileText | undefined | "replaced"> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (isMissing(e) || e instanceof Deno.errors.IsADirectory) return undefined;
    throw e;
  }
  try {
    const opened = await file.stat();
    if (!opened.isFile) return undefined;
    const there = await lstatOrMissing(path);
    if (
      !there?.isFile ||
      (opened.ino !== null && (opened.ino !== there.ino || opened.dev !== there.dev))
    ) {
      return "replaced";
    }
    const chunks: Uint8Array[] = [];
    const buffer = new Uint8Array(64 * 1024);
    for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
      chunks.push(buffer.slice(0, n));
    }
    const bytes = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
    chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
    return { text: new TextDecoder().decode(bytes), info: opened };
  } finally {
    file.close();
  }
}

/** Whether two reads of a path found the same file (same inode where the system has them) with the same text. */
export function sameFile(a: FileText, b: FileText): boolean {
  const sameInode = a.info.ino === null ||
    (a.info.ino === b.info.ino && a.info.dev === b.info.dev);
  return sameInode && a.text === b.text;
}
