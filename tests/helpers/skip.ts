/**
 * Tests that cannot run on this machine say so: they are registered as ignored, with the
 * reason in their name, so `deno task test` counts them as skipped and lists them by name.
 *
 * @module
 */

/** The name and `ignore` of a test that is skipped, with its reason, when `reason` is given. */
export function skipIf(
  reason: string | undefined,
  name: string,
): { name: string; ignore: boolean } {
  return reason === undefined
    ? { name, ignore: false }
    : { name: `${name} [skipped: ${reason}]`, ignore: true };
}

/** How to install each shell the tests use. */
const INSTALL: Record<string, string> = {
  zsh: "apt-get install zsh (macOS: brew install zsh)",
  fish: "apt-get install fish (macOS: brew install fish)",
};

/**
 * Why the tests of `shell` cannot run, or `undefined` when they must run: the shell is on the
 * PATH, or shells are required (`CI=true` or `CREDS3_TEST_REQUIRE_SHELLS=1`), in which case a
 * missing shell fails its tests.
 */
export function missingShell(
  shell: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
  found: (shell: string) => boolean = onPath,
): string | undefined {
  if (found(shell) || shellsRequired(env)) return undefined;
  return `${shell} is not installed: ${installCommand(shell)}`;
}

/** How to install `shell`. */
export function installCommand(shell: string): string {
  return INSTALL[shell] ?? `install ${shell}`;
}

/** The failure of a test that needs `shell`, which is missing where shells are required. */
export function shellMissingError(shell: string): Error {
  return new Error(
    `${shell} is not installed, so the tests that need it cannot run: ${installCommand(shell)}` +
      " (a missing shell fails under CI=true or CREDS3_TEST_REQUIRE_SHELLS=1)",
  );
}

/** Whether a missing shell is a failure: under CI, or when asked to. */
export function shellsRequired(env: Record<string, string | undefined>): boolean {
  return env.CI === "true" || env.CREDS3_TEST_REQUIRE_SHELLS === "1";
}

/** Whether `command` is on the PATH. */
export function onPath(command: string): boolean {
  return new Deno.Command("sh", {
    args: ["-c", `command -v '${command}'`],
    stdout: "null",
    stderr: "null",
  }).outputSync().success;
}
