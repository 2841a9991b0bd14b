/**
 * Run the creds3 CLI (`main.ts`) as a user would, in a clean environment: only `PATH`, `HOME`
 * (a fresh temp dir unless given) and `options.env`. The developer's own `AWS_*` and `CREDS3_*`
 * variables never reach it; pass `awsEnv(...)` from `moto.ts` for the test servers.
 *
 * @module
 */

/** How to run the CLI. */
export interface RunCliOptions {
  /** Extra environment (wins over PATH/HOME); nothing else is inherited. */
  env?: Record<string, string>;
  /** `false`: no HOME at all, instead of a fresh temporary one when `env` has none. */
  home?: false;
  /** Bytes or text on standard input; none (closed stdin) when absent. */
  stdin?: string | Uint8Array;
  /** Working directory (default: the repo root). */
  cwd?: string;
  /** Deno's flags before `main.ts` (default `-A`). */
  flags?: readonly string[];
  /** A command the CLI runs under, e.g. `["setpriv", ..., "--"]` (default none). */
  wrapper?: readonly string[];
}

/** What the CLI did, with raw stdout. */
export interface CliBytesResult {
  code: number;
  stdout: Uint8Array;
  stderr: string;
}

/** What the CLI did. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The repository root (the folder holding `main.ts`). */
export const REPO_ROOT: string = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** Path of the CLI entry point. */
export const MAIN_TS = `${REPO_ROOT}/main.ts`;

/** Run `deno run -A main.ts ...args`; stdout decoded as UTF-8. */
export async function runCli(args: string[], options: RunCliOptions = {}): Promise<CliResult> {
  const result = await runCliBytes(args, options);
  return { ...result, stdout: new TextDecoder().decode(result.stdout) };
}

/** The CLI bound to one environment: `cli("get", "name")`. */
export type Cli = (...args: string[]) => Promise<CliResult>;

/** {@linkcode runCli} with `env`, taking the arguments one by one. */
export function cliWith(env: Record<string, string>): Cli {
  return (...args) => runCli(args, { env });
}

/** Run `deno run -A main.ts ...args`; stdout as raw bytes. */
export async function runCliBytes(
  args: string[],
  options: RunCliOptions = {},
): Promise<CliBytesResult> {
  const home = options.env?.HOME || options.home === false
    ? undefined
    : await Deno.makeTempDir({ prefix: "creds3-home-" });
  try {
    const env = cliEnv({ ...(home ? { HOME: home } : {}), ...options.env });
    const [command, ...rest] = [...options.wrapper ?? [], ...cliArgv(args, options.flags)];
    const child = new Deno.Command(command, {
      args: rest,
      cwd: options.cwd ?? REPO_ROOT,
      clearEnv: true,
      env,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Collect output while writing stdin, so a large input cannot deadlock on full pipes.
    const collected = child.output();
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      const input = typeof options.stdin === "string"
        ? new TextEncoder().encode(options.stdin)
        : options.stdin;
      // The CLI may exit without reading its input; a broken pipe is not the test's failure.
      await writer.write(input).catch(() => {});
      await writer.close().catch(() => {});
    }
    const output = await collected;
    return {
      code: output.code,
      stdout: output.stdout,
      stderr: new TextDecoder().decode(output.stderr),
    };
  } finally {
    if (home) await Deno.remove(home, { recursive: true }).catch(() => {});
  }
}

/** The command line that runs the CLI: `deno run FLAGS --quiet main.ts ...args`. */
export function cliArgv(args: readonly string[], flags: readonly string[] = ["-A"]): string[] {
  return [Deno.execPath(), "run", ...flags, "--quiet", MAIN_TS, ...args];
}

/**
 * A clean environment for a spawned CLI or shell: `PATH`, Deno's cache folder (a fresh HOME
 * would otherwise mean a cold cache) and `extra`, nothing else.
 */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
    DENO_DIR: denoDir(),
    ...extra,
  };
}

/** What a command did, its output decoded as UTF-8. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; clearEnv?: boolean } = {},
): Promise<CliResult> {
  const out = await new Deno.Command(command, {
    args: [...args],
    cwd: options.cwd ?? REPO_ROOT,
    clearEnv: options.clearEnv,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

let cachedDenoDir: string | undefined;

/** Deno's cache folder as this process sees it (DENO_DIR, else the platform default). */
export function denoDir(): string {
  if (cachedDenoDir) return cachedDenoDir;
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return (cachedDenoDir = fromEnv);
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  const home = Deno.env.get("HOME") ?? "";
  const base = xdg ?? (Deno.build.os === "darwin" ? `${home}/Library/Caches` : `${home}/.cache`);
  return (cachedDenoDir = `${base}/deno`);
}
