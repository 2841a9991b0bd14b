/**
 * Managing versions end to end, run against every backend: `keys`, `list --latest`,
 * `list -f json`, `history`, comments, binary secrets and `prune`. Each test spawns `main.ts`
 * as a user would and asserts stdout, stderr and the exit code.
 *
 * @module
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { toBase64 } from "../../lib/core/encoding.ts";
import type { TestBackend } from "../helpers/backends.ts";
import { runCli, runCliBytes } from "../helpers/cli.ts";
import { suiteTest } from "./cli_suite.ts";

/** What `list -f json` and `history -f json` give for one version. */
interface Listed {
  name: string;
  version: string;
  lastModified: string | null;
  size?: number;
  binary?: boolean;
  comment?: string;
}

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Whether the store knows when each version was written (a credstash table keeps no date). */
function dated(backend: TestBackend): boolean {
  return backend.label !== "dynamodb";
}

/** A listing's date: ISO 8601 UTC where the store keeps dates, else null. */
function checkDate(backend: TestBackend, lastModified: string | null): void {
  if (dated(backend)) match(lastModified ?? "", ISO_UTC);
  else strictEqual(lastModified, null);
}

/** Bytes that are not UTF-8 text: every byte value, NUL and newlines included. */
const BINARY = new Uint8Array([...Array.from({ length: 256 }, (_, i) => 255 - i), 0, 10, 13]);

/** A comment of exactly the longest size: 1,024 bytes of UTF-8 in two-byte characters. */
const LONGEST_COMMENT = "é".repeat(512);

