/**
 * The file operations of the directory store that know nothing of names: look without
 * following links, write a new file under a name that must not exist, and read a file
 * checked to be the one that was looked at.
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

/**
 * Writes `bytes` to a new temporary file in `dir` (created exclusively, mode 0600), flushes it,
 * then hard-links it to `target`, which fails with `Deno.errors.AlreadyExists` when `target`
 * exists (even as a link): never replaced, never half-written. The temporary file is removed.
 */
export async function linkNewFile(dir: string, target: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dir, `${TEMP_PREFIX}${crypto.randomUUID()}`);
  try {
    const file = await Deno.open(temp, { createNew: true, write: true, mode: 0o600 });
    try {
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      // On disk before it gets its name: a crash never leaves a linked but empty version.
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.link(temp, target);
  } finally {
    await Deno.remove(temp).catch(() => {});
  }
}

/**
 * The text of the regular file at `path`, or `undefined` when it is missing or not a regular
 * file; `"replaced"` when what was opened is not what is at `path` after the open (a link, or
 * another file put there meanwhile).
 */
export async function readFileText(path: string): Promise<string | undefined | "replaced"> {
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
    return new TextDecoder().decode(bytes);
  } finally {
    file.close();
  }
}
