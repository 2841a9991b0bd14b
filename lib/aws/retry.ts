/**
 * How creds3's AWS clients retry: the SDK's standard mode, less its client-wide retry quota.
 *
 * Kept from the SDK: what is retried (the SDK classifies each failure: throttling such as S3
 * `SlowDown` or KMS `ThrottlingException`, HTTP 500/502/503/504, timeouts and connection
 * resets; never a client error such as access denied), and the backoff: exponential with full
 * jitter, a random delay below `min(base · 2^retry, 20 s)`, base 50 ms, 1 s after throttling,
 * and at least a server's `Retry-After`.
 *
 * Left out: the standard mode's retry quota, 500 tokens per client of which every retry takes
 * 14 (5 after throttling) and every success gives back 1. It protects a long-running service
 * from retry storms, but a `getall` of hundreds of secrets during a burst of errors drains it in
 * a few hundred requests, after which requests that still have attempts left fail at once, and
 * one failed secret fails the whole command (measured: 116 of 300 reads failed at a 50% rate of
 * 500s). creds3 is a batch client whose load is already bounded by `--concurrency`, and a
 * worker that backs off holds its slot, so a throttled `getall` slows down instead of failing:
 * every request gets its `--max-attempts`.
 *
 * @module
 */

/** The part of a retry token the SDK's retry middleware uses. */
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** What the SDK's retry middleware tells the strategy about a failed attempt. */
interface RetryErrorInfo {
  errorType: "TRANSIENT" | "THROTTLING" | "SERVER_ERROR" | "CLIENT_ERROR";
  retryAfterHint?: Date;
}

/** The SDK's `RetryStrategyV2`, as creds3 implements it. */
export interface RetryStrategy {
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken>;
  recordSuccess(token: RetryToken): void;
}

/** The SDK's standard mode bases and cap, in milliseconds. */
export const BASE_DELAY_MS = 50;
export const THROTTLING_BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 20_000;
/** How much longer than its own backoff a request waits for a server's `Retry-After`, at most. */
const RETRY_AFTER_EXTRA_MS = 5_000;

function token(count: number, delay: number): RetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => delay };
}

/**
 * The backoff before retry number `retry + 1` (0 for the first retry): a random delay below
 * `min(base · 2^retry, 20 s)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backoffMs } from "./retry.ts";
 *
 * assert.equal(backoffMs(3, "TRANSIENT", () => 0.5), 200);
 * assert.equal(backoffMs(3, "THROTTLING", () => 0.5), 4000);
 * assert.equal(backoffMs(30, "THROTTLING", () => 0.999), 19980);
 * ```
 */
export function backoffMs(
  retry: number,
  errorType: RetryErrorInfo["errorType"],
  random: () => number = Math.random,
): number {
  const base = errorType === "THROTTLING" ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  return Math.floor(random() * Math.min(base * 2 ** retry, MAX_DELAY_MS));
}

/**
 * The retry strategy for a client: up to `maxAttempts` attempts per request (the first
 * included), each request on its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryStrategy } from "./retry.ts";
 *
 * const strategy = retryStrategy(2);
 * const first = await strategy.acquireInitialRetryToken("");
 * const second = await strategy.refreshRetryTokenForRetry(first, { errorType: "THROTTLING" });
 * assert.equal(second.getRetryCount(), 1);
 * assert.ok(second.getRetryDelay() < 1000);
 * // The second attempt was the last, and access denied is never retried.
 * await assert.rejects(strategy.refreshRetryTokenForRetry(second, { errorType: "THROTTLING" }));
 * await assert.rejects(strategy.refreshRetryTokenForRetry(first, { errorType: "CLIENT_ERROR" }));
 * ```
 */
export function retryStrategy(maxAttempts: number): RetryStrategy {
  return {
    acquireInitialRetryToken: () => Promise.resolve(token(0, 0)),
    refreshRetryTokenForRetry(previous, info) {
      const retry = previous.getRetryCount();
      const retryable = info.errorType === "THROTTLING" || info.errorType === "TRANSIENT";
      if (!retryable || retry + 1 >= maxAttempts) {
        // The middleware then throws the request's own error, with its attempt count.
        return Promise.reject(new Error("No retry token available"));
      }
      let delay = backoffMs(retry, info.errorType);
      if (info.retryAfterHint instanceof Date) {
        const wanted = info.retryAfterHint.getTime() - Date.now();
        delay = Math.max(delay, Math.min(wanted, delay + RETRY_AFTER_EXTRA_MS));
      }
      // The middleware sleeps for the token's delay (and stops early if the call is aborted).
      return Promise.resolve(token(retry + 1, delay));
    },
    recordSuccess() {},
  };
}