/** Registers the suite under `label` with a factory for fresh backends. */
export function defineVersionsSuite(label: string, makeBackend: () => Promise<TestBackend>): void {
  const test = suiteTest(label, makeBackend);

  test("keys, list --latest and list -f json", async (cli, b) => {
    strictEqual((await cli.ok("keys")).stdout, "");
    strictEqual((await cli.ok("keys", "-f", "json")).stdout, "[]\n");
    const started = Date.now();
    await cli.ok("put", "a/x", "x-one");
    await cli.ok("put", "-a", "a/x", "x-two");
    await cli.ok("put", "-v", "10", "a/x", "x-ten");
    await cli.ok("put", "a/y", "y-one");
    await cli.ok("put", "b/z", "z-one");
    strictEqual((await cli.ok("keys")).stdout, "a/x\na/y\nb/z\n");
    strictEqual((await cli.ok("keys", "a/*")).stdout, "a/x\na/y\n");
    deepStrictEqual(JSON.parse((await cli.ok("keys", "-f", "json")).stdout), [
      "a/x",
      "a/y",
      "b/z",
    ]);
    deepStrictEqual(lines((await cli.ok("list", "--latest")).stdout), [
      "a/x -- version 10",
      "a/y -- version 1",
      "b/z -- version 1",
    ]);
    deepStrictEqual(lines((await cli.ok("list", "--latest", "a/x")).stdout), [
      "a/x -- version 10",
    ]);
    const listed: Listed[] = JSON.parse((await cli.ok("list", "-f", "json")).stdout);
    deepStrictEqual(listed.map((e) => `${e.name} ${e.version}`), [
      "a/x 1",
      "a/x 2",
      "a/x 10",
      "a/y 1",
      "b/z 1",
    ]);
    for (const entry of listed) {
      if (!dated(b)) {
        // A table's listing has neither dates nor sizes.
        deepStrictEqual(entry, { name: entry.name, version: entry.version, lastModified: null });
        continue;
      }
      deepStrictEqual(Object.keys(entry), ["name", "version", "lastModified", "size"]);
      const lastModified = entry.lastModified ?? "";
      match(lastModified, ISO_UTC);
      // S3 dates have whole seconds: the write may be dated up to a second before it started.
      const written = Date.parse(lastModified);
      ok(written >= started - 1000 && written <= Date.now() + 1000, lastModified);
      ok(Number.isSafeInteger(entry.size) && entry.size! > 0, JSON.stringify(entry));
    }
    const latest: Listed[] = JSON.parse((await cli.ok("list", "--latest", "-f", "json")).stdout);
    deepStrictEqual(latest.map((e) => `${e.name} ${e.version}`), ["a/x 10", "a/y 1", "b/z 1"]);
    deepStrictEqual(JSON.parse((await cli.ok("list", "-f", "json", "c/*")).stdout), []);
  });

  test("comments: stored with a version, printed back exactly by history", async (cli, b) => {
    const comment = `rotated after the audit — ticket #42 ✓ 日本語 "quoted" 'single' $HOME \\n`;
    await cli.ok("put", "db/password", "first-value", "-c", comment);
    await cli.ok("put", "-a", "db/password", "second-value");
    await cli.ok("put", "-a", "db/password", "third-value", "--comment", LONGEST_COMMENT);
    strictEqual((await cli.ok("get", "db/password", "-v", "1")).stdout, "first-value\n");
    const table = lines((await cli.ok("history", "db/password")).stdout);
    strictEqual(table.length, 4);
    match(table[0], /^VERSION +WRITTEN +TYPE +COMMENT$/);
    match(
      table[1],
      dated(b) ? /^1 +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +text +(.*)$/ : /^1 +- +text +(.*)$/,
    );
    ok(table[1].endsWith(`  ${comment}`), table[1]);
    match(table[2], /^2 +\S+ +text$/);
    ok(table[3].endsWith(`  ${LONGEST_COMMENT}`));
    const history: Listed[] = JSON.parse(
      (await cli.ok("history", "db/password", "-f", "json"))
        .stdout,
    );
    deepStrictEqual(history.map(({ version, binary, comment }) => ({ version, binary, comment })), [
      { version: "1", binary: false, comment },
      { version: "2", binary: false, comment: undefined },
      { version: "3", binary: false, comment: LONGEST_COMMENT },
    ]);
    for (const entry of history) checkDate(b, entry.lastModified);
    // Too long or not one line: a usage error, and nothing is stored.
    for (const bad of [`${LONGEST_COMMENT}x`, "two\nlines", "tab\there", ""]) {
      const r = await cli.run("put", "-a", "db/password", "fourth-value", "-c", bad);
      strictEqual(r.code, 2, r.stderr);
      match(r.stderr, /creds3: error: The comment /);
    }
    match((await cli.run("put", "x", "y", "-c", `${LONGEST_COMMENT}x`)).stderr, /1025 .*1,024/);
    strictEqual(lines((await cli.ok("list")).stdout).length, 3);
    const missing = await cli.run("history", "no/such/name");
    strictEqual(missing.code, 1);
    strictEqual(missing.stdout, "");
    match(missing.stderr, /creds3: error: Credential 'no\/such\/name' is not in /);
    const pattern = await cli.run("history", "db/*");
    strictEqual(pattern.code, 2);
    match(pattern.stderr, /history takes one exact name/);
  });

  test("binary secrets: get writes the bytes, every text output the base64", async (cli, b) => {
    const home = await Deno.makeTempDir({ prefix: "creds3-binary-" });
    try {
      await Deno.writeFile(`${home}/blob.bin`, BINARY);
      await cli.ok("put", "bin/blob", `@${home}/blob.bin`, "--binary", "-c", "a keystore");
      const piped = await runCli(["put", "bin/piped", "-", "--binary"], {
        env: b.env,
        stdin: BINARY.slice(0, 100),
      });
      strictEqual(piped.code, 0, piped.stderr);
      await cli.ok("put", "bin/text", "plain text ✓");
      const base64 = toBase64(BINARY);
      for (const args of [["get", "bin/blob"], ["get", "bin/blob", "-v", "1", "-n"]]) {
        const got = await runCliBytes(args, { env: b.env });
        strictEqual(got.code, 0, got.stderr);
        deepStrictEqual(got.stdout, BINARY, args.join(" "));
      }
      const pipedBack = await runCliBytes(["get", "bin/piped"], { env: b.env });
      deepStrictEqual(pipedBack.stdout, BINARY.slice(0, 100));
      deepStrictEqual(JSON.parse((await cli.ok("getall")).stdout), {
        "bin/blob": base64,
        "bin/piped": toBase64(BINARY.slice(0, 100)),
        "bin/text": "plain text ✓",
      });
      strictEqual(JSON.parse((await cli.ok("get", "bin/b*")).stdout)["bin/blob"], base64);
      ok((await cli.ok("getall", "-f", "dotenv")).stdout.includes(`BIN_BLOB='${base64}'\n`));
      const exec = await cli.ok("exec", "bin/blob", "--", "sh", "-c", 'printf %s "$BIN_BLOB"');
      strictEqual(exec.stdout, base64);
      const k8s = await cli.ok(
        "export",
        "bin/*",
        "--strip-prefix",
        "bin/",
        "-f",
        "k8s",
        "--name",
        "app",
      );
      const secret = parseYaml(k8s.stdout);
      deepStrictEqual(secret.data, {
        blob: base64,
        piped: toBase64(BINARY.slice(0, 100)),
        text: toBase64(new TextEncoder().encode("plain text ✓")),
      });
      const history: Listed[] = JSON.parse(
        (await cli.ok("history", "bin/blob", "-f", "json"))
          .stdout,
      );
      deepStrictEqual(history.map((e) => [e.binary, e.comment]), [[true, "a keystore"]]);
      match(lines((await cli.ok("history", "bin/blob")).stdout)[1], / binary +a keystore$/);
      // Bytes that are not UTF-8 without --binary, and --binary without a file or stdin.
      const text = await cli.run("put", "bin/nope", `@${home}/blob.bin`);
      strictEqual(text.code, 2);
      match(
        text.stderr,
        /not valid UTF-8 text\ncreds3: hint: store bytes as they are with --binary/,
      );
      for (const args of [["bin/nope", "literal", "--binary"], ["-P", "bin/nope", "--binary"]]) {
        const r = await cli.run("put", ...args);
        strictEqual(r.code, 2, r.stderr);
        match(r.stderr, /--binary reads the bytes from @FILE or standard input/);
      }
      deepStrictEqual(lines((await cli.ok("keys")).stdout), ["bin/blob", "bin/piped", "bin/text"]);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  });

  test(
    "the comment and the binary mark are in the stored record; a damaged mark is refused",
    async (cli, b) => {
      const home = await Deno.makeTempDir({ prefix: "creds3-binary-" });
      try {
        await Deno.writeFile(`${home}/blob.bin`, BINARY);
        await cli.ok("put", "bin/blob", `@${home}/blob.bin`, "--binary", "-c", "née ✓");
        const raw = await b.raw("bin/blob", "1");
        const record = storedRecord(b.label);
        record.check(raw, "née ✓");
        // A comment another tool stored with control characters: printed escaped, exact in JSON.
        const odd = "\u001b[31mred\nline";
        await b.writeRaw("bin/blob", "1", record.withComment(raw, odd));
        match(
          (await cli.ok("history", "bin/blob")).stdout,
          / binary +\\x1b\[31mred\\x0aline\n$/,
        );
        const exact: Listed[] = JSON.parse(
          (await cli.ok("history", "bin/blob", "-f", "json")).stdout,
        );
        strictEqual(exact[0].comment, odd);
        // An unknown or malformed mark: nothing is printed.
        await b.writeRaw("bin/blob", "1", record.withMark(raw, "damaged"));
        for (const command of ["get", "history"]) {
          const r = await cli.run(command, "bin/blob");
          strictEqual(r.code, 1, r.stderr);
          strictEqual(r.stdout, "");
          match(r.stderr, /creds3: error: .*'bin\/blob'.*(malformed|unknown 'value-encoding')/);
        }
        // Without the mark (it is not covered by the HMAC), the value is its base64 text, as the
        // Python creds3 and credstash read it.
        await b.writeRaw("bin/blob", "1", record.withMark(raw, "none"));
        strictEqual((await cli.ok("get", "bin/blob")).stdout, `${toBase64(BINARY)}\n`);
      } finally {
        await Deno.remove(home, { recursive: true });
      }
    },
  );

  test("prune keeps the latest N versions of each name and reports what went", async (cli, b) => {
    for (const [name, count] of [["p/a", 5], ["p/b", 2], ["q/c", 3]] as const) {
      for (let v = 1; v <= count; v++) await cli.ok("put", "-v", String(v), name, `${name}-${v}`);
    }
    const before = (await cli.ok("list")).stdout;
    const dry = await cli.ok("prune", "p/*", "--keep", "2", "--dry-run");
    strictEqual(dry.stdout, "p/a -- version 1\np/a -- version 2\np/a -- version 3\n");
    match(
      dry.stderr,
      /^Dry run: would delete 3 versions and keep 4 versions \(2 credentials matched\); nothing was deleted\n$/,
    );
    strictEqual((await cli.ok("list")).stdout, before);
    const pruned = await cli.ok("prune", "p/*", "--keep", "2");
    strictEqual(pruned.stdout, dry.stdout);
    strictEqual(pruned.stderr, "Deleted 3 versions, kept 4 versions (2 credentials matched)\n");
    const json: Listed[] = JSON.parse(
      (await cli.ok("prune", "q/c", "--keep", "1", "-f", "json"))
        .stdout,
    );
    deepStrictEqual(json.map((e) => [e.name, e.version]), [["q/c", "1"], ["q/c", "2"]]);
    for (const entry of json) checkDate(b, entry.lastModified);
    deepStrictEqual(lines((await cli.ok("list")).stdout), [
      "p/a -- version 4",
      "p/a -- version 5",
      "p/b -- version 1",
      "p/b -- version 2",
      "q/c -- version 3",
    ]);
    strictEqual((await cli.ok("get", "p/a")).stdout, "p/a-5\n");
    const nothing = await cli.ok("prune", "*", "--keep", "2");
    strictEqual(nothing.stdout, "");
    strictEqual(nothing.stderr, "Nothing to delete: kept 5 versions (3 credentials matched)\n");
    if (!dated(b)) {
      // Without dates, --older-than could only keep everything: it is refused instead.
      const refused = await cli.run("prune", "*", "--keep", "1", "--older-than", "1w");
      strictEqual(refused.code, 2, refused.stderr);
      match(refused.stderr, /--older-than needs the date each version was written/);
      strictEqual(lines((await cli.ok("list")).stdout).length, 5);
      return;
    }
    // --older-than: every version is younger than a week; after two seconds all are older than
    // one second, and the latest is still kept.
    strictEqual((await cli.ok("prune", "*", "--keep", "1", "--older-than", "1w")).stdout, "");
    await new Promise((resolve) => setTimeout(resolve, 2100));
    strictEqual(
      (await cli.ok("prune", "p/*", "--keep", "1", "--older-than", "1s")).stdout,
      "p/a -- version 4\np/b -- version 1\n",
    );
    deepStrictEqual(lines((await cli.ok("list")).stdout), [
      "p/a -- version 5",
      "p/b -- version 2",
      "q/c -- version 3",
    ]);
  });

  test("prune refuses bad arguments before it deletes anything", async (cli) => {
    await cli.ok("put", "k", "k-one");
    await cli.ok("put", "-a", "k", "k-two");
    const usage: [string[], RegExp][] = [
      [["prune", "k", "--keep", "0"], /Cannot keep 0 versions: .*latest version is never pruned/],
      [["prune", "k", "--keep", "two"], /--keep 'two' is not a whole number/],
      [["prune", "k", "--keep", "1.5"], /--keep '1\.5' is not a whole number/],
      [["prune", "k", "--keep", "1", "--older-than", "30"], /Duration '30' is not whole numbers/],
      [["prune", "k", "--keep", "1", "--older-than", "1y"], /Duration '1y' is not/],
      [["prune", "k", "--keep", "1", "--older-than", "0d"], /Duration '0d' is zero/],
      [["prune", "k"], /--keep/],
      [["prune", "--keep", "1"], /usage: /],
    ];
    for (const [args, message] of usage) {
      const r = await cli.run(...args);
      strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      strictEqual(r.stdout, "");
      match(r.stderr, message);
    }
    for (const pattern of ["nothing*", "no/such/name"]) {
      const r = await cli.run("prune", pattern, "--keep", "1");
      strictEqual(r.code, 1, r.stderr);
      match(r.stderr, /No credential matches 'nothing\*'|'no\/such\/name' is not in/);
    }
    deepStrictEqual(lines((await cli.ok("list")).stdout), ["k -- version 1", "k -- version 2"]);
  });
}

type Raw = Record<string, unknown>;

/**
 * How each backend's raw record (see `TestBackend.raw`) holds the comment and the binary mark:
 * checks a binary version with a comment, and edits the comment and the mark as another tool
 * with write access could.
 */
function storedRecord(label: TestBackend["label"]) {
  /** The record with `changes` applied, and `undefined` fields removed. */
  const edited = (raw: Raw, changes: Raw) => {
    const record: Raw = { ...raw, ...changes };
    for (const [field, value] of Object.entries(record)) {
      if (value === undefined) delete record[field];
    }
    return record;
  };
  if (label === "local") {
    return {
      check(raw: Raw, comment: string) {
        deepStrictEqual(Object.keys(raw), [
          "contents",
          "key",
          "hmac",
          "digest",
          "comment",
          "binary",
        ]);
        strictEqual(raw.comment, comment);
        strictEqual(raw.binary, true);
      },
      withComment: (raw: Raw, comment: string) => edited(raw, { comment }),
      withMark: (raw: Raw, mark: "damaged" | "none") =>
        edited(raw, { binary: mark === "damaged" ? "yes" : undefined }),
    };
  }
  if (label === "dynamodb") {
    return {
      check(raw: Raw, comment: string) {
        deepStrictEqual(Object.keys(raw).sort(), [
          "comment",
          "contents",
          "digest",
          "hmac",
          "key",
          "name",
          "value-encoding",
          "version",
        ]);
        deepStrictEqual(raw.comment, { S: comment });
        deepStrictEqual(raw["value-encoding"], { S: "base64" });
      },
      withComment: (raw: Raw, comment: string) => edited(raw, { comment: { S: comment } }),
      withMark: (raw: Raw, mark: "damaged" | "none") =>
        edited(raw, { "value-encoding": mark === "damaged" ? { S: "rot13" } : undefined }),
    };
  }
  const metadata = (raw: Raw) => raw.metadata as Record<string, string | undefined>;
  return {
    check(raw: Raw, comment: string) {
      const meta = metadata(raw);
      deepStrictEqual(Object.keys(meta).sort(), [
        "comment-base64",
        "digest",
        "hmac",
        "key",
        "value-encoding",
      ]);
      strictEqual(meta["comment-base64"], toBase64(new TextEncoder().encode(comment)));
      strictEqual(meta["value-encoding"], "base64");
    },
    withComment: (raw: Raw, comment: string) => ({
      ...raw,
      metadata: { ...metadata(raw), "comment-base64": toBase64(new TextEncoder().encode(comment)) },
    }),
    withMark: (raw: Raw, mark: "damaged" | "none") => ({
      ...raw,
      metadata: edited(metadata(raw), {
        "value-encoding": mark === "damaged" ? "rot13" : undefined,
      }),
    }),
  };
}

/** Non-empty lines, runs of spaces collapsed (list pads names to one width). */
function lines(text: string): string[] {
  return text.split("\n").filter(Boolean).map((l) => l.replace(/ {2,}(?=-- version)/, " "));
}
