/**
 * Writing a file all at once or not at all.
 *
 * @module
 */
import { Creds3Error, osErrorCode } from "../core/errors.ts";
import { pathsFor } from "../core/paths.ts";

/** Options of {@linkcode writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Permission bits of the written file (default `0o600`), set whatever the umask. */
  mode?: number;
}

/**
 * The temporary file for writing `path`: `.NAME.SUFFIX.tmp` in the same folder, the folder kept
 * as written (POSIX paths, or Windows paths with `\\`, `/`, drives and UNC shares).
 *
 * @throws {Creds3Error} When `path` names a folder (it ends with a separator, `.` or `..`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { atomicTempPath } from "./atomic_file.ts";
 *
 * assert.equal(atomicTempPath("C:\\app\\.env", "1a2b", true), "C:\\app\\..env.1a2b.tmp");
 * assert.equal(atomicTempPath("/srv/app.env", "1a2b", false), "/srv/.app.env.1a2b.tmp");
 * ```
 */
export function atomicTempPath(path: string, suffix: string, windows: boolean): string {
  const base = pathsFor(windows).basename(path);
  if (base === "" || base === "." || base === "..") {
    throw new Creds3Error(`Cannot write '${path}': it names a folder, not a file`);
  }
  return `${path.slice(0, path.length - base.length)}.${base}.${suffix}.tmp`;
}

/** The signals that end creds3 while a file is written: each removes the temporary file first. */
const INTERRUPTS: readonly Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT", "SIGBREAK"]
  : ["SIGINT", "SIGTERM", "SIGHUP"];

/** The exit status of a process ended by each signal, as shells report it: 128 + its number. */
const SIGNAL_STATUS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 129,
  SIGINT: 130,
  SIGTERM: 143,
  SIGBREAK: 149,
};

/**
 * Until the returned function is called, SIGINT, SIGTERM and SIGHUP (Ctrl-C and Ctrl-Break on
 * Windows) remove `temp` before ending the process as the signal would have. Once interrupted,
 * `interrupted()` is true: the writer must then not report the write's failure (its file is
 * gone because of the signal), only wait for the end.
 */
function removeOnInterrupt(temp: string): { stop: () => void; interrupted: () => boolean } {
  let interrupted = false;
  const listeners = new Map<Deno.Signal, () => void>();
  const stop = () => {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
    listeners.clear();
  };
  for (const signal of INTERRUPTS) {
    const listener = () => {
      interrupted = true;
      try {
        Deno.removeSync(temp);
      } catch {
        // Not created yet, or already renamed into place (complete).
      }
      stop();
      // With no listener left the signal's default action applies again: die by it, as a
      // shell expects. Windows cannot signal itself that way.
      const status = SIGNAL_STATUS[signal] ?? 130;
      if (Deno.build.os === "windows") Deno.exit(status);
      Deno.kill(Deno.pid, signal);
      // The signal to itself is delivered asynchronously; should it not end the process, the
      // status a shell would see stands in for it.
      setTimeout(() => Deno.exit(status), 2_000);
    };
    Deno.addSignalListener(signal, listener);
    listeners.set(signal, listener);
  }
  return { stop, interrupted: () => interrupted };
}

/** Never settles: what an interrupted write waits on while its signal ends the process. */
function untilTheEnd(): Promise<never> {
  return new Promise<never>(() => {});
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
 * is left as it was (absent or unchanged), and so on SIGINT, SIGTERM or SIGHUP while it is
 * written (the process then ends by that signal). A symbolic link at `path` is replaced, not
 * followed.
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
  const random = crypto.getRandomValues(new Uint8Array(6));
  const suffix = Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("");
  const temp = atomicTempPath(path, suffix, Deno.build.os === "windows");
  if ((await Deno.lstat(path).catch(() => undefined))?.isDirectory) {
    throw new Creds3Error(`Cannot write '${path}': it is a directory`);
  }
  // From before the temporary file exists until it is renamed, an interrupt removes it.
  const interrupt = removeOnInterrupt(temp);
  try {
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
      if (interrupt.interrupted()) return await untilTheEnd();
      await Deno.remove(temp).catch(() => {});
      throw new Creds3Error(`Cannot write '${path}': ${writeErrorReason(error)}`, {
        code: osErrorCode(error),
        cause: error,
      });
    }
  } finally {
    interrupt.stop();
  }
}
