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

function rows(p: Paths): Row[] {
  const name = (label: string, bad: string, error: RegExp): Row => ({
    label: `name: ${label}`,
    args: ["put", bad, "some-value"],
    exit: 2,
    error,
  });
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
    {
      label: "name: '..' in get (would leave a directory store)",
      args: ["get", "../outside"],
      exit: 2,
      error: SEGMENT,
    },
    {
      label: "name: '..' in delete (would delete outside a directory store)",
      args: ["delete", "a/../../outside"],
      exit: 2,
      error: SEGMENT,
    },
    { label: "name: '//' in list", args: ["list", "a//b"], exit: 2, error: SEGMENT },
    {
      label: "version: empty",
      args: ["put", "-v", "", "okname", "some-value"],
      exit: 2,
      error: /Version is empty/,
    },
    {
      label: "version: with '/'",
      args: ["put", "-v", "a/b", "okname", "some-value"],
      exit: 2,
      error: /Version "a\/b" is not 1 to 64 letters/,
    },
    {
      label: "version: '..'",
      args: ["put", "-v", "..", "okname", "some-value"],
      exit: 2,
      error: /Version "\.\." is not allowed/,
    },
    {
      label: "version: too long",
      args: ["put", "-v", "9".repeat(65), "okname", "some-value"],
      exit: 2,
      error: /is not 1 to 64 letters/,
    },
    {
      label: "version: with '/' in get",
      args: ["get", "-v", "../../x", "odd"],
      exit: 2,
      error: /Version "\.\.\/\.\.\/x" contains '\/'/,
    },
    {
      label: "version: empty in delete",
      args: ["delete", "-v", "", "odd"],
      exit: 2,
      error: /Version is empty/,
    },
    {
      label: "version: non-integer latest with -a",
      args: ["put", "-a", "odd", "next-value"],
      exit: 2,
      error: /Cannot autoversion 'odd': stored version 'beta' is not an integer/,
    },
    {
      label: "context: missing '='",
      args: ["put", "okname", "some-value", "envprod"],
      exit: 2,
      error: /Context argument 1 \(not shown: it may be a secret value\) is not of the form key/,
    },
    {
      label: "context: empty key",
      args: ["put", "okname", "some-value", "=prod"],
      exit: 2,
      error: /Context argument 1 \(not shown: it may be a secret value\) has an empty key/,
    },
    {
      label: "context: the same key twice",
      args: ["put", "okname", "some-value", "env=prod", "env=dev"],
      exit: 2,
      error: /Context argument 2 \(not shown: it may be a secret value\) repeats a key/,
    },
    {
      label: "context: the same key twice in get",
      args: ["get", "odd", "env=prod", "env=dev"],
      exit: 2,
      error: /Context key 'env' is given more than once/,
    },
    {
      label: "context: a misplaced put value is not echoed",
      args: ["put", "okname", "env=prod", "misplaced-secret-value"],
      exit: 2,
      error: /^(?![\s\S]*misplaced-secret-value)[\s\S]*Context argument 1 \(not shown/,
    },
    {
      label: "value: starting with '-' is not echoed as an unknown option",
      args: ["put", "okname", "-secret-dash-value"],
      exit: 2,
      error: /^(?![\s\S]*dash-value)[\s\S]*Unknown option \(not shown: it may be a secret/,
    },
    {
      label: "value: starting with '-d' is not taken as a digest, nor echoed",
      args: ["put", "okname", "-dash-secret-value"],
      exit: 2,
      error: /^(?![\s\S]*secret-value)[\s\S]*'-d, --digest <digest>' takes its value as the next/,
    },
    {
      label: "value: starting with '-v' is not taken as a version, nor echoed",
      args: ["put", "okname", "-very-secret-value"],
      exit: 2,
      error: /^(?![\s\S]*secret-value)[\s\S]*'-v, --version <version>' takes its value as the/,
    },
    {
      label: "value: starting with '-h' is not taken as help",
      args: ["put", "okname", "-hidden-secret-value"],
      exit: 2,
      error: /^(?![\s\S]*secret-value)[\s\S]*Unknown option \(not shown: it may be a secret/,
    },
    {
      label: "context: missing '=' in get",
      args: ["get", "odd", "envprod"],
      exit: 2,
      error: /Context 'envprod' is not of the form key=value/,
    },
    {
      label: "value: @missing-file",
      args: ["put", "okname", `@${p.missing}`],
      exit: 2,
      error: /^(?![\s\S]*missing\.txt)[\s\S]*'@', which names a file, and there is no such file/,
    },
    {
      label: "value: @directory",
      args: ["put", "okname", `@${p.dir}`],
      exit: 2,
      error: /Cannot read the value file '.*': it is a directory/,
    },
    {
      label: "value: @unreadable file (mode 000)",
      args: ["put", "okname", `@${p.unreadable}`],
      exit: 2,
      error: /Cannot read the value file '.*unreadable\.txt': permission denied/,
      asUser: true,
    },
    {
      label: "value: '@' alone",
      args: ["put", "okname", "@"],
      exit: 2,
      error: /'@' names no file/,
    },
    {
      label: "value: empty stdin",
      args: ["put", "okname", "-"],
      stdin: "",
      exit: 2,
      error: /Standard input is empty/,
    },
    {
      label: "value: stdin not UTF-8",
      args: ["put", "okname", "-"],
      stdin: new Uint8Array([0x73, 0x65, 0xff, 0xfe, 0x63]),
      exit: 2,
      error: /The value from standard input is not valid UTF-8 text/,
    },
    {
      label: "value: file not UTF-8",
      args: ["put", "okname", `@${p.binary}`],
      exit: 2,
      error: /The value from '.*binary\.bin' is not valid UTF-8 text/,
    },
    {
      label: "value: missing",
      args: ["put", "okname"],
      exit: 2,
      error: /The value is missing/,
    },
    {
      label: "location: malformed (another scheme)",
      args: ["put", "okname", "some-value", "-l", "https://example.com/bucket"],
      exit: 2,
      error: /Location 'https:\/\/example\.com\/bucket' is neither s3:\/\/BUCKET\[\/PREFIX\] nor/,
    },
    {
      label: "location: empty prefix segment",
      args: ["put", "okname", "some-value", "-l", "my-bucket//prefix"],
      exit: 2,
      error: /Location 'my-bucket\/\/prefix' has an empty prefix segment/,
    },
    {
      label: "location: empty -l (not the default bucket)",
      args: ["put", "okname", "some-value", "-l", ""],
      exit: 2,
      error: /Location is empty/,
    },
    {
      label: "key spec: empty -k (not the default key)",
      args: ["put", "okname", "some-value", "-k", ""],
      exit: 2,
      error: /Key is empty/,
    },
    {
      label: "location: 'file:' without a path",
      args: ["put", "okname", "some-value", "-l", "file:"],
      exit: 2,
      error: /Location 'file:' names no directory/,
    },
    {
      label: "location: invalid bucket name (upper case, '_')",
      args: ["put", "okname", "some-value", "-l", "My_Bucket"],
      exit: 2,
      error: /'My_Bucket' is not a valid S3 bucket name/,
    },
    {
      label: "location: invalid bucket name (too short)",
      args: ["put", "okname", "some-value", "-l", "s3://ab"],
      exit: 2,
      error: /'ab' is not a valid S3 bucket name/,
    },
    {
      label: "location: invalid bucket name (an IP address)",
      args: ["put", "okname", "some-value", "-l", "192.168.1.1"],
      exit: 2,
      error: /'192\.168\.1\.1' is not a valid S3 bucket name/,
    },
    {
      label: "key spec: 'local:' without a path",
      args: ["put", "okname", "some-value", "-k", "local:"],
      exit: 2,
      error: /Key 'local:' names no file/,
    },
    {
      label: "key spec: whitespace in a KMS key id",
      args: ["put", "okname", "some-value", "-k", "alias/my key"],
      exit: 2,
      error: /Key 'alias\/my key' is not a KMS key id, ARN or alias/,
    },
    {
      label: "key spec: local key file readable by others (refused; not a usage error)",
      args: ["put", "okname", "some-value", "-k", `local:${p.looseKey}`],
      exit: 1,
      error: /Local master key '.*loose\.key' is accessible by others \(mode 644\)/,
    },
    {
      label: "option: digest that cannot be written",
      args: ["put", "-d", "MD5", "okname", "some-value"],
      exit: 2,
      // put hides an option's bad argument: it may be part of a value starting with '-d'.
      error:
        /Option '-d, --digest <digest>' argument \(not shown.*\) is invalid\. Allowed choices are SHA256, SHA384, SHA512/,
    },
    {
      label: "option: concurrency 0",
      args: ["getall", "--concurrency", "0"],
      exit: 2,
      error: /Concurrency '0' is not a whole number from 1 to 1024/,
    },
    {
      label: "option: attempts not a number",
      args: ["get", "odd", "--max-attempts", "many"],
      exit: 2,
      error: /Attempt count 'many' is not a whole number/,
    },
    {
      label: "option: timeout 0",
      args: ["get", "odd", "--timeout", "0"],
      exit: 2,
      error: /Timeout '0' is not a number of seconds from 0\.1/,
    },
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
