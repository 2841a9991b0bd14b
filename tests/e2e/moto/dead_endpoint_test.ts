/**
 * An endpoint that dies or hangs in the middle of a multi-secret read, through the fault proxy
 * in front of moto: one summarised line per cause (not one per secret), no new reads once the
 * endpoint refuses connections or does not answer, and, on a terminal, a line that says what
 * a long wait is waiting for. All values are made up.
 */
import { match, ok, strictEqual } from "node:assert/strict";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { motoBucketAndKey } from "../../helpers/backends.ts";
import { cliArgv, cliEnv, runCli } from "../../helpers/cli.ts";
import { awsEnv, s3Client } from "../../helpers/moto.ts";
import { type Proxy, startProxy } from "../../helpers/proxy.ts";
import { onPty } from "../../helpers/pty.ts";

interface Fleet {
  proxy: Proxy;
  /** The CLI's environment, through the proxy. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** `count` secrets `app/sNNNN` (copies of one stored object) behind a proxy with latency. */
async function fleet(count: number, settings: Record<string, string> = {}): Promise<Fleet> {
  const { url, bucket, alias } = await motoBucketAndKey("creds3-dead");
  const direct = { ...awsEnv(url), CREDS3_LOCATION: bucket, CREDS3_KEY: alias };
  const put = await runCli(["put", "app/s0000", "made-up-value"], { env: direct });
  strictEqual(put.code, 0, put.stderr);
  const s3 = s3Client(url);
  try {
    const seed = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "app/s0000/1" }));
    const body = await seed.Body!.transformToByteArray();
    for (let i = 1; i < count; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, count - i) }, (_, j) =>
          s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: `app/s${String(i + j).padStart(4, "0")}/1`,
              Body: body,
              Metadata: seed.Metadata,
            }),
          )),
      );
    }
  } finally {
    s3.destroy();
  }
  const proxy = await startProxy(url, { latencyMs: 20 });
  return {
    proxy,
    env: { ...awsEnv(proxy.url), CREDS3_LOCATION: bucket, CREDS3_KEY: alias, ...settings },
    cleanup: () => proxy.stop(),
  };
}

/** Waits until the proxy has seen `n` KMS Decrypt requests (secrets about to be read). */
async function decrypts(proxy: Proxy, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((proxy.counts()["kms:Decrypt"] ?? 0) < n) {
    ok(Date.now() < deadline, "getall did not get going");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const SUMMARY =
  /^creds3: error: (\d+) secrets could not be read: (.*) \('app\/s\d{4}', 'app\/s\d{4}', 'app\/s\d{4}' and (\d+) more\)$/;

/** The summary lines of stderr, as [count, cause]; asserts each names three and counts the rest. */
function summaries(lines: string[]): [number, string][] {
  return lines.flatMap((line) => {
    const m = SUMMARY.exec(line);
    if (!m) return [];
    strictEqual(Number(m[3]), Number(m[1]) - 3, line);
    return [[Number(m[1]), m[2]] as [number, string]];
  });
}

Deno.test("dead endpoint: getall reports one line per cause and starts no read after a refusal", async () => {
  const COUNT = 400;
  const f = await fleet(COUNT);
  try {
    const run = runCli(["getall"], { env: f.env });
    await decrypts(f.proxy, 40);
    await f.proxy.stop(); // connections refused from now on
    const r = await run;
    strictEqual(r.code, 1);
    strictEqual(r.stdout, "");
    const lines = r.stderr.trimEnd().split("\n");
    ok(lines.length <= 6, `${lines.length} lines on stderr:\n${r.stderr}`);
    const causes = summaries(lines);
    const refused = causes.filter(([, cause]) =>
      /connection refused by 127\.0\.0\.1:\d+/.test(cause)
    );
    ok(refused.length >= 1, r.stderr);
    const notTried = causes.find(([, cause]) =>
      /^not tried, since an earlier read could not reach/.test(cause)
    );
    ok(notTried, `no line for the reads not tried:\n${r.stderr}`);
    // The reads in flight when the endpoint went away failed; no more than a few rounds of them.
    const single = lines.length - 2 - causes.length;
    const tried = causes.reduce((n, [count]) => n + count, single) - notTried[0];
    ok(tried <= 3 * 32, `${tried} reads failed after the endpoint refused connections`);
    const total = /^creds3: error: (\d+) of (\d+) secrets could not be read; nothing was printed$/
      .exec(lines[lines.length - 2]);
    ok(total, r.stderr);
    strictEqual(Number(total[2]), COUNT);
    strictEqual(Number(total[1]), tried + notTried[0]);
    match(
      lines[lines.length - 1],
      /^creds3: hint: check that the store and the key service are up/,
    );
  } finally {
    await f.cleanup();
  }
});

Deno.test("hung endpoint: getall stops starting reads once one got no answer", async () => {
  const COUNT = 200;
  const f = await fleet(COUNT, { CREDS3_TIMEOUT: "1", CREDS3_MAX_ATTEMPTS: "2" });
  try {
    const run = runCli(["getall", "--concurrency", "8"], { env: f.env });
    await decrypts(f.proxy, 20);
    f.proxy.setOptions({ faults: { rate: 1, kinds: ["hang"], hangMs: 120_000 } });
    const started = performance.now();
    const r = await run;
    const seconds = (performance.now() - started) / 1000;
    strictEqual(r.code, 1);
    const lines = r.stderr.trimEnd().split("\n");
    ok(lines.length <= 6, `${lines.length} lines on stderr:\n${r.stderr}`);
    const causes = summaries(lines);
    ok(causes.some(([, c]) => /no answer within 1 s/.test(c)), r.stderr);
    ok(causes.some(([n, c]) => /^not tried/.test(c) && n > COUNT / 2), r.stderr);
    // Two attempts of 1 s and a backoff for the reads in flight; not 180 reads' worth of them.
    ok(seconds < 15, `took ${seconds.toFixed(1)} s after the endpoint hung`);
  } finally {
    await f.cleanup();
  }
});

Deno.test("hung endpoint: on a terminal, a long wait says what it waits for; on a pipe, nothing", async () => {
  const f = await fleet(1, { CREDS3_TIMEOUT: "5", CREDS3_MAX_ATTEMPTS: "1" });
  try {
    f.proxy.setOptions({ faults: { rate: 1, kinds: ["hang"], hangMs: 120_000 } });
    const tty = await onPty(cliArgv(["get", "app/s0000"]), cliEnv(f.env), [], {
      ttyStdio: true,
    });
    strictEqual(tty.code, 1);
    match(
      tty.shown,
      /creds3: waiting for S3 at http:\/\/127\.0\.0\.1:\d+ \(ListObjectsV2\): no answer for 3 s; an attempt gives up after 5 s, after 1 attempt the command fails \(--timeout, --max-attempts\)/,
    );
    match(tty.shown, /ListObjectsV2 .* failed: ETIMEDOUT: no answer within 5 s/);
    const pipe = await runCli(["get", "app/s0000"], { env: f.env });
    strictEqual(pipe.code, 1);
    ok(!pipe.stderr.includes("waiting for"), pipe.stderr);
    match(pipe.stderr, /no answer within 5 s/);
  } finally {
    await f.cleanup();
  }
});
