/**
 * Appending to a file another program reads, such as a CI runner's environment file.
 *
 * @module
 */
import { Creds3Error } from "../core/errors.ts";
import { writeErrorReason } from "./atomic_file.ts";

/**
 * Appends `data` to `path` in one append-mode write (the file is created, mode 0600, when it
 * does not exist; an existing file keeps its mode and content), then flushes it to disk.
 *
 * @throws {Creds3Error} Naming the path and the reason when the file cannot be written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendFile } from "./append_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await appendFile(`${dir}/env`, new TextEncoder().encode("A=1\n"));
 * await appendFile(`${dir}/env`, new TextEncoder().encode("B=2\n"));
 * assert.equal(await Deno.readTextFile(`${dir}/env`), "A=1\nB=2\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function appendFile(path: string, data: Uint8Array): Promise<void> {
  let file: Deno.FsFile;
  try {
    if ((await Deno.stat(path).catch(() => undefined))?.isDirectory) {
      throw new Deno.errors.IsADirectory();
    }
    file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
  } catch (error) {
    throw new Creds3Error(`Cannot append to '${path}': ${writeErrorReason(error)}`, {
      cause: error,
    });
  }
  try {
    let offset = 0;
    while (offset < data.length) offset += await file.write(data.subarray(offset));
    await file.syncData();
  } catch (error) {
    throw new Creds3Error(`Cannot append to '${path}': ${writeErrorReason(error)}`, {
      cause: error,
    });
  } finally {
    file.close();
  }
}
