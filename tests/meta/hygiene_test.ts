/**
 * Secret hygiene: the commands of the CLI suites, their error paths included, run with
 * `--debug` on the local store, and on S3 and a credstash table on moto (through the fault
 * proxy, for AWS errors with stack traces) with made-up secrets. Every stderr is searched for every secret value (as
 * text, base64 and hex), for every data key (recovered by unwrapping the stored key with the
 * local master key or KMS; base64 and hex, whole and each half) and for the AWS credentials.
 * Non-data commands must print nothing on stdout.
 */
import { ok, strictEqual } from "node:assert/strict";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { DecryptCommand } from "@aws-sdk/client-kms";
import type { EncryptionContext } from "../../lib/core/context.ts";
import { fromBase64, toBase64, toHex } from "../../lib/core/encoding.ts";
import { LocalKeyProvider } from "../../lib/keys/local.ts";
import { dynamodbBackend, type Fields, localBackend, motoBackend } from "../helpers/backends.ts";
import { runCli } from "../helpers/cli.ts";
import { awsEnv, createKmsKey, kmsClient, uniqueName } from "../helpers/moto.ts";
import { type FaultKind, type FaultOptions, startProxy } from "../helpers/proxy.ts";

interface Backend {
  label: "local" | "moto" | "dynamodb";
  env: Record<string, string>;
  /** Credentials that must never be printed. */
  credentials: string[];
  read(name: string, version: string): Promise<Fields>;
  write(name: string, version: string, fields: Fields): Promise<void>;
  /** The plaintext data key of a stored version. */
  dataKey(fields: Fields, context: EncryptionContext): Promise<Uint8Array>;
  /** Faults for AWS error paths (moto only). */
  faults?(options: FaultOptions | undefined): void;
  /** The operations that read a stored version and write one, and a server error, for faults. */
  ops?: { read: string; write: string; unavailable: FaultKind };
  /** A key spec that does not work. */
  badKey: string;
  /** Where copy `n` of the store goes. */
  copyTo(dir: string, n: number): string;
  /** Whether such a copy must first be made by `setup`. */
  copiesNeedSetup: boolean;
  /** A second master key, made, as `-k` takes it. */
  secondKey(dir: string): Promise<string>;
  cleanup(): Promise<void>;
}

async function localHygiene(): Promise<Backend> {
  const b = await localBackend({ setupArgs: ["--debug"] });
  const keys = new LocalKeyProvider(b.keyFile);
  return {
    ...b,
    credentials: [],
    dataKey: (fields, context) => keys.decryptDataKey(fromBase64(fields.key), context),
    badKey: `local:${b.home}/no-such.key`,
    copyTo: (dir, n) => `file:${dir}/copy${n}`,
    copiesNeedSetup: true,
    async secondKey(dir) {
      const key = `local:${dir}/second.key`;
      const made = await runCli(["setup", "--create-key", "-k", key], { env: b.env });
      strictEqual(made.code, 0, made.stderr);
      return key;
    },
  };
}

/** A store on moto (a bucket or a credstash table) reached through the fault proxy. */
async function onMoto(
  b: { url: string; env: Record<string, string>; cleanup(): Promise<void> },
): Promise<Omit<Backend, "label" | "read" | "write" | "ops" | "copyTo" | "copiesNeedSetup">> {
  const proxy = await startProxy(b.url);
  const kms = kmsClient(b.url);
  // moto accepts any credentials: made-up, recognisable ones that must never be printed.
  const credentials = {
    AWS_ACCESS_KEY_ID: `AKIAHYGIENE${crypto.randomUUID().slice(0, 8).toUpperCase()}`,
    AWS_SECRET_ACCESS_KEY: `hygiene-secret-access-key-${crypto.randomUUID()}`,
    AWS_SESSION_TOKEN: `hygiene-session-token-${crypto.randomUUID()}`,
  };
  return {
    env: {
      ...b.env,
      ...awsEnv(proxy.url),
      ...credentials,
      CREDS3_MAX_ATTEMPTS: "2",
      CREDS3_TIMEOUT: "1",
    },
    credentials: [credentials.AWS_SECRET_ACCESS_KEY, credentials.AWS_SESSION_TOKEN],
    async dataKey(fields, context) {
      const out = await kms.send(
        new DecryptCommand({ CiphertextBlob: fromBase64(fields.key), EncryptionContext: context }),
      );
      return out.Plaintext!;
    },
    faults: (faults) => proxy.setOptions({ faults }),
    badKey: "alias/no-such-key",
    async secondKey() {
      const alias = `alias/${uniqueName("creds3-hygiene-second")}`;
      await createKmsKey(b.url, alias);
      return alias;
    },
    async cleanup() {
      kms.destroy();
      await proxy.stop();
      await b.cleanup();
    },
  };
}

