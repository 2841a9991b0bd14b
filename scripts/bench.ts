/**
 * `deno task bench [--quick] [--latency MS] [--out FILE]`: how fast creds3 is, measured.
 *
 * Starts its own moto (S3 + KMS) behind the loopback proxy of the tests
 * (tests/helpers/proxy.ts), which holds every request `--latency` ms (default 20) before
 * forwarding it and counts requests by operation. Then, in one run:
 *
 * 1. stores N secrets (N = 100, 1,000, and 10,000 for the memory run) through the library,
 *    straight to moto, 16 at a time (the 10,000 share a data key per 100, to store them fast);
 * 2. `getall` wall time of the CLI process for concurrency 1, 4, 16, 32 and 64, next to the raw
 *    baseline (scripts/bench_raw.ts: the same listing, GETs and Decrypts with the bare SDK at the
 *    same concurrency, also a fresh process) and the round-trip lower bound
 *    `ceil(N/1000)·R + ceil(N/C)·2·R`, with the ratios; every run's requests are counted;
 * 3. `copy` of the largest N to an empty bucket (as they are, and `--to-key`: KMS `ReEncrypt`)
 *    at the default concurrency, against `getall`'s time for the same N in the same run (both
 *    one GET and one other request per version), with its requests counted;
 * 4. requests per operation (`get`, `get -v`, `put`, `put -a`, `getall`) against the minimum;
 * 5. CLI start-up: `--help` and `get` on a local store, median of several runs, next to an
 *    empty Deno program (the runtime's own floor on this machine);
 * 6. peak RSS of `getall` at N = 10,000 with no added latency: `/usr/bin/time`'s maximum
 *    resident set size (the kernel's `ru_maxrss`) when installed, else the largest `VmHWM`
 *    polled from `/proc/<pid>/status` every 10 ms.
 *
 * Prints a Markdown report and writes it to bench/results.md (with the machine it ran on).
 * `--quick` is a smoke run (N = 100, concurrency 1 and 32, RSS at N = 1,000, 3 start-up runs)
 * that writes nothing unless `--out` is given. Timings are single runs (start-up: medians), on
 * whatever else the machine is doing: the load average is recorded with the results.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import {
  CredentialStore,
  type DataKey,
  type EncryptionContext,
  type KeyProvider,
  KmsKeyProvider,
  S3Store,
} from "../mod.ts";
import { mapSettled } from "../lib/core/pool.ts";
import { MAIN_TS, REPO_ROOT } from "../tests/helpers/cli.ts";
import {
  awsEnv,
  createBucket,
  createKmsKey,
  kmsClient,
  type MotoServer,
  s3Client,
  startMoto,
} from "../tests/helpers/moto.ts";
import { type Proxy, startProxy } from "../tests/helpers/proxy.ts";

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  quick: boolean;
  latencyMs: number;
  out?: string;
}

function parseOptions(args: string[]): Options {
  const options: Options = { quick: false, latencyMs: 20 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--quick") options.quick = true;
    else if (a === "--latency" && /^\d+$/.test(args[i + 1] ?? "")) {
      options.latencyMs = Number(args[++i]);
    } else if (a === "--out" && args[i + 1]) options.out = args[++i];
    else if (a === "--help" || a === "-h") {
      console.log("usage: deno task bench [--quick] [--latency MS] [--out FILE]");
      Deno.exit(0);
    } else {
      console.error(`bench: unknown argument '${a}'`);
      console.error("usage: deno task bench [--quick] [--latency MS] [--out FILE]");
      Deno.exit(2);
    }
  }
  if (!options.quick) options.out ??= `${REPO_ROOT}/bench/results.md`;
  return options;
}

const options = parseOptions(Deno.args);
const SIZES = options.quick ? [100] : [100, 1000];
const CONCURRENCY = options.quick ? [1, 32] : [1, 4, 16, 32, 64];
const DEFAULT_CONCURRENCY = 32;
const RSS_N = options.quick ? 1000 : 10_000;
const STARTUP_RUNS = options.quick ? 3 : 10;
const SEED_CONCURRENCY = 16;
/** Runs per side of a repeated getall row. */
const REPS = 3;
const R = options.latencyMs;
const RAW_TS = `${REPO_ROOT}/scripts/bench_raw.ts`;
const TIME = "/usr/bin/time";

