/**
 * Start-up cost: what the CLI loads. `--help`, `--version` and every command on a local store
 * must not load the AWS SDK (about 12 MB of modules), and commands that do not render YAML or
 * CSV, nor import YAML, must not load those libraries.
 *
 * The check is by module graph, not by time: the CLI runs with an import map in which the
 * packages that must stay unloaded are replaced by modules that throw when evaluated (and
 * export nothing, so a static import fails at link time). Loading one makes the command fail
 * with that module's name. Controls run the same map where the package is needed, so the check
 * is shown to fail when a package is loaded. Timings are measured by `deno task bench`, never
 * asserted here.
 */
import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import { exporter, exporterNames } from "../../plugins/mod.ts";
import { FORMAT_NAMES, loadExporter } from "../../plugins/registry.ts";
import { type CliResult, REPO_ROOT, runCli } from "../helpers/cli.ts";

/** Packages that a start-up without AWS must not load. */
const AWS_PACKAGES = /^@aws-sdk\/|^@smithy\//;
/** Libraries only the yaml, k8s and csv formats need. */
const FORMAT_PACKAGES = /^(yaml|csv-stringify)$/;
/**
 * Node's built-in modules: loading any of them starts Deno's Node compatibility layer, which
 * costs a start 25 to 60 ms. `--help` and the local store need none.
 */
const NODE_BUILTINS = [
  "buffer",
  "child_process",
  "crypto",
  "events",
  "fs",
  "fs/promises",
  "module",
  "os",
  "path",
  "process",
  "readline",
  "stream",
  "tty",
  "url",
  "util",
].map((name) => `node:${name}`);

interface Poisoned {
  /** Import map path. */
  map: string;
  dir: string;
}

/**
 * Writes an import map: deno.json's imports, with the packages matching `poison` and the
 * built-in modules `builtins` replaced.
 */
async function poisonedImportMap(poison: RegExp, builtins: string[] = []): Promise<Poisoned> {
  const dir = await Deno.makeTempDir({ prefix: "creds3-startup-" });
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
  const imports: Record<string, string> = {};
  let poisoned = 0;
  for (const [name, target] of Object.entries(config.imports as Record<string, string>)) {
    if (poison.test(name)) {
      const safe = name.replace(/[^a-z0-9]/gi, "_");
      const body = `throw new Error("startup test: '${name}' was loaded");\n`;
      await Deno.writeTextFile(`${dir}/${safe}.js`, body);
      // Subpath imports (`csv-stringify/sync`) land in a folder of the same poison.
      await Deno.mkdir(`${dir}/${safe}`);
      for (const sub of ["sync", "index.js"]) {
        await Deno.writeTextFile(`${dir}/${safe}/${sub}`, body);
      }
      imports[name] = `file://${dir}/${safe}.js`;
      imports[`${name}/`] = `file://${dir}/${safe}/`;
      poisoned++;
    } else {
      imports[name] = target;
      if (target.startsWith("npm:")) imports[`${name}/`] = `npm:/${target.slice(4)}/`;
    }
  }
  ok(poisoned > 0, `no import in deno.json matches ${poison}: the check would check nothing`);
  for (const name of builtins) {
    const safe = name.replace(/[^a-z0-9]/gi, "_");
    await Deno.writeTextFile(
      `${dir}/${safe}.js`,
      `throw new Error("startup test: '${name}' was loaded");\n`,
    );
    imports[name] = `file://${dir}/${safe}.js`;
  }
  const map = `${dir}/import_map.json`;
  await Deno.writeTextFile(map, JSON.stringify({ imports }, null, 2));
  return { map, dir };
}

/** Runs the CLI with the import map, in a clean environment (no AWS settings). */
function run(poisoned: Poisoned, args: string[]): Promise<CliResult> {
  return runCli(args, {
    flags: ["-A", "--import-map", poisoned.map],
    env: {
      HOME: poisoned.dir,
      AWS_EC2_METADATA_DISABLED: "true",
      // Never reach a real AWS endpoint, even if a control loaded the real SDK.
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    },
  });
}

function succeeded(r: { code: number; stderr: string }, what: string) {
  strictEqual(r.code, 0, `${what} failed (exit ${r.code}): ${r.stderr}`);
  ok(!r.stderr.includes("startup test:"), `${what} loaded a poisoned module: ${r.stderr}`);
}

