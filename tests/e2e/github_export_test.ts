/**
 * The `github` format. The exporter over the tricky values, read back with the runner's rules
 * (tests/helpers/github_runner.ts, written from GitHub's documentation, not from the exporter);
 * then `export -f github` spawned as a user would, against the local store and once against
 * moto with session credentials as aws-actions/configure-aws-credentials leaves them. All
 * secrets are made up.
 */
import { deepStrictEqual, equal, match, notEqual, ok, throws } from "node:assert/strict";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { ExportError } from "../../lib/core/errors.ts";
import { createGithubExporter, escapeCommandData, githubExporter } from "../../plugins/github.ts";
import { TRICKY } from "../data/tricky_values.ts";
import { runCli } from "../helpers/cli.ts";
import {
  assertMasks,
  githubEnvRecord,
  parseGithubEnv,
  parseWorkflowCommands,
} from "../helpers/github_runner.ts";
import { motoBucketAndKey, seededLocalStore } from "../helpers/backends.ts";
import { awsEnv, clientConfig } from "../helpers/moto.ts";
import { withCleanup } from "../helpers/scoped.ts";

type Secrets = Record<string, string>;

const pad = (i: number) => String(i).padStart(2, "0");
/** Every tricky value, under environment-style keys. */
const ALL: Secrets = Object.fromEntries(TRICKY.map(([, value], i) => [`SECRET_${pad(i)}`, value]));

/** Asserts an ExportError naming `key`, without the value, from both parts of the exporter. */
function refuses(secrets: Secrets, key: string, pattern: RegExp): void {
  const exporter = createGithubExporter();
  for (const part of [() => exporter.render(secrets), () => exporter.commands(secrets)]) {
    throws(part, (error: unknown) => {
      ok(error instanceof ExportError, String(error));
      ok(error.message.includes(`'${key}'`), error.message);
      match(error.message, pattern);
      for (const value of Object.values(secrets)) {
        if (value.length > 2) ok(!error.message.includes(value), "a value in the message");
      }
      return true;
    });
  }
}

// --- the exporter -----------------------------------------------------------------------------

Deno.test("github: every tricky value comes back from the env file, as Linux and Windows runners read it", () => {
  const text = githubExporter.render(ALL);
  const headers = text.match(/^SECRET_\d\d<<CREDS3_[0-9a-f]{32}$/gm) ?? [];
  equal(headers.length, TRICKY.length, "one NAME<<DELIMITER block per secret");
  for (const windows of [false, true]) {
    const entries = parseGithubEnv(text, { windows });
    deepStrictEqual(entries.map((e) => e.name), Object.keys(ALL).sort(), "sorted, each once");
    deepStrictEqual(githubEnvRecord(entries), ALL);
  }
});

Deno.test("github: masks for every value and each of its lines, escaped, blank ones left out", () => {
  assertMasks(githubExporter.commands(ALL), ALL);
  equal(
    githubExporter.commands({ A: "50%\r\n%0A" }),
    "::add-mask::50%25%0D%0A%250A\n::add-mask::50%25\n::add-mask::%250A\n",
  );
  // Short values are masked like any other.
  equal(githubExporter.commands({ PIN: "7" }), "::add-mask::7\n");
  // Empty and whitespace-only values and lines get no mask (the runner refuses them).
  equal(githubExporter.commands({ E: "", S: " ", T: "\t\n \u00a0\r\n" }), "");
  equal(
    githubExporter.commands({ M: "\n  \nkey\n" }),
    "::add-mask::%0A  %0Akey%0A\n::add-mask::key\n",
  );
  // A text masked for two secrets is printed once.
  equal(
    githubExporter.commands({ A: "same", B: "same\nother" }),
    "::add-mask::same\n::add-mask::same%0Aother\n::add-mask::other\n",
  );
  for (const [label, value] of TRICKY) {
    const [command] = parseWorkflowCommands(`::add-mask::${escapeCommandData(value)}\n`);
    equal(command.data, value, label);
  }
});

Deno.test("github: each block has a fresh random delimiter, drawn again when its value holds it", () => {
  const first = githubExporter.render(ALL);
  notEqual(first, githubExporter.render(ALL), "two exports, two sets of delimiters");
  const delimiters = [...first.matchAll(/^SECRET_\d\d<<(.*)$/gm)].map((m) => m[1]);
  equal(new Set(delimiters).size, delimiters.length, "no delimiter used twice");

  // Without the check, a value could end its block and set other variables:
  deepStrictEqual(githubEnvRecord(parseGithubEnv("A<<EOF\nx\nEOF\nEVIL=1\n")), {
    A: "x",
    EVIL: "1",
  });
  const draws = ["EOF", "NEXT", "", "a\nb", "EOF", "OTHER"];
  const exporter = createGithubExporter({ delimiter: () => draws.shift() ?? "SPARE" });
  const secrets = { A: "x\nEOF\nEVIL=1", B: "has EOF and NEXT" };
  const text = exporter.render(secrets);
  equal(text, "A<<NEXT\nx\nEOF\nEVIL=1\nNEXT\nB<<OTHER\nhas EOF and NEXT\nOTHER\n");
  deepStrictEqual(githubEnvRecord(parseGithubEnv(text)), secrets);

  const stuck = createGithubExporter({ delimiter: () => "x" });
  throws(() => stuck.render({ A: "xyz" }), /No heredoc delimiter for secret 'A'/);
});

