/**
 * What `import` prints on stderr: the problems of a file, and the versions it stored.
 *
 * @module
 */
import type { ImportProblem } from "../plugins/importers/read.ts";
import { printMessage } from "./output.ts";

/** Problems listed one by one before "and N more". */
const LISTED_PROBLEMS = 20;

/**
 * Prints each problem of a file as an error line naming its line, at most twenty, then how
 * many more there are. A single problem is not printed: the error that follows says it.
 */
export function printProblems(source: string, problems: readonly ImportProblem[]): void {
  if (problems.length < 2) return;
  for (const { line, message } of problems.slice(0, LISTED_PROBLEMS)) {
    printMessage(`creds3: error: ${source} line ${line}: ${message}`);
  }
  if (problems.length > LISTED_PROBLEMS) {
    printMessage(`creds3: error: ... and ${problems.length - LISTED_PROBLEMS} more problems`);
  }
}

/** Prints a line per item, at most `limit` (default all), then how many more there are. */
export function printVersions<T>(
  items: readonly T[],
  line: (item: T) => string,
  limit = Infinity,
): void {
  for (const item of items.slice(0, limit)) printMessage(line(item));
  if (items.length > limit) printMessage(`... and ${items.length - limit} more`);
}
