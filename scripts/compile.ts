/**
 * Single-binary builds (`deno task compile`, `deno task compile:all`): `deno compile` of
 * `main.ts` with only the permissions creds3 needs, never `-A`.
 *
 * - `deno task compile`: the current OS and CPU, to `dist/creds3` (`dist/creds3.exe` on Windows).
 * - `deno task compile:all`: every release target, to `dist/creds3-<target>` (`.exe` on Windows).
 * - `--dry-run`: print the `deno compile` commands and type-check `main.ts` the way compile
 *   does, without downloading Deno's runtime image (what CI can do offline).
 *
 * {@linkcode PERMISSIONS} is the one list of permissions: the binaries get it, and the tests run
 * the CLI with exactly these flags (tests/e2e/permissions_test.ts, tests/meta/readme_test.ts).
 *
 * @module
 */

/**
 * What creds3 needs, and why:
 * - read: the local store, the master key file, `@FILE` values, the AWS shared config and
 *   credentials files, the web identity token file;
 * - write: the local store, the master key file, files written with `-o`;
 * - env: `CREDS3_*` and `AWS_*` settings, `HOME`, the environment `exec` passes on;
 * - net: S3, KMS and STS endpoints (any host: regions and custom endpoints vary);
 * - run: the command `exec` runs, `stty` for hidden prompts, and an AWS profile's
 *   `credential_process`;
 * - sys: `osRelease` (the AWS SDK's user agent), `homedir` and `uid` (the SDK's home folder
 *   lookup when `HOME` is not set). Nothing else of the system is read.
 */
export const PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-run",
  "--allow-sys=osRelease,homedir,uid",
  "--no-prompt",
];

/** Release targets: x86_64 and aarch64 Linux and macOS, x86_64 Windows. */
export const TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

/**
 * The release asset of one target: `creds3-<target>`, with `.exe` for Windows (deno compile
 * would add it anyway). The release workflow publishes these names and the GitHub Action
 * (`scripts/action/install.sh`) downloads them.
 */
export function assetName(target: string): string {
  return `creds3-${target}${target.includes("-windows-") ? ".exe" : ""}`;
}

/** The `deno compile` arguments for one target (undefined: the current platform). */
export function compileArgs(target?: string): string[] {
  const output = target ? `dist/${assetName(target)}` : "dist/creds3";
  return [
    "compile",
    "--frozen",
    ...PERMISSIONS,
    ...(target ? ["--target", target] : []),
    "--output",
    output,
    "main.ts",
  ];
}

const repo = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

async function deno(args: string[]): Promise<boolean> {
  console.error(`$ deno ${args.join(" ")}`);
  const { success } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: repo,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return success;
}

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== "--all" && a !== "--dry-run");
  if (unknown.length > 0) {
    console.error(`compile: error: unknown argument '${unknown[0]}'`);
    console.error("compile: hint: use --all for every release target, --dry-run to only check");
    return 2;
  }
  const targets = argv.includes("--all") ? [...TARGETS] : [undefined];
  if (argv.includes("--dry-run")) {
    for (const target of targets) console.log(`deno ${compileArgs(target).join(" ")}`);
    return (await deno(["check", "--frozen", "main.ts"])) ? 0 : 1;
  }
  await Deno.mkdir(`${repo}/dist`, { recursive: true });
  for (const target of targets) {
    if (!(await deno(compileArgs(target)))) {
      console.error(`compile: error: deno compile failed for ${target ?? "this platform"}`);
      return 1;
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