Deno.test("github: keys sorted; no secrets, no output; the same delimiters give the same text", () => {
  const exporter = createGithubExporter({ delimiter: () => "D" });
  equal(exporter.render({ B: "2", A: "1" }), "A<<D\n1\nD\nB<<D\n2\nD\n");
  equal(exporter.render({ A: "1", B: "2" }), exporter.render({ B: "2", A: "1" }));
  equal(exporter.commands({ B: "2", A: "1" }), "::add-mask::1\n::add-mask::2\n");
  equal(githubExporter.render({}), "");
  equal(githubExporter.commands({}), "");
  equal(githubExporter.fileVariable, "GITHUB_ENV");
  equal(githubExporter.envKeys, true);
});

Deno.test("github: keys that are not variable names, NODE_OPTIONS, NUL and a trailing CR are refused", () => {
  for (const key of ["db-url", "1A", "a b", "A<<B", "A=B"]) {
    refuses({ [key]: "made-up" }, key, /not a valid environment variable name/);
  }
  for (const key of ["NODE_OPTIONS", "node_options"]) {
    refuses({ [key]: "--require ./x.js" }, key, /the runner refuses NODE_OPTIONS/);
  }
  refuses({ OK: "fine", NUL: "a\0b" }, "NUL", /NUL character/);
  refuses({ CR: "made-up\r" }, "CR", /ends with a carriage return/);
});

// --- export -f github, spawned ---------------------------------------------------------------

/** A local store and key in a temp HOME holding `secrets` (written through the library). */
const localStore = (secrets: Secrets) => seededLocalStore("creds3-github-", secrets);

const EARLIER = "EARLIER=kept\nMULTI<<X\nfrom an earlier step\nX\n";

Deno.test("export -f github: masks on stdout, then every tricky value appended to $GITHUB_ENV", async () => {
  const names = Object.keys(ALL).map((key) => `tricky/${key.toLowerCase()}`);
  const secrets = Object.fromEntries(names.map((n, i) => [n, Object.values(ALL)[i]]));
  await withCleanup(() => localStore(secrets), async (store) => {
    const file = `${store.dir}/github_env`;
    await Deno.writeTextFile(file, EARLIER, { mode: 0o644 });
    await Deno.chmod(file, 0o644);
    const r = await runCli(["export", "tricky/*", "--strip-prefix", "tricky/", "-f", "github"], {
      env: { ...store.env, GITHUB_ENV: file },
    });
    equal(r.code, 0, r.stderr);
    assertMasks(r.stdout, ALL);
    equal(r.stderr, `Appended ${TRICKY.length} secrets to '${file}' (github)\n`);
    const text = await Deno.readTextFile(file);
    ok(text.startsWith(EARLIER), "what earlier steps wrote stays");
    for (const windows of [false, true]) {
      deepStrictEqual(githubEnvRecord(parseGithubEnv(text, { windows })), {
        EARLIER: "kept",
        MULTI: "from an earlier step",
        ...ALL,
      });
    }
    equal((await Deno.stat(file)).mode! & 0o777, 0o644, "the runner's file keeps its mode");
  });
});

Deno.test("export -f github -o FILE: appends there (a new file 0600), $GITHUB_ENV untouched", async () => {
  await withCleanup(
    () => localStore({ "ci/Deploy_Token": "made-up-token", "ci/pin": "4711" }),
    async (store) => {
      const githubEnv = `${store.dir}/github_env`;
      await Deno.writeTextFile(githubEnv, EARLIER);
      const out = `${store.dir}/out.env`;
      const args = ["export", "ci/*", "--strip-prefix", "ci/", "-f", "github", "-o", out];
      const env = { ...store.env, GITHUB_ENV: githubEnv };
      const first = await runCli(args, { env });
      equal(first.code, 0, first.stderr);
      assertMasks(first.stdout, { DEPLOY_TOKEN: "made-up-token", PIN: "4711" });
      equal((await Deno.stat(out)).mode! & 0o777, 0o600);
      const again = await runCli([...args, "--keep-names"], { env });
      equal(again.code, 0, again.stderr);
      const entries = parseGithubEnv(await Deno.readTextFile(out));
      deepStrictEqual(entries.map((e) => e.name), ["DEPLOY_TOKEN", "PIN", "Deploy_Token", "pin"]);
      deepStrictEqual(entries.map((e) => e.value), [
        "made-up-token",
        "4711",
        "made-up-token",
        "4711",
      ]);
      equal(await Deno.readTextFile(githubEnv), EARLIER);
    },
  );
});

