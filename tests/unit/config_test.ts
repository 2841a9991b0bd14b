/** Unit tests of the configuration (`lib/config/config.ts`): timeouts and deferred checks. */
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { configFromEnv } from "../../lib/config/config.ts";

Deno.test("config: a short connect timeout within the per-attempt one", () => {
  const defaults = configFromEnv({});
  deepStrictEqual([defaults.timeoutMs, defaults.connectTimeoutMs], [10_000, 3000]);
  const short = configFromEnv({ CREDS3_TIMEOUT: "1.5" });
  deepStrictEqual([short.timeoutMs, short.connectTimeoutMs], [1500, 1500]);
});

Deno.test("config: an invalid concurrency is kept as the error to report where it is used", () => {
  const bad = configFromEnv({ CREDS3_CONCURRENCY: "abc" });
  strictEqual(bad.concurrency, 32);
  match(bad.invalid?.concurrency?.message ?? "", /Concurrency 'abc' is not a whole number/);
  strictEqual(configFromEnv({ CREDS3_CONCURRENCY: "" }).invalid, undefined);
  strictEqual(configFromEnv({ CREDS3_CONCURRENCY: "7" }).concurrency, 7);
});
