/**
 * `copy` and `rewrap` end to end, run against every backend: between two fresh stores of the
 * backend, each with its own master key, as a user would run them. Each test spawns `main.ts`
 * and asserts stdout, stderr and the exit code.
 *
 * @module
 */
import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { StoreError } from "../../lib/core/errors.ts";
import type { S3Store } from "../../lib/stores/s3/store.ts";
import type { LocalBackend, TestBackend } from "../helpers/backends.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";

/** The master key of a backend, as `-k` takes it. */
export function keyOf(b: TestBackend): string {
  return b.label === "local" ? `local:${(b as LocalBackend).keyFile}` : b.env.CREDS3_KEY;
}

/** The store of a backend, as `-l` takes it. */
export function locationOf(b: TestBackend): string {
  return b.env.CREDS3_LOCATION;
}

/** Runs the CLI in `b`'s environment; `expect` is the exit code it must give. */
export async function cliIn(b: TestBackend, expect: number, ...args: string[]): Promise<CliResult> {
  const r = await runCli(args, { env: b.env });
  strictEqual(r.code, expect, `creds3 ${args.join(" ")} exited ${r.code}:\n${r.stderr}`);
  return r;
}

/**
 * `S3Store.replaceKey` on a store in `bucket` under `prefix`: each name round-trips (the copy
 * source encoded), and a version replaced behind the reader's back (another body, so another
 * ETag) is refused (`version-changed`) and left as it is; a version not read from the store is
 * compared with the object first.
 */
