/**
 * Bounded concurrency: run an async function over items with at most N in flight.
 *
 * @module
 */

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep the input order.
 * Every item is attempted; the results are settled, never thrown.
 *
 * @example
 * ```ts
 * import { mapSettled } from "./pool.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const results = await mapSettled([1, 2, 3], 2, async (n) => n * 2);
 * deepStrictEqual(results.map((r) => r.status === "fulfilled" && r.value), [2, 4, 6]);
 * ```
 */
export async function mapSettled<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await fn(items[index], index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  }
  const workers = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker);
  await Promise.all(workers);
  return results;
}
