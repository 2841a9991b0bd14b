/**
 * Saying on a terminal what a long wait is waiting for: `creds3: waiting for S3 at ENDPOINT
 * (GetObject): no answer for 3 s; ...`, on stderr, only when stderr is a terminal, at most one
 * line every few seconds however many requests wait. Never on a pipe or a file.
 *
 * @module
 */
import type { SlowRequest, SlowRequestListener } from "../lib/aws/slow_requests.ts";
import { escapeControls } from "../lib/cli/display.ts";
import type { ProgressOutput } from "../lib/cli/progress.ts";

/** At most one line in this many milliseconds. */
const MIN_INTERVAL_MS = 5000;

/** The limits a line states, so the reader knows how long the wait may last. */
export interface WaitLimits {
  /** Milliseconds per attempt. */
  timeoutMs: number;
  maxAttempts: number;
}

/** The line for a waiting request. */
export function waitingLine(request: SlowRequest, limits: WaitLimits): string {
  const waited = Math.floor(request.waitedMs / 1000);
  return `creds3: waiting for ${request.service} at ${escapeControls(request.endpoint)} ` +
    `(${request.operation}): no answer for ${waited} s; an attempt gives up after ` +
    `${limits.timeoutMs / 1000} s, after ${limits.maxAttempts} ` +
    `attempt${limits.maxAttempts === 1 ? "" : "s"} the command fails ` +
    "(--timeout, --max-attempts)";
}

/**
 * A listener that writes {@linkcode waitingLine} to `output` (default stderr), or undefined when
 * `output` is not a terminal. The line first clears a progress line that may be shown.
 */
export function waitingReporter(
  limits: WaitLimits,
  output: ProgressOutput = Deno.stderr,
  now: () => number = () => performance.now(),
): SlowRequestListener | undefined {
  if (!output.isTerminal()) return undefined;
  let last = -Infinity;
  return (request) => {
    const t = now();
    if (t - last < MIN_INTERVAL_MS) return;
    last = t;
    const bytes = new TextEncoder().encode(`\r\x1b[K${waitingLine(request, limits)}\n`);
    let offset = 0;
    while (offset < bytes.length) offset += output.writeSync(bytes.subarray(offset));
  };
}
