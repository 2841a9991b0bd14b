/**
 * `put -P`: the value is typed at a real pseudo-terminal (Python's `os.openpty`, the CLI in a
 * new session with the pty as its controlling terminal, stdin/stdout/stderr on pipes). What the
 * terminal shows is recorded: the value must never appear there, must be stored, and the
 * terminal must be back in its normal mode afterwards.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { localBackend } from "../../helpers/backends.ts";
import { cliArgv, cliEnv, REPO_ROOT, runCli } from "../../helpers/cli.ts";
import { withCleanup } from "../../helpers/scoped.ts";
import { onPty } from "../../helpers/pty.ts";

/** A local store, its environment with PATH for a spawned CLI, and `put -P ...` as argv. */
async function localStore() {
  const b = await localBackend();
  const put = (...args: string[]) => cliArgv(["put", "-P", ...args]);
  return { env: cliEnv(b.env), put, cleanup: b.cleanup };
}

const VALUE = "prompted secret ✓ with spaces";

Deno.test("prompt: the harness sees echo when a program leaves it on", async () => {
  // The control: 'read' in a shell echoes what is typed, and the recorded screen shows it.
  const r = await onPty(["sh", "-c", "printf 'say: ' >/dev/tty; read answer </dev/tty"], {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  }, [["say: ", `${VALUE}\r`]]);
  strictEqual(r.code, 0);
  ok(r.shown.includes(VALUE), `echo visible: ${JSON.stringify(r.shown)}`);
});

Deno.test("prompt: put -P reads the value twice at the terminal, never echoed, and stores it", async () => {
  await withCleanup(localStore, async (s) => {
    // Typing with edits: a wrong last character (multi-byte) rubbed out with backspace.
    const typed = `${VALUE}é\x7f\r`;
    const r = await onPty(s.put("db/typed", "env=prod"), s.env, [
      ["Value for 'db/typed'", typed],
      ["Again", typed],
    ]);
    strictEqual(r.code, 0, r.stderr);
    strictEqual(r.stdout, "");
    match(r.stderr, /Stored 'db\/typed' version 1/);
    match(r.shown, /Value for 'db\/typed' \(not shown\): /);
    ok(!r.shown.includes(VALUE), `value echoed: ${JSON.stringify(r.shown)}`);
    ok(!r.shown.includes("✓") && !r.shown.includes("é"), JSON.stringify(r.shown));
    ok(!r.stderr.includes(VALUE));
    deepStrictEqual([r.echo, r.icanon], [true, true], "terminal mode restored");
    const get = await runCli(["get", "db/typed", "env=prod"], { env: s.env });
    strictEqual(get.stdout, `${VALUE}\n`, get.stderr);
  });
});

Deno.test("prompt: different answers, an empty answer and Ctrl-C store nothing", async () => {
  await withCleanup(localStore, async (s) => {
    const cases: [string, [string, string][], RegExp][] = [
      ["differ", [["Value for", "first-try\r"], ["Again", "second-try\r"]], /values differ/],
      ["empty", [["Value for", "\r"]], /No value was entered/],
      ["cancelled", [["Value for", "half-typed\x03"]], /Cancelled at the prompt/],
    ];
    for (const [label, steps, error] of cases) {
      const r = await onPty(s.put(`db/${label}`), s.env, steps);
      strictEqual(r.code, 2, `${label}: ${r.stderr}`);
      strictEqual(r.stdout, "");
      match(r.stderr, error);
      for (const secret of ["first-try", "second-try", "half-typed"]) {
        ok(!r.shown.includes(secret) && !r.stderr.includes(secret), `${label}: ${secret} shown`);
      }
      deepStrictEqual([r.echo, r.icanon], [true, true], `${label}: terminal mode restored`);
    }
    strictEqual((await runCli(["list"], { env: s.env })).stdout, "");
  });
});

Deno.test("prompt: without a terminal, or with a value argument, put -P is a usage error", async () => {
  await withCleanup(localStore, async (s) => {
    const detached = await onPty(s.put("db/none"), s.env, [], { detach: true });
    strictEqual(detached.code, 2, detached.stderr);
    match(detached.stderr, /-P needs a terminal/);
    match(detached.stderr, /hint: give the value as @FILE, or pipe it in with '-'/);
    const withValue = await runCli(["put", "-P", "db/none", "oops-a-value"], { env: s.env });
    strictEqual(withValue.code, 2);
    match(withValue.stderr, /give no value argument/);
    ok(!withValue.stderr.includes("oops-a-value"), withValue.stderr);
    const missing = await runCli(["put", "db/none"], { env: s.env });
    strictEqual(missing.code, 2);
    match(missing.stderr, /The value is missing/);
    strictEqual((await runCli(["list"], { env: s.env })).stdout, "");
  });
});

Deno.test("prompt: put reports a bad configuration before it asks for or reads the value", async () => {
  await withCleanup(localStore, async (s) => {
    // If the prompt came first, Ctrl-C answers it and the error is about the cancel instead.
    const r = await onPty(s.put("db/early", "--timeout", "abc"), s.env, [["Value for", "\x03"]]);
    strictEqual(r.code, 2, r.stderr);
    match(r.stderr, /^creds3: error: Timeout 'abc' is not a number of seconds/);
    ok(!r.shown.includes("Value for"), `prompted: ${JSON.stringify(r.shown)}`);

    // Standard input stays open and empty: a put that read it first would wait here until
    // the timer ends it.
    const [deno, ...args] = cliArgv(["put", "db/early", "-", "--max-attempts", "0"]);
    const child = new Deno.Command(deno, {
      args,
      cwd: REPO_ROOT,
      clearEnv: true,
      env: s.env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const timer = setTimeout(() => child.kill(), 30_000);
    const out = await child.output().finally(() => clearTimeout(timer));
    await child.stdin.close().catch(() => {});
    const stderr = new TextDecoder().decode(out.stderr);
    strictEqual(out.signal, null, "put waited for standard input before checking its options");
    strictEqual(out.code, 2, stderr);
    match(stderr, /^creds3: error: Attempt count '0' is not a whole number from 1 to 1024/);
    strictEqual((await runCli(["list"], { env: s.env })).stdout, "");
  });
});
