/**
 * The compiled binary's permissions are enough: every command runs under
 * `deno run <PERMISSIONS> main.ts` (the exact flags `deno task compile` gives the binary, from
 * scripts/compile.ts), on the local store and on moto (S3, KMS, STS), including the paths that
 * need more than the network: AWS profiles from the shared config, a `credential_process`, an
 * assumed role, no HOME at all, `exec`, `export -o` and the hidden prompt on a terminal.
 */
import { match, ok, strictEqual } from "node:assert/strict";
import { PERMISSIONS } from "../../scripts/compile.ts";
import { motoBucketAndKey } from "../helpers/backends.ts";
import { cliArgv, cliEnv, runCli } from "../helpers/cli.ts";
import { awsEnv, createBucket, createKmsKey, motoUrl, uniqueName } from "../helpers/moto.ts";
import { onPty } from "../helpers/pty.ts";

/** A permission Deno refused: the message Deno gives, under any error wrapping. */
const DENIED = /NotCapable|Requires \w+ access|PermissionDenied|--allow-\w+/;

/** Runs the CLI with exactly the binary's permissions, in a clean environment (no HOME). */
function restricted(args: string[], env: Record<string, string>, stdin?: string) {
  return runCli(args, { env, stdin, flags: PERMISSIONS, home: false });
}

async function ok0(args: string[], env: Record<string, string>, stdin?: string) {
  const r = await restricted(args, env, stdin);
  ok(!DENIED.test(r.stderr), `creds3 ${args.join(" ")} hit a permission: ${r.stderr}`);
  strictEqual(r.code, 0, `creds3 ${args.join(" ")} failed: ${r.stderr}`);
  return r;
}