async function motoHygiene(): Promise<Backend> {
  const b = await motoBackend({ label: "creds3-hygiene" });
  return {
    ...b,
    ...await onMoto(b),
    ops: { read: "s3:GetObject", write: "s3:PutObject", unavailable: "s3-503" },
    copyTo: (_dir, n) => `${b.bucket}/copy${n}/`,
    copiesNeedSetup: false,
  };
}

async function tableHygiene(): Promise<Backend> {
  const b = await dynamodbBackend("creds3-hygiene-ddb");
  const copies = [1, 2, 3].map((n) => `${b.table}-copy${n}`);
  const moto = await onMoto({
    ...b,
    async cleanup() {
      for (const TableName of copies) {
        await b.ddb.send(new DeleteTableCommand({ TableName })).catch(() => {});
      }
      await b.cleanup();
    },
  });
  return {
    ...b,
    ...moto,
    ops: { read: "dynamodb:Scan", write: "dynamodb:PutItem", unavailable: "reset" },
    copyTo: (_dir, n) => `dynamodb:${copies[n - 1]}`,
    copiesNeedSetup: true,
  };
}

/** Every form in which a secret could leak: the text, its lines, base64 and hex of its bytes. */
function forms(secret: string | Uint8Array): string[] {
  const bytes = typeof secret === "string" ? new TextEncoder().encode(secret) : secret;
  const out = [toBase64(bytes), toBase64(bytes).replace(/=+$/, ""), toHex(bytes)];
  if (typeof secret === "string") {
    out.push(secret, ...secret.split("\n").filter((line) => line.length >= 8));
  }
  return out;
}

