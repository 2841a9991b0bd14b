/**
 * `export` and `exec` end to end: each test spawns `main.ts` against a local store (a temp HOME
 * set up with `setup --create-key`), one test of each against moto. Every output is read back
 * by a parser that is not ours (see tests/helpers/format_parsers.ts). All secrets are made up.
 */
import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { parse as parseCsv } from "csv-parse/sync";
import { parse as parseDotenv } from "dotenv";
import { parse as parseYaml } from "yaml";
import { DOTENV_REFUSED, TRICKY } from "../data/tricky_values.ts";
import { localBackend, motoBackend, type TestBackend } from "../helpers/backends.ts";
import { cliArgv, cliEnv, runCli, runCliBytes } from "../helpers/cli.ts";
import { withCleanup, withTempDir } from "../helpers/scoped.ts";
import {
  decodeBase64,
  javaProperties,
  parseEnv0,
  parseHcl,
  printValues,
  type Secrets,
  shellRead,
} from "../helpers/format_parsers.ts";

interface Store {
  env: Record<string, string>;
  home: string;
  put(name: string, value: string, ...context: string[]): Promise<void>;
  cleanup(): Promise<void>;
}

/** `backend` with a HOME for value files (the local store's own HOME, or a fresh one). */
async function storeOn(backend: TestBackend & { home?: string }): Promise<Store> {
  const home = backend.home ?? await Deno.makeTempDir({ prefix: "creds3-export-moto-" });
  const env = { ...backend.env, HOME: home };
  let n = 0;
  return {
    env,
    home,
    async put(name, value, ...context) {
      // Through a file, so any value (empty, leading '-', '@') reaches put unchanged.
      const file = `${home}/value-${n++}`;
      await Deno.writeTextFile(file, value);
      const r = await runCli(["put", name, `@${file}`, ...context], { env });
      equal(r.code, 0, r.stderr);
      await Deno.remove(file);
    },
    async cleanup() {
      if (home !== backend.home) await Deno.remove(home, { recursive: true });
      await backend.cleanup();
    },
  };
}

const localStore = async () => storeOn(await localBackend());
const motoStore = async () => storeOn(await motoBackend({ label: "creds3-export" }));

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** Asserts a refusal: exit `code`, nothing on stdout, stderr matching every pattern. */
function refused(
  r: { code: number; stdout: string; stderr: string },
  code: number,
  ...re: RegExp[]
) {
  equal(r.code, code, r.stderr);
  equal(r.stdout, "");
  for (const pattern of re) match(r.stderr, pattern);
}

// --- the tricky values through every format --------------------------------------------------

/** Stored as tricky/secret_NN, or tricky/refused_NN for values no dotenv file can carry. */
const TRICKY_NAMES = TRICKY.map(([label], i) =>
  `tricky/${DOTENV_REFUSED.has(label) ? "refused" : "secret"}_${String(i).padStart(2, "0")}`
);
const STRIPPED: Secrets = Object.fromEntries(
  TRICKY.map(([, value], i) => [TRICKY_NAMES[i].slice("tricky/".length), value]),
);
const ENV_STYLE: Secrets = Object.fromEntries(
  Object.entries(STRIPPED).map(([key, value]) => [key.toUpperCase(), value]),
);
const DOTENV_OK: Secrets = Object.fromEntries(
  Object.entries(ENV_STYLE).filter(([key]) => key.startsWith("SECRET_")),
);