Deno.test("permissions: every command on the local store", async () => {
  const home = await Deno.makeTempDir({ prefix: "creds3-perm-" });
  const env = { HOME: home, CREDS3_LOCATION: `file:${home}/store` };
  try {
    await ok0(["--version"], env);
    await ok0(["help", "put"], env);
    await ok0(["completions", "bash"], env);
    await ok0(["setup", "--create-key"], env);
    await ok0(["put", "app/db-url", "postgres://db.example/app"], env);
    await Deno.writeTextFile(`${home}/value.txt`, "from-a-file");
    await ok0(["put", "app/from-file", `@${home}/value.txt`], env);
    await ok0(["put", "-a", "app/from-stdin", "-"], env, "from-stdin");
    strictEqual((await ok0(["get", "app/from-file"], env)).stdout, "from-a-file\n");
    match((await ok0(["get", "app/*"], env)).stdout, /from-stdin/);
    await ok0(["getall", "-f", "yaml"], env);
    match((await ok0(["list"], env)).stdout, /app\/db-url/);
    await ok0(["export", "app/*", "-f", "dotenv", "-o", `${home}/app.env`], env);
    match(await Deno.readTextFile(`${home}/app.env`), /APP_FROM_FILE=/);
    const child = ["sh", "-c", 'test "$FROM_FILE" = from-a-file && echo child-ran'];
    const exec = await ok0(["exec", "app/*", "--strip-prefix", "app/", "--", ...child], env);
    strictEqual(exec.stdout, "child-ran\n");
    await ok0(["delete", "app/db-url"], env);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

// Deno asks for --allow-all to open /dev/tty, so under the binary's permissions the prompt goes
// through stdin and stderr (lib/cli/terminal.ts): both are on the terminal here.
Deno.test("permissions: put -P reads the value from the terminal", async () => {
  const home = await Deno.makeTempDir({ prefix: "creds3-perm-" });
  const env = { HOME: home, CREDS3_LOCATION: `file:${home}/store` };
  try {
    await ok0(["setup", "--create-key"], env);
    const r = await onPty(
      cliArgv(["put", "-P", "typed"], PERMISSIONS),
      cliEnv(env),
      [["Value for", "typed-value\r"], ["Again", "typed-value\r"]],
      { ttyStdio: true },
    );
    ok(!DENIED.test(r.shown), r.shown);
    strictEqual(r.code, 0, r.shown);
    match(r.shown, /Value for 'typed' \(not shown\): \r+\nAgain, to confirm: \r+\n/);
    ok(!r.shown.includes("typed-value"), "the value is not echoed");
    strictEqual((await ok0(["get", "typed"], env)).stdout, "typed-value\n");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("permissions: S3, KMS and STS on moto, with profiles, a credential process and a role", async () => {
  const url = await motoUrl();
  const bucket = uniqueName("creds3-perm");
  const alias = `alias/${uniqueName("creds3-perm")}`;
  const home = await Deno.makeTempDir({ prefix: "creds3-perm-" });
  try {
    const base: Record<string, string> = {
      ...awsEnv(url),
      HOME: home,
      CREDS3_LOCATION: bucket,
      CREDS3_KEY: alias,
    };
    await ok0(["setup", "--create-key"], base);
    await ok0(["put", "svc/token", "moto-token", "env=ci"], base);
    strictEqual((await ok0(["get", "svc/token", "env=ci"], base)).stdout, "moto-token\n");
    await ok0(["getall", "env=ci", "-f", "json"], base);
    await ok0(["export", "env=ci", "-f", "shell"], base);
    await ok0(["exec", "svc/*", "env=ci", "--", "true"], base);
    await ok0(["list"], base);

    // The default bucket (credential-store-<account>) is found through STS.
    const noLocation: Record<string, string> = { ...base };
    delete noLocation.CREDS3_LOCATION;
    await createBucket(url, "credential-store-123456789012");
    await ok0(["list"], noLocation);

    // Credentials from the shared config files: a static profile and a credential_process
    // (which the SDK runs as a child process), then a role assumed through STS.
    const { AWS_ACCESS_KEY_ID: _a, AWS_SECRET_ACCESS_KEY: _s, ...noKeys } = base;
    await Deno.mkdir(`${home}/.aws`);
    await Deno.writeTextFile(
      `${home}/process.sh`,
      `#!/bin/sh\necho '{"Version":1,"AccessKeyId":"test","SecretAccessKey":"test"}'\n`,
      { mode: 0o755 },
    );
    await Deno.writeTextFile(
      `${home}/.aws/config`,
      `[profile static]\naws_access_key_id = test\naws_secret_access_key = test\n` +
        `[profile process]\ncredential_process = ${home}/process.sh\n`,
    );
    const files = { ...noKeys, AWS_CONFIG_FILE: `${home}/.aws/config` };
    strictEqual(
      (await ok0(["get", "-p", "static", "svc/token", "env=ci"], files)).stdout,
      "moto-token\n",
    );
    strictEqual(
      (await ok0(["get", "-p", "process", "svc/token", "env=ci"], files)).stdout,
      "moto-token\n",
    );
    const role = "arn:aws:iam::123456789012:role/creds3-reader";
    await ok0(["list", "-p", "static", "--arn", role], files);
    await createKmsKey(url, `alias/${uniqueName("unused")}`);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("permissions: without HOME the SDK's home lookup is allowed (sys: homedir, uid)", async () => {
  const { url, bucket, alias } = await motoBucketAndKey("creds3-perm");
  // No HOME, no credentials and no config file variables: the SDK's credential chain looks for
  // ~/.aws through os.homedir(), keyed by the effective uid. Whatever it finds there, it must
  // not be a permission Deno refuses.
  const {
    AWS_ACCESS_KEY_ID: _a,
    AWS_SECRET_ACCESS_KEY: _s,
    AWS_CONFIG_FILE: _c,
    AWS_SHARED_CREDENTIALS_FILE: _f,
    ...env
  } = awsEnv(url);
  const r = await restricted(["list"], { ...env, CREDS3_LOCATION: bucket, CREDS3_KEY: alias });
  ok(!DENIED.test(r.stderr), `a permission was refused: ${r.stderr}`);
  ok(r.code === 0 || /credential/i.test(r.stderr), `unexpected failure: ${r.stderr}`);
});
