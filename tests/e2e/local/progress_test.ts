/**
 * Progress on stderr for reads of more than 50 secrets: shown on a terminal (a real pty made by
 * `script`), never on a pipe.
 */
import { match, ok, strictEqual } from "node:assert/strict";
import { PROGRESS_THRESHOLD } from "../../../lib/cli/progress.ts";
import {
  createMasterKey,
  CredentialStore,
  DirectoryStore,
  LocalKeyProvider,
} from "../../../mod.ts";
import { cliArgv, cliEnv, runCli } from "../../helpers/cli.ts";

async function storeWith(count: number) {
  const home = await Deno.makeTempDir({ prefix: "creds3-progress-" });
  await createMasterKey(`${home}/master.key`);
  const store = new DirectoryStore(`${home}/store`);
  await store.setup();
  const creds = new CredentialStore(store, new LocalKeyProvider(`${home}/master.key`));
  for (let i = 0; i < count; i++) {
    await creds.put(`app/secret-${String(i).padStart(3, "0")}`, `made-up-value-${i}`);
  }
  const env = {
    HOME: home,
    CREDS3_LOCATION: `file:${home}/store`,
    CREDS3_KEY: `local:${home}/master.key`,
  };
  return { home, env, cleanup: () => Deno.remove(home, { recursive: true }) };
}

const COMMANDS: [label: string, args: string[]][] = [
  ["getall", ["getall", "-f", "dotenv"]],
  ["export", ["export", "app/*", "-f", "json"]],
  ["exec", ["exec", "app/*", "--", "true"]],
  ["get with a wildcard", ["get", "app/*"]],
];

Deno.test("progress: never on a pipe, for getall, export and exec over 60 secrets", async () => {
  const s = await storeWith(60);
  try {
    for (const [label, args] of COMMANDS) {
      const r = await runCli(args, { env: s.env });
      strictEqual(r.code, 0, `${label}: ${r.stderr}`);
      strictEqual(r.stderr, "", `${label} writes nothing to a piped stderr`);
    }
  } finally {
    await s.cleanup();
  }
});

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Runs the CLI with stderr on a pseudo-terminal (util-linux `script`); stdout to /dev/null. */
async function onTerminal(args: string[], env: Record<string, string>) {
  const found = await new Deno.Command("sh", { args: ["-c", "command -v script"], stdout: "null" })
    .output();
  if (!found.success) {
    throw new Error(
      "util-linux 'script' is not installed: apt-get install bsdutils (it makes the pty)",
    );
  }
  const line = cliArgv(args).map(shellQuote).join(" ");
  const out = await new Deno.Command("script", {
    args: ["-qec", `${line} >/dev/null`, "/dev/null"],
    clearEnv: true,
    env: cliEnv({ TERM: "xterm", ...env }),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, tty: new TextDecoder().decode(out.stdout) };
}

Deno.test("progress: shown on a terminal for getall, export and exec over 50 secrets", async () => {
  const s = await storeWith(60);
  try {
    for (const [label, args] of COMMANDS) {
      const r = await onTerminal(args, s.env);
      strictEqual(r.code, 0, `${label}: ${r.tty}`);
      match(r.tty, /creds3: reading secrets 0\/60/, `${label} shows progress`);
      ok(r.tty.endsWith("\r\x1b[K"), `${label} erases the progress line: ${JSON.stringify(r.tty)}`);
      ok(!r.tty.includes("made-up-value"), `${label}: no value reaches the terminal`);
    }
  } finally {
    await s.cleanup();
  }
});

Deno.test("progress: 50 secrets or fewer on a terminal show none", async () => {
  const s = await storeWith(PROGRESS_THRESHOLD);
  try {
    const r = await onTerminal(["getall"], s.env);
    strictEqual(r.code, 0, r.tty);
    strictEqual(r.tty, "");
  } finally {
    await s.cleanup();
  }
});