Deno.test("export: the tricky values round-trip through every format and its own parser", async (t) => {
  await withCleanup(localStore, async (store) => {
    await inBatches(
      TRICKY.map((entry, i) => [TRICKY_NAMES[i], entry[1]]),
      8,
      ([name, value]) => store.put(name, value),
    );
    const strip = ["--strip-prefix", "tricky/"];
    const exportAs = async (format: string, ...extra: string[]) => {
      const r = await runCli(["export", "tricky/*", ...strip, "-f", format, ...extra], {
        env: store.env,
      });
      equal(r.code, 0, r.stderr);
      equal(r.stderr, "");
      return r.stdout;
    };

    await t.step("json", async () => {
      deepStrictEqual(JSON.parse(await exportAs("json")), STRIPPED);
    });
    await t.step("yaml (as YAML 1.2 and 1.1)", async () => {
      const text = await exportAs("yaml");
      deepStrictEqual(parseYaml(text), STRIPPED);
      deepStrictEqual(parseYaml(text, { version: "1.1" }), STRIPPED);
    });
    await t.step("csv", async () => {
      const rows = parseCsv(await exportAs("csv")) as string[][];
      ok(rows.every((row) => row.length === 2));
      deepStrictEqual(Object.fromEntries(rows), STRIPPED);
    });
    await t.step("shell (sourced by sh and bash)", async () => {
      const file = `${store.home}/secrets.sh`;
      await Deno.writeTextFile(file, await exportAs("shell"));
      const keys = Object.keys(ENV_STYLE).sort();
      for (const shell of ["sh", "bash"]) {
        deepStrictEqual(
          await shellRead(shell, `. "${file}"; ${printValues(keys)}`, keys),
          ENV_STYLE,
        );
      }
    });
    await t.step("dotenv (dotenv package and sh), refusing what it cannot carry", async () => {
      const all = await runCli(["export", "tricky/*", ...strip, "-f", "dotenv"], {
        env: store.env,
      });
      refused(all, 2, /creds3: error: Secret 'REFUSED_\d\d' .*use the shell or json format/);
      const r = await runCli(["export", "tricky/secret_*", ...strip, "-f", "dotenv"], {
        env: store.env,
      });
      equal(r.code, 0, r.stderr);
      deepStrictEqual(parseDotenv(r.stdout), DOTENV_OK);
      const file = `${store.home}/.env`;
      await Deno.writeTextFile(file, r.stdout);
      const keys = Object.keys(DOTENV_OK).sort();
      const script = `set -a; . "${file}"; set +a; ${printValues(keys)}`;
      deepStrictEqual(await shellRead("sh", script, keys), DOTENV_OK);
    });
    await t.step("k8s: a valid v1 Secret whose data decodes to the secrets", async () => {
      const metadata = ["--name", "app-secrets", "--namespace", "prod", "--label", "app=web"];
      const text = await exportAs("k8s", ...metadata, "--annotation", "owner=team: ops");
      for (const version of ["1.2", "1.1"] as const) {
        const doc = parseYaml(text, { version });
        equal(doc.apiVersion, "v1");
        equal(doc.kind, "Secret");
        equal(doc.type, "Opaque");
        deepStrictEqual(doc.metadata, {
          name: "app-secrets",
          namespace: "prod",
          labels: { app: "web" },
          annotations: { owner: "team: ops" },
        });
        const data = doc.data as Secrets;
        ok(Object.values(data).every((v) => /^[A-Za-z0-9+/]*={0,2}$/.test(v)));
        deepStrictEqual(
          Object.fromEntries(Object.entries(data).map(([k, v]) => [k, decodeBase64(v)])),
          STRIPPED,
        );
      }
    });
    await t.step("tfvars (HashiCorp's HCL parser)", async () => {
      deepStrictEqual(parseHcl(await exportAs("tfvars")), STRIPPED);
    });
    await t.step("properties (java.util.Properties)", async () => {
      deepStrictEqual(await javaProperties(await exportAs("properties")), STRIPPED);
    });
    await t.step("exec: the command sees every value exactly as stored", async () => {
      const r = await runCliBytes(["exec", "tricky/*", ...strip, "--", "env", "-0"], {
        env: store.env,
      });
      equal(r.code, 0, r.stderr);
      equal(r.stderr, "");
      const env = parseEnv0(r.stdout);
      for (const [key, value] of Object.entries(ENV_STYLE)) equal(env[key], value, key);
      equal(env.HOME, store.env.HOME, "creds3's own environment is passed on");
      equal(env.CREDS3_LOCATION, store.env.CREDS3_LOCATION);
    });
    await t.step("exec --pristine: only the secrets and PATH", async () => {
      const r = await runCliBytes(["exec", "tricky/*", ...strip, "--pristine", "--", "env", "-0"], {
        env: store.env,
      });
      equal(r.code, 0, r.stderr);
      deepStrictEqual(parseEnv0(r.stdout), { ...ENV_STYLE, PATH: Deno.env.get("PATH") });
    });
  });
});

