/**
 * The test command on a machine that lacks something: without zsh and fish, `deno task test`
 * passes and names the completion tests it skipped, with the install command; under CI the
 * same tests fail by name.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { cliEnv, runCommand } from "../helpers/cli.ts";

/** A folder with every command on the PATH but `missing`, as links. */
async function pathWithout(missing: string[]): Promise<string> {
  const bin = await Deno.makeTempDir({ prefix: "creds3-path-" });
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (missing.includes(entry.name)) continue;
      await Deno.symlink(`${dir}/${entry.name}`, `${bin}/${entry.name}`).catch(() => {});
    }
  }
  return bin;
}

/** Runs `deno task test`'s script on the completion tests, without zsh and fish. */
async function runnerWithoutShells(env: Record<string, string>) {
  const bin = await pathWithout(["zsh", "fish"]);
  const home = await Deno.makeTempDir({ prefix: "creds3-runner-" });
  try {
    const moto = Deno.env.get("CREDS3_TEST_MOTO_URL");
    return await runCommand(
      Deno.execPath(),
      ["run", "-A", "scripts/test.ts", "tests/e2e/completions_test.ts"],
      {
        clearEnv: true,
        env: cliEnv({
          PATH: bin,
          HOME: home,
          NO_COLOR: "1",
          ...(moto ? { CREDS3_TEST_MOTO_URL: moto } : {}),
          ...env,
        }),
      },
    );
  } finally {
    await Deno.remove(bin, { recursive: true });
    await Deno.remove(home, { recursive: true });
  }
}

const ZSH_TEST = "completions: zsh script parses, and completes commands and options on TAB";
const FISH_TEST = "completions: fish script parses, and completes commands and options";

Deno.test("runner: without zsh and fish their completion tests are skipped, named, with why", async () => {
  const r = await runnerWithoutShells({});
  const lines = r.stdout.trimEnd().split("\n");
  strictEqual(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-2000));
  match(lines.at(-1)!, /^\d+ passed, 0 failed, 2 skipped$/);
  ok(Number(lines.at(-1)!.split(" ")[0]) >= 2, lines.at(-1));
  deepStrictEqual(lines.slice(-3, -1), [
    `skipped: tests/e2e/completions_test.ts: ${ZSH_TEST} ` +
    "[skipped: zsh is not installed: apt-get install zsh (macOS: brew install zsh)]",
    `skipped: tests/e2e/completions_test.ts: ${FISH_TEST} ` +
    "[skipped: fish is not installed: apt-get install fish (macOS: brew install fish)]",
  ]);
});

for (
  const env of [{ CI: "true" }, { CREDS3_TEST_REQUIRE_SHELLS: "1" }] as Record<string, string>[]
) {
  const label = Object.entries(env)[0].join("=");
  Deno.test(`runner: with ${label} a missing shell fails its tests by name`, async () => {
    const r = await runnerWithoutShells(env);
    strictEqual(r.code, 1, r.stdout.slice(-3000));
    match(r.stdout.trimEnd().split("\n").at(-1)!, /^\d+ passed, 2 failed$/);
    for (const [name, shell] of [[ZSH_TEST, "zsh"], [FISH_TEST, "fish"]]) {
      match(
        r.stdout,
        new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\.\\.\\. FAILED`),
      );
      ok(
        r.stdout.includes(
          `${shell} is not installed, so its completion cannot be tested: apt-get install ${shell}`,
        ),
        `the failure says how to install ${shell}`,
      );
    }
  });
}
