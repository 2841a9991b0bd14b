/** Bounded concurrency (lib/core/pool.ts): the limit every multi-secret read runs under. */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { mapSettled, NotStarted } from "../../lib/core/pool.ts";

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

Deno.test("pool: a failure that matches stopWhen starts no further item", async () => {
  const started: number[] = [];
  const results = await mapSettled(Array.from({ length: 50 }, (_, i) => i), 4, async (i) => {
    started.push(i);
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (i === 5) throw new Error("endpoint down");
    if (i > 5) throw new Error("also down");
    return i;
  }, { stopWhen: (e) => (e as Error).message === "endpoint down" });
  // Items 6 to 8 were in flight (or started before item 5 failed): at most 4 + 4 start.
  ok(started.length <= 9, `started ${started.length}`);
  strictEqual(results.length, 50);
  const notStarted = results.filter((r) =>
    r.status === "rejected" && r.reason instanceof NotStarted
  );
  strictEqual(notStarted.length, 50 - started.length);
  for (const r of notStarted) {
    ok(r.status === "rejected" && (r.reason as NotStarted).stoppedBy instanceof Error);
  }
  deepStrictEqual(results.slice(0, 5).map((r) => r.status === "fulfilled" && r.value), [
    0,
    1,
    2,
    3,
    4,
  ]);
});