// --- export ----------------------------------------------------------------------------------

Deno.test("getall: a format it cannot serve is refused with exit 2 before the store is read", async () => {
  await withTempDir("creds3-getall-", async (home) => {
    // There is no store: opening it would fail with exit 1, so exit 2 shows it was never opened.
    const env = { HOME: home, CREDS3_LOCATION: `file:${home}/no-store` };
    const r = await runCli(["getall", "-f", "k8s"], { env });
    refused(r, 2);
    equal(
      r.stderr,
      "creds3: error: The k8s format needs a name for the Secret\n" +
        "creds3: hint: getall has no --name: use 'creds3 export -f k8s --name NAME' instead\n",
    );
  });
});

Deno.test("getall: an exporter's refusal is a usage error with a hint, as in export", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("app/db-url", "getall-value-1");
    await store.put("app_db/url", "getall-value-2");
    const run = (...args: string[]) => runCli(["getall", ...args], { env: store.env });
    // Both names become APP_DB_URL in the environment style.
    const collision = await run("-f", "dotenv");
    refused(
      collision,
      2,
      /^creds3: error: Secrets 'app\/db-url' and 'app_db\/url' both map to key 'APP_DB_URL'\n/,
      /\ncreds3: hint: choose a format that keeps names, or use 'creds3 export' with a pattern and --strip-prefix\n$/,
    );
    // A name with '/' is no Terraform variable name.
    const invalid = await run("-f", "tfvars");
    refused(
      invalid,
      2,
      /^creds3: error: Key 'app\/db-url' is not a valid Terraform variable name/,
      /\ncreds3: hint: choose another format, or use 'creds3 export' with --strip-prefix\n$/,
    );
    for (const r of [collision, invalid]) {
      ok(!r.stderr.includes("getall-value"), "no value in messages");
      ok(!r.stderr.includes("--debug"), r.stderr);
    }
  });
});

Deno.test("export k8s: bad names, keys and options are refused with exit 2 and no output", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("app/db-password", "k8s-secret-1");
    const run = (...args: string[]) => runCli(["export", "app/*", ...args], { env: store.env });
    refused(await run("-f", "k8s"), 2, /The k8s format needs a name/);
    for (const name of ["App", "a_b", "-x", "a..b"]) {
      refused(
        await run("-f", "k8s", "--strip-prefix", "app/", "--name", name),
        2,
        new RegExp(`Secret name '${name.replace(".", "\\.")}'`),
      );
    }
    refused(await run("-f", "k8s", "--name", "ok", "--namespace", "Prod"), 2, /Namespace 'Prod'/);
    refused(await run("-f", "k8s", "--name", "ok", "--label", "-bad=x"), 2, /Label key '-bad'/);
    refused(
      await run("-f", "k8s", "--name", "ok", "--label", "novalue"),
      2,
      /Label 'novalue' is not of the form key=value/,
    );
    refused(
      await run("-f", "k8s", "--name", "ok", "--label", "a=1", "--label", "a=2"),
      2,
      /Label key 'a' is given more than once/,
    );
    // The name 'app/db-password' is not a Secret key; stripped, it is.
    const bad = await run("-f", "k8s", "--name", "ok");
    refused(
      bad,
      2,
      /Key 'app\/db-password' is not a valid Kubernetes Secret key/,
      /hint: .*--strip-prefix/,
    );
    ok(!bad.stderr.includes("k8s-secret-1"), "no value in messages");
    const good = await run("-f", "k8s", "--name", "ok", "--strip-prefix", "app/");
    equal(good.code, 0, good.stderr);
    equal(decodeBase64(parseYaml(good.stdout).data["db-password"]), "k8s-secret-1");
    // k8s options with another format are a mistake, not silently ignored.
    refused(await run("-f", "json", "--name", "ok"), 2, /Option --name is only for the k8s format/);
    refused(
      await run("-f", "yaml", "--label", "a=b"),
      2,
      /Option --label is only for the k8s format/,
    );
    refused(await run("-f", "xml"), 2, /Allowed choices are json, yaml/);
    refused(
      await runCli(["export", "app/*"], { env: store.env }),
      2,
      /Option '-f, --format <format>' is required/,
    );
  });
});