/** Names that collide as variables, a name no variable can take, variables the runner refuses. */
const BAD_INPUT_SECRETS = {
  "app/db-url": "made-up-1",
  "app/db_url": "made-up-2",
  "ok/token": "made-up-3",
  "node/NODE_OPTIONS": "--require ./made-up.js",
  "path/PATH": "/made-up/bin",
};

Deno.test("export -f github: bad input exits 2 with nothing on stdout and nothing written", async () => {
  await withCleanup(() => localStore(BAD_INPUT_SECRETS), async (store) => {
    const file = `${store.dir}/github_env`;
    await Deno.writeTextFile(file, EARLIER);
    const withFile = { ...store.env, GITHUB_ENV: file };
    // Nothing is read without a file to append to: not even a store that does not exist.
    const noStore = { ...store.env, CREDS3_LOCATION: `file:${store.dir}/never-set-up` };
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["ok/*"], store.env, /\$GITHUB_ENV, which is not set/],
      [["ok/*"], { ...noStore, GITHUB_ENV: "" }, /\$GITHUB_ENV, which is not set/],
      [[], noStore, /\$GITHUB_ENV, which is not set/],
      [["app/*"], withFile, /'app\/db-url' and 'app\/db_url' both map to key 'APP_DB_URL'/],
      [["ok/*", "--keep-names"], withFile, /Key 'ok\/token' is not a valid environment/],
      [["node/*", "--strip-prefix", "node/"], withFile, /the runner refuses NODE_OPTIONS/],
      [["ok/*", "--name", "app"], withFile, /Option --name is only for the k8s format/],
      [["ok/*", "--namespace", "web"], withFile, /Option --namespace is only for the k8s/],
      [["ok/*", "--label", "a=b"], withFile, /Option --label is only for the k8s format/],
      [["ok/*", "--annotation", "a=b"], withFile, /Option --annotation is only for the k8s/],
      [["app/*", "-o", `${store.dir}/new.env`], store.env, /both map to key 'APP_DB_URL'/],
      [["ok/*", "-o", "-"], withFile, /never to standard output: '-o -' is refused/],
      [["path/*", "--strip-prefix", "path/"], withFile, /'PATH'.*--allow-var|'PATH'/],
    ];
    for (const [args, env, message] of cases) {
      const r = await runCli(["export", ...args, "-f", "github"], { env });
      const what = args.join(" ");
      equal(r.code, 2, `${what}: ${r.stderr}`);
      equal(r.stdout, "", what);
      match(r.stderr, message, what);
      ok(!/made-up/.test(r.stderr), `${what}: a value on stderr`);
      equal(await Deno.readTextFile(file), EARLIER, what);
    }
    ok(!(await Deno.stat(`${store.dir}/new.env`).then(() => true, () => false)), "no -o file");
    const getall = await runCli(["getall", "-f", "github"], { env: withFile });
    equal(getall.code, 2, getall.stderr);
    match(getall.stderr, /argument 'github' is invalid/);
  });
});

Deno.test("moto: export -f github reads KMS secrets with the session credentials an OIDC role gives", async () => {
  const { url, bucket, alias } = await motoBucketAndKey("creds3-github");
  const dir = await Deno.makeTempDir({ prefix: "creds3-github-moto-" });
  try {
    const { forcePathStyle: _, ...config } = clientConfig(url);
    const sts = new STSClient(config);
    // What configure-aws-credentials does with the job's OIDC token, and the variables it sets.
    const { Credentials: session } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: "arn:aws:iam::123456789012:role/creds3-ci-reader",
        RoleSessionName: "GitHubActions",
        WebIdentityToken: "made-up.oidc.token",
      }),
    );
    sts.destroy();
    ok(session?.AccessKeyId && session.SecretAccessKey && session.SessionToken);
    const env = {
      ...awsEnv(url),
      AWS_ACCESS_KEY_ID: session.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: session.SecretAccessKey,
      AWS_SESSION_TOKEN: session.SessionToken,
      AWS_DEFAULT_REGION: awsEnv(url).AWS_REGION,
      HOME: dir,
      CREDS3_LOCATION: `${bucket}/ci`,
      CREDS3_KEY: alias,
    };
    const secrets = {
      "deploy/db-password": "made-up pw %41",
      "deploy/cert": "-----\nmade-up\n-----\n",
    };
    for (const [name, value] of Object.entries(secrets)) {
      await Deno.writeTextFile(`${dir}/value`, value);
      const put = await runCli(["put", name, `@${dir}/value`, "env=ci"], { env });
      equal(put.code, 0, put.stderr);
    }
    const file = `${dir}/github_env`;
    await Deno.writeTextFile(file, "");
    const r = await runCli(
      ["export", "deploy/*", "env=ci", "--strip-prefix", "deploy/", "-f", "github"],
      { env: { ...env, GITHUB_ENV: file } },
    );
    equal(r.code, 0, r.stderr);
    const expected = { CERT: secrets["deploy/cert"], DB_PASSWORD: secrets["deploy/db-password"] };
    assertMasks(r.stdout, expected);
    deepStrictEqual(githubEnvRecord(parseGithubEnv(await Deno.readTextFile(file))), expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
