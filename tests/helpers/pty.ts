/**
 * Run a program on a real pseudo-terminal (Python's `os.openpty`), answer its prompts and
 * record what the terminal showed.
 *
 * @module
 */
import { strictEqual } from "node:assert/strict";
import { REPO_ROOT } from "./cli.ts";

// Runs argv in a new session with a pty as its controlling terminal (or, with "detach",
// without one), stdout on a pipe (or on the pty with "ttyStdout"), and stdin and stderr on
// pipes too, or on the pty with "ttyStdio". For each step it waits for the text, then types the bytes. Reports the exit
// code, stdout, stderr, everything the terminal showed, and whether echo and canonical mode
// are on at the end.
const DRIVER = String.raw`
import base64, fcntl, json, os, select, subprocess, sys, termios, time
spec = json.load(sys.stdin)
master, slave = os.openpty()
def attach():
    os.setsid()
    if not spec["detach"]:
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
tty_stdio = spec["ttyStdio"]
proc = subprocess.Popen(spec["argv"], env=spec["env"], cwd=spec["cwd"],
    stdin=slave if tty_stdio else subprocess.DEVNULL,
    stdout=slave if spec["ttyStdout"] else subprocess.PIPE,
    stderr=slave if tty_stdio else subprocess.PIPE, preexec_fn=attach, pass_fds=(slave,))
shown = b""
def pump(timeout):
    global shown
    ready, _, _ = select.select([master], [], [], timeout)
    if ready:
        try:
            shown += os.read(master, 4096)
        except OSError:
            return False
    return True
for expect, typed in spec["steps"]:
    deadline = time.time() + 60
    while expect.encode() not in shown and time.time() < deadline and proc.poll() is None:
        pump(0.2)
    if expect.encode() not in shown:
        break
    time.sleep(0.1)
    os.write(master, base64.b64decode(typed))
out, err = proc.communicate(timeout=120)
while pump(0.1) and select.select([master], [], [], 0)[0]:
    pass
attrs = termios.tcgetattr(slave)
print(json.dumps({"code": proc.returncode, "stdout": (out or b"").decode(),
    "stderr": (err or b"").decode(),
    "shown": shown.decode("utf-8", "replace"),
    "echo": bool(attrs[3] & termios.ECHO), "icanon": bool(attrs[3] & termios.ICANON)}))
`;

/** What the program did on the terminal. */
export interface PtyResult {
  code: number;
  /** Empty with `ttyStdout` (stdout went to the terminal). */
  stdout: string;
  /** Empty with `ttyStdio` (stderr went to the terminal). */
  stderr: string;
  /** Everything the terminal displayed. */
  shown: string;
  echo: boolean;
  icanon: boolean;
}

/** Options of {@linkcode onPty}. */
export interface PtyOptions {
  /** A new session without a controlling terminal. */
  detach?: boolean;
  /** stdin and stderr on the terminal too (default: on pipes). */
  ttyStdio?: boolean;
  /** stdout on the terminal too (default: on a pipe). */
  ttyStdout?: boolean;
}

const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

/** Runs `argv` (environment exactly `env`) and types each answer once its prompt shows. */
export async function onPty(
  argv: string[],
  env: Record<string, string>,
  steps: [expect: string, typed: string][],
  options: PtyOptions = {},
): Promise<PtyResult> {
  const child = new Deno.Command("python3", {
    args: ["-c", DRIVER],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(JSON.stringify({
      argv,
      env,
      cwd: REPO_ROOT,
      detach: options.detach ?? false,
      ttyStdio: options.ttyStdio ?? false,
      ttyStdout: options.ttyStdout ?? false,
      steps: steps.map(([expect, typed]) => [expect, b64(typed)]),
    })),
  );
  await writer.close();
  const output = await child.output();
  strictEqual(output.code, 0, `pty driver failed: ${new TextDecoder().decode(output.stderr)}`);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}