Deno.test("export: keys are env style for dotenv and shell, names elsewhere, --keep-names keeps them", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("app/db-url", "postgres://db.example/app");
    await store.put("app/2fa.seed", "JBSWY3DPEHPK3PXP");
    const run = (...args: string[]) => runCli(["export", "app/*", ...args], { env: store.env });
    const dotenv = await run("-f", "dotenv");
    equal(dotenv.code, 0, dotenv.stderr);
    deepStrictEqual(parseDotenv(dotenv.stdout), {
      APP_2FA_SEED: "JBSWY3DPEHPK3PXP",
      APP_DB_URL: "postgres://db.example/app",
    });
    const stripped = await run("-f", "shell", "--strip-prefix", "app/");
    equal(
      stripped.stdout,
      "export DB_URL='postgres://db.example/app'\nexport _2FA_SEED='JBSWY3DPEHPK3PXP'\n",
    );
    deepStrictEqual(Object.keys(JSON.parse((await run("-f", "json")).stdout)), [
      "app/2fa.seed",
      "app/db-url",
    ]);
    deepStrictEqual(
      Object.keys(JSON.parse((await run("-f", "json", "--strip-prefix", "app/")).stdout)),
      ["2fa.seed", "db-url"],
    );
    // --keep-names: names the format cannot hold are refused by name, not mangled.
    refused(
      await run("-f", "dotenv", "--keep-names"),
      2,
      /Key 'app\/2fa\.seed' is not a valid environment variable name/,
    );
    await store.put("plain/Token_1", "tok-123");
    const kept = await runCli([
      "export",
      "plain/*",
      "-f",
      "shell",
      "--keep-names",
      "--strip-prefix",
      "plain/",
    ], { env: store.env });
    equal(kept.stdout, "export Token_1='tok-123'\n");
  });
});

Deno.test("export: two names giving one key are refused, naming both", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("dup/a-b", "first-value");
    await store.put("dup/a_b", "second-value");
    for (const format of ["dotenv", "shell"]) {
      const r = await runCli(["export", "dup/*", "-f", format], { env: store.env });
      refused(r, 2, /Secrets 'dup\/a-b' and 'dup\/a_b' both map to key 'DUP_A_B'/);
      ok(!r.stderr.includes("first-value") && !r.stderr.includes("second-value"));
    }
    // Names kept as they are do not collide; stripping a prefix can make them collide.
    equal((await runCli(["export", "dup/*", "-f", "json"], { env: store.env })).code, 0);
    await store.put("a_b", "third-value");
    refused(
      await runCli(["export", "-f", "json", "--strip-prefix", "dup/"], { env: store.env }),
      2,
      /Secrets 'a_b' and 'dup\/a_b' both map to key 'a_b'/,
    );
  });
});

