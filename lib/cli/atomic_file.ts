/**
 * Writing a file all at once or not at all.
 *
 * @module
 */
import { Creds3Error, osErrorCode } from "../core/errors.ts";

/** Options of {@linkcode writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Permission bits of the written file (default `0o600`), set whatever the umask. */
  mode?: number;
}

function parts(path: string): { dir: string; base: string } {
  const slash = path.lastIndexOf("/");
  if (slash < 0) return { dir: ".", base: path };
  return { dir: slash === 0 ? "/" : path.slice(0, slash), base: path.slice(slash + 1) };
}

/** Why a file could not be written, in words (no stack, no secret). */
export function writeErrorReason(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "its folder does not exist";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes `data` to `path` atomically: into a new temporary file in the same folder (created
 * exclusively, mode 0600), flushed to disk, then renamed over `path`. Readers see either the
 * old file or the complete new one; on any failure the temporary file is removed and `path`
 * is left as it was (absent or unchanged). A symbolic link at `path` is replaced, not followed.
 *
 * @throws {Creds3Error} Naming the path and the reason when the file cannot be written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "./atomic_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/out.env`, new TextEncoder().encode("A='1'\n"));
 * assert.equal(await Deno.readTextFile(`${dir}/out.env`), "A='1'\n");
 * assert.equal((await Deno.stat(`${dir}/out.env`)).mode! & 0o777, 0o600);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const { dir, base } = parts(path);
  if (base === "" || base === "." || base === "..") {
    throw new Creds3Error(`Cannot write '${path}': it names a folder, not a file`);
  }
  if ((await Deno.lstat(path).catch(() => undefined))?.isDirectory) {
    throw new Creds3Error(`Cannot write '${path}': it is a directory`);
  }
  const random = crypto.getRandomValues(new Uint8Array(6));
  const suffix = Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("");
  const temp = `${dir === "/" ? "" : dir}/.${base}.${suffix}.tmp`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(temp, { write: true, createNew: true, mode: 0o600 });
  } catch (error) {
    throw new Creds3Error(`Cannot write '${path}': ${writeErrorReason(error)}`, {
      code: osErrorCode(error),
      cause: error,
    });
  }
  try {
    try {
      await Deno.chmod(temp, mode);
      let offset = 0;
      while (offset < data.length) offset += await file.write(data.subarray(offset));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw new Creds3Error(`Cannot write '${path}': ${writeErrorReason(error)}`, {
      code: osErrorCode(error),
      cause: error,
    });
  }
}
