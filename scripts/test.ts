/**
 * The single test entry (`deno task test [--ceph] [--serial] [deno test args...]`, and
 * `.ci/run`).
 *
 * 1. Finds moto's server (`python3`, else the project's own `.tmp/moto-venv`, set up on first
 *    use: scripts/moto_python.ts), starts one moto and exports `CREDS3_TEST_MOTO_URL` to every
 *    test file (reuses an already-set `CREDS3_TEST_MOTO_URL` instead). The files share it;
 *    each test makes its own buckets and keys.
 * 2. With `--ceph` or `CREDS3_TEST_CEPH=1`, boots Ceph's S3 gateway via `scripts/ceph.sh` in
 *    `.ceph/` and exports `CREDS3_TEST_CEPH_URL`; a Ceph that does not start fails the run.
 *    Without Ceph, the tests in `tests/e2e/ceph/` are left out with a message saying so,
 *    unless they are named on the command line (they then fail, saying how to run them).
 * 3. Runs `deno test --frozen -A --parallel` (local code type-checked, the lockfile as it is) on every test file, the slowest
 *    of the last run first (`.tmp/test-durations.json`), or on the paths given; `DENO_JOBS`
 *    files at once (default twice the CPUs, at most 8), one at a time with `--serial`. The
 *    developer's own `AWS_*` / `CREDS3_*` variables are removed; output streams through.
 * 4. Stops the servers, names every skipped test with its reason, and prints one last line
 *    `N passed, N failed[, N skipped]` (tests, not steps); exits non-zero when anything failed
 *    or deno's summary could not be read.
 *
 * @module
 */

import { freePort, type MotoServer, startMoto } from "../tests/helpers/moto.ts";
import { motoPython } from "./moto_python.ts";
import { parseSummary, ResultReader, slowestFirst, type Summary } from "./test_report.ts";

const repo = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const cephDir = `${repo}/.ceph`;
/** The tests that need Ceph (left out, with a message, when Ceph is not started). */
const CEPH_TESTS = "tests/e2e/ceph/";
/** Each file's test time in the last full run, for the order of the next. */
const DURATIONS = `${repo}/.tmp/test-durations.json`;

function log(message: string): void {
  console.error(`test: ${message}`);
}

async function run(command: string, args: string[]): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return { code: output.code, out: new TextDecoder().decode(output.stdout).trim() };
}

async function cephUp(): Promise<string> {
  const port = String(freePort());
  const existed = await Deno.stat(`${cephDir}/ceph.conf`).then(() => true, () => false);
  const started = performance.now();
  log(`starting Ceph in ${cephDir} (gateway port ${port})`);
  let result = await run("bash", [`${repo}/scripts/ceph.sh`, "up", cephDir, port]);
  if (result.code !== 0) {
    // A cluster that does not restart, or a first boot that lost a race between its daemons,
    // gets one more try from scratch.
    log(
      `Ceph did not ${existed ? "restart from the existing" : "start in a new"} .ceph/: ` +
        "recreating it from scratch",
    );
    await run("bash", [`${repo}/scripts/ceph.sh`, "down", cephDir]);
    await Deno.remove(cephDir, { recursive: true });
    result = await run("bash", [`${repo}/scripts/ceph.sh`, "up", cephDir, port]);
  }
  if (result.code !== 0) {
    throw new Error(`Ceph failed to start (scripts/ceph.sh exited ${result.code}); see above`);
  }
  const url = result.out.split("\n").pop()!;
  log(`Ceph gateway on ${url} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return url;
}

/** The environment of the test process: ours minus the developer's AWS and creds3 settings. */
function testEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(Deno.env.toObject())) {
    if (name.startsWith("AWS_")) continue;
    if (name.startsWith("CREDS3_") && !name.startsWith("CREDS3_TEST_")) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** Every test file under `tests/` (relative to the repository), Ceph's unless `withCeph`. */
async function testFiles(withCeph: boolean): Promise<string[]> {
  const files: string[] = [];
  async function walk(dir: string) {
    for await (const entry of Deno.readDir(`${repo}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith("_test.ts")) files.push(path);
    }
  }
  await walk("tests");
  return files.filter((f) => withCeph || !f.startsWith(CEPH_TESTS));
}

async function readDurations(): Promise<Record<string, number>> {
  try {
    return JSON.parse(await Deno.readTextFile(DURATIONS));
  } catch {
    return {};
  }
}