Deno.test("export -o: mode 0600, atomic, nothing written or changed on failure", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("app/token", "file-secret");
    await store.put("app/quote", 'it\'s "both"');
    await store.put("locked/x", "ctx-secret", "env=prod");
    const dir = `${store.home}/out`;
    await Deno.mkdir(dir);
    const listing = async () => {
      const names = [];
      for await (const e of Deno.readDir(dir)) names.push(e.name);
      return names.sort();
    };
    const file = `${dir}/app.json`;
    const ok1 = await runCli(["export", "app/*", "-f", "json", "-o", file], { env: store.env });
    equal(ok1.code, 0, ok1.stderr);
    equal(ok1.stdout, "");
    match(ok1.stderr, /Wrote 2 secrets to '.*app\.json' \(json\)/);
    deepStrictEqual(JSON.parse(await Deno.readTextFile(file)), {
      "app/quote": 'it\'s "both"',
      "app/token": "file-secret",
    });
    equal((await Deno.stat(file)).mode! & 0o777, 0o600);

    // Failures leave no file behind (and no temporary file).
    const env = `${dir}/app.env`;
    refused(
      await runCli(["export", "app/*", "-f", "dotenv", "-o", env], { env: store.env }),
      2,
      /APP_QUOTE/,
    );
    equal(await exists(env), false);
    deepStrictEqual(await listing(), ["app.json"]);

    // An existing file (here 0644 with other content) is untouched by a failure of any kind ...
    await Deno.writeTextFile(env, "ORIGINAL=1\n");
    await Deno.chmod(env, 0o644);
    const before = await Deno.stat(env);
    refused(await runCli(["export", "app/*", "-f", "dotenv", "-o", env], { env: store.env }), 2);
    refused(
      await runCli(["export", "locked/*", "-f", "dotenv", "-o", env], { env: store.env }),
      1,
      /'locked\/x' version 1/,
    );
    refused(
      await runCli(["export", "none/*", "-f", "dotenv", "-o", env], { env: store.env }),
      1,
      /No credential matches 'none\/\*'/,
    );
    refused(await runCli(["export", "app/*", "-f", "k8s", "-o", env], { env: store.env }), 2);
    equal(await Deno.readTextFile(env), "ORIGINAL=1\n");
    const after = await Deno.stat(env);
    equal(after.mode! & 0o777, 0o644);
    equal(after.mtime?.getTime(), before.mtime?.getTime());
    deepStrictEqual(await listing(), ["app.env", "app.json"]);

    // ... and replaced whole, as a new 0600 file, on success.
    const good = await runCli(["export", "app/token", "-f", "dotenv", "-o", env], {
      env: store.env,
    });
    equal(good.code, 0, good.stderr);
    equal(await Deno.readTextFile(env), "APP_TOKEN='file-secret'\n");
    equal((await Deno.stat(env)).mode! & 0o777, 0o600);
    deepStrictEqual(await listing(), ["app.env", "app.json"]);

    // A folder that does not exist, or a folder as the file: a clear error, nothing created.
    refused(
      await runCli(["export", "app/*", "-f", "json", "-o", `${dir}/missing/x.json`], {
        env: store.env,
      }),
      1,
      /Cannot write '.*missing\/x\.json': its folder does not exist/,
    );
    refused(
      await runCli(["export", "app/*", "-f", "json", "-o", dir], { env: store.env }),
      1,
      /Cannot write '.*out': it is a directory/,
    );
    deepStrictEqual(await listing(), ["app.env", "app.json"]);
  });
});

