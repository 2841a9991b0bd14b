/** The progress line (`lib/cli/progress.ts`): only on a terminal, over 50 secrets, throttled. */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { PROGRESS_THRESHOLD, progressReporter } from "../../lib/cli/progress.ts";

function fakeOutput(terminal: boolean) {
  const chunks: string[] = [];
  return {
    chunks,
    isTerminal: () => terminal,
    writeSync(bytes: Uint8Array) {
      chunks.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
}

Deno.test("progress: nothing at all when the output is not a terminal", () => {
  strictEqual(progressReporter("reading secrets", fakeOutput(false)), undefined);
});

Deno.test("progress: only over 50 secrets, throttled, erased at the end", () => {
  const out = fakeOutput(true);
  let clock = 0;
  const report = progressReporter("reading secrets", out, () => clock)!;
  for (let done = 0; done <= PROGRESS_THRESHOLD; done++) report(done, PROGRESS_THRESHOLD);
  deepStrictEqual(out.chunks, [], "50 secrets show nothing");
  const total = PROGRESS_THRESHOLD + 10;
  report(0, total);
  report(1, total); // within 100 ms of the last line: skipped
  clock = 150;
  report(2, total);
  report(total, total);
  deepStrictEqual(out.chunks, [
    "\r\x1b[Kcreds3: reading secrets 0/60",
    "\r\x1b[Kcreds3: reading secrets 2/60",
    "\r\x1b[K",
  ]);
});

/** A local store with `count` secrets, written through the library (fast). */
