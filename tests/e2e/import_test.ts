/**
 * `import` end to end: the CLI spawned on the local store and on moto. The main property: for
 * every tricky value, `getall -f F` or `export -f F` then `import` into an empty store gives
 * back exactly the same names and values, for every format import reads. Then what import
 * promises on every store: importing twice stores nothing new, a bad file writes nothing (the
 * store compared before and after), contexts, comments, --dry-run, standard input, binary
 * values and exit codes. All secrets are made up.
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { exporter } from "../../plugins/mod.ts";
import { DOTENV_REFUSED, TRICKY } from "../data/tricky_values.ts";
import { localAndMoto, localBackend, type TestBackend } from "../helpers/backends.ts";
import { type CliResult, runCli, runCliBytes } from "../helpers/cli.ts";

/** Runs the CLI on `backend` in `dir` (files are named relative to it). */
function cliIn(backend: TestBackend, dir: string) {
  const run = (args: string[], stdin?: string) =>
    runCli(args, { env: backend.env, cwd: dir, ...(stdin === undefined ? {} : { stdin }) });
  return {
    run,
    async ok(args: string[], stdin?: string): Promise<CliResult> {
      const r = await run(args, stdin);
      equal(r.code, 0, `creds3 ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      return r;
    },
  };
}

/** What `getall -f json` of the store gives. */
async function contents(cli: ReturnType<typeof cliIn>, ...context: string[]) {
  return JSON.parse((await cli.ok(["getall", ...context])).stdout);
}

async function withStore(
  make: () => Promise<TestBackend>,
  fn: (cli: ReturnType<typeof cliIn>, backend: TestBackend, dir: string) => Promise<void>,
) {
  const backend = await make();
  const dir = await Deno.makeTempDir({ prefix: "creds3-import-" });
  try {
    await fn(cliIn(backend, dir), backend, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await backend.cleanup();
  }
}

/** Names in folders for json, yaml and csv; environment-style keys for dotenv and shell. */
const BY_NAME = Object.fromEntries(TRICKY.map(([label, value]) => [`t/${label}`, value]));
const key = (prefix: string, i: number) => `${prefix}_${String(i).padStart(2, "0")}`;
const SHELL_KEYS = Object.fromEntries(TRICKY.map(([, value], i) => [key("SHELL", i), value]));
/** The values a dotenv file can carry (see plugins/dotenv.ts). */
const DOTENV_KEYS = Object.fromEntries(
  TRICKY.flatMap(([label, value], i) =>
    DOTENV_REFUSED.has(label) ? [] : [[key("DOTENV", i), value]]
  ),
);

Deno.test("import: every tricky value survives getall or export, then import into an empty store", async () => {
  const source = await localBackend();
  const dir = await Deno.makeTempDir({ prefix: "creds3-import-" });
  try {
    const cli = cliIn(source, dir);
    const all = { ...BY_NAME, ...SHELL_KEYS, ...DOTENV_KEYS };
    // The source store is filled by importing a JSON file, and read back by getall.
    await Deno.writeTextFile(`${dir}/all.json`, exporter("json").render(all));
    const filled = await cli.ok(["import", "all.json"]);
    const count = Object.keys(all).length;
    match(filled.stderr, new RegExp(`Imported 'all.json': ${count} stored, 0 unchanged, 0 failed`));
    deepStrictEqual(await contents(cli), all);
    const cases: [string, string[], Record<string, string>][] = [
      ["json", ["getall", "-f", "json"], all],
      ["yaml", ["getall", "-f", "yaml"], all],
      ["csv", ["getall", "-f", "csv"], all],
      ["json", ["export", "t/*", "-f", "json"], BY_NAME],
      ["yml", ["export", "t/*", "-f", "yaml"], BY_NAME],
      ["csv", ["export", "t/*", "-f", "csv"], BY_NAME],
      ["env", ["export", "DOTENV_*", "-f", "dotenv", "--keep-names"], DOTENV_KEYS],
      ["env", ["getall", "-f", "dotenv"], {}],
      ["sh", ["export", "SHELL_*", "-f", "shell"], SHELL_KEYS],
    ];
    for (const [i, [ending, args, expected]] of cases.entries()) {
      const what = args.join(" ");
      const out = await cli.run(args);
      if (Object.keys(expected).length === 0) {
        // getall -f dotenv cannot write the values no dotenv file carries: nothing to import.
        equal(out.code, 2, out.stderr);
        continue;
      }
      equal(out.code, 0, `${what}: ${out.stderr}`);
      await Deno.writeTextFile(`${dir}/out-${i}.${ending}`, out.stdout);
      const location = `file:${dir}/store-${i}`;
      const target = cliIn({ ...source, env: { ...source.env, CREDS3_LOCATION: location } }, dir);
      await target.ok(["setup"]);
      const imported = await target.ok(["import", `out-${i}.${ending}`]);
      const n = Object.keys(expected).length;
      match(imported.stderr, new RegExp(`: ${n} stored, 0 unchanged, 0 failed\n$`), what);
      deepStrictEqual(await contents(target), expected, what);
      const listed = (await target.ok(["list"])).stdout.split("\n").filter((l) => l !== "");
      equal(listed.length, n, what);
      ok(listed.every((line) => line.endsWith(" -- version 1")), what);
      const again = await target.ok(["import", `out-${i}.${ending}`]);
      match(again.stderr, new RegExp(`: 0 stored, ${n} unchanged, 0 failed\n$`), what);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    await source.cleanup();
  }
});

const MARK = "s3cr3t-never-shown";

for (const [label, make] of localAndMoto("creds3-import")) {
  Deno.test(`${label}: import twice stores nothing new; a changed value is the next version`, async () => {
    await withStore(make, async (cli, backend, dir) => {
      await cli.ok(["put", "db/password", "old-pw-1"]);
      await cli.ok(["put", "api/key", "k-0001"]);
      await Deno.writeTextFile(
        `${dir}/s.json`,
        JSON.stringify({ "db/password": "new-pw-2", "api/key": "k-0001", "new/one": "n-1" }),
      );
      const first = await cli.ok(["import", "s.json", "-c", "from the vault"]);
      equal(first.stdout, "");
      equal(
        first.stderr,
        "Stored 'db/password' version 2\nStored 'new/one' version 1\n" +
          "Imported 's.json': 2 stored, 1 unchanged, 0 failed\n",
      );
      const before = await backend.snapshot();
      const second = await cli.ok(["import", "s.json", "-c", "from the vault"]);
      equal(second.stderr, "Imported 's.json': 0 stored, 3 unchanged, 0 failed\n");
      deepStrictEqual(await backend.snapshot(), before);
      deepStrictEqual(await contents(cli), {
        "api/key": "k-0001",
        "db/password": "new-pw-2",
        "new/one": "n-1",
      });
      const history = JSON.parse((await cli.ok(["history", "db/password", "-f", "json"])).stdout);
      deepStrictEqual(
        history.map((v: { version: string; comment?: string }) => [v.version, v.comment]),
        [["1", undefined], ["2", "from the vault"]],
      );
    });
  });

  Deno.test(`${label}: import of a bad file writes nothing, names the line and shows no value`, async () => {
    await withStore(make, async (cli, backend, dir) => {
      await cli.ok(["put", "kept", "k-1"]);
      const before = await backend.snapshot();
      const files: [string, string, RegExp][] = [
        [
          "a.json",
          `{"fine": "${MARK}",\n "port": 8080}`,
          /^creds3: error: 'a.json' line 2: 'port': the value is a number, not a string\n/,
        ],
        [
          "b.yaml",
          `fine: "${MARK}"\nfine: "${MARK}"\n`,
          /'b.yaml' line 2: 'fine' is given again \(first on line 1\)/,
        ],
        [
          "c.csv",
          `fine,${MARK}\nbad*name,${MARK}\n`,
          /'c.csv' line 2: 'bad\*name': credential name contains '\*'/,
        ],
        [
          "d.env",
          `FINE='${MARK}'\nBAD='${MARK}\n`,
          /'d.env' line 2: the single quote is not closed/,
        ],
        ["e.sh", `export FINE='${MARK}'\n${MARK}\n`, /'e.sh' line 2: not a KEY=value line/],
      ];
      for (const [name, text, message] of files) {
        await Deno.writeTextFile(`${dir}/${name}`, text);
        for (const extra of [[], ["--dry-run"]]) {
          const r = await cli.run(["import", name, ...extra]);
          equal(r.code, 2, `${name}: ${r.stderr}`);
          equal(r.stdout, "");
          match(r.stderr, message);
          match(r.stderr, /creds3: hint: nothing was stored: correct the file/);
          ok(!r.stderr.includes(MARK), `${name} shows a value: ${r.stderr}`);
        }
      }
      // Several problems: each on its line, then the count.
      await Deno.writeTextFile(`${dir}/many.json`, `{"a": 1,\n"b": null,\n"a": "${MARK}"}`);
      const many = await cli.run(["import", "many.json"]);
      equal(many.code, 2);
      equal(
        many.stderr,
        "creds3: error: 'many.json' line 1: 'a': the value is a number, not a string\n" +
          "creds3: error: 'many.json' line 2: 'b': the value is null, not a string\n" +
          "creds3: error: 'many.json' line 3: 'a' is given again (first on line 1)\n" +
          "creds3: error: 'many.json' has 3 problems\n" +
          "creds3: hint: nothing was stored: correct the file and import it again (docs/IMPORT.md)\n",
      );
      deepStrictEqual(await backend.snapshot(), before);
    });
  });

  Deno.test(`${label}: import with a context, --skip-errors and --dry-run`, async () => {
    await withStore(make, async (cli, backend, dir) => {
      await cli.ok(["put", "prod/token", "tok-1", "env=prod"]);
      await cli.ok(["put", "plain", "p-1"]);
      await Deno.writeTextFile(`${dir}/prod.env`, "# from the old host\nexport TOKEN='tok-2'\n");
      const dry = await cli.ok([
        "import",
        "prod.env",
        "--prefix",
        "prod/",
        "env=prod",
        "--dry-run",
      ]);
      equal(
        dry.stderr,
        "Would store 'prod/TOKEN' version 1 (new)\n" +
          "Dry run of 'prod.env': 1 to store (1 new), 0 unchanged; nothing was stored\n",
      );
      await Deno.writeTextFile(`${dir}/mixed.json`, '{"prod/token": "tok-9", "plain": "p-2"}');
      const before = await backend.snapshot();
      // Without the context the secret cannot be compared: nothing is stored at all.
      const blind = await cli.run(["import", "mixed.json"]);
      equal(blind.code, 1, blind.stderr);
      match(blind.stderr, /^creds3: error: 'prod\/token' version 1: /);
      match(blind.stderr, /1 of 2 secrets could not be read; nothing was stored/);
      match(blind.stderr, /\ncreds3: hint: [^\n]*(context|--skip-errors)/);
      const dryBlind = await cli.run(["import", "mixed.json", "--dry-run"]);
      equal(dryBlind.code, 1, dryBlind.stderr);
      deepStrictEqual(await backend.snapshot(), before);
      const skipped = await cli.ok(["import", "mixed.json", "--skip-errors"]);
      match(skipped.stderr, /^creds3: warning: skipped 'prod\/token' version 1: /);
      match(
        skipped.stderr,
        /Stored 'plain' version 2\nImported 'mixed.json': 1 stored, 0 unchanged, 1 skipped, 0 failed\n$/,
      );
      const right = await cli.ok(["import", "mixed.json", "env=prod", "--skip-errors"]);
      match(right.stderr, /warning: skipped 'plain' version 2: /);
      match(right.stderr, /Stored 'prod\/token' version 2\n/);
      equal((await cli.ok(["get", "prod/token", "env=prod"])).stdout, "tok-9\n");
    });
  });

  Deno.test(`${label}: import from standard input, binary values, and what is refused before reading`, async () => {
    await withStore(make, async (cli, backend, dir) => {
      const piped = await cli.ok(["import", "-", "-f", "csv"], "ci/token,t-1\r\n'=formula,f-1\r\n");
      match(piped.stderr, /Imported standard input: 2 stored, 0 unchanged, 0 failed/);
      deepStrictEqual(await contents(cli), { "=formula": "f-1", "ci/token": "t-1" });
      await Deno.writeFile(`${dir}/blob`, new Uint8Array([0, 1, 254, 255]));
      await cli.ok(["put", "tls/blob", "@blob", "--binary"]);
      const dump = (await cli.ok(["export", "tls/*", "-f", "json"])).stdout;
      // The base64 text of a binary secret, imported as text, would change what get gives.
      const asText = await cli.run(["import", "-", "-f", "json"], dump);
      equal(asText.code, 1, asText.stderr);
      match(asText.stderr, /'tls\/blob' version 1: the latest version is a binary secret/);
      match(asText.stderr, /hint: import binary secrets with --binary/);
      const same = await cli.ok(["import", "-", "-f", "json", "--binary"], dump);
      match(same.stderr, /0 stored, 1 unchanged/);
      const copy = dump.replace('"tls/blob"', '"tls/copy"');
      await cli.ok(["import", "-", "-f", "json", "--binary"], copy);
      const bytes = await runCliBytes(["get", "tls/copy"], { env: backend.env, cwd: dir });
      deepStrictEqual([...bytes.stdout], [0, 1, 254, 255]);
      const before = await backend.snapshot();
      const refused: [string[], string | undefined, RegExp][] = [
        [["import", "-"], "{}", /The format of standard input must be given/],
        [
          ["import", "secrets.txt"],
          undefined,
          /Cannot tell the format of 'secrets.txt' from its name/,
        ],
        [["import", "missing.json"], undefined, /Cannot read 'missing.json': no such file/],
        [["import", "-", "-f", "xml"], "{}", /xml/],
        [["import", "-", "-f", "json", "-c", "two\nlines"], "{}", /comment/i],
        [
          ["import", "-", "-f", "json", "novalue"],
          "{}",
          /Context 'novalue' is not of the form key=value/,
        ],
        [
          ["import", "-", "-f", "json", "--binary"],
          `{"x": "${MARK}!"}`,
          /'x': the value is not standard base64 text/,
        ],
        // A prefix no name can begin with is named, not reported on every line of the file.
        [
          ["import", "-", "-f", "json", "--prefix", "/app/"],
          `{"a": "${MARK}", "b": "${MARK}"}`,
          /^creds3: error: --prefix '\/app\/' cannot begin a name: credential name starts or ends with '\/'\n$/,
        ],
      ];
      for (const [args, stdin, message] of refused) {
        const r = await cli.run(args, stdin);
        equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
        equal(r.stdout, "");
        match(r.stderr, message);
        ok(!r.stderr.includes(MARK));
      }
      await Deno.writeFile(`${dir}/latin1.csv`, new Uint8Array([0x61, 0x2c, 0xe9, 0x0a]));
      const latin1 = await cli.run(["import", "latin1.csv"]);
      equal(latin1.code, 2);
      match(latin1.stderr, /The text of 'latin1.csv' is not valid UTF-8/);
      deepStrictEqual(await backend.snapshot(), before);
    });
  });
}