Deno.test("export: a first operand key=value is context, never a pattern", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("ctx/a", "ctx-value-a", "env=prod");
    await store.put("ctx/b", "ctx-value-b", "env=prod");
    const run = (...args: string[]) =>
      runCli(["export", ...args, "-f", "json"], { env: store.env });
    const all = { "ctx/a": "ctx-value-a", "ctx/b": "ctx-value-b" };
    deepStrictEqual(JSON.parse((await run("env=prod")).stdout), all);
    deepStrictEqual(JSON.parse((await run("ctx/*", "env=prod")).stdout), all);
    deepStrictEqual(JSON.parse((await run("ctx/a", "env=prod")).stdout), {
      "ctx/a": "ctx-value-a",
    });
    refused(
      await run("ctx/*"),
      1,
      /'ctx\/a' version 1/,
      /2 of 2 secrets could not be read; nothing was printed/,
    );
    refused(await run("ctx/*", "prod"), 2, /Context 'prod' is not of the form key=value/);
    refused(await run("nothing/*", "env=prod"), 1, /No credential matches 'nothing\/\*'/);

    // A name holding '=' is not a pattern without a '*': 'eq/a=b' is read as context.
    await withCleanup(localStore, async (eq) => {
      await eq.put("eq/a=b", "eq-value");
      const asContext = await runCli(["export", "eq/a=b", "-f", "json"], { env: eq.env });
      refused(asContext, 1, /'eq\/a=b' version 1: .*encryption context differs/);
      const asPattern = await runCli(["export", "eq/a=b*", "-f", "json"], { env: eq.env });
      deepStrictEqual(JSON.parse(asPattern.stdout), { "eq/a=b": "eq-value" });
      match(
        (await runCli(["export", "--help"], { env: eq.env })).stdout,
        /key=value \(it has a '=' and no '\*'\) is context/,
      );
    });
  });
});

Deno.test("export --skip-errors and -v select what is exported", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("s/open", "open-v1");
    await store.put("s/locked", "locked-v1", "env=prod");
    const r = await runCli(["export", "s/*", "-f", "json", "--skip-errors"], { env: store.env });
    equal(r.code, 0, r.stderr);
    deepStrictEqual(JSON.parse(r.stdout), { "s/open": "open-v1" });
    match(r.stderr, /warning: skipped 's\/locked' version 1/);
    const v2 = await runCli(["put", "s/open", "open-v2", "-a"], { env: store.env });
    equal(v2.code, 0, v2.stderr);
    deepStrictEqual(
      JSON.parse((await runCli(["export", "s/open", "-f", "json"], { env: store.env })).stdout),
      { "s/open": "open-v2" },
    );
    deepStrictEqual(
      JSON.parse(
        (await runCli(["export", "s/open", "-f", "json", "-v", "1"], { env: store.env })).stdout,
      ),
      { "s/open": "open-v1" },
    );
    refused(
      await runCli(["export", "s/open", "-f", "json", "-v", "9"], { env: store.env }),
      1,
      /No credential matching 's\/open' has version '9'/,
    );
  });
});

// --- exec ------------------------------------------------------------------------------------

Deno.test("exec: secrets in the environment, arguments after -- untouched, stdin passed", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("foo", "foo value with 'quotes' and\na newline");
    await store.put("app/one", "one-value");
    await store.put("app/two-x", "two-value");
    const run = (args: string[], stdin?: string) =>
      runCli(["exec", ...args], { env: store.env, stdin });
    const echo = await run(["--", "sh", "-c", 'printf "%s" "$FOO"']);
    equal(echo.code, 0, echo.stderr);
    equal(echo.stdout, "foo value with 'quotes' and\na newline");

    const env = await run(["app/*", "--", "env"]);
    equal(env.code, 0, env.stderr);
    const lines = env.stdout.split("\n");
    ok(lines.includes("APP_ONE=one-value") && lines.includes("APP_TWO_X=two-value"), env.stdout);
    ok(!env.stdout.includes("FOO="), "only the selected secrets");

    const stripped = await run(["app/*", "--strip-prefix", "app/", "--pristine", "--", "env"]);
    deepStrictEqual(stripped.stdout.split("\n").sort(), [
      "",
      "ONE=one-value",
      `PATH=${Deno.env.get("PATH")}`,
      "TWO_X=two-value",
    ]);

    const keptNames = ["app/*", "--keep-names", "--pristine"];
    const kept = await runCliBytes(["exec", ...keptNames, "--", "env", "-0"], { env: store.env });
    deepStrictEqual(parseEnv0(kept.stdout), {
      "app/one": "one-value",
      "app/two-x": "two-value",
      PATH: Deno.env.get("PATH"),
    });

    // creds3 reads none of the command's arguments, even ones that look like its own options.
    const printArgs = ["sh", "-c", 'printf "%s|" "$@"', "sh"];
    const args = await run([
      "app/one",
      "--",
      ...printArgs,
      "--pristine",
      "-v",
      "1",
      "--",
      "-l",
      "x",
    ]);
    equal(args.code, 0, args.stderr);
    equal(args.stdout, "--pristine|-v|1|--|-l|x|");

    const cat = await run(
      ["app/one", "--", "sh", "-c", 'cat; printf "%s" "$APP_ONE"'],
      "from stdin|",
    );
    equal(cat.stdout, "from stdin|one-value");

    // A secret replaces a variable creds3 itself has, with a warning naming it.
    await store.put("home", "/secret/home");
    const home = await run(["home", "--", "sh", "-c", 'printf "%s" "$HOME"']);
    equal(home.stdout, "/secret/home");
    match(home.stderr, /warning: secret 'HOME' replaces the environment's value/);
  });
});

