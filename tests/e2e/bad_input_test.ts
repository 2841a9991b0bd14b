/**
 * Bad input, one table: every row is a command line (and stdin) that must fail with a clear
 * error and the right exit code, 2 for usage errors and 1 for the rest (`exit` says which),
 * with nothing on stdout and nothing written. Run on the local store and on moto; the whole
 * store (and the local master key) is compared before and after the table.
 *
 * The unreadable-file row: tests usually run as root, and root reads a mode-000 file anyway
 * (CAP_DAC_OVERRIDE). As root the CLI of that row runs under `setpriv` with
 * CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped from the bounding set, so the file's
 * mode applies to it as to any user; without setpriv the row fails saying why.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { localAndMoto } from "../helpers/backends.ts";
import { runCli } from "../helpers/cli.ts";

interface Row {
  label: string;
  args: string[];
  stdin?: string | Uint8Array;
  /** 2: usage error; 1: any other failure. */
  exit: 1 | 2;
  error: RegExp;
  /** Run with root's file-permission override dropped (see the module doc). */
  asUser?: boolean;
}

/** Placeholders in rows, replaced per backend: a file area outside the store. */
interface Paths {
  dir: string;
  missing: string;
  unreadable: string;
  binary: string;
  looseKey: string;
}

/** A usage error: exit 2. */
function usage(label: string, args: string[], error: RegExp, more: Partial<Row> = {}): Row {
  return { label, args, exit: 2, error, ...more };
}

/** `put` of a good name and value with one option set to `value`. */
const putWith = (option: string, value: string) => ["put", "okname", "some-value", option, value];
/** `put` of a good name and value at version `version`. */
const putVersion = (version: string) => ["put", "-v", version, "okname", "some-value"];
/** `get` of the stored name, and what follows it. */
const getOdd = (...rest: string[]) => ["get", "odd", ...rest];
/** `put` of a good name with `value`, and what follows it. */
const putValue = (...value: string[]) => ["put", "okname", ...value];

