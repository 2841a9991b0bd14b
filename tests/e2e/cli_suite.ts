/**
 * The CLI end-to-end suite, run against every backend: each test spawns `main.ts` as a user
 * would and asserts stdout, stderr and the exit code.
 *
 * @module
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { tamper, type TestBackend } from "../helpers/backends.ts";
import { runCli } from "../helpers/cli.ts";

/** A test of a suite: it runs on a fresh backend, cleaned up afterwards. */
export type SuiteTest = (
  name: string,
  fn: (cli: Cli, backend: TestBackend) => Promise<void>,
) => void;

/** Registers tests named `label: ...`, each on a fresh backend from `makeBackend`. */
export function suiteTest(label: string, makeBackend: () => Promise<TestBackend>): SuiteTest {
  return (name, fn) => {
    Deno.test(`${label}: ${name}`, async () => {
      const backend = await makeBackend();
      try {
        await fn(cliFor(backend), backend);
      } finally {
        await backend.cleanup();
      }
    });
  };
}

/** Registers the suite under `label` with a factory for fresh backends. */
export function defineCliSuite(label: string, makeBackend: () => Promise<TestBackend>): void {
  const test = suiteTest(label, makeBackend);

  test("setup twice is harmless, then put and get need no extra flags", async (cli) => {
    const again = await cli.ok("setup");
    match(again.stderr, /Ready:/);
    const put = await cli.ok("put", "db/password", "hunter2-test");
    strictEqual(put.stdout, "");
    match(put.stderr, /Stored 'db\/password' version 1/);
    strictEqual((await cli.ok("get", "db/password")).stdout, "hunter2-test\n");
    strictEqual((await cli.ok("get", "-n", "db/password")).stdout, "hunter2-test");
    strictEqual((await cli.ok("get", "db/password", "--noline")).stdout, "hunter2-test");
  });

  test("a version is never overwritten", async (cli) => {
    await cli.ok("put", "k", "first-value");
    const again = await cli.run("put", "k", "second-value");
    strictEqual(again.code, 1);
    match(again.stderr, /Version 1 of 'k' already exists/);
    strictEqual(again.stdout, "");
    strictEqual((await cli.ok("get", "k")).stdout, "first-value\n");
  });

  test("versions: -v, -a and numeric latest", async (cli) => {
    await cli.ok("put", "svc", "v1-value");
    await cli.ok("put", "-v", "2", "svc", "v2-value");
    const auto = await cli.ok("put", "-a", "svc", "v3-value");
    match(auto.stderr, /version 3/);
    await cli.ok("put", "--version", "10", "svc", "v10-value");
    await cli.ok("put", "-v", "9", "svc", "v9-value");
    strictEqual((await cli.ok("get", "svc")).stdout, "v10-value\n");
    strictEqual((await cli.ok("get", "svc", "-v", "2")).stdout, "v2-value\n");
    match((await cli.ok("put", "--autoversion", "svc", "v11-value")).stderr, /version 11/);
    const list = await cli.ok("list");
    deepStrictEqual(list.stdout.trimEnd().split("\n"), [
      "svc -- version 1",
      "svc -- version 2",
      "svc -- version 3",
      "svc -- version 9",
      "svc -- version 10",
      "svc -- version 11",
    ]);
  });

  test("autoversion refuses a non-integer stored version", async (cli) => {
    await cli.ok("put", "-v", "beta", "odd", "beta-value");
    const r = await cli.run("put", "-a", "odd", "next-value");
    strictEqual(r.code, 2);
    match(r.stderr, /stored version 'beta' is not an integer/);
    strictEqual((await cli.ok("get", "odd")).stdout, "beta-value\n");
  });

  test("values from a file, from stdin, empty and missing", async (cli, backend) => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/v.txt`, "line one\nline two\n");
      await cli.ok("put", "fromfile", `@${dir}/v.txt`);
      strictEqual((await cli.ok("get", "-n", "fromfile")).stdout, "line one\nline two\n");
      const missing = await cli.run("put", "nofile", `@${dir}/missing.txt`);
      strictEqual(missing.code, 2);
      match(missing.stderr, /starts with '@', which names a file, and there is no such file/);
      ok(!missing.stderr.includes("missing.txt"), missing.stderr);
      const isDir = await cli.run("put", "nofile", `@${dir}`);
      strictEqual(isDir.code, 2);
      match(isDir.stderr, /is a directory/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    await runCli(["put", "fromstdin", "-"], { env: backend.env, stdin: "piped in ✓" }).then((r) =>
      strictEqual(r.code, 0, r.stderr)
    );
    strictEqual((await cli.ok("get", "-n", "fromstdin")).stdout, "piped in ✓");
    const empty = await runCli(["put", "emptystdin", "-"], { env: backend.env, stdin: "" });
    strictEqual(empty.code, 2);
    match(empty.stderr, /Standard input is empty/);
    await cli.ok("put", "emptyvalue", "");
    strictEqual((await cli.ok("get", "emptyvalue")).stdout, "\n");
    const list = await cli.ok("list");
    ok(!list.stdout.includes("nofile") && !list.stdout.includes("emptystdin"), list.stdout);
  });

  test("encryption context: right, wrong and missing", async (cli) => {
    await cli.ok("put", "ctx", "context-bound-value", "env=prod", "team=core");
    strictEqual(
      (await cli.ok("get", "ctx", "team=core", "env=prod")).stdout,
      "context-bound-value\n",
    );
    for (const args of [["env=dev", "team=core"], [], ["env=prod"]]) {
      const r = await cli.run("get", "ctx", ...args);
      strictEqual(r.code, 1, `context ${args.join(" ")}`);
      strictEqual(r.stdout, "");
      match(r.stderr, /creds3: error: .*'ctx'/);
      ok(!r.stderr.includes("context-bound-value"));
    }
    const bad = await cli.run("get", "ctx", "envprod");
    strictEqual(bad.code, 2);
    match(bad.stderr, /Context 'envprod' is not of the form key=value/);
  });

  test("wildcards match literally except '*'", async (cli) => {
    for (const name of ["a.b", "aXb", "a.b.c", "a+b", "aab", "other"]) {
      await cli.ok("put", name, `value-of-${name}`);
    }
    deepStrictEqual(JSON.parse((await cli.ok("get", "a.b*")).stdout), {
      "a.b": "value-of-a.b",
      "a.b.c": "value-of-a.b.c",
    });
    deepStrictEqual(JSON.parse((await cli.ok("get", "a+*")).stdout), { "a+b": "value-of-a+b" });
    deepStrictEqual(Object.keys(JSON.parse((await cli.ok("get", "*b")).stdout)), [
      "a+b",
      "a.b",
      "aXb",
      "aab",
    ]);
    deepStrictEqual(JSON.parse((await cli.ok("get", "nomatch*")).stdout), {});
  });

  test("getall in every format, sorted", async (cli) => {
    await cli.ok("put", "b_key", "value with spaces");
    await cli.ok("put", "a_key", 'it\'s "quoted" $HOME');
    await cli.ok("put", "-v", "2", "a_key", "second version");
    const json = await cli.ok("getall");
    strictEqual(
      json.stdout,
      '{\n    "a_key": "second version",\n    "b_key": "value with spaces"\n}\n',
    );
    const yaml = await cli.ok("getall", "-f", "yaml");
    match(yaml.stdout, /^a_key: .*second version.*\nb_key: .*value with spaces/);
    const csv = await cli.ok("getall", "-f", "csv");
    strictEqual(csv.stdout, "a_key,second version\r\nb_key,value with spaces\r\n");
    const dotenv = await cli.ok("getall", "-f", "dotenv");
    match(dotenv.stdout, /^A_KEY=.*\nB_KEY=.*\n$/);
    const v1 = await cli.ok("getall", "-v", "1");
    deepStrictEqual(JSON.parse(v1.stdout), {
      a_key: 'it\'s "quoted" $HOME',
      b_key: "value with spaces",
    });
    const bad = await cli.run("getall", "-f", "xml");
    strictEqual(bad.code, 2);
    match(bad.stderr, /xml/);
  });

  test("getall reports an unreadable secret by name and prints nothing", async (cli) => {
    await cli.ok("put", "plain", "plain-value");
    await cli.ok("put", "bound", "bound-value", "env=prod");
    const r = await cli.run("getall");
    strictEqual(r.code, 1);
    strictEqual(r.stdout, "");
    match(r.stderr, /'bound' version 1/);
    match(r.stderr, /1 of 2 secrets could not be read/);
    const skip = await cli.run("getall", "--skip-errors");
    strictEqual(skip.code, 0, skip.stderr);
    deepStrictEqual(JSON.parse(skip.stdout), { plain: "plain-value" });
    match(skip.stderr, /warning: skipped 'bound' version 1/);
  });

  test("list pads names and sorts versions numerically", async (cli) => {
    strictEqual((await cli.ok("list")).stdout, "");
    await cli.ok("put", "longer/name", "x-value");
    await cli.ok("put", "-v", "10", "n", "ten-value");
    await cli.ok("put", "-v", "9", "n", "nine-value");
    strictEqual(
      (await cli.ok("list")).stdout,
      "longer/name -- version 1\nn           -- version 9\nn           -- version 10\n",
    );
    strictEqual((await cli.ok("list", "lon*")).stdout, "longer/name -- version 1\n");
  });

  test("delete removes exactly one name, or one version", async (cli) => {
    for (const name of ["foo", "foobar", "foo/bar"]) await cli.ok("put", name, `${name}-value`);
    await cli.ok("put", "-a", "foo", "foo-value-2");
    const del = await cli.ok("delete", "foo", "-v", "1");
    match(del.stderr, /Deleted 'foo' version 1/);
    strictEqual((await cli.ok("get", "foo")).stdout, "foo-value-2\n");
    await cli.ok("delete", "foo");
    const gone = await cli.run("get", "foo");
    strictEqual(gone.code, 1);
    match(gone.stderr, /'foo' is not in/);
    strictEqual((await cli.ok("list")).stdout, "foo/bar -- version 1\nfoobar  -- version 1\n");
    const again = await cli.run("delete", "foo");
    strictEqual(again.code, 1);
    const wild = await cli.run("delete", "foo*");
    strictEqual(wild.code, 2);
  });

  test("bad names and versions are refused before anything is written", async (cli) => {
    const bad = [
      "",
      "a//b",
      "/a",
      "a/",
      "a/./b",
      "a/../b",
      "a*",
      " leading-space",
      "trailing-space ",
      "segment /end",
      "no\u00a0break-space",
      "cafe\u0301-decomposed",
      "euro-sign-\u20ac",
      "x".repeat(513),
      "\u00e9".repeat(385),
      "tab\there",
    ];
    for (const name of bad) {
      const r = await cli.run("put", name, "some-value");
      strictEqual(r.code, 2, `name ${JSON.stringify(name)}: ${r.stderr}`);
      match(r.stderr, /creds3: error: Credential name/);
    }
    for (const version of ["a/b", "", "x".repeat(65)]) {
      const r = await cli.run("put", "-v", version, "okname", "some-value");
      strictEqual(r.code, 2, `version ${JSON.stringify(version)}`);
    }
    strictEqual((await cli.ok("list")).stdout, "");
    await cli.ok("put", "a-b_c.d/e+f=g@h:i", "all-allowed");
    strictEqual((await cli.ok("get", "a-b_c.d/e+f=g@h:i")).stdout, "all-allowed\n");
    // Letters and digits of any script, and inner spaces, are allowed too.
    const wide =
      "caf\u00e9 cr\u00e8me/\u540d\u524d \u0968\u0966/\u0417\u0430\u043f\u0438\u0441\u044c";
    await cli.ok("put", wide, "wide-allowed");
    strictEqual((await cli.ok("get", wide)).stdout, "wide-allowed\n");
  });

  test(
    "digests: SHA384 and SHA512 written and read, others refused for writing",
    async (cli, backend) => {
      await cli.ok("put", "-d", "SHA384", "d384", "digest-384");
      await cli.ok("put", "--digest", "SHA512", "d512", "digest-512");
      strictEqual((await backend.read("d384", "1")).digest, "SHA384");
      strictEqual((await cli.ok("get", "d384")).stdout, "digest-384\n");
      strictEqual((await cli.ok("get", "d512")).stdout, "digest-512\n");
      const md5 = await cli.run("put", "-d", "MD5", "dmd5", "digest-md5");
      strictEqual(md5.code, 2);
    },
  );

  for (const field of ["contents", "hmac"] as const) {
    test(
      `an altered ${field} is an integrity error with nothing on stdout`,
      async (cli, backend) => {
        await cli.ok("put", "tampered", "original-value");
        const raw = await backend.read("tampered", "1");
        const value = raw[field];
        const flipped = (value[0] === "0" ? "1" : "0") + value.slice(1); // differs in hex of any case and in base64
        await tamper(backend, "tampered", "1", field, flipped);
        const r = await cli.run("get", "tampered");
        strictEqual(r.code, 1);
        strictEqual(r.stdout, "");
        match(r.stderr, /'tampered' version 1: .*HMAC does not match/);
      },
    );
  }

  test("16 concurrent put -a land on 16 distinct readable versions", async (cli) => {
    const runs = await Promise.all(
      Array.from({ length: 16 }, (_, i) => cli.run("put", "-a", "race", `racer-${i}`)),
    );
    for (const r of runs) strictEqual(r.code, 0, r.stderr);
    const versions = runs.map((r) => r.stderr.match(/version (\d+)/)![1]).sort((a, b) => +a - +b);
    deepStrictEqual(versions, Array.from({ length: 16 }, (_, i) => String(i + 1)));
    const all = new Set<string>();
    for (const v of versions) all.add((await cli.ok("get", "race", "-v", v)).stdout);
    strictEqual(all.size, 16);
  });

  test("usage errors exit 2, unknown commands suggest", async (cli) => {
    const r = await cli.run("gett", "x");
    strictEqual(r.code, 2);
    match(r.stderr, /Unknown command 'gett'/);
    match(r.stderr, /get/);
    strictEqual((await cli.run("get")).code, 2);
    strictEqual((await cli.run("put", "x", "y", "--bogus")).code, 2);
  });
}

/** The CLI on one backend: `run` returns what it did, `ok` also requires exit 0. */
export interface Cli {
  run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  ok(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

function cliFor(backend: TestBackend): Cli {
  const run = (...args: string[]) => runCli(args, { env: backend.env });
  return {
    run,
    async ok(...args: string[]) {
      const r = await run(...args);
      strictEqual(r.code, 0, `creds3 ${args.join(" ")} failed: ${r.stderr}`);
      return r;
    },
  };
}