Deno.test("exec: exit codes are the command's; not found 127; no command 2", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("x", "x-value");
    const run = (...args: string[]) => runCli(["exec", ...args], { env: store.env });
    const seven = await run("--", "sh", "-c", "exit 7");
    equal(seven.code, 7);
    equal(seven.stderr, "", "a non-zero exit of the command is not a creds3 error");
    equal((await run("--", "sh", "-c", "exit 255")).code, 255);
    equal((await run("--", "true")).code, 0);
    equal((await run("--", "sh", "-c", "kill -TERM $$")).code, 128 + 15);
    equal((await run("--", "sh", "-c", "kill -KILL $$")).code, 128 + 9);
    refused(
      await run("--", "no-such-command-creds3"),
      127,
      /creds3: error: Command 'no-such-command-creds3' not found/,
    );
    const script = `${store.home}/not-executable.sh`;
    await Deno.writeTextFile(script, "#!/bin/sh\necho ran\n");
    refused(
      await run("--", script),
      126,
      /Cannot run command '.*not-executable\.sh': permission denied/,
    );
    refused(await run("x"), 2, /No command to run/, /hint: give it after '--'/);
    refused(await run("x", "--"), 2, /No command to run/);
  });
});

Deno.test("exec: when a secret cannot be read, or two give one name, the command never starts", async () => {
  await withCleanup(localStore, async (store) => {
    const marker = `${store.home}/ran`;
    const touch = ["--", "sh", "-c", 'echo ran > "$1"', "sh", marker];
    await store.put("svc/open", "open-value");
    await store.put("svc/locked", "locked-value", "env=prod");
    const unreadable = await runCli(["exec", "svc/*", ...touch], { env: store.env });
    refused(
      unreadable,
      1,
      /creds3: error: 'svc\/locked' version 1: /,
      /1 of 2 secrets could not be read; the command was not started/,
    );
    ok(!unreadable.stderr.includes("skip-errors"), "exec has no --skip-errors to suggest");
    equal(await exists(marker), false, "the command ran");
    // The other way round: the context the open secret lacks.
    refused(
      await runCli(["exec", "svc/*", "env=prod", ...touch], { env: store.env }),
      1,
      /'svc\/open' version 1/,
    );
    equal(await exists(marker), false, "the command ran");

    await store.put("dup/db-url", "first-value");
    await store.put("dup/db_url", "second-value");
    const collision = await runCli(["exec", "dup/*", ...touch], { env: store.env });
    refused(collision, 2, /Secrets 'dup\/db-url' and 'dup\/db_url' both map to key 'DUP_DB_URL'/);
    equal(await exists(marker), false, "the command ran");
    refused(
      await runCli(["exec", "nothing/*", ...touch], { env: store.env }),
      1,
      /No credential matches/,
    );
    equal(await exists(marker), false, "the command ran");

    // The same selection, readable: the command runs (the marker proves the check can fail).
    const fine = await runCli(["exec", "svc/locked", "env=prod", ...touch], { env: store.env });
    equal(fine.code, 0, fine.stderr);
    equal(await Deno.readTextFile(marker), "ran\n");
  });
});

