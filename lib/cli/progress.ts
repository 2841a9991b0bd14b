/**
 * Progress of long reads on stderr: `creds3: reading secrets 37/120` on one rewritten line,
 * only when stderr is a terminal and more than {@link PROGRESS_THRESHOLD} secrets are read,
 * and erased when the reading ends. Never on a pipe or a file, so logs and captured stderr
 * hold only messages.
 *
 * @module
 */

/** Reads of more secrets than this show progress. */
export const PROGRESS_THRESHOLD = 50;

/** Where progress goes: a terminal-like writer. */
export interface ProgressOutput {
  isTerminal(): boolean;
  writeSync(bytes: Uint8Array): number;
}

const encoder = new TextEncoder();
const INTERVAL_MS = 100;

/**
 * A progress callback for `CredentialStore.getMany`, or undefined when `output` (default
 * stderr) is not a terminal. `now` is the clock, for tests.
 */
export function progressReporter(
  label: string,
  output: ProgressOutput = Deno.stderr,
  now: () => number = () => performance.now(),
): ((done: number, total: number) => void) | undefined {
  if (!output.isTerminal()) return undefined;
  let shown = false;
  let last = -Infinity;
  const write = (text: string) => {
    const bytes = encoder.encode(text);
    let offset = 0;
    while (offset < bytes.length) offset += output.writeSync(bytes.subarray(offset));
  };
  return (done, total) => {
    if (total <= PROGRESS_THRESHOLD) return;
    if (done >= total) {
      if (shown) write("\r\x1b[K");
      shown = false;
      return;
    }
    const t = now();
    if (shown && t - last < INTERVAL_MS) return;
    last = t;
    shown = true;
    write(`\r\x1b[Kcreds3: ${label} ${done}/${total}`);
  };
}
