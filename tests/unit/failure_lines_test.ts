/** How a multi-secret read reports its failures: a few one by one, many by cause. */
import { deepStrictEqual } from "node:assert/strict";
import { failureLines } from "../../commands/session.ts";
import { StoreError } from "../../lib/core/errors.ts";

const timeout = (service: string) =>
  new StoreError(`${service} failed: ETIMEDOUT (after 2 attempts)`);
const failure = (name: string, error: Error) => ({ name, version: "1", error });

Deno.test("failure lines: up to three failures are named one by one, with their versions", () => {
  deepStrictEqual(
    failureLines([failure("a", timeout("S3")), failure("b", timeout("S3"))]),
    [
      "'a' version 1: S3 failed: ETIMEDOUT (after 2 attempts)",
      "'b' version 1: S3 failed: ETIMEDOUT (after 2 attempts)",
    ],
  );
});

Deno.test("failure lines: beyond three, one line per cause however few secrets share it", () => {
  const lines = failureLines([
    failure("k1", timeout("KMS")),
    failure("k2", timeout("KMS")),
    failure("s1", timeout("S3")),
    failure("k3", timeout("KMS")),
    failure("k4", timeout("KMS")),
    failure("s2", timeout("S3")),
    failure("x", new StoreError("S3 GetObject failed: AccessDenied")),
  ]);
  deepStrictEqual(lines, [
    "4 secrets could not be read: KMS failed: ETIMEDOUT (after 2 attempts) ('k1', 'k2', 'k3' and 1 more)",
    "2 secrets could not be read: S3 failed: ETIMEDOUT (after 2 attempts) ('s1' version 1, 's2' version 1)",
    "'x' version 1: S3 GetObject failed: AccessDenied",
  ]);
});

Deno.test("failure lines: writes that failed say so, and a failure without a version names none", () => {
  const denied = new StoreError("S3 PutObject failed: AccessDenied");
  const writes = ["w1", "w2", "w3", "w4"].map((name) => failure(name, denied));
  deepStrictEqual(failureLines(writes, "stored"), [
    "4 secrets could not be stored: S3 PutObject failed: AccessDenied ('w1', 'w2', 'w3' and 1 more)",
  ]);
  deepStrictEqual(failureLines([{ name: "n", error: denied }]), [
    "'n': S3 PutObject failed: AccessDenied",
  ]);
});
