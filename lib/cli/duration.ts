/**
 * Durations on the command line (`prune --older-than 30d`): one or more whole numbers each
 * followed by a unit, `s` seconds, `m` minutes, `h` hours, `d` days (24 hours) or `w` weeks,
 * e.g. `30d`, `12h`, `1w3d`, `90m`. No spaces, no fractions, more than zero in all.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(parseDuration("1d12h"), 36 * 3600 * 1000);
 * ```
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** The length of a duration in milliseconds; anything else is a {@linkcode UsageError}. */
export function parseDuration(text: string): number {
  const fail = () =>
    new UsageError(
      `Duration '${text}' is not whole numbers with units s, m, h, d or w (e.g. 30d, 12h, 1w3d)`,
    );
  if (!/^(?:\d+[smhdw])+$/.test(text)) throw fail();
  let ms = 0;
  for (const [, count, unit] of text.matchAll(/(\d+)([smhdw])/g)) {
    ms += Number(count) * UNIT_MS[unit];
  }
  if (!Number.isSafeInteger(ms)) throw fail();
  if (ms === 0) throw new UsageError(`Duration '${text}' is zero`);
  return ms;
}