Deno.test("local: import of many names lists twenty, then counts; problems likewise; names escaped", async () => {
  await withStore(() => localBackend(), async (cli, backend) => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`bulk/n${i}`, `v-${i}`]));
    const stored = await cli.ok(["import", "-", "-f", "yaml"], exporter("yaml").render(many));
    const lines = stored.stderr.split("\n").filter((l) => l !== "");
    equal(lines.length, 22, stored.stderr);
    ok(lines.slice(0, 20).every((l) => /^Stored 'bulk\/n\d+' version 1$/.test(l)));
    equal(lines[20], "... and 5 more");
    equal(lines[21], "Imported standard input: 25 stored, 0 unchanged, 0 failed");
    // --dry-run lists every name it would store.
    const changed = Object.fromEntries(Object.keys(many).map((name) => [name, "changed"]));
    const dry = await cli.ok(["import", "-", "-f", "json", "--dry-run"], JSON.stringify(changed));
    equal(dry.stderr.split("\n").filter((l) => l.startsWith("Would store ")).length, 25);
    const before = await backend.snapshot();
    const bad = Object.keys(many).map((name, i) => `${name},"${i}"x`).join("\n");
    const refused = await cli.run(["import", "-", "-f", "csv"], `${bad}\n`);
    equal(refused.code, 2);
    // The first syntax error ends the reading: one problem.
    match(refused.stderr, /^creds3: error: standard input line 1: text after the closing quote/);
    const names = Array.from({ length: 23 }, (_, i) => `"bad*${i}": "x"`).join(",\n");
    const manyProblems = await cli.run(["import", "-", "-f", "json"], `{\n${names}\n}`);
    equal(manyProblems.code, 2);
    const problemLines = manyProblems.stderr.split("\n").filter((l) => l !== "");
    equal(problemLines.length, 23, manyProblems.stderr);
    match(problemLines[0], /^creds3: error: standard input line 2: 'bad\*0': /);
    equal(problemLines[20], "creds3: error: ... and 3 more problems");
    equal(problemLines[21], "creds3: error: standard input has 23 problems");
    // A name with control characters is shown escaped, never as raw terminal codes.
    const escaped = await cli.run(["import", "-", "-f", "json"], '{"a\\u001b[2Jb\\u0007": "x"}');
    equal(escaped.code, 2);
    match(escaped.stderr, /'a\\x1b\[2Jb\\x07': credential name has a character other than/);
    ok(!escaped.stderr.includes("\x07") && !escaped.stderr.includes("\x1b"));
    deepStrictEqual(await backend.snapshot(), before);
  });
});
