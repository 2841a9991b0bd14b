/**
 * Reading `deno test`'s output: the summary line, each test's result and duration (so that the
 * next run can start the slowest files first), and the tests that were skipped.
 *
 * @module
 */

/** The counts of `deno test`'s summary line. */
export interface Summary {
  passed: number;
  failed: number;
  ignored: number;
}

/** One test's result line. */
export interface TestResult {
  /** The test file, `tests/...` (`./` removed). */
  file: string;
  name: string;
  outcome: "ok" | "FAILED" | "ignored";
  /** Seconds. */
  seconds: number;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** Parsed `deno test` summary line: `ok | 12 passed (3 steps) | 0 failed | 1 ignored (2s)`. */
export function parseSummary(output: string): Summary | undefined {
  const plain = output.replace(ANSI, "");
  const pattern =
    /^(?:ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?(?: \| (\d+) ignored(?: \(\d+ steps?\))?)?/gm;
  let last: RegExpExecArray | undefined;
  for (const match of plain.matchAll(pattern)) last = match;
  if (!last) return undefined;
  return { passed: Number(last[1]), failed: Number(last[2]), ignored: Number(last[3] ?? 0) };
}

/** `(1m2s)`, `(3s)`, `(12ms)`, `(268µs)` in seconds. */
export function parseDuration(text: string): number {
  let seconds = 0;
  for (const [, value, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|µs|m|s)/g)) {
    seconds += Number(value) * { m: 60, s: 1, ms: 1e-3, "µs": 1e-6 }[unit]!;
  }
  return seconds;
}

/**
 * Reads test result lines as they come, in both of `deno test`'s layouts: with `--parallel`
 * each line starts with `./FILE => `; without it a `running N tests from ./FILE` line comes
 * before a file's results. Steps are part of their test and are not counted: indented without
 * `--parallel`, `TEST ... STEP ... ok` with it.
 */
export class ResultReader {
  readonly results: TestResult[] = [];
  #file = "";
  #partial = "";

  /** Feeds a chunk of output. */
  push(text: string): void {
    const lines = (this.#partial + text).split("\n");
    this.#partial = lines.pop()!;
    for (const line of lines) this.#line(line.replace(ANSI, "").trimEnd());
  }

  #line(line: string): void {
    const running = line.match(/^running \d+ tests? from \.\/(\S+)$/);
    if (running) {
      this.#file = running[1];
      return;
    }
    const result = line.match(/^(?:\.\/(\S+) => )?(\S.*) \.\.\. (ok|FAILED|ignored) \(([^)]*)\)$/);
    if (!result || result[2].includes(" ... ")) return;
    this.results.push({
      file: result[1] ?? this.#file,
      name: result[2],
      outcome: result[3] as TestResult["outcome"],
      seconds: parseDuration(result[4]),
    });
  }

  /** Seconds of test time per file. */
  durations(): Record<string, number> {
    const byFile: Record<string, number> = {};
    for (const r of this.results) byFile[r.file] = (byFile[r.file] ?? 0) + r.seconds;
    return byFile;
  }
}

/**
 * The files in the order to start them: the slowest of the last run first, files without a
 * time (new ones) before all, ties in name order.
 */
export function slowestFirst(files: string[], seconds: Record<string, number>): string[] {
  const time = (file: string) => seconds[file] ?? Infinity;
  return [...files].sort((a, b) => time(b) - time(a) || (a < b ? -1 : a > b ? 1 : 0));
}