export async function checkReplaceKey(
  store: S3Store,
  s3: S3Client,
  where: { bucket: string; prefix: string },
  names: readonly string[],
): Promise<void> {
  const secret = {
    contents: "Y2lwaGVy",
    key: "b2xk",
    hmac: "00ff",
    digest: "SHA256",
    comment: "né",
  };
  for (const name of names) {
    await store.create(name, "1", secret);
    await store.replaceKey(name, "1", await store.read(name, "1"), "bmV3");
    deepStrictEqual(await store.read(name, "1"), { ...secret, key: "bmV3" }, name);
  }
  const [name] = names;
  const read = await store.read(name, "1");
  await s3.send(
    new PutObjectCommand({
      Bucket: where.bucket,
      Key: `${where.prefix}${name}/1`,
      Body: "b3RoZXI=",
      Metadata: { key: "bmV3", hmac: "00ff", digest: "SHA256" },
    }),
  );
  await rejects(store.replaceKey(name, "1", read, "dGhpcmQ="), (e: Error) => {
    ok(e instanceof StoreError, String(e));
    strictEqual(e.reason?.type, "version-changed");
    return true;
  });
  deepStrictEqual(await store.read(name, "1"), {
    contents: "b3RoZXI=",
    key: "bmV3",
    hmac: "00ff",
    digest: "SHA256",
  });
  await rejects(store.replaceKey(name, "1", secret, "dGhpcmQ="), StoreError);
  await store.replaceKey(name, "1", { ...await store.read(name, "1") }, "dGhpcmQ=");
  strictEqual((await store.read(name, "1")).key, "dGhpcmQ=");
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

/** What `history -f json` says of each version but its date (a copy's is its own). */
async function history(b: TestBackend, name: string, ...args: string[]) {
  const r = await cliIn(b, 0, "history", name, "-f", "json", ...args);
  return JSON.parse(r.stdout).map((e: Record<string, unknown>) => ({ ...e, lastModified: 0 }));
}

/** Stores two versions under env=prod (one with a comment), a binary one and one without context. */
async function fill(a: TestBackend): Promise<void> {
  await cliIn(a, 0, "put", "db/password", "first-made-up", "env=prod", "-c", "the first");
  await cliIn(a, 0, "put", "-a", "db/password", "second-made-up", "env=prod");
  await cliIn(a, 0, "put", "plain/token", "tok-made-up");
  const dir = await Deno.makeTempDir({ prefix: "creds3-copy-" });
  try {
    await Deno.writeFile(`${dir}/blob`, new Uint8Array([0, 1, 254, 255]));
    await cliIn(a, 0, "put", "tls/blob", `@${dir}/blob`, "--binary", "env=prod");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Registers the suite under `label`: each test on two fresh backends from `make`. */
export function defineCopySuite(label: string, make: () => Promise<TestBackend>): void {
  const test = (name: string, fn: (a: TestBackend, b: TestBackend) => Promise<void>) =>
    Deno.test(`${label}: ${name}`, async () => {
      const a = await make();
      try {
        const b = await make();
        try {
          await fn(a, b);
        } finally {
          await b.cleanup();
        }
      } finally {
        await a.cleanup();
      }
    });

  test(
    "copy: every version with its comment and binary mark, then nothing left to copy",
    async (a, b) => {
      await fill(a);
      const to = locationOf(b);
      const copy = await cliIn(a, 0, "copy", locationOf(a), to);
      deepStrictEqual(lines(copy.stdout), [
        "db/password -- version 1",
        "db/password -- version 2",
        "plain/token -- version 1",
        "tls/blob    -- version 1",
      ]);
      match(copy.stderr, /^Copied 4 versions to \S+ \(0 versions already there\)\n$/);
      // As they are: still wrapped under the source's key, which reads them.
      const k = ["-k", keyOf(a)];
      strictEqual(
        (await cliIn(b, 0, "get", "db/password", "env=prod", ...k)).stdout,
        "second-made-up\n",
      );
      strictEqual(
        (await cliIn(b, 0, "get", "db/password", "-v", "1", "env=prod", ...k)).stdout,
        "first-made-up\n",
      );
      strictEqual((await cliIn(b, 0, "get", "plain/token", ...k)).stdout, "tok-made-up\n");
      for (const name of ["db/password", "tls/blob"]) {
        deepStrictEqual(await history(b, name, ...k), await history(a, name), name);
      }
      await cliIn(b, 1, "get", "plain/token");
      const again = await cliIn(a, 0, "copy", locationOf(a), to);
      strictEqual(again.stdout, "");
      match(again.stderr, /^Copied 0 versions to \S+ \(4 versions already there\)\n$/);
    },
  );

  test(
    "copy: a version the destination holds otherwise is a conflict, never overwritten",
    async (a, b) => {
      await fill(a);
      await cliIn(b, 0, "put", "-v", "2", "db/password", "theirs-made-up", "env=prod");
      const copy = await cliIn(a, 1, "copy", locationOf(a), locationOf(b), "db/*", "env=prod");
      deepStrictEqual(lines(copy.stdout), ["db/password -- version 1"]);
      match(copy.stderr, /creds3: error: 'db\/password' version 2 differs in \S+: left as it is\n/);
      match(copy.stderr, /Copied 1 version to \S+ \(0 versions already there\)\n/);
      match(copy.stderr, /creds3: error: 1 version conflicting, left as they are\n/);
      match(copy.stderr, /creds3: hint: a version is never overwritten/);
      strictEqual(
        (await cliIn(b, 0, "get", "db/password", "-v", "2", "env=prod")).stdout,
        "theirs-made-up\n",
      );
    },
  );

  test(
    "copy --to-key: under the destination's key; another context fails, named, or is skipped",
    async (a, b) => {
      await fill(a);
      const args = ["copy", locationOf(a), locationOf(b), "env=prod", "--to-key", keyOf(b)];
      const first = await cliIn(a, 1, ...args);
      deepStrictEqual(lines(first.stdout), [
        "db/password -- version 1",
        "db/password -- version 2",
        "tls/blob    -- version 1",
      ]);
      match(first.stderr, /creds3: error: 'plain\/token' version 1: /);
      match(first.stderr, /creds3: error: 1 of 4 versions could not be copied\n/);
      // Read with the destination's own key, and the source's no longer.
      strictEqual((await cliIn(b, 0, "get", "db/password", "env=prod")).stdout, "second-made-up\n");
      await cliIn(b, 1, "get", "db/password", "env=prod", "-k", keyOf(a));
      deepStrictEqual(await history(b, "db/password"), await history(a, "db/password"));

      const skipped = await cliIn(a, 0, ...args, "--skip-errors");
      strictEqual(skipped.stdout, "");
      match(skipped.stderr, /creds3: warning: skipped 'plain\/token' version 1: /);
      match(
        skipped.stderr,
        /Copied 0 versions to \S+ \(3 versions already there, 1 version left out\)/,
      );

      const rest = await cliIn(
        a,
        0,
        "copy",
        locationOf(a),
        locationOf(b),
        "plain/*",
        "--to-key",
        keyOf(b),
      );
      deepStrictEqual(lines(rest.stdout), ["plain/token -- version 1"]);
      strictEqual((await cliIn(b, 0, "get", "plain/token")).stdout, "tok-made-up\n");
    },
  );

  test("copy --dry-run prints what would be copied, and copies nothing", async (a, b) => {
    await fill(a);
    const dry = await cliIn(
      a,
      0,
      "copy",
      locationOf(a),
      locationOf(b),
      "--latest-only",
      "--dry-run",
    );
    deepStrictEqual(lines(dry.stdout), [
      "db/password -- version 2",
      "plain/token -- version 1",
      "tls/blob    -- version 1",
    ]);
    match(
      dry.stderr,
      /^Dry run: would copy 3 versions to \S+ \(0 versions already there\); nothing was copied\n$/,
    );
    strictEqual((await cliIn(b, 0, "list")).stdout, "");
    const latest = await cliIn(a, 0, "copy", locationOf(a), locationOf(b), "--latest-only");
    strictEqual(lines(latest.stdout).length, 3);
    deepStrictEqual(lines((await cliIn(b, 0, "list")).stdout), lines(dry.stdout));
  });

  test(
    "copy, then rewrap in place: resumable, the old key reads nothing after, and the copy run again finds every version there",
    async (a, b) => {
      await fill(a);
      await cliIn(a, 0, "copy", locationOf(a), locationOf(b));
      const old = ["-k", keyOf(a)];
      // A rotation of part of the names, as if interrupted, then of all.
      const part = await cliIn(b, 0, "rewrap", "db/*", "env=prod", ...old, "--to-key", keyOf(b));
      deepStrictEqual(lines(part.stdout), ["db/password -- version 1", "db/password -- version 2"]);
      match(
        part.stderr,
        /^Re-wrapped 2 versions in \S+ under \S+ \(0 versions already under it\)\n$/,
      );
      const rest = await cliIn(b, 1, "rewrap", "env=prod", ...old, "--to-key", keyOf(b));
      deepStrictEqual(lines(rest.stdout), ["tls/blob -- version 1"]);
      match(rest.stderr, /Re-wrapped 1 version in \S+ under \S+ \(2 versions already under it\)\n/);
      match(rest.stderr, /creds3: error: 'plain\/token' version 1: /);
      await cliIn(b, 0, "rewrap", "plain/*", ...old, "--to-key", keyOf(b));
      const done = await cliIn(
        b,
        0,
        "rewrap",
        "env=prod",
        ...old,
        "--to-key",
        keyOf(b),
        "--skip-errors",
      );
      strictEqual(done.stdout, "");
      match(
        done.stderr,
        /Re-wrapped 0 versions in \S+ under \S+ \(3 versions already under it, 1 version left out\)/,
      );
      // Everything reads with the new key alone; the old one reads nothing.
      strictEqual(
        (await cliIn(b, 0, "get", "db/password", "-v", "1", "env=prod")).stdout,
        "first-made-up\n",
      );
      strictEqual((await cliIn(b, 0, "get", "plain/token")).stdout, "tok-made-up\n");
      deepStrictEqual(await history(b, "db/password"), await history(a, "db/password"));
      const getall = await cliIn(b, 1, "getall", "env=prod", ...old);
      ok(!getall.stderr.includes("made-up"), "no value in errors");
      match(getall.stderr, /3 of 3 secrets could not be read/);
      // The copy run again (a backup kept up to date): the re-wrapped versions are there.
      const again = await cliIn(a, 0, "copy", locationOf(a), locationOf(b));
      strictEqual(again.stdout, "");
      strictEqual(
        again.stderr.replace(/ to \S+ /, " to B "),
        "Copied 0 versions to B (4 versions already there)\n",
      );
    },
  );

  test(
    "usage errors: copy onto the source spelled otherwise, or into it where its names are",
    async (a) => {
      await fill(a);
      const source = locationOf(a);
      // A location with a prefix may end with its '/' already.
      const base = source.replace(/\/+$/, "");
      const backup = `${base}/backup`;
      await cliIn(a, 0, "setup", "-l", backup);
      const before = await a.snapshot();
      const same = await cliIn(a, 2, "copy", source, source === base ? `${base}/` : base);
      match(
        same.stderr,
        /^creds3: error: The source and the destination are the same store \(\S+\)\ncreds3: hint: .*'creds3 rewrap --to-key KEY'\n$/,
      );
      const into = await cliIn(a, 2, "copy", source, backup, "--latest-only");
      match(
        into.stderr,
        /^creds3: error: The destination \S+ is inside the source \S+ \(its names starting with 'backup\/'\): each run would copy the copies again\ncreds3: hint: select names outside 'backup\/' with a pattern/,
      );
      await cliIn(a, 2, "copy", source, backup, "back*");
      deepStrictEqual(await a.snapshot(), before, "nothing was written");
      // Names outside it can go there, and a second run finds them there.
      const outside = await cliIn(a, 0, "copy", source, backup, "db/*");
      deepStrictEqual(lines(outside.stdout), [
        "db/password -- version 1",
        "db/password -- version 2",
      ]);
      strictEqual((await cliIn(a, 0, "copy", source, backup, "db/*")).stdout, "");
    },
  );

  test(
    "usage errors: rewrap to the key it reads with, without --to-key, to a key file that does not exist; copy with -l",
    async (a, b) => {
      await fill(a);
      const before = (await cliIn(a, 0, "list")).stdout;
      const same = await cliIn(a, 2, "rewrap", "--to-key", keyOf(a));
      match(same.stderr, /is the key the versions are read with/);
      match((await cliIn(a, 2, "rewrap")).stderr, /--to-key/);
      // A new key that does not exist: the hint makes that one, not -k's.
      const none = "/nonexistent-creds3-dir/new.key";
      const missing = await cliIn(a, 1, "rewrap", "--to-key", `local:${none}`);
      match(missing.stderr, new RegExp(`Local master key '${none}' does not exist`));
      match(
        missing.stderr,
        new RegExp(
          `creds3: hint: create it with 'creds3 setup --create-key -k local:${none}', or name ` +
            "another with -k or --to-key\n$",
        ),
      );
      const l = await cliIn(a, 2, "copy", locationOf(a), locationOf(b), "-l", locationOf(a));
      match(l.stderr, /copy takes its source as the first argument: leave out -l/);
      match((await cliIn(a, 2, "copy", locationOf(a))).stderr, /usage: /);
      strictEqual((await cliIn(a, 0, "list")).stdout, before);
      strictEqual((await cliIn(b, 0, "list")).stdout, "");
    },
  );
}