for (
  const [label, makeBackend] of [
    ["local", localHygiene],
    ["moto", motoHygiene],
    ["dynamodb", tableHygiene],
  ] as const
) {
  Deno.test(`hygiene (${label}): no secret value, data key or credential in any stderr with --debug`, async () => {
    const b = await makeBackend();
    const dir = await Deno.makeTempDir({ prefix: "creds3-hygiene-files-" });
    const tag = crypto.randomUUID().slice(0, 8);
    const values = {
      one1: `hygiene-one-v1-${tag}`,
      one2: `hygiene one v2 ✓ ${tag} spaces`,
      two: `hygiene-two-${tag}-bound`,
      three: `hygiene-three-${tag}\nsecond line of three ${tag}`,
      file: `hygiene-file-${tag}`,
      stdin: `hygiene-stdin-${tag}`,
      misplaced: `hygiene-misplaced-${tag}`,
      dash: `-hygiene-dash-${tag}`,
      dashD: `-dhygiene-digest-${tag}`,
      imported: `hygiene-imported-${tag}`,
      imported2: `hygiene-imported-again-${tag}`,
    };
    const binary = crypto.getRandomValues(new Uint8Array(48));
    const stderrs: { args: string[]; stderr: string }[] = [];
    const cli = async (args: string[], stdin?: string) => {
      const r = await runCli([...args, "--debug"], { env: b.env, stdin });
      stderrs.push({ args, stderr: r.stderr });
      return r;
    };
    const ok0 = async (args: string[], stdin?: string) => {
      const r = await cli(args, stdin);
      strictEqual(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      return r;
    };
    const fails = async (args: string[]) => {
      const r = await cli(args);
      ok(r.code !== 0, `${args.join(" ")} should fail`);
      strictEqual(r.stdout, "", `${args.join(" ")}: nothing on stdout`);
      return r;
    };
    try {
      await Deno.writeTextFile(`${dir}/value.txt`, values.file);
      await Deno.writeFile(`${dir}/value.bin`, binary);
      // Writes: nothing on stdout.
      for (
        const args of [
          ["put", "hyg/one", values.one1],
          ["put", "-a", "hyg/one", values.one2],
          ["put", "hyg/two", values.two, "env=prod"],
          ["put", "-d", "SHA512", "hyg/three", values.three],
          ["put", "hyg/file", `@${dir}/value.txt`],
          ["put", "hyg/bin", `@${dir}/value.bin`, "--binary", "-c", "a made-up keystore"],
        ]
      ) strictEqual((await ok0(args)).stdout, "");
      strictEqual((await ok0(["put", "hyg/stdin", "-"], values.stdin)).stdout, "");
      const files = {
        "in.json": JSON.stringify({ "hyg/imp": values.imported, "hyg/one": values.one2 }),
        "in2.json": JSON.stringify({ "hyg/imp": values.imported2 }),
        "bad.json": JSON.stringify({
          "hyg/imp": values.imported,
          "hyg/n": 12,
          "hyg/*": values.one1,
        }),
        "bound.json": JSON.stringify({ "hyg/two": values.two, "hyg/imp": values.imported2 }),
        "bad.env": `IMP='${values.imported}'\nBAD=${values.misplaced} x\nOPEN='${values.one1}\n`,
      };
      for (const [name, text] of Object.entries(files)) {
        await Deno.writeTextFile(`${dir}/${name}`, text);
      }
      strictEqual((await ok0(["import", `${dir}/in.json`, "-c", "imported"])).stdout, "");
      strictEqual((await ok0(["import", `${dir}/in.json`, "--dry-run"])).stdout, "");
      // The data key of every version, recovered as an attacker with the master key would.
      const stored: [string, string, EncryptionContext][] = [
        ["hyg/one", "1", {}],
        ["hyg/one", "2", {}],
        ["hyg/two", "1", { env: "prod" }],
        ["hyg/three", "1", {}],
        ["hyg/file", "1", {}],
        ["hyg/stdin", "1", {}],
        ["hyg/bin", "1", {}],
        ["hyg/imp", "1", {}],
      ];
      const dataKeys: Uint8Array[] = [];
      for (const [name, version, context] of stored) {
        const key = await b.dataKey(await b.read(name, version), context);
        strictEqual(key.length, 64);
        dataKeys.push(key, key.slice(0, 32), key.slice(32));
      }

      // Reads, successful.
      await ok0(["get", "hyg/one"]);
      await ok0(["get", "-n", "hyg/one", "-v", "1"]);
      await ok0(["get", "hyg/two", "env=prod"]);
      await ok0(["get", "hyg/th*"]);
      await ok0(["list"]);
      await ok0(["list", "--latest", "-f", "json"]);
      await ok0(["keys"]);
      await ok0(["history", "hyg/one", "-f", "json"]);
      await ok0(["get", "hyg/bin"]);
      await ok0(["prune", "hyg/*", "--keep", "1", "--dry-run"]);
      for (const format of ["json", "yaml", "csv", "dotenv"]) {
        await ok0(["getall", "--skip-errors", "-f", format]);
      }
      await ok0(["export", "hyg/one", "-f", "shell"]);
      await ok0(["export", "-f", "json", "--skip-errors", "-o", `${dir}/out.json`]);
      await ok0(["exec", "hyg/one", "--", "true"]);
      const child = await cli(["exec", "hyg/one", "--", "sh", "-c", "exit 3"]);
      strictEqual(child.code, 3);
      // Copies and a rotation: data keys move between master keys (inside KMS, or unwrapped and
      // wrapped by the local key), and none is ever printed.
      const [copyTo, rewrapped, faulty] = [1, 2, 3].map((n) => b.copyTo(dir, n));
      for (const to of [copyTo, rewrapped, ...b.faults ? [faulty] : []]) {
        if (b.copiesNeedSetup) await ok0(["setup", "-l", to]);
      }
      const second = await b.secondKey(dir);
      const source = b.env.CREDS3_LOCATION;
      const copied = (await ok0(["copy", source, copyTo, "hyg/*"])).stderr;
      strictEqual(copied.includes(`Copied ${stored.length} versions`), true, copied);
      await ok0(["copy", source, copyTo, "hyg/*", "--dry-run"]);
      // Partly done (hyg/two needs its context): what was done is listed on stdout.
      for (
        const args of [
          ["copy", source, rewrapped, "hyg/*", "--to-key", second],
          ["rewrap", "hyg/*", "-l", copyTo, "--to-key", second],
        ]
      ) strictEqual((await cli(args)).code, 1, args.join(" "));
      await ok0(["rewrap", "hyg/*", "-l", copyTo, "--to-key", second, "--skip-errors"]);
      await ok0(["rewrap", "hyg/two", "env=prod", "-l", copyTo, "--to-key", second]);
      await ok0(["getall", "--skip-errors", "-l", copyTo, "-k", second]);

      // Error paths, each with --debug.
      await fails(["get", "hyg/two"]);
      await fails(["get", "hyg/two", "env=dev"]);
      await fails(["get", "hyg/*"]);
      await fails(["getall"]);
      await fails(["export", "-f", "dotenv"]);
      await fails(["exec", "--", "true"]);
      await fails(["put", "hyg/one", "-v", "1", values.one1]);
      await fails(["put", "hyg/new", "env=prod", values.misplaced]);
      await fails(["put", "hyg/new", values.dash]);
      await fails(["put", "hyg/new", values.dashD]);
      await fails(["put", "hyg/new", values.misplaced, "--binary"]);
      await fails(["put", "hyg/new", `@${dir}/value.bin`]);
      await fails(["prune", "hyg/*", "--keep", "0"]);
      for (const file of ["bad.json", "bound.json", "bad.env"]) {
        await fails(["import", `${dir}/${file}`]);
      }
      await fails(["import", `${dir}/in2.json`, "--binary"]);
      await fails(["import", `${dir}/in.json`, "--binary", "--dry-run"]);
      await fails(["put", "hyg/new", "some-other-value", "-k", b.badKey]);
      // KMS finds the key from the ciphertext itself, so only a local key can be wrong on get.
      if (b.label === "local") await fails(["get", "hyg/one", "-k", b.badKey]);
      const original = await b.read("hyg/one", "2");
      for (const field of ["hmac", "contents", "key"] as const) {
        const value = original[field];
        const altered = value.slice(0, 10) + (value[10] === "a" ? "b" : "a") + value.slice(11);
        await b.write("hyg/one", "2", { ...original, [field]: altered });
        await fails(["get", "hyg/one"]);
        await fails(["getall", "-f", "yaml"]);
      }
      await b.write("hyg/one", "2", original);
      if (b.faults && b.ops) {
        const { read, write, unavailable } = b.ops;
        for (
          const [faults, args] of [
            [{ rate: 1, kinds: ["kms-500"], ops: ["kms:Decrypt"] }, ["get", "hyg/one"]],
            [{ rate: 1, kinds: [unavailable], ops: [read] }, ["getall", "-f", "json"]],
            [{ rate: 1, kinds: ["reset"], ops: [write] }, ["put", "hyg/x", values.one1]],
            [{ rate: 1, kinds: ["reset"], ops: [write] }, ["import", `${dir}/in2.json`]],
            [{ rate: 1, kinds: ["kms-500"], ops: ["kms:Decrypt"] }, ["import", `${dir}/in2.json`]],
            [
              { rate: 1, kinds: ["kms-throttle"], ops: ["kms:GenerateDataKey"] },
              ["put", "hyg/x", values.two, "env=prod"],
            ],
            [{ rate: 1, kinds: ["hang"], hangMs: 5000 }, ["get", "hyg/two", "env=prod"]],
            [
              { rate: 1, kinds: ["kms-500"], ops: ["kms:ReEncrypt"] },
              ["copy", b.env.CREDS3_LOCATION, faulty, "hyg/*", "--to-key", b.env.CREDS3_KEY],
            ],
          ] as [FaultOptions, string[]][]
        ) {
          b.faults(faults);
          await fails(args);
          b.faults(undefined);
        }
      }
      strictEqual((await ok0(["delete", "hyg/three", "-v", "1"])).stdout, "");
      strictEqual((await ok0(["delete", "hyg/file"])).stdout, "");

      // The search.
      const secrets = [
        ...Object.values(values).flatMap((v) => forms(v)),
        ...forms(binary),
        ...dataKeys.flatMap((k) => forms(k)),
        ...b.credentials,
      ];
      const leaks: string[] = [];
      for (const { args, stderr } of stderrs) {
        for (const secret of secrets) {
          if (stderr.includes(secret)) {
            leaks.push(`creds3 ${args.join(" ")}: stderr holds a secret (${secret.length} chars)`);
          }
        }
      }
      strictEqual(leaks.join("\n"), "");
      // The search is not vacuous: --debug printed stack traces, and errors were reported.
      const all = stderrs.map((s) => s.stderr).join("\n");
      if (b.faults) ok(all.includes("    at "), "--debug printed AWS errors' stacks");
      ok(stderrs.length >= 35, `${stderrs.length} commands`);
      // Control: the same search finds the values where they belong, on getall's stdout.
      const data = (await ok0(["getall", "--skip-errors"])).stdout;
      ok(secrets.some((secret) => data.includes(secret)), "the search finds a printed value");
      ok(/HMAC does not match/.test(all) && /'hyg\/two' version 1/.test(all));
    } finally {
      await Deno.remove(dir, { recursive: true });
      await b.cleanup();
    }
  });
}