Deno.test("startup: the command line's lazily loaded formats are the registry's", async () => {
  deepStrictEqual([...FORMAT_NAMES], exporterNames());
  for (const name of FORMAT_NAMES) strictEqual(await loadExporter(name), exporter(name));
  await rejects(loadExporter("xml"), /Unknown format 'xml' \(valid formats: json, yaml, /);
});

Deno.test("startup: --help, --version and the local store load neither the AWS SDK, yaml/csv nor Node's modules", async () => {
  const poisoned = await poisonedImportMap(
    new RegExp(`${AWS_PACKAGES.source}|${FORMAT_PACKAGES.source}`),
    NODE_BUILTINS,
  );
  try {
    const store = `${poisoned.dir}/store`;
    const local = ["-l", store, "-k", `local:${poisoned.dir}/master.key`];
    for (const args of [["--help"], ["--version"], ["help", "getall"], ["get", "--help"]]) {
      const r = await run(poisoned, args);
      succeeded(r, args.join(" "));
      ok(r.stdout.length > 0, `${args.join(" ")} printed nothing`);
    }
    succeeded(await run(poisoned, ["setup", ...local, "--create-key"]), "local setup");
    succeeded(await run(poisoned, ["put", ...local, "app/db", "made-up-1"]), "local put");
    succeeded(await run(poisoned, ["put", ...local, "-a", "app/db", "made-up-2"]), "local put -a");
    const get = await run(poisoned, ["get", ...local, "app/db"]);
    succeeded(get, "local get");
    strictEqual(get.stdout, "made-up-2\n");
    const wildcard = await run(poisoned, ["get", ...local, "app/*"]);
    succeeded(wildcard, "local get app/*");
    deepStrictEqual(JSON.parse(wildcard.stdout), { "app/db": "made-up-2" });
    for (const format of ["json", "dotenv", "shell"]) {
      succeeded(
        await run(poisoned, ["getall", ...local, "-f", format]),
        `local getall -f ${format}`,
      );
      succeeded(
        await run(poisoned, ["export", ...local, "-f", format]),
        `local export -f ${format}`,
      );
    }
    succeeded(await run(poisoned, ["list", ...local]), "local list");
    for (const args of [["list", "--latest", "-f", "json"], ["keys"], ["history", "app/db"]]) {
      succeeded(await run(poisoned, [...args, ...local]), `local ${args.join(" ")}`);
    }
    await Deno.writeFile(`${poisoned.dir}/blob`, new Uint8Array([0, 255]));
    const binary = ["app/blob", `@${poisoned.dir}/blob`, "--binary", "-c", "a note"];
    succeeded(await run(poisoned, ["put", ...local, ...binary]), "local put --binary -c");
    succeeded(await run(poisoned, ["get", ...local, "app/blob"]), "local get of a binary secret");
    succeeded(await run(poisoned, ["prune", ...local, "app/*", "--keep", "1"]), "local prune");
    succeeded(await run(poisoned, ["put", ...local, "-a", "app/db", "made-up-3"]), "local put -a");
    succeeded(await run(poisoned, ["delete", ...local, "app/db", "-v", "2"]), "local delete");
    // Importing every format but YAML loads no format library: the readers are our own.
    const files: Record<string, string> = {
      "in.json": '{"imp/json": "j-1"}',
      "in.csv": "imp/csv,c-1\r\n",
      "in.env": "IMP_ENV='e-1'\n",
      "in.sh": "export IMP_SH='s-1'\n",
    };
    for (const [file, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${poisoned.dir}/${file}`, text);
      const r = await run(poisoned, ["import", ...local, `${poisoned.dir}/${file}`]);
      succeeded(r, `local import of ${file}`);
      match(r.stderr, /1 stored, 0 unchanged, 0 failed/);
    }
    // Copying to another local store, as they are and to its own key, and rotating its key.
    const second = `local:${poisoned.dir}/second.key`;
    const copies = [`${poisoned.dir}/copy1`, `${poisoned.dir}/copy2`];
    succeeded(await run(poisoned, ["setup", "-l", copies[0], ...local.slice(2)]), "local setup");
    succeeded(
      await run(poisoned, ["setup", "-l", copies[1], "-k", second, "--create-key"]),
      "local setup --create-key",
    );
    succeeded(await run(poisoned, ["copy", store, copies[0], ...local.slice(2)]), "local copy");
    succeeded(
      await run(poisoned, ["copy", store, copies[1], ...local.slice(2), "--to-key", second]),
      "local copy --to-key",
    );
    succeeded(
      await run(poisoned, ["rewrap", "-l", copies[0], ...local.slice(2), "--to-key", second]),
      "local rewrap",
    );
    const rotated = await run(poisoned, ["get", "-l", copies[0], "-k", second, "app/db"]);
    succeeded(rotated, "local get after rewrap");
    strictEqual(rotated.stdout, "made-up-3\n");

    // Controls: where the poisoned packages are needed, the same map makes the command fail.
    const yaml = await run(poisoned, ["getall", ...local, "-f", "yaml"]);
    strictEqual(yaml.code, 1, yaml.stderr);
    // A static import of a poisoned module fails at link time, a dynamic one when evaluated.
    match(yaml.stderr, /'yaml' (was loaded|does not provide an export)/);
    await Deno.writeTextFile(`${poisoned.dir}/in.yaml`, 'imp/yaml: "y-1"\n');
    const yamlImport = await run(poisoned, ["import", ...local, `${poisoned.dir}/in.yaml`]);
    strictEqual(yamlImport.code, 1, yamlImport.stderr);
    match(yamlImport.stderr, /'yaml' (was loaded|does not provide an export)/);
    const s3 = await run(poisoned, ["get", "-l", "some-bucket", "-k", "alias/x", "app/db"]);
    strictEqual(s3.code, 1, s3.stderr);
    match(s3.stderr, /startup test: '@aws-sdk\/[a-z0-9-]+' was loaded/);
    const table = await run(poisoned, ["get", "-l", "dynamodb:some-table", "app/db"]);
    strictEqual(table.code, 1, table.stderr);
    match(table.stderr, /startup test: '@aws-sdk\/client-dynamodb' was loaded/);
    // A usage error on a table is found before anything is loaded.
    const older = [
      "prune",
      "-l",
      "dynamodb:some-table",
      "app/*",
      "--keep",
      "1",
      "--older-than",
      "1d",
    ];
    const refused = await run(poisoned, older);
    strictEqual(refused.code, 2, refused.stderr);
    ok(!refused.stderr.includes("startup test:"), refused.stderr);
    // An MD5 HMAC (an old writer's object) is the one local read that needs node:crypto.
    const file = `${store}/app/db/@3`;
    const stored = JSON.parse(await Deno.readTextFile(file));
    await Deno.writeTextFile(file, JSON.stringify({ ...stored, digest: "MD5" }));
    const md5 = await run(poisoned, ["get", ...local, "app/db"]);
    strictEqual(md5.code, 1, md5.stderr);
    match(md5.stderr, /startup test: 'node:crypto' was loaded/);
  } finally {
    await Deno.remove(poisoned.dir, { recursive: true });
  }
});
