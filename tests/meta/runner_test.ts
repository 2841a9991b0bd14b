/**
 * The test command on a machine that lacks something: without zsh and fish, `deno task test`
 * passes and names the completion tests it skipped, with the install command; under CI the
 * same tests fail by name. Without moto in the Python at hand, the runner sets moto up in a
 * virtual environment of its own, and says so; when pip cannot reach its index, it stops with
 * the command to run.
 */
import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import { motoPython } from "../../scripts/moto_python.ts";
import { cliEnv, REPO_ROOT, runCommand } from "../helpers/cli.ts";
import { withTempDir } from "../helpers/scoped.ts";

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
          `${shell} is not installed, so the tests that need it cannot run: apt-get install ${shell}`,
        ),
        `the failure says how to install ${shell}`,
      );
    }
  });
}

/** A Python without moto: a virtual environment of its own, without pip. */
async function bareVenv(dir: string, ...flags: string[]): Promise<string> {
  const made = await runCommand("python3", ["-m", "venv", "--without-pip", ...flags, dir]);
  strictEqual(made.code, 0, made.stderr);
  return `${dir}/bin/python3`;
}

Deno.test("runner: moto set up in the project's venv is found and reused", async () => {
  await withTempDir("creds3-venv-", async (dir) => {
    const python = await bareVenv(`${dir}/bare`);
    // A venv that sees the system's packages stands for one where moto was installed.
    const venv = `${dir}/moto-venv`;
    await bareVenv(venv, "--system-site-packages");
    const system = await runCommand("python3", ["-c", "import moto.server"]);
    strictEqual(system.code, 0, "the tests themselves run on python3's moto");
    const said: string[] = [];
    strictEqual(
      await motoPython(REPO_ROOT, { python, venv, log: (m) => said.push(m) }),
      `${venv}/bin/python3`,
    );
    deepStrictEqual(said, [`${python} has no moto server: using the one in ${venv}`]);
    strictEqual(await motoPython(REPO_ROOT, { log: (m) => said.push(m) }), "python3");
    strictEqual(said.length, 1, "python3 with moto is used as it is, silently");
  });
});

Deno.test("runner: when pip cannot reach its index, it stops with the command to run", async () => {
  await withTempDir("creds3-venv-", async (dir) => {
    const python = await bareVenv(`${dir}/bare`);
    const venv = `${dir}/moto-venv`;
    const said: string[] = [];
    // Nothing listens on port 9: the index cannot be reached.
    const offline = {
      PIP_CONFIG_FILE: "/dev/null",
      PIP_INDEX_URL: "http://127.0.0.1:9/simple",
      PIP_EXTRA_INDEX_URL: "",
      PIP_FIND_LINKS: "",
      PIP_RETRIES: "0",
      PIP_TIMEOUT: "2",
      PIP_NO_CACHE_DIR: "1",
    };
    await rejects(
      motoPython(REPO_ROOT, { python, venv, env: offline, log: (m) => said.push(m) }),
      (e: Error) => {
        match(
          e.message,
          /pip could not install moto's server \(can it reach its package index\?\)/,
        );
        ok(
          e.message.includes(
            `Run this, then the tests again:\n  ${venv}/bin/pip install 'moto[server]'`,
          ),
          e.message,
        );
        return true;
      },
    );
    strictEqual(said.length, 1);
    ok(said[0].startsWith(`${python} has no moto server: installing it into ${venv}`), said[0]);
  });
});