async function signalCase(store: Store, signal: Deno.Signal, code: number) {
  const marker = `${store.home}/signal-${signal}`;
  const pids = `${marker}.pids`;
  const script = `trap 'kill $p 2>/dev/null; echo "got ${signal}" > "$1"; exit ${code}' ${
    signal.slice(3)
  }
sleep 30 & p=$!
echo "$$ $p" > "$2"
echo ready
wait $p`;
  const [deno, ...args] = cliArgv(["exec", "x", "--", "sh", "-c", script, "sh", marker, pids]);
  const child = new Deno.Command(deno, {
    args,
    clearEnv: true,
    env: cliEnv(store.env),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let passed = false;
  try {
    let seen = "";
    while (!seen.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    equal(seen, "ready\n", "the command started");
    child.kill(signal); // to creds3, not to the command
    let timer: ReturnType<typeof setTimeout> | undefined;
    const status = await Promise.race([
      child.status,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`creds3 still runs 20 s after ${signal}`)),
          20_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    equal(status.code, code, "exit code");
    equal(await stderr, "");
    equal(await Deno.readTextFile(marker), `got ${signal}\n`, "the command saw the signal");
    passed = true;
  } finally {
    await reader.cancel();
    if (!passed) {
      // Leave nothing running: creds3, and the command and its sleep that it may have orphaned.
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
      const started = await Deno.readTextFile(pids).catch(() => "");
      for (const pid of started.trim().split(" ").filter(Boolean)) {
        try {
          Deno.kill(Number(pid), "SIGKILL");
        } catch { /* already exited */ }
      }
      await child.status;
      await stderr;
    }
  }
}

Deno.test("exec: SIGTERM and SIGINT sent to creds3 reach the command; its exit code comes back", async () => {
  await withCleanup(localStore, async (store) => {
    await store.put("x", "x-value");
    await signalCase(store, "SIGTERM", 42);
    await signalCase(store, "SIGINT", 43);
  });
});

// --- moto ------------------------------------------------------------------------------------

Deno.test("moto: export k8s and exec read KMS-encrypted secrets with their context", async () => {
  await withCleanup(motoStore, async (store) => {
    await store.put("app/prod/db-password", "moto-db-secret\n", "env=prod");
    await store.put("app/prod/api_key", "it's $moto `key`", "env=prod");
    const [select, strip] = [["app/prod/*", "env=prod"], ["--strip-prefix", "app/prod/"]];
    const k8s = await runCli(["export", ...select, "-f", "k8s", "--name", "app", ...strip], {
      env: store.env,
    });
    equal(k8s.code, 0, k8s.stderr);
    const doc = parseYaml(k8s.stdout);
    equal(doc.kind, "Secret");
    deepStrictEqual(
      Object.fromEntries(Object.entries(doc.data as Secrets).map(([k, v]) => [k, decodeBase64(v)])),
      { "db-password": "moto-db-secret\n", api_key: "it's $moto `key`" },
    );
    const exec = await runCliBytes(["exec", ...select, ...strip, "--pristine", "--", "env", "-0"], {
      env: store.env,
    });
    equal(exec.code, 0, exec.stderr);
    deepStrictEqual(parseEnv0(exec.stdout), {
      API_KEY: "it's $moto `key`",
      DB_PASSWORD: "moto-db-secret\n",
      PATH: Deno.env.get("PATH"),
    });
    const marker = `${store.home}/ran`;
    const touch = ["--", "sh", "-c", 'echo ran > "$1"', "sh", marker];
    const wrong = await runCli(["exec", "app/prod/*", "env=dev", ...touch], { env: store.env });
    refused(wrong, 1, /2 of 2 secrets could not be read; the command was not started/);
    equal(await exists(marker), false);
  });
});
