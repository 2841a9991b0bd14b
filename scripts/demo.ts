/**
 * The newcomer's tour on the embedded default, no AWS needed: a fresh local store and master
 * key in a temporary directory, then put, get, getall, export, list and delete, showing what a
 * user sees. Run it with `deno task demo`.
 *
 * `deno task demo --binary PATH` runs the same steps with a compiled binary instead of
 * `main.ts` (the release workflow does this with the Linux binary: the formats and the store
 * code are loaded on use, so this shows they are inside the binary).
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../main.ts", import.meta.url));
const binaryAt = Deno.args.indexOf("--binary");
const binary = binaryAt >= 0 ? Deno.args[binaryAt + 1] : undefined;
if ((binaryAt >= 0 && !binary) || Deno.args.length !== (binaryAt >= 0 ? 2 : 0)) {
  console.error("demo: error: the only option is --binary PATH");
  Deno.exit(2);
}
const dir = await Deno.makeTempDir({ prefix: "creds3-demo-" });
const env = { CREDS3_LOCATION: `file:${dir}/store`, CREDS3_KEY: `local:${dir}/master.key` };
let failed = false;

async function creds3(...args: string[]): Promise<void> {
  console.log(
    `\n$ creds3 ${args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(" ")}`,
  );
  const out = await new Deno.Command(binary ?? Deno.execPath(), {
    args: binary ? args : ["run", "--frozen", "-A", "--quiet", main, ...args],
    env,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) failed = true;
}

try {
  console.log(`# A local store in ${dir}/store, its master key in ${dir}/master.key`);
  console.log(`# export CREDS3_LOCATION=file:${dir}/store CREDS3_KEY=local:${dir}/master.key`);
  await creds3("setup", "--create-key");
  await creds3("put", "db/password", "correct horse battery staple");
  await creds3("put", "api_key", "demo-api-key-1");
  await creds3("put", "-a", "api_key", "demo-api-key-2");
  await creds3("put", "prod/token", "demo-token", "env=prod");
  await creds3("get", "db/password");
  await creds3("get", "api_key");
  await creds3("get", "api_key", "-v", "1");
  await creds3("get", "prod/token", "env=prod");
  await creds3("list");
  await creds3("delete", "prod/token");
  await creds3("getall");
  await creds3("getall", "-f", "dotenv");
  await creds3("export", "db/*", "--strip-prefix", "db/", "-f", "k8s", "--name", "demo");
  await creds3("delete", "api_key", "-v", "1");
  await creds3("list");
} finally {
  await Deno.remove(dir, { recursive: true });
}
if (failed) {
  console.error("\ndemo: a command failed");
  Deno.exit(1);
}