/** Run `deno test`, copying its stdout through and reading its results as they come. */
async function denoTest(args: string[], env: Record<string, string>) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "--frozen", "-A", ...args],
    cwd: repo,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const decoder = new TextDecoder();
  const reader = new ResultReader();
  let tail = "";
  for await (const chunk of child.stdout) {
    await writeAll(Deno.stdout, chunk);
    const text = decoder.decode(chunk, { stream: true });
    reader.push(text);
    tail = (tail + text).slice(-65536);
  }
  const { code } = await child.status;
  return { code, summary: parseSummary(tail), reader };
}

async function writeAll(file: typeof Deno.stdout, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

/** The closing lines: each skipped test with its reason, then the counts. */
function closing(summary: Summary, failed: number, reader: ResultReader): string[] {
  const lines = reader.results.filter((r) => r.outcome === "ignored")
    .map((r) => `skipped: ${r.file}: ${r.name}`);
  const skipped = summary.ignored ? `, ${summary.ignored} skipped` : "";
  return [...lines, `${summary.passed} passed, ${failed} failed${skipped}`];
}

async function main(argv: string[]): Promise<number> {
  const withCeph = argv.includes("--ceph") || Deno.env.get("CREDS3_TEST_CEPH") === "1";
  const serial = argv.includes("--serial");
  const args = argv.filter((a) => a !== "--ceph" && a !== "--serial");
  const givesPath = args.some((a) =>
    !a.startsWith("-") && (() => {
      try {
        Deno.statSync(a.startsWith("/") ? a : `${repo}/${a}`);
        return true;
      } catch {
        return false;
      }
    })()
  );

  let moto: MotoServer | undefined;
  let cephStarted = false;
  const stopAll = async () => {
    const stops: Promise<unknown>[] = [];
    if (moto) stops.push(moto.stop());
    if (cephStarted) stops.push(run("bash", [`${repo}/scripts/ceph.sh`, "down", cephDir]));
    moto = undefined;
    cephStarted = false;
    await Promise.allSettled(stops);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      log(`${signal}: stopping test servers`);
      stopAll().finally(() => Deno.exit(130));
    });
  }

  try {
    const extra: Record<string, string> = {};
    const sharedMoto = Deno.env.get("CREDS3_TEST_MOTO_URL");
    if (sharedMoto) {
      extra.CREDS3_TEST_MOTO_URL = sharedMoto;
      log(`using moto at ${sharedMoto}`);
    } else {
      const python = await motoPython(repo, { log });
      const started = performance.now();
      moto = await startMoto({ python });
      extra.CREDS3_TEST_MOTO_URL = moto.url;
      extra.CREDS3_TEST_MOTO_PYTHON = python;
      log(`moto on ${moto.url} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    if (withCeph) {
      cephStarted = true;
      extra.CREDS3_TEST_CEPH_URL = await cephUp();
    } else if (Deno.env.get("CREDS3_TEST_CEPH_URL")) {
      log(`using Ceph at ${Deno.env.get("CREDS3_TEST_CEPH_URL")}`);
    } else if (args.some((a) => a.includes("e2e/ceph"))) {
      log(`Ceph not started, and ${CEPH_TESTS} was asked for: it fails saying how to run it`);
    } else {
      // The Ceph tests fail loudly without Ceph; leave them out, and say so.
      if (givesPath) args.unshift(`--ignore=${CEPH_TESTS}`);
      log(`excluded ${CEPH_TESTS}: Ceph is not started (pass --ceph or set CREDS3_TEST_CEPH=1)`);
    }

    const cephOn = withCeph || Deno.env.get("CREDS3_TEST_CEPH_URL") !== undefined;
    if (!givesPath) args.push(...slowestFirst(await testFiles(cephOn), await readDurations()));
    if (!serial) {
      args.unshift("--parallel");
      const cpus = navigator.hardwareConcurrency || 2;
      extra.DENO_JOBS = Deno.env.get("DENO_JOBS") ?? String(Math.min(8, 2 * cpus));
    }
    const { code, summary, reader } = await denoTest(args, testEnv(extra));
    if (!summary) {
      console.log(`test: error: no test summary from deno test (exit code ${code})`);
      return 1;
    }
    if (!givesPath && summary.failed === 0) {
      await Deno.mkdir(`${repo}/.tmp`, { recursive: true });
      await Deno.writeTextFile(DURATIONS, JSON.stringify(reader.durations(), null, 1) + "\n");
    }
    let failed = summary.failed;
    if (code !== 0 && failed === 0) {
      log(`deno test exited with code ${code} although no test failed: counting it as a failure`);
      failed = 1;
    }
    await stopAll();
    for (const line of closing(summary, failed, reader)) console.log(line);
    return failed > 0 ? 1 : 0;
  } catch (error) {
    console.log(`test: error: ${error instanceof Error ? error.message : error}`);
    return 1;
  } finally {
    await stopAll();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