function log(message: string): void {
  console.error(`bench: ${message}`);
}

// ---------------------------------------------------------------------------------------------
// Processes

interface Run {
  code: number;
  /** Wall time from spawn to exit. */
  ms: number;
  stdout: string;
  stderr: string;
  /** User + system CPU time (with /usr/bin/time). */
  cpuMs?: number;
  /** Peak resident set size in KiB, and how it was measured. */
  peakRssKb?: number;
  rssMethod?: string;
}

let hasTime: boolean | undefined;
async function timeAvailable(): Promise<boolean> {
  if (hasTime === undefined) {
    try {
      const out = await new Deno.Command(TIME, {
        args: ["-f", "%M", "true"],
        stdout: "null",
        stderr: "piped",
      }).output();
      hasTime = out.success && /^\d+\s*$/.test(new TextDecoder().decode(out.stderr));
    } catch {
      hasTime = false;
    }
  }
  return hasTime;
}

function denoDir(): string {
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return fromEnv;
  const home = Deno.env.get("HOME") ?? "";
  const base = Deno.env.get("XDG_CACHE_HOME") ??
    (Deno.build.os === "darwin" ? `${home}/Library/Caches` : `${home}/.cache`);
  return `${base}/deno`;
}

let benchHome = "";

/** Runs `deno <args>` in a clean environment (PATH, HOME, DENO_DIR + `env`), timed. */
async function runDeno(
  args: string[],
  env: Record<string, string>,
  opts: { pollRss?: boolean } = {},
): Promise<Run> {
  const timed = !opts.pollRss && await timeAvailable();
  const command = timed ? TIME : Deno.execPath();
  const fullArgs = timed ? ["-f", "BENCH-TIME %e %U %S %M", Deno.execPath(), ...args] : args;
  const started = performance.now();
  const child = new Deno.Command(command, {
    args: fullArgs,
    cwd: REPO_ROOT,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: benchHome,
      DENO_DIR: denoDir(),
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let polledKb: number | undefined;
  let polling = true;
  const poller = opts.pollRss && Deno.build.os === "linux"
    ? (async () => {
      while (polling) {
        try {
          const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
          const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
          if (hwm) polledKb = Math.max(polledKb ?? 0, Number(hwm[1]));
        } catch {
          // Exited between polls.
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })()
    : undefined;
  const output = await child.output();
  const ms = performance.now() - started;
  polling = false;
  await poller;
  let stderr = new TextDecoder().decode(output.stderr);
  const run: Run = {
    code: output.code,
    ms,
    stdout: new TextDecoder().decode(output.stdout),
    stderr,
  };
  if (timed) {
    const match = /BENCH-TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
    if (match) {
      run.cpuMs = (Number(match[2]) + Number(match[3])) * 1000;
      run.peakRssKb = Number(match[4]);
      run.rssMethod = "/usr/bin/time (ru_maxrss)";
      stderr = stderr.slice(0, match.index).replace(
        /Command exited with non-zero status \d+\n$/,
        "",
      );
      run.stderr = stderr;
    }
  } else if (polledKb !== undefined) {
    run.peakRssKb = polledKb;
    run.rssMethod = "VmHWM polled every 10 ms";
  }
  return run;
}

function cli(args: string[], env: Record<string, string>, opts: { pollRss?: boolean } = {}) {
  return runDeno(["run", "-A", "--quiet", MAIN_TS, ...args], env, opts);
}

function check(run: Run, what: string): Run {
  if (run.code !== 0) {
    throw new Error(`${what} exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  }
  return run;
}

// ---------------------------------------------------------------------------------------------
// Data

const nameOf = (i: number) => `app/secret-${String(i).padStart(5, "0")}`;
const valueOf = (name: string) => `made-up value of ${name}`;

/**
 * Benchmark data only: hands out each KMS data key `uses` times, so that seeding 10,000 secrets
 * costs 10,000 PutObjects and 100 GenerateDataKeys instead of 10,000 of each (moto answers one
 * request at a time). Reading is unaffected: every stored secret still costs its own GET and
 * KMS Decrypt. Never do this with real secrets: one AES-CTR key with a fixed counter over many
 * values leaks their XOR.
 */
class ReusingKeyProvider implements KeyProvider {
  #current?: Promise<DataKey>;
  #used = 0;
  readonly description: string;

  constructor(readonly inner: KeyProvider, readonly uses: number) {
    this.description = inner.description;
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    if (!this.#current || this.#used >= this.uses) {
      this.#current = this.inner.generateDataKey(context);
      this.#used = 0;
    }
    this.#used++;
    const key = await this.#current;
    // The store zeroes the plaintext it was given after sealing: hand out a copy.
    return { plaintext: key.plaintext.slice(), wrapped: key.wrapped };
  }

  decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    return this.inner.decryptDataKey(wrapped, context);
  }
}

/** Secrets per data key when seeding more than 1,000 (see {@linkcode ReusingKeyProvider}). */
const SEED_KEY_USES = 100;

/**
 * Stores `n` secrets in `bucket` through the library, straight to moto: each with its own data
 * key up to 1,000 secrets, larger sets with one data key per {@linkcode SEED_KEY_USES}.
 */
async function seed(moto: MotoServer, bucket: string, alias: string, n: number): Promise<void> {
  const started = performance.now();
  await createBucket(moto.url, bucket);
  const s3 = s3Client(moto.url);
  const kms = kmsClient(moto.url);
  try {
    const keys = new KmsKeyProvider(kms, alias);
    const creds = new CredentialStore(
      new S3Store(s3, bucket),
      n > 1000 ? new ReusingKeyProvider(keys, SEED_KEY_USES) : keys,
    );
    const names = Array.from({ length: n }, (_, i) => nameOf(i));
    const results = await mapSettled(
      names,
      SEED_CONCURRENCY,
      (name) => creds.put(name, valueOf(name)),
    );
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } finally {
    s3.destroy();
    kms.destroy();
  }
  log(`stored ${n} secrets in ${bucket} in ${seconds(performance.now() - started)}`);
}

/** Checks that getall printed every secret with its value. */
function checkGetall(run: Run, n: number, what: string): void {
  const record = JSON.parse(run.stdout) as Record<string, string>;
  const names = Object.keys(record);
  if (names.length !== n) throw new Error(`${what} printed ${names.length} secrets, not ${n}`);
  for (const i of [0, n - 1]) {
    if (record[nameOf(i)] !== valueOf(nameOf(i))) {
      throw new Error(`${what} printed a wrong value for ${nameOf(i)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Formatting

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function msText(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const OP_SHORT: Record<string, string> = {
  "s3:ListObjectsV2": "List",
  "kms:GenerateDataKey": "GenerateDataKey",
  "s3:PutObject": "Put",
  "s3:GetObject": "Get",
  "kms:Decrypt": "Decrypt",
  "kms:ReEncrypt": "ReEncrypt",
};

function requestsText(counts: Record<string, number>): string {
  const order = Object.keys(OP_SHORT);
  const keys = Object.keys(counts).sort((a, b) =>
    (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99)
  );
  if (keys.length === 0) return "none";
  return keys.map((k) => `${counts[k]} ${OP_SHORT[k] ?? k}`).join(" + ");
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

function getallMinimum(objects: number, n: number): Record<string, number> {
  return {
    "s3:ListObjectsV2": Math.max(1, Math.ceil(objects / 1000)),
    "s3:GetObject": n,
    "kms:Decrypt": n,
  };
}

// ---------------------------------------------------------------------------------------------
// The run

interface GetallRow {
  n: number;
  c: number;
  /** Runs of each side; the times are medians. */
  reps: number;
  /** The CLI process, spawn to exit. */
  cliMs: number;
  /** The raw baseline process, spawn to exit. */
  rawMs: number;
  /** The raw baseline's list and reads alone. */
  rawReadsMs: number;
  /** Requests of each run. */
  cliCounts: Record<string, number>[];
  rawCounts: Record<string, number>[];
  bound: number;
}

function rawArgs(url: string, bucket: string, c: number): string[] {
  return [
    "run",
    "-A",
    "--quiet",
    RAW_TS,
    "--s3",
    url,
    "--kms",
    url,
    "--bucket",
    bucket,
    "--concurrency",
    String(c),
  ];
}

async function machine(): Promise<string[]> {
  const lines: string[] = [];
  const read = async (path: string) => await Deno.readTextFile(path).catch(() => "");
  const cpu = /model name\s*:\s*(.+)/.exec(await read("/proc/cpuinfo"))?.[1];
  const mem = /MemTotal:\s+(\d+) kB/.exec(await read("/proc/meminfo"))?.[1];
  let moto = "?";
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", "import moto; print(moto.__version__)"],
      stdout: "piped",
      stderr: "null",
    }).output();
    moto = new TextDecoder().decode(out.stdout).trim() || "?";
  } catch {
    // Reported as unknown.
  }
  lines.push(`- CPUs (\`nproc\`): ${navigator.hardwareConcurrency}${cpu ? ` × ${cpu}` : ""}`);
  if (mem) lines.push(`- memory: ${(Number(mem) / 1024 / 1024).toFixed(1)} GiB`);
  lines.push(`- OS: ${Deno.build.os} ${Deno.build.arch}, ${Deno.osRelease()}`);
  lines.push(`- Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), moto ${moto}`);
  return lines;
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  benchHome = await Deno.makeTempDir({ prefix: "creds3-bench-" });
  const loadBefore = Deno.loadavg();
  const machineLines = await machine();
  log(`starting moto and the proxy (latency ${R} ms)`);
  const moto = await startMoto();
  let proxy: Proxy | undefined;
  try {
    proxy = await startProxy(moto.url, { latencyMs: R });
    const alias = "alias/creds3-bench";
    // Reads are pinned to the configured key: the one the secrets were stored with.
    const env = { ...awsEnv(proxy.url), CREDS3_KEY: alias };
    await createKmsKey(moto.url, alias);

    // 1. Data.
    const buckets = new Map<number, string>();
    for (const n of [...SIZES, RSS_N]) {
      if (buckets.has(n)) continue;
      buckets.set(n, `creds3-bench-${n}`);
      await seed(moto, buckets.get(n)!, alias, n);
    }

    // 2. getall: CLI and raw baseline, every concurrency.
    const rows: GetallRow[] = [];
    for (const n of SIZES) {
      const bucket = buckets.get(n)!;
      for (const c of CONCURRENCY) {
        const bound = Math.ceil(n / 1000) * R + Math.ceil(n / c) * 2 * R;
        // The short rows and the default concurrency's are repeated, creds3 and raw alternating,
        // and the medians reported; the others run once, to keep the whole run short.
        const reps = !options.quick && (n <= 100 || c === DEFAULT_CONCURRENCY) ? REPS : 1;
        const cliRuns: number[] = [];
        const rawRuns: number[] = [];
        const rawReads: number[] = [];
        const cliCounts: Record<string, number>[] = [];
        const rawCounts: Record<string, number>[] = [];
        for (let rep = 0; rep < reps; rep++) {
          const what = `getall N=${n} C=${c}`;
          proxy.resetCounts();
          const cliRun = check(
            await cli(["getall", "-l", bucket, "--concurrency", String(c)], env),
            what,
          );
          checkGetall(cliRun, n, what);
          cliRuns.push(cliRun.ms);
          cliCounts.push(proxy.counts());
          proxy.resetCounts();
          const raw = check(
            await runDeno(rawArgs(proxy.url, bucket, c), env),
            `raw baseline N=${n} C=${c}`,
          );
          rawCounts.push(proxy.counts());
          const rawOut = JSON.parse(raw.stdout) as { ms: number; objects: number };
          if (rawOut.objects !== n) {
            throw new Error(`raw baseline listed ${rawOut.objects}, not ${n}`);
          }
          rawRuns.push(raw.ms);
          rawReads.push(rawOut.ms);
        }
        const row: GetallRow = {
          n,
          c,
          reps,
          cliMs: median(cliRuns),
          rawMs: median(rawRuns),
          rawReadsMs: median(rawReads),
          cliCounts,
          rawCounts,
          bound,
        };
        rows.push(row);
        log(
          `getall N=${n} C=${c}: creds3 ${msText(row.cliMs)}, raw ${msText(row.rawMs)}, ` +
            `bound ${msText(bound)}${reps > 1 ? ` (medians of ${reps})` : ""}`,
        );
      }
    }

    // The server's own ceiling: the raw reads with no added latency.
    const floorN = SIZES[SIZES.length - 1];
    proxy.setOptions({ latencyMs: 0 });
    const serverFloor = check(
      await runDeno(rawArgs(proxy.url, buckets.get(floorN)!, DEFAULT_CONCURRENCY), env),
      "raw baseline without latency",
    );
    const serverFloorMs = (JSON.parse(serverFloor.stdout) as { ms: number }).ms;
    proxy.setOptions({ latencyMs: R });
    log(`server floor N=${floorN}: ${msText(serverFloorMs)} for ${2 * floorN + 1} requests`);

    // The copy of the largest N, next to getall's.
    const copyRows = await benchCopy(
      moto,
      proxy,
      env,
      alias,
      buckets.get(SIZES[SIZES.length - 1])!,
    );

    // 3. Requests per operation.
    const opsBucket = "creds3-bench-ops";
    await createBucket(moto.url, opsBucket);
    const ops: { op: string; args: string[]; min: Record<string, number> }[] = [
      {
        op: "`put NAME VALUE`",
        args: ["put", "db/password", "made-up-1"],
        min: { "kms:GenerateDataKey": 1, "s3:PutObject": 1 },
      },
      {
        op: "`put -a NAME VALUE`",
        args: ["put", "-a", "db/password", "made-up-2"],
        min: { "s3:ListObjectsV2": 1, "kms:GenerateDataKey": 1, "s3:PutObject": 1 },
      },
      {
        op: "`get NAME`",
        args: ["get", "db/password"],
        min: { "s3:ListObjectsV2": 1, "s3:GetObject": 1, "kms:Decrypt": 1 },
      },
      {
        op: "`get -v 1 NAME`",
        args: ["get", "-v", "1", "db/password"],
        min: { "s3:GetObject": 1, "kms:Decrypt": 1 },
      },
    ];
    const opRows: { op: string; counts: Record<string, number>; min: Record<string, number> }[] =
      [];
    for (const { op, args, min } of ops) {
      proxy.resetCounts();
      check(
        await cli([...args.slice(0, 1), "-l", opsBucket, "-k", alias, ...args.slice(1)], env),
        op,
      );
      opRows.push({ op, counts: proxy.counts(), min });
    }
    for (const n of SIZES) {
      const row = rows.find((r) => r.n === n && r.c === DEFAULT_CONCURRENCY)!;
      opRows.push({
        op: `\`getall\`, N = ${n.toLocaleString("en")}`,
        counts: row.cliCounts[0],
        min: getallMinimum(n, n),
      });
    }

    // 4. Start-up.
    log(`start-up: ${STARTUP_RUNS} runs each`);
    const local = `${benchHome}/local`;
    const localArgs = ["-l", `${local}/store`, "-k", `local:${local}/master.key`];
    check(await cli(["setup", ...localArgs, "--create-key"], {}), "local setup");
    check(await cli(["put", ...localArgs, "db/password", "made-up"], {}), "local put");
    const empty = `${benchHome}/empty.ts`;
    await Deno.writeTextFile(empty, "");
    const startup: Record<string, Run[]> = { empty: [], help: [], get: [] };
    for (let i = 0; i < STARTUP_RUNS; i++) {
      // Interleaved, so that a busy moment of the machine spreads over all three.
      startup.empty.push(check(
        await runDeno(["run", "-A", "--quiet", "--config", `${REPO_ROOT}/deno.json`, empty], {}),
        "empty program",
      ));
      startup.help.push(check(await cli(["--help"], {}), "--help"));
      const get = check(await cli(["get", ...localArgs, "db/password"], {}), "local get");
      if (get.stdout !== "made-up\n") throw new Error("local get printed a wrong value");
      startup.get.push(get);
    }

    // 5. Peak RSS at N = 10,000, no added latency.
    proxy.setOptions({ latencyMs: 0 });
    proxy.resetCounts();
    log(`getall N=${RSS_N} without latency, for peak RSS`);
    const rssRun = check(
      await cli(["getall", "-l", buckets.get(RSS_N)!], env, {
        pollRss: !(await timeAvailable()),
      }),
      `getall N=${RSS_N}`,
    );
    checkGetall(rssRun, RSS_N, `getall N=${RSS_N}`);
    const rssCounts = proxy.counts();
    opRows.push({
      op: `\`getall\`, N = ${RSS_N.toLocaleString("en")}`,
      counts: rssCounts,
      min: getallMinimum(RSS_N, RSS_N),
    });

    // Report.
    const loadAfter = Deno.loadavg();
    const report = render({
      machineLines,
      loadBefore,
      loadAfter,
      rows,
      serverFloorMs,
      floorN,
      opRows,
      copyRows,
      startup,
      rssRun,
      totalMs: performance.now() - benchStarted,
    });
    console.log(report);
    if (options.out) {
      await Deno.mkdir(dirname(resolve(options.out)), { recursive: true });
      await Deno.writeTextFile(options.out, report);
      log(`wrote ${options.out}`);
    }
  } finally {
    await proxy?.stop();
    await moto.stop();
    await Deno.remove(benchHome, { recursive: true }).catch(() => {});
  }
}

/** One `copy` measurement and the `getall` it is set against. */
interface CopyRow {
  what: string;
  n: number;
  reps: number;
  /** The CLI process, spawn to exit (median). */
  copyMs: number;
  /** `getall` of the same N at the same concurrency, in this run (median). */
  getallMs: number;
  counts: Record<string, number>;
  min: Record<string, number>;
}

/**
 * `copy` of `bucket` (N secrets) to a fresh empty bucket at the default concurrency, as they are
 * and with `--to-key`, each next to a `getall` of `bucket` run just before it, alternating.
 */
async function benchCopy(
  moto: MotoServer,
  proxy: Proxy,
  env: Record<string, string>,
  alias: string,
  bucket: string,
): Promise<CopyRow[]> {
  const n = Number(bucket.slice("creds3-bench-".length));
  const next = "alias/creds3-bench-next";
  await createKmsKey(moto.url, next);
  const reps = options.quick ? 1 : REPS;
  const kinds: { what: string; args: string[]; extra: Record<string, number> }[] = [
    { what: "`copy` (as they are)", args: [], extra: {} },
    {
      what: "`copy --to-key` (ReEncrypt)",
      args: ["--to-key", next],
      extra: { "kms:ReEncrypt": n, "kms:DescribeKey": 1 },
    },
  ];
  const out: CopyRow[] = [];
  let made = 0;
  for (const { what, args, extra } of kinds) {
    const copies: number[] = [];
    const getalls: number[] = [];
    let counts: Record<string, number> = {};
    for (let rep = 0; rep < reps; rep++) {
      const getall = check(await cli(["getall", "-l", bucket, "-k", alias], env), `getall N=${n}`);
      checkGetall(getall, n, `getall N=${n}`);
      getalls.push(getall.ms);
      const target = `creds3-bench-copy-${++made}`;
      await createBucket(moto.url, target);
      proxy.resetCounts();
      const copy = check(
        await cli(["copy", bucket, target, "-k", alias, ...args], env),
        `copy N=${n} ${args.join(" ")}`,
      );
      counts = proxy.counts();
      if (copy.stdout.split("\n").filter(Boolean).length !== n) {
        throw new Error(`copy N=${n} ${args.join(" ")} did not copy ${n} versions`);
      }
      copies.push(copy.ms);
    }
    const row: CopyRow = {
      what,
      n,
      reps,
      copyMs: median(copies),
      getallMs: median(getalls),
      counts,
      min: {
        "s3:ListObjectsV2": 2 * Math.max(1, Math.ceil(n / 1000)),
        "s3:GetObject": n,
        "s3:PutObject": n,
        ...extra,
      },
    };
    out.push(row);
    log(`${what} N=${n}: ${msText(row.copyMs)}, getall ${msText(row.getallMs)}`);
  }
  return out;
}

interface ReportInput {
  machineLines: string[];
  loadBefore: number[];
  loadAfter: number[];
  rows: GetallRow[];
  serverFloorMs: number;
  floorN: number;
  opRows: { op: string; counts: Record<string, number>; min: Record<string, number> }[];
  copyRows: CopyRow[];
  startup: Record<string, Run[]>;
  rssRun: Run;
  totalMs: number;
}

function render(input: ReportInput): string {
  const { rows, opRows, startup, rssRun } = input;
  const out: string[] = [];
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(", ");
  out.push(`# creds3 benchmark results${options.quick ? " (quick run)" : ""}`);
  out.push("");
  out.push(
    `Made by \`deno task bench${options.quick ? " --quick" : ""}${
      R !== 20 ? ` --latency ${R}` : ""
    }\` (scripts/bench.ts) on ${new Date().toISOString().slice(0, 10)}; method in ` +
      "docs/PERFORMANCE.md. Medians where runs were repeated; not asserted anywhere.",
  );
  out.push("");
  out.push("Machine:");
  out.push("");
  out.push(...input.machineLines);
  out.push(
    `- load average (1, 5, 15 min) before: ${load(input.loadBefore)}; after: ${
      load(input.loadAfter)
    }`,
  );
  out.push(`- total bench time: ${seconds(input.totalMs)}`);
  out.push("");

  out.push(`## getall, R = ${R} ms per request`);
  out.push("");
  out.push(
    "creds3: the CLI process (`deno run main.ts getall -l BUCKET --concurrency C`), spawn to " +
      "exit. raw: scripts/bench_raw.ts, also a fresh process, same requests with the bare SDK; " +
      "`raw reads` is its list + GET + Decrypt phase alone (no Deno start-up, no SDK loading). " +
      "bound: `ceil(N/1000)·R + ceil(N/C)·2·R`. runs: per side, creds3 and raw alternating; " +
      `times are medians (N = 100 and C = ${DEFAULT_CONCURRENCY} are repeated, the long rows run ` +
      "once).",
  );
  out.push("");
  out.push(
    "| N | C | runs | creds3 | raw | raw reads | creds3 / raw | bound | creds3 / bound | creds3 vs C = 1 | raw vs C = 1 | requests |",
  );
  out.push(
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  );
  for (const r of rows) {
    const first = rows.find((x) => x.n === r.n && x.c === 1);
    const min = getallMinimum(r.n, r.n);
    const wrong = [...r.cliCounts, ...r.rawCounts].find((counts) => !sameCounts(counts, min));
    out.push(
      `| ${r.n.toLocaleString("en")} | ${r.c} | ${r.reps} | ${msText(r.cliMs)} | ${
        msText(r.rawMs)
      } | ${msText(r.rawReadsMs)} | ${ratio(r.cliMs, r.rawMs)} | ${msText(r.bound)} | ${
        ratio(r.cliMs, r.bound)
      } | ${first ? `${(first.cliMs / r.cliMs).toFixed(1)}×` : "-"} | ${
        first ? `${(first.rawMs / r.rawMs).toFixed(1)}×` : "-"
      } | ${wrong ? requestsText(wrong) : "minimum"} |`,
    );
  }
  out.push("");
  out.push(
    `Server floor: the raw reads of N = ${input.floorN.toLocaleString("en")} at C = ` +
      `${DEFAULT_CONCURRENCY} with no added latency take ${msText(input.serverFloorMs)} ` +
      `(${(input.serverFloorMs / (2 * input.floorN + 1)).toFixed(2)} ms per request). moto ` +
      "answers one request at a time (one Python thread) and shares the CPUs with the proxy and " +
      "the client, so no client gets below this however many requests it has in flight: where " +
      "it exceeds the bound, the getall rows measure moto's throughput, not round trips.",
  );
  out.push("");

  out.push(`## copy, R = ${R} ms per request`);
  out.push("");
  out.push(
    "`copy SOURCE DEST` of the largest N to an empty bucket at the default concurrency " +
      `(${DEFAULT_CONCURRENCY}), the CLI process spawn to exit, next to \`getall\` of the same ` +
      "bucket run just before each copy: both make one GET and one other request per version " +
      "(getall a KMS Decrypt, copy a conditional PutObject; with `--to-key` also a KMS ReEncrypt). " +
      "Medians of the runs.",
  );
  out.push("");
  out.push("| copy | N | runs | copy | getall | copy / getall | requests |");
  out.push("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of input.copyRows) {
    out.push(
      `| ${r.what} | ${r.n.toLocaleString("en")} | ${r.reps} | ${msText(r.copyMs)} | ${
        msText(r.getallMs)
      } | ${ratio(r.copyMs, r.getallMs)} | ${
        sameCounts(r.counts, r.min) ? "minimum" : `**${requestsText(r.counts)}**`
      } |`,
    );
  }
  out.push("");

  out.push("## Requests per operation");
  out.push("");
  out.push("| operation | requests | minimum | |");
  out.push("| --- | --- | --- | --- |");
  for (const r of opRows) {
    out.push(
      `| ${r.op} | ${requestsText(r.counts)} | ${requestsText(r.min)} | ${
        sameCounts(r.counts, r.min) ? "= minimum" : "**above minimum**"
      } |`,
    );
  }
  out.push("");
  out.push("No STS request in any of them: the location is given (`-l`).");
  out.push("");

  out.push(`## CLI start-up (${startup.help.length} runs each)`);
  out.push("");
  const hasCpu = startup.help.every((r) => r.cpuMs !== undefined);
  out.push(`| command | median | min |${hasCpu ? " CPU (median) |" : ""}`);
  out.push(`| --- | ---: | ---: |${hasCpu ? " ---: |" : ""}`);
  const line = (label: string, runs: Run[]) =>
    `| ${label} | ${msText(median(runs.map((r) => r.ms)))} | ${
      msText(Math.min(...runs.map((r) => r.ms)))
    } |${hasCpu ? ` ${msText(median(runs.map((r) => r.cpuMs!)))} |` : ""}`;
  out.push(line("`deno run` of an empty file (the runtime's floor)", startup.empty));
  out.push(line("`creds3 --help`", startup.help));
  out.push(line("`creds3 get NAME` on a local store", startup.get));
  out.push("");

  out.push(`## Memory`);
  out.push("");
  out.push(
    `\`getall\` of N = ${RSS_N.toLocaleString("en")} with no added latency (C = ` +
      `${DEFAULT_CONCURRENCY}): peak RSS ${
        rssRun.peakRssKb === undefined
          ? "not measured (no /usr/bin/time and no /proc on this system)"
          : `${(rssRun.peakRssKb / 1024).toFixed(0)} MiB (${rssRun.rssMethod})`
      }, wall time ${msText(rssRun.ms)}, ${(rssRun.stdout.length / 1024).toFixed(0)} KiB printed.`,
  );
  out.push("");

  out.push("## Targets");
  out.push("");
  out.push("| target | measured | |");
  out.push("| --- | --- | --- |");
  const bigN = SIZES[SIZES.length - 1];
  const at = (c: number) => rows.find((r) => r.n === bigN && r.c === c);
  const def = at(DEFAULT_CONCURRENCY);
  const one = at(1);
  const mark = (ok: boolean) => (ok ? "met" : "**missed**");
  if (def) {
    const worst = Math.max(
      ...rows.filter((r) => r.n === bigN && r.c > 1).map((r) => r.cliMs / r.rawMs),
    );
    out.push(
      `| getall N = ${bigN.toLocaleString("en")}, C = ${DEFAULT_CONCURRENCY}: ≤ 1.2× raw | ` +
        `${ratio(def.cliMs, def.rawMs)} (worst over C > 1: ${worst.toFixed(2)}×) | ${
          mark(def.cliMs / def.rawMs <= 1.2)
        } |`,
    );
  }
  if (def && one) {
    out.push(
      `| getall N = ${bigN.toLocaleString("en")}: C = ${DEFAULT_CONCURRENCY} ≥ 10× faster than ` +
        `C = 1 | ${(one.cliMs / def.cliMs).toFixed(1)}× (raw baseline: ${
          (one.rawMs / def.rawMs).toFixed(1)
        }×) | ${mark(one.cliMs / def.cliMs >= 10)} |`,
    );
  }
  const allMin = opRows.every((r) => sameCounts(r.counts, r.min)) &&
    rows.every((r) =>
      [...r.cliCounts, ...r.rawCounts].every((c) => sameCounts(c, getallMinimum(r.n, r.n)))
    );
  out.push(
    `| requests per operation = minimum | ${allMin ? "all" : "not all"} | ${mark(allMin)} |`,
  );
  for (const [label, runs] of [["`--help`", startup.help], ["local `get`", startup.get]] as const) {
    const m = median(runs.map((r) => r.ms));
    out.push(`| ${label} < 150 ms | ${msText(m)} (median) | ${mark(m < 150)} |`);
  }
  if (rssRun.peakRssKb !== undefined) {
    const mb = rssRun.peakRssKb / 1024;
    out.push(
      `| RSS at N = ${RSS_N.toLocaleString("en")} < 300 MB | ${mb.toFixed(0)} MiB | ${
        mark(mb * 1.048576 < 300)
      } |`,
    );
  }
  out.push("");
  return out.join("\n");
}

await main();
