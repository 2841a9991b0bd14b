/**
 * What a test makes for itself and must remove however it ends: a temporary directory, or
 * anything with a `cleanup()` (a test store, a scratch area). Each `with...` runs the test's
 * body and cleans up afterwards, whether the body passed or threw.
 *
 * @module
 */

/** Runs `fn` in a fresh temporary directory named `prefix...`, removed afterwards. */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Something a test made that it must clean up. */
export interface Disposable {
  cleanup(): Promise<void> | void;
}

/** Runs `fn` with what `make` makes, cleaned up afterwards. */
export async function withCleanup<D extends Disposable, T>(
  make: () => Promise<D>,
  fn: (made: D) => Promise<T>,
): Promise<T> {
  const made = await make();
  try {
    return await fn(made);
  } finally {
    await made.cleanup();
  }
}