function rows(p: Paths): Row[] {
  const name = (label: string, bad: string, error: RegExp) =>
    usage(`name: ${label}`, ["put", bad, "some-value"], error);
  const SEGMENT = /has an empty, '\.' or '\.\.' segment/;
  return [
    name("empty", "", /Credential name is empty/),
    name("'.' segment", "a/./b", SEGMENT),
    name("'..' segment", "a/../b", SEGMENT),
    name("only '..'", "..", SEGMENT),
    name("leading '/'", "/a", /starts or ends with '\/'/),
    name("trailing '/'", "a/", /starts or ends with '\/'/),
    name("'//'", "a//b", SEGMENT),
    name("'*' in put", "a*b", /contains '\*', which is the wildcard/),
    name("tab", "tab\there", /has a character other than letters, digits/),
    name("newline", "new\nline", /has a character other than letters, digits/),
    name("escape sequence", "esc\x1b[31m", /has a character other than letters, digits/),
    name("DEL", "del\x7f", /has a character other than letters, digits/),
    name("too long", "x".repeat(513), /is 513 characters, at most 512/),
    usage("name: '..' in get (would leave a directory store)", ["get", "../outside"], SEGMENT),
    usage(
      "name: '..' in delete (would delete outside a directory store)",
      ["delete", "a/../../outside"],
      SEGMENT,
    ),
    usage("name: '//' in list", ["list", "a//b"], SEGMENT),
    usage("version: empty", putVersion(""), /Version is empty/),
    usage("version: with '/'", putVersion("a/b"), /Version "a\/b" is not 1 to 64 letters/),
    usage("version: '..'", putVersion(".."), /Version "\.\." is not allowed/),
    usage("version: too long", putVersion("9".repeat(65)), /is not 1 to 64 letters/),
    usage(
      "version: with '/' in get",
      ["get", "-v", "../../x", "odd"],
      /Version "\.\.\/\.\.\/x" contains '\/'/,
    ),
    usage("version: empty in delete", ["delete", "-v", "", "odd"], /Version is empty/),
    usage(
      "version: non-integer latest with -a",
      ["put", "-a", "odd", "next-value"],
      /Cannot autoversion 'odd': stored version 'beta' is not an integer/,
    ),
    usage(
      "context: missing '='",
      putValue("some-value", "envprod"),
      /Context argument 1 \(not shown: it may be a secret value\) is not of the form key/,
    ),
    usage(
      "context: empty key",
      putValue("some-value", "=prod"),
      /Context argument 1 \(not shown: it may be a secret value\) has an empty key/,
    ),
    usage(
      "context: the same key twice",
      putValue("some-value", "env=prod", "env=dev"),
      /Context argument 2 \(not shown: it may be a secret value\) repeats a key/,
    ),
    usage(
      "context: the same key twice in get",
      getOdd("env=prod", "env=dev"),
      /Context key 'env' is given more than once/,
    ),
    usage(
      "context: a misplaced put value is not echoed",
      putValue("env=prod", "misplaced-secret-value"),
      /^(?![\s\S]*misplaced-secret-value)[\s\S]*Context argument 1 \(not shown/,
    ),
    usage(
      "value: starting with '-' is not echoed as an unknown option",
      putValue("-secret-dash-value"),
      /^(?![\s\S]*dash-value)[\s\S]*Unknown option \(not shown: it may be a secret/,
    ),
    usage(
      "value: starting with '-d' is not taken as a digest, nor echoed",
      putValue("-dash-secret-value"),
      /^(?![\s\S]*secret-value)[\s\S]*'-d, --digest <digest>' takes its value as the next/,
    ),
    usage(
      "value: starting with '-v' is not taken as a version, nor echoed",
      putValue("-very-secret-value"),
      /^(?![\s\S]*secret-value)[\s\S]*'-v, --version <version>' takes its value as the/,
    ),
    usage(
      "value: starting with '-h' is not taken as help",
      putValue("-hidden-secret-value"),
      /^(?![\s\S]*secret-value)[\s\S]*Unknown option \(not shown: it may be a secret/,
    ),
    usage(
      "context: missing '=' in get",
      getOdd("envprod"),
      /Context 'envprod' is not of the form key=value/,
    ),
    usage(
      "value: @missing-file",
      putValue(`@${p.missing}`),
      /^(?![\s\S]*missing\.txt)[\s\S]*'@', which names a file, and there is no such file/,
    ),
    usage(
      "value: @directory",
      putValue(`@${p.dir}`),
      /Cannot read the value file '.*': it is a directory/,
    ),
    usage(
      "value: @unreadable file (mode 000)",
      putValue(`@${p.unreadable}`),
      /Cannot read the value file '.*unreadable\.txt': permission denied/,
      { asUser: true },
    ),
    usage("value: '@' alone", putValue("@"), /'@' names no file/),
    usage("value: empty stdin", putValue("-"), /Standard input is empty/, { stdin: "" }),
    usage(
      "value: stdin not UTF-8",
      putValue("-"),
      /The value from standard input is not valid UTF-8 text/,
      { stdin: new Uint8Array([0x73, 0x65, 0xff, 0xfe, 0x63]) },
    ),
    usage(
      "value: file not UTF-8",
      putValue(`@${p.binary}`),
      /The value from '.*binary\.bin' is not valid UTF-8 text/,
    ),
    usage("value: missing", putValue(), /The value is missing/),
    usage(
      "location: malformed (another scheme)",
      putWith("-l", "https://example.com/bucket"),
      /Location 'https:\/\/example\.com\/bucket' is neither s3:\/\/BUCKET\[\/PREFIX\] nor/,
    ),
    usage(
      "location: empty prefix segment",
      putWith("-l", "my-bucket//prefix"),
      /Location 'my-bucket\/\/prefix' has an empty prefix segment/,
    ),
    usage("location: empty -l (not the default bucket)", putWith("-l", ""), /Location is empty/),
    usage("key spec: empty -k (not the default key)", putWith("-k", ""), /Key is empty/),
    usage(
      "location: 'file:' without a path",
      putWith("-l", "file:"),
      /Location 'file:' names no directory/,
    ),
    usage(
      "location: invalid bucket name (upper case, '_')",
      putWith("-l", "My_Bucket"),
      /'My_Bucket' is not a valid S3 bucket name/,
    ),
    usage(
      "location: invalid bucket name (too short)",
      putWith("-l", "s3://ab"),
      /'ab' is not a valid S3 bucket name/,
    ),
    usage(
      "location: invalid bucket name (an IP address)",
      putWith("-l", "192.168.1.1"),
      /'192\.168\.1\.1' is not a valid S3 bucket name/,
    ),
    usage(
      "key spec: 'local:' without a path",
      putWith("-k", "local:"),
      /Key 'local:' names no file/,
    ),
    usage(
      "key spec: whitespace in a KMS key id",
      putWith("-k", "alias/my key"),
      /Key 'alias\/my key' is not a KMS key id, ARN or alias/,
    ),
    {
      label: "key spec: local key file readable by others (refused; not a usage error)",
      args: putWith("-k", `local:${p.looseKey}`),
      exit: 1,
      error: /Local master key '.*loose\.key' is accessible by others \(mode 644\)/,
    },
    // put hides an option's bad argument: it may be part of a value starting with '-d'.
    usage(
      "option: digest that cannot be written",
      ["put", "-d", "MD5", "okname", "some-value"],
      /Option '-d, --digest <digest>' argument \(not shown.*\) is invalid\. Allowed choices are SHA256, SHA384, SHA512/,
    ),
    usage(
      "option: concurrency 0",
      ["getall", "--concurrency", "0"],
      /Concurrency '0' is not a whole number from 1 to 1024/,
    ),
    usage(
      "option: attempts not a number",
      getOdd("--max-attempts", "many"),
      /Attempt count 'many' is not a whole number/,
    ),
    usage(
      "option: timeout 0",
      getOdd("--timeout", "0"),
      /Timeout '0' is not a number of seconds from 0\.1/,
    ),
  ];
}

/** Runs the CLI with root's permission override dropped (see the module doc). */
async function runAsUser(args: string[], env: Record<string, string>) {
  let wrapper: string[] = [];
  if (Deno.uid() === 0) {
    const found = await new Deno.Command("sh", { args: ["-c", "command -v setpriv"] }).output();
    if (found.code !== 0) {
      throw new Error(
        "running as root without setpriv (util-linux): cannot make a mode-000 file unreadable",
      );
    }
    wrapper = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"];
  }
  return await runCli(args, { env, wrapper });
}

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

for (const [label, makeBackend] of localAndMoto("creds3-bad-input")) {
  Deno.test(`bad input (${label}): every row is a clear error, the right exit, nothing written`, async () => {
    const backend = await makeBackend();
    const files = await Deno.makeTempDir({ prefix: "creds3-bad-files-" });
    try {
      const paths: Paths = {
        dir: files,
        missing: `${files}/missing.txt`,
        unreadable: `${files}/unreadable.txt`,
        binary: `${files}/binary.bin`,
        looseKey: `${files}/loose.key`,
      };
      await Deno.writeTextFile(paths.unreadable, "unreadable-value");
      await Deno.chmod(paths.unreadable, 0o000);
      await Deno.writeFile(paths.binary, new Uint8Array([0x80, 0x81, 0xfe, 0xff]));
      await Deno.writeFile(paths.looseKey, crypto.getRandomValues(new Uint8Array(32)));
      await Deno.chmod(paths.looseKey, 0o644);
      const seed = await runCli(["put", "-v", "beta", "odd", "beta-value"], { env: backend.env });
      strictEqual(seed.code, 0, seed.stderr);

      const before = await backend.snapshot();
      const table = rows(paths);
      const failures: string[] = [];
      await pool(table, 4, async (row) => {
        const r = row.asUser
          ? await runAsUser(row.args, backend.env)
          : await runCli(row.args, { env: backend.env, stdin: row.stdin });
        const problems = [
          r.code === row.exit ? "" : `exit ${r.code}, expected ${row.exit}`,
          r.stdout === "" ? "" : `stdout ${JSON.stringify(r.stdout)}`,
          row.error.test(r.stderr) ? "" : `stderr does not match ${row.error}`,
          /^creds3: error: /m.test(r.stderr) ? "" : "no 'creds3: error:' line",
          r.stderr.includes("    at ") ? "a stack trace" : "",
        ].filter(Boolean);
        if (problems.length > 0) {
          failures.push(`${row.label}: ${problems.join("; ")}\n    stderr: ${r.stderr.trim()}`);
        }
      });
      deepStrictEqual(failures, [], failures.join("\n"));
      deepStrictEqual(await backend.snapshot(), before, "the store changed");
      strictEqual((await runCli(["get", "odd"], { env: backend.env })).stdout, "beta-value\n");
      ok(table.length >= 45, `${table.length} rows`);
      // An empty secret given explicitly is not bad input.
      const empty = await runCli(["put", "empty-ok", ""], { env: backend.env });
      strictEqual(empty.code, 0, empty.stderr);
      match((await runCli(["list"], { env: backend.env })).stdout, /empty-ok -- version 1/);
    } finally {
      await Deno.chmod(`${files}/unreadable.txt`, 0o600).catch(() => {});
      await Deno.remove(files, { recursive: true });
      await backend.cleanup();
    }
  });
}
