/**
 * Bounded concurrency: run an async function over items with at most N in flight.
 *
 * @module
 */

/** Why an item was never started: an earlier failure stopped the pool ({@linkcode MapOptions.stopWhen}). */
export class NotStarted extends Error {
  constructor(readonly stoppedBy: unknown) {
    super("Not started: an earlier failure stopped the others", { cause: stoppedBy });
    this.name = "NotStarted";
  }
}

/** Options of {@linkcode mapSettled}. */
export interface MapOptions {
  /**
   * A failure for which no further item is started (the calls in flight finish): the items
   * never started are rejected with {@link NotStarted}.
   */
  stopWhen?: (reason: unknown) => boolean;
}

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * Every item is attempted, unless a failure matches `options.stopWhen`; the results are
 * settled, never thrown.
 *
 * @example
 * ```ts
 * import { mapSettled, NotStarted } from "./pool.ts";
 * import { deepStrictEqual, ok } from "node:assert/strict";
 *
 * const results = await mapSettled([1, 2, 3], 2, async (n) => n * 2);
 * deepStrictEqual(results.map((r) => r.status === "fulfilled" && r.value), [2, 4, 6]);
 *
 * const stopped = await mapSettled([1, 2, 3], 1, async (n) => {
 *   if (n === 1) throw new Error("down");
 *   return n;
 * }, { stopWhen: (e) => (e as Error).message === "down" });
 * ok(stopped[2].status === "rejected" && stopped[2].reason instanceof NotStarted);
 * ```
 */
export async function mapSettled<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  options: MapOptions = {},
): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  let stoppedBy: { reason: unknown } | undefined;
  async function worker() {
    while (next < items.length && !stoppedBy) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await fn(items[index], index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
        if (!stoppedBy && options.stopWhen?.(reason)) stoppedBy = { reason };
      }
    }
  }
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker);
  await Promise.all(workers);
  for (let i = next; i < items.length; i++) {
    results[i] = { status: "rejected", reason: new NotStarted(stoppedBy?.reason) };
  }
  return results;
}
