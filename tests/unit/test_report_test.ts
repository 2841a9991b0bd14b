/**
 * How the test runner (scripts/test.ts) reads `deno test`'s output: the summary, each test's
 * result in both layouts, skipped tests with their reasons, and the order of the next run.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  parseDuration,
  parseSummary,
  ResultReader,
  slowestFirst,
} from "../../scripts/test_report.ts";
import { missingShell, skipIf } from "../helpers/skip.ts";

const grey = (text: string) => `\x1b[0m\x1b[38;5;245m${text}\x1b[0m`;

Deno.test("test report: the last summary line, with steps and ignored tests", () => {
  strictEqual(parseSummary("no summary here"), undefined);
  deepStrictEqual(
    parseSummary(
      `ok | 1 passed | 0 failed (1s)\n\x1b[0m\x1b[32mok\x1b[0m | 312 passed (45 steps) | 0 failed | 2 ignored ${
        grey("(3m30s)")
      }\n`,
    ),
    { passed: 312, failed: 0, ignored: 2 },
  );
  deepStrictEqual(parseSummary("FAILED | 3 passed | 1 failed (1 step) (9ms)"), {
    passed: 3,
    failed: 1,
    ignored: 0,
  });
});

Deno.test("test report: durations in every unit deno prints", () => {
  strictEqual(parseDuration("3m30s"), 210);
  strictEqual(parseDuration("12s"), 12);
  strictEqual(parseDuration("250ms"), 0.25);
  strictEqual(parseDuration("500µs"), 0.0005);
});

Deno.test("test report: results in the parallel and the serial layout, steps left out", () => {
  const reader = new ResultReader();
  // Chunks do not end at line ends.
  const parallel = [
    `${grey("./tests/e2e/a_test.ts =>")} a: first ... \x1b[32mok\x1b[0m ${grey("(2s)")}\n`,
    `${grey("./tests/e2e/a_test.ts =>")} a: first ... step one ... ok (1s)\n`,
    `${
      grey("./tests/unit/b_test.ts =>")
    } b: off [skipped: zsh is not installed] ... ignored (0ms)\n`,
    `${grey("./tests/e2e/a_test.ts =>")} a: second ... FAILED (500ms)\n`,
  ].join("");
  reader.push(parallel.slice(0, 37));
  reader.push(parallel.slice(37));
  reader.push("running 2 tests from ./tests/meta/c_test.ts\nc: one ... ok (1m1s)\n");
  reader.push("  c: a step ... ok (1s)\nc: two ... ok (");
  reader.push("3s)\n");
  deepStrictEqual(reader.results.map((r) => [r.file, r.name, r.outcome, r.seconds]), [
    ["tests/e2e/a_test.ts", "a: first", "ok", 2],
    ["tests/unit/b_test.ts", "b: off [skipped: zsh is not installed]", "ignored", 0],
    ["tests/e2e/a_test.ts", "a: second", "FAILED", 0.5],
    ["tests/meta/c_test.ts", "c: one", "ok", 61],
    ["tests/meta/c_test.ts", "c: two", "ok", 3],
  ]);
  deepStrictEqual(reader.durations(), {
    "tests/e2e/a_test.ts": 2.5,
    "tests/unit/b_test.ts": 0,
    "tests/meta/c_test.ts": 64,
  });
});

Deno.test("test report: the slowest files of the last run first, new files before all", () => {
  deepStrictEqual(
    slowestFirst(["a", "b", "c", "new2", "new1"], { a: 1, b: 30, c: 1 }),
    ["new1", "new2", "b", "a", "c"],
  );
});

Deno.test("skipped tests carry their reason in their name; shells are required under CI", () => {
  deepStrictEqual(skipIf(undefined, "t"), { name: "t", ignore: false });
  deepStrictEqual(skipIf("why", "t"), { name: "t [skipped: why]", ignore: true });
  const absent = () => false;
  const present = () => true;
  strictEqual(missingShell("zsh", {}, present), undefined);
  strictEqual(
    missingShell("zsh", {}, absent),
    "zsh is not installed: apt-get install zsh (macOS: brew install zsh)",
  );
  strictEqual(
    missingShell("fish", { CI: "false" }, absent)?.startsWith(
      "fish is not installed: apt-get install fish",
    ),
    true,
  );
  // Under CI, or when asked, the test runs (and fails, saying how to install the shell).
  strictEqual(missingShell("zsh", { CI: "true" }, absent), undefined);
  strictEqual(missingShell("fish", { CREDS3_TEST_REQUIRE_SHELLS: "1" }, absent), undefined);
});
