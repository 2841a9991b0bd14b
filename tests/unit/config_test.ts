/** Unit tests of the configuration (`lib/config/config.ts`): timeouts and deferred checks. */
import { deepStrictEqual, match, strictEqual, throws } from "node:assert/strict";
import { configFromEnv } from "../../lib/config/config.ts";
import { formatLocation, parseLocation } from "../../lib/config/location.ts";
import { UsageError } from "../../lib/core/errors.ts";

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

Deno.test("config: a credstash table, dynamodb:TABLE, with credstash's key by default", () => {
  const config = configFromEnv({ CREDS3_LOCATION: "dynamodb:credential-store" });
  deepStrictEqual(config.location, { kind: "dynamodb", table: "credential-store" });
  deepStrictEqual(config.key, { kind: "kms", id: "alias/credstash" });
  deepStrictEqual(
    configFromEnv({ CREDS3_LOCATION: "dynamodb:t.x_y-z", CREDS3_KEY: "alias/mine" }).key,
    { kind: "kms", id: "alias/mine" },
  );
  deepStrictEqual(configFromEnv({ CREDS3_LOCATION: "my-bucket" }).key, {
    kind: "kms",
    id: "alias/creds3",
  });
  strictEqual(formatLocation(parseLocation("dynamodb:Team.Secrets")), "dynamodb:Team.Secrets");
  for (const bad of ["dynamodb:", "dynamodb:ab", "dynamodb:a b c", `dynamodb:${"t".repeat(256)}`]) {
    throws(() => parseLocation(bad), UsageError, bad);
  }
  // 3 to 255 letters, digits, '_', '-' and '.': as DynamoDB names tables.
  strictEqual(parseLocation(`dynamodb:${"t".repeat(255)}`).kind, "dynamodb");
});
