/** Bounded concurrency (lib/core/pool.ts): the limit every multi-secret read runs under. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { mapSettled } from "../../lib/core/pool.ts";

/** Runs mapSettled over `n` items with `limit`, each item taking a few event-loop turns. */
async function track(n: number, limit: number, fail: (i: number) => boolean = () => false) {
  let inFlight = 0;
  let peak = 0;
  const started: number[] = [];
  const results = await mapSettled(Array.from({ length: n }, (_, i) => i), limit, async (i) => {
    started.push(i);
    inFlight++;
    peak = Math.max(peak, inFlight);
    // Uneven durations, so that later items overtake earlier ones.
    await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
    inFlight--;
    if (fail(i)) throw new Error(`item ${i} failed`);
    return i * 10;
  });
  return { results, peak, started };
}

Deno.test("pool: never more than the limit in flight, and the limit is reached", async () => {
  for (const limit of [1, 4, 32]) {
    const { peak, results } = await track(100, limit);
    strictEqual(peak, limit, `limit ${limit}`);
    strictEqual(results.length, 100);
  }
});

Deno.test("pool: results keep the input order; items start in input order", async () => {
  const { results, started } = await track(50, 8);
  deepStrictEqual(
    results.map((r) => r.status === "fulfilled" ? r.value : undefined),
    Array.from({ length: 50 }, (_, i) => i * 10),
  );
  deepStrictEqual(started, Array.from({ length: 50 }, (_, i) => i));
});

Deno.test("pool: a failure is settled in its place and the other items still run", async () => {
  const { results } = await track(20, 4, (i) => i % 6 === 0);
  strictEqual(results.length, 20);
  results.forEach((r, i) => {
    if (i % 6 === 0) {
      strictEqual(r.status, "rejected");
      strictEqual((r as PromiseRejectedResult).reason.message, `item ${i} failed`);
    } else {
      deepStrictEqual(r, { status: "fulfilled", value: i * 10 });
    }
  });
});

Deno.test("pool: more workers than items, no items, and a limit below 1", async () => {
  strictEqual((await track(3, 64)).peak, 3);
  deepStrictEqual(await mapSettled([], 8, () => Promise.resolve(1)), []);
  strictEqual((await track(5, 0)).peak, 1);
});
