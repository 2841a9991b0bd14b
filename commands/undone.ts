/**
 * What `copy` and `rewrap` share: the versions they could not do, reported on stderr as a
 * multi-secret read reports its failures, and the error that ends the command when any is
 * left.
 *
 * @module
 */
import type { ReadFailure } from "../lib/core/each_version.ts";
import { Creds3Error } from "../lib/core/errors.ts";
import type { VersionEntry } from "../lib/core/names.ts";
import { printMessage, printWarning } from "./output.ts";
import { failureLines } from "./session.ts";

/** How many versions: `1 version`, `3 versions`. */
export function versions(n: number): string {
  return `${n} ${n === 1 ? "version" : "versions"}`;
}

/**
 * Reports the failures (as warnings with `skipErrors`) and the conflicts on stderr, then throws
 * when a conflict is left, or a failure without `skipErrors`. `done` says what could not be
 * done to them ("copied").
 */
export function reportUndone(
  result: { failures: readonly ReadFailure[]; conflicts?: readonly VersionEntry[] },
  options: { skipErrors?: boolean; done: string; total: number },
): void {
  const { failures, conflicts = [] } = result;
  for (const text of failureLines(failures, options.done)) {
    if (options.skipErrors) printWarning(`skipped ${text}`);
    else printMessage(`creds3: error: ${text}`);
  }
  const failed = options.skipErrors ? [] : failures;
  if (failed.length === 0 && conflicts.length === 0) return;
  const parts = [
    ...failed.length > 0
      ? [`${failed.length} of ${versions(options.total)} could not be ${options.done}`]
      : [],
    ...conflicts.length > 0 ? [`${versions(conflicts.length)} conflicting, left as they are`] : [],
  ];
  throw new Creds3Error(parts.join("; "), {
    reason: {
      type: "versions-not-done",
      conflicts: conflicts.length,
      errors: failed.map((f) => f.error),
    },
  });
}
