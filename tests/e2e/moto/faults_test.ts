/**
 * Faults between creds3 and S3/KMS: the CLI runs against moto through the fault-injecting
 * proxy (tests/helpers/proxy.ts). Transient faults are retried to correct results; permanent
 * ones give one clear error naming the operation and the AWS (or network) error code, exit 1,
 * nothing on stdout, no partial file and no half-written object; a lost answer to a write that
 * landed is recognised as our own write.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { motoBucketAndKey } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";
import { awsEnv, motoUrl, s3Client, uniqueName } from "../../helpers/moto.ts";
import { type FaultKind, type FaultOptions, type Proxy, startProxy } from "../../helpers/proxy.ts";

const ALL_KINDS: FaultKind[] = [
  "s3-503",
  "s3-500",
  "kms-throttle",
  "kms-500",
  "reset",
  "reset-after",
  "hang",
];

interface FaultyStore {
  proxy: Proxy;
  bucket: string;
  /** Environment of a CLI that reaches moto through the proxy. */
  env: Record<string, string>;
  /** Object keys in the bucket, read directly from moto (no proxy), sorted. */
  keys(): Promise<string[]>;
  /** Runs the CLI through the proxy. */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs the CLI and asserts that it succeeded. */
  ok(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

async function withFaultyStore(
  settings: Record<string, string>,
  fn: (store: FaultyStore) => Promise<void>,
): Promise<void> {
  const { url, bucket, alias } = await motoBucketAndKey("creds3-faults");
  const proxy = await startProxy(url);
  const s3 = s3Client(url);
  const env = { ...awsEnv(proxy.url), CREDS3_LOCATION: bucket, CREDS3_KEY: alias, ...settings };
  const cli = (...args: string[]) => runCli(args, { env });
  try {
    await fn({
      proxy,
      bucket,
      env,
      async keys() {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        return (out.Contents ?? []).map((o) => o.Key!).sort();
      },
      cli,
      async ok(...args) {
        const r = await cli(...args);
        strictEqual(r.code, 0, `creds3 ${args.join(" ")} failed under faults: ${r.stderr}`);
        return r;
      },
    });
  } finally {
    s3.destroy();
    await proxy.stop();
  }
}

// 10 attempts make a request that fails every time at 30% about one in 170,000; a hung attempt
// is abandoned after 1 s. The 30% hit every kind of request, reads and writes alike.
const TRANSIENT = { CREDS3_MAX_ATTEMPTS: "10", CREDS3_TIMEOUT: "1" };
const thirtyPercent = (seed: number): FaultOptions => ({
  rate: 0.3,
  kinds: ALL_KINDS,
  seed,
  hangMs: 5_000,
});

Deno.test("faults: with 30% transient faults every command succeeds with correct results", async () => {
  await withFaultyStore(TRANSIENT, async (store) => {
    store.proxy.setOptions({ faults: thirtyPercent(11) });
    const expected: Record<string, string> = {};
    for (let i = 0; i < 6; i++) {
      await store.ok("put", `app/key${i}`, `fault-value-${i}`);
      expected[`app/key${i}`] = `fault-value-${i}`;
    }
    await store.ok("put", "-v", "7", "app/pinned", "pinned-value-7");
    expected["app/pinned"] = "pinned-value-7";
    const autos: string[] = [];
    for (let i = 0; i < 4; i++) {
      autos.push((await store.ok("put", "-a", "app/rotated", `rotated-${i + 1}`)).stderr);
    }
    autos.forEach((stderr, i) => match(stderr, new RegExp(`'app/rotated' version ${i + 1}\\b`)));
    expected["app/rotated"] = "rotated-4";

    for (const [name, value] of Object.entries(expected)) {
      strictEqual((await store.ok("get", name)).stdout, `${value}\n`);
    }
    strictEqual((await store.ok("get", "app/rotated", "-v", "2")).stdout, "rotated-2\n");
    deepStrictEqual(JSON.parse((await store.ok("getall")).stdout), expected);
    deepStrictEqual(
      JSON.parse((await store.ok("get", "app/key*")).stdout),
      Object.fromEntries(Object.entries(expected).filter(([k]) => k.startsWith("app/key"))),
    );
    const dotenv = (await store.ok("export", "app/*", "--strip-prefix", "app/", "-f", "json"))
      .stdout;
    deepStrictEqual(
      JSON.parse(dotenv),
      Object.fromEntries(Object.entries(expected).map(([k, v]) => [k.slice(4), v])),
    );
    const exec = await store.ok(
      "exec",
      "app/*",
      "--strip-prefix",
      "app/",
      "--",
      "sh",
      "-c",
      'printf "%s|%s" "$KEY0" "$ROTATED"',
    );
    strictEqual(exec.stdout, "fault-value-0|rotated-4");

    await store.ok("delete", "app/key0");
    await store.ok("delete", "app/rotated", "-v", "1");
    const injected = store.proxy.injected();
    store.proxy.setOptions({ faults: undefined });

    // What the store holds, read without faults: every version exactly once, nothing extra.
    deepStrictEqual(await store.keys(), [
      "app/key1/1",
      "app/key2/1",
      "app/key3/1",
      "app/key4/1",
      "app/key5/1",
      "app/pinned/7",
      "app/rotated/2",
      "app/rotated/3",
      "app/rotated/4",
    ]);
    // The faults really happened, of many kinds, on both services.
    const total = Object.values(injected).reduce((a, b) => a + b, 0);
    ok(total >= 20, `only ${total} faults injected: ${JSON.stringify(injected)}`);
    for (const kind of ["s3-503", "kms-throttle", "reset", "reset-after", "hang"]) {
      ok((injected[kind] ?? 0) > 0, `no ${kind} fault injected: ${JSON.stringify(injected)}`);
    }
  });
});

Deno.test("faults: a write that landed but whose answer was lost is our own, not a conflict", async () => {
  await withFaultyStore({ CREDS3_MAX_ATTEMPTS: "3" }, async (store) => {
    // Seed 7 at rate 0.5 faults the first PutObject and not the next ones: the first attempt
    // reaches moto and stores the object, its answer is dropped, the SDK retries and gets 412.
    const dropFirstAnswer: FaultOptions = {
      rate: 0.5,
      kinds: ["reset-after"],
      ops: ["s3:PutObject"],
      seed: 7,
    };
    store.proxy.setOptions({ faults: dropFirstAnswer });
    const pinned = await store.ok("put", "-v", "5", "lost/pinned", "pinned-lost-answer");
    match(pinned.stderr, /Stored 'lost\/pinned' version 5/);
    deepStrictEqual(store.proxy.injected(), { "reset-after": 1 });
    strictEqual(store.proxy.counts()["s3:PutObject"], 2, "one lost answer, one retry");

    await store.ok("put", "lost/auto", "auto-first");
    store.proxy.resetCounts();
    store.proxy.setOptions({ faults: dropFirstAnswer });
    const auto = await store.ok("put", "-a", "lost/auto", "auto-lost-answer");
    match(auto.stderr, /Stored 'lost\/auto' version 2/);
    deepStrictEqual(store.proxy.injected(), { "reset-after": 1 });
    strictEqual(store.proxy.counts()["s3:PutObject"], 2);

    // Every answer lost: each retry meets our own object, so the put still succeeds, once.
    store.proxy.setOptions({ faults: { ...dropFirstAnswer, rate: 1 } });
    await store.ok("put", "lost/always", "always-lost-answer");
    store.proxy.setOptions({ faults: undefined });
    deepStrictEqual(
      await store.keys(),
      ["lost/always/1", "lost/auto/1", "lost/auto/2", "lost/pinned/5"],
    );
    strictEqual((await store.ok("get", "lost/auto")).stdout, "auto-lost-answer\n");
    strictEqual((await store.ok("get", "lost/always")).stdout, "always-lost-answer\n");

    // Another writer's version is still a conflict, lost answer or not.
    store.proxy.setOptions({ faults: dropFirstAnswer });
    const taken = await store.cli("put", "-v", "5", "lost/pinned", "someone-else");
    strictEqual(taken.code, 1);
    match(taken.stderr, /Version 5 of 'lost\/pinned' already exists/);
    store.proxy.setOptions({ faults: undefined });
    strictEqual((await store.ok("get", "lost/pinned")).stdout, "pinned-lost-answer\n");
  });
});

Deno.test("faults: a writer that may not read the object back is told the version exists", async () => {
  await withFaultyStore({}, async (store) => {
    await store.ok("put", "-v", "3", "wo/token", "first-writer");
    // A principal with s3:PutObject and no s3:GetObject: the read-back is denied.
    store.proxy.setOptions({
      faults: { rate: 1, kinds: ["s3-access-denied"], ops: ["s3:GetObject"] },
    });
    const taken = await store.cli("put", "-v", "3", "wo/token", "write-only-writer");
    deepStrictEqual(store.proxy.injected(), { "s3-access-denied": 1 }, "the read-back was tried");
    store.proxy.setOptions({ faults: undefined });
    strictEqual(taken.code, 1, taken.stderr);
    strictEqual(taken.stdout, "");
    match(taken.stderr, /Version 3 of 'wo\/token' already exists/);
    ok(!taken.stderr.includes("write-only-writer"), taken.stderr);
    strictEqual((await store.ok("get", "wo/token")).stdout, "first-writer\n");
  });
});

interface PermanentCase {
  label: string;
  /** Set up state without faults first. */
  before?: string[][];
  args: string[];
  faults: FaultOptions;
  error: RegExp;
}

/** `kind` on every request of the operation `op`. */
function always(kind: FaultKind, op: string, more: Partial<FaultOptions> = {}): FaultOptions {
  return { rate: 1, kinds: [kind], ops: [op], ...more };
}

/** `args` fail with `error` under `faults`, after `before` ran without them. */
function permanent(
  label: string,
  args: string[],
  faults: FaultOptions,
  error: RegExp,
  before?: string[][],
): PermanentCase {
  return { label, before, args, faults, error };
}

const PUT_NEW = ["put", "p/new", "never-stored"];
const PUT_ONE = [["put", "p/one", "one-value"]];

const PERMANENT: PermanentCase[] = [
  permanent(
    "put, S3 PutObject SlowDown",
    PUT_NEW,
    always("s3-503", "s3:PutObject"),
    /S3 PutObject on s3:\/\/\S+ failed: SlowDown: .*\(after 2 attempts\)/,
  ),
  permanent(
    "put -a, S3 ListObjectsV2 InternalError",
    ["put", "-a", "p/new", "never-stored"],
    always("s3-500", "s3:ListObjectsV2"),
    /S3 ListObjectsV2 on s3:\/\/\S+ failed: InternalError/,
  ),
  permanent(
    "put, KMS GenerateDataKey throttled",
    PUT_NEW,
    always("kms-throttle", "kms:GenerateDataKey"),
    /KMS GenerateDataKey with key '\S+' failed: ThrottlingException/,
  ),
  permanent(
    "put, connection reset before the write",
    PUT_NEW,
    always("reset", "s3:PutObject"),
    /S3 PutObject on \S+ failed: ECONNRESET/,
  ),
  permanent(
    "get, S3 GetObject InternalError",
    ["get", "p/one"],
    always("s3-500", "s3:GetObject"),
    /S3 GetObject on \S+ failed: InternalError/,
    PUT_ONE,
  ),
  permanent(
    "get -v, KMS Decrypt hangs past the timeout",
    ["get", "p/one", "-v", "1"],
    always("hang", "kms:Decrypt", { hangMs: 10_000 }),
    /'p\/one' version 1: KMS Decrypt failed: ETIMEDOUT: no answer within 0\.5 s/,
    PUT_ONE,
  ),
  permanent(
    "getall, KMS Decrypt internal error",
    ["getall"],
    always("kms-500", "kms:Decrypt"),
    /'p\/one' version 1: KMS Decrypt failed: KMSInternalException/,
    [["put", "p/one", "one-value"], ["put", "p/two", "two-value"]],
  ),
  permanent(
    "export to a file, S3 GetObject SlowDown",
    ["export", "-f", "dotenv", "-o", "OUTFILE"],
    always("s3-503", "s3:GetObject"),
    /S3 GetObject on \S+ failed: SlowDown/,
    PUT_ONE,
  ),
  permanent(
    "exec, KMS Decrypt throttled",
    ["exec", "--", "sh", "-c", "echo started"],
    always("kms-throttle", "kms:Decrypt"),
    /KMS Decrypt failed: ThrottlingException/,
    PUT_ONE,
  ),
  permanent(
    "list, S3 ListObjectsV2 reset",
    ["list"],
    always("reset", "s3:ListObjectsV2"),
    /S3 ListObjectsV2 on \S+ failed: ECONNRESET/,
    PUT_ONE,
  ),
  permanent(
    "delete, S3 DeleteObjects SlowDown",
    ["delete", "p/one"],
    always("s3-503", "s3:DeleteObjects"),
    /S3 DeleteObjects on \S+ failed: SlowDown/,
    PUT_ONE,
  ),
];

Deno.test("faults: permanent faults give one clear error, exit 1, nothing partial", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "creds3-faults-" });
  try {
    for (const c of PERMANENT) {
      await t.step(c.label, async () => {
        await withFaultyStore(
          { CREDS3_MAX_ATTEMPTS: "2", CREDS3_TIMEOUT: "0.5" },
          async (store) => {
            for (const args of c.before ?? []) await store.ok(...args);
            const before = await store.keys();
            const outfile = `${dir}/${uniqueName("out")}.env`;
            store.proxy.setOptions({ faults: c.faults });
            const r = await store.cli(...c.args.map((a) => a === "OUTFILE" ? outfile : a));
            const injected = store.proxy.injected();
            store.proxy.setOptions({ faults: undefined });
            strictEqual(r.code, 1, r.stderr);
            strictEqual(r.stdout, "", "nothing on stdout (exec did not start its command)");
            match(r.stderr, /^creds3: error: /m);
            match(r.stderr, c.error);
            ok(!r.stderr.includes("    at "), `no stack trace without --debug: ${r.stderr}`);
            ok(Object.values(injected).some((n) => n > 0), "the fault was injected");
            deepStrictEqual(await store.keys(), before, "the store is unchanged");
            const leftovers = [...Deno.readDirSync(dir)].map((e) => e.name);
            deepStrictEqual(leftovers, [], "no output file, no temporary file");
          },
        );
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("faults: no half-written object; what a failed put leaves is nothing", async () => {
  await withFaultyStore({ CREDS3_MAX_ATTEMPTS: "2" }, async (store) => {
    await store.ok("put", "half/one", "complete-value");
    // Resets on every PutObject and GetObject: the put fails and cannot even check its write.
    store.proxy.setOptions({
      faults: { rate: 1, kinds: ["reset"], ops: ["s3:PutObject", "s3:GetObject"] },
    });
    const r = await store.cli("put", "-a", "half/one", "never-stored");
    strictEqual(r.code, 1);
    match(r.stderr, /S3 PutObject .* failed: ECONNRESET/);
    store.proxy.setOptions({ faults: undefined });
    deepStrictEqual(await store.keys(), ["half/one/1"]);
    // Every object in the bucket is whole: all four fields, and it opens.
    const s3 = s3Client(await motoUrl());
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: store.bucket, Key: "half/one/1" }));
      deepStrictEqual(Object.keys(out.Metadata ?? {}).sort(), ["digest", "hmac", "key"]);
      await out.Body?.transformToString();
    } finally {
      s3.destroy();
    }
    strictEqual((await store.ok("get", "half/one")).stdout, "complete-value\n");
  });
});
