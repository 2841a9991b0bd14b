/**
 * `copy` and `rewrap` on moto (S3 and KMS), where it depends on S3 and KMS: a value planted
 * under a second KMS key is neither rotated nor copied (the source key is pinned), and after
 * the rotation the old key can be disabled; in a versioned bucket the objects as they were stay
 * as noncurrent versions under the old key; a copy killed midway or failing under injected
 * faults leaves no partial object and is completed by running it again; and `S3Store.replaceKey`
 * copies an object onto itself only while its ETag is the one read (412 otherwise), for names
 * with characters a copy source must encode.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { CreateAliasCommand, DescribeKeyCommand, DisableKeyCommand } from "@aws-sdk/client-kms";
import { S3Store } from "../../../lib/stores/s3/store.ts";
import { type MotoBackend, motoBackend } from "../../helpers/backends.ts";
import { cliArgv, cliEnv, runCli } from "../../helpers/cli.ts";
import { awsEnv, createKmsKey, kmsClient, motoUrl, uniqueName } from "../../helpers/moto.ts";
import { startProxy } from "../../helpers/proxy.ts";
import { checkReplaceKey, cliIn } from "../copy_rewrap_suite.ts";

async function withTwo(fn: (a: MotoBackend, b: MotoBackend) => Promise<void>): Promise<void> {
  const a = await motoBackend({ label: "creds3-copy-moto" });
  const b = await motoBackend({ label: "creds3-copy-moto" });
  try {
    await fn(a, b);
  } finally {
    await a.cleanup();
    await b.cleanup();
  }
}

/** The raw object of a version: body and metadata, straight from moto. */
async function raw(b: MotoBackend, key: string) {
  const out = await b.s3.send(new GetObjectCommand({ Bucket: b.bucket, Key: key }));
  return { body: await out.Body!.transformToString(), metadata: out.Metadata };
}

Deno.test("moto rewrap: a value planted under a second KMS key fails, named, and stays; then the old key can be disabled", async () => {
  await withTwo(async (a) => {
    const url = await motoUrl();
    const next = `alias/${uniqueName("creds3-rotated")}`;
    const planter = `alias/${uniqueName("creds3-planter")}`;
    await createKmsKey(url, next);
    await createKmsKey(url, planter);
    await cliIn(a, 0, "put", "db/password", "first-made-up", "env=prod");
    await cliIn(a, 0, "put", "-a", "db/password", "second-made-up", "env=prod");
    // Someone who may write the bucket plants a value under a key of their own.
    await cliIn(a, 0, "put", "db/planted", "planted-made-up", "env=prod", "-k", planter);
    const planted = await raw(a, "db/planted/1");

    const copy = await cliIn(
      a,
      1,
      "copy",
      a.bucket,
      `${a.bucket}/copy`,
      "db/*",
      "--to-key",
      next,
      "env=prod",
    );
    match(
      copy.stderr,
      /creds3: error: 'db\/planted' version 1: The data key was wrapped under a different KMS key than/,
    );
    match(copy.stderr, /creds3: hint: if the store's secrets are wrapped under another KMS key/);

    const rewrap = await cliIn(a, 1, "rewrap", "db/*", "env=prod", "--to-key", next);
    strictEqual(rewrap.stdout, "db/password -- version 1\ndb/password -- version 2\n");
    match(
      rewrap.stderr,
      /creds3: error: 'db\/planted' version 1: The data key was wrapped under a different KMS key than 'alias\/creds3-copy-moto-/,
    );
    deepStrictEqual(await raw(a, "db/planted/1"), planted, "the planted object is untouched");

    // Every version reads with the new key, even with the old one disabled.
    const kms = kmsClient(url);
    try {
      const old = await kms.send(new DescribeKeyCommand({ KeyId: a.alias }));
      await kms.send(new DisableKeyCommand({ KeyId: old.KeyMetadata!.KeyId! }));
    } finally {
      kms.destroy();
    }
    const n = ["-k", next];
    strictEqual(
      (await cliIn(a, 0, "get", "db/password", "-v", "1", "env=prod", ...n)).stdout,
      "first-made-up\n",
    );
    strictEqual(
      (await cliIn(a, 0, "get", "db/password", "env=prod", ...n)).stdout,
      "second-made-up\n",
    );
    await cliIn(a, 1, "get", "db/planted", "env=prod", ...n);
  });
});

Deno.test("moto rewrap: the old key by its id, its ARN or another alias is refused, and a new key that does not exist, before anything", async () => {
  await withTwo(async (a) => {
    const url = await motoUrl();
    await cliIn(a, 0, "put", "db/password", "first-made-up", "env=prod");
    const before = await a.snapshot();
    const kms = kmsClient(url);
    const other = `alias/${uniqueName("creds3-same-key")}`;
    let key;
    try {
      key = (await kms.send(new DescribeKeyCommand({ KeyId: a.alias }))).KeyMetadata!;
      await kms.send(new CreateAliasCommand({ AliasName: other, TargetKeyId: key.KeyId! }));
    } finally {
      kms.destroy();
    }
    for (const name of [key.KeyId!, key.Arn!, other]) {
      const same = await cliIn(a, 2, "rewrap", "env=prod", "--to-key", name);
      strictEqual(same.stdout, "");
      strictEqual(
        same.stderr,
        `creds3: error: kms:${name} is kms:${a.alias}, the master key the versions are read ` +
          "with, under another name\ncreds3: hint: give a new master key with --to-key, e.g. " +
          "one 'creds3 setup --create-key -k NEW_KEY' made\n",
      );
    }
    const missing = await cliIn(a, 1, "rewrap", "env=prod", "--to-key", "alias/creds3-none");
    match(
      missing.stderr,
      /KMS DescribeKey with key 'alias\/creds3-none' failed: NotFoundException/,
    );
    match(missing.stderr, /creds3: hint: create the key and alias, or name an existing key/);
    deepStrictEqual(await a.snapshot(), before, "nothing was rewritten");
  });
});

Deno.test("moto rewrap: in a versioned bucket the objects as they were stay, noncurrent, under the old key", async () => {
  await withTwo(async (a) => {
    const next = `alias/${uniqueName("creds3-rotated")}`;
    await createKmsKey(await motoUrl(), next);
    await a.s3.send(
      new PutBucketVersioningCommand({
        Bucket: a.bucket,
        VersioningConfiguration: { Status: "Enabled" },
      }),
    );
    await cliIn(a, 0, "put", "app/token", "tok-made-up");
    const before = await raw(a, "app/token/1");
    await cliIn(a, 0, "rewrap", "--to-key", next);
    const after = await raw(a, "app/token/1");
    strictEqual(after.body, before.body);
    deepStrictEqual({ ...after.metadata, key: before.metadata!.key }, before.metadata);
    ok(after.metadata!.key !== before.metadata!.key);
    const listed = await a.s3.send(new ListObjectVersionsCommand({ Bucket: a.bucket }));
    const versions = listed.Versions ?? [];
    strictEqual(versions.length, 2);
    const old = versions.find((v) => !v.IsLatest)!;
    const noncurrent = await a.s3.send(
      new GetObjectCommand({ Bucket: a.bucket, Key: "app/token/1", VersionId: old.VersionId }),
    );
    strictEqual(noncurrent.Metadata!.key, before.metadata!.key, "the old wrap is still there");
  });
});

Deno.test("moto copy: killed midway, it leaves no partial object, and a rerun completes it", async () => {
  await withTwo(async (a, b) => {
    const N = 40;
    // Objects of the format with made-up fields: a copy as they are never opens them.
    const Metadata = { key: "a2V5", hmac: "00ff", digest: "SHA256" };
    for (let i = 0; i < N; i++) {
      await a.s3.send(
        new PutObjectCommand({ Bucket: a.bucket, Key: `p/s${i}/1`, Body: `Ym9keQ${i}`, Metadata }),
      );
    }
    await cliIn(a, 0, "put", "p/real", "real-made-up");
    const proxy = await startProxy(a.url, { latencyMs: 100 });
    try {
      const env = { ...awsEnv(proxy.url), CREDS3_KEY: a.alias };
      const [command, ...args] = cliArgv(["copy", a.bucket, b.bucket, "--concurrency", "2"]);
      const child = new Deno.Command(command, {
        args,
        env: cliEnv({ ...env, HOME: "/nonexistent" }),
        clearEnv: true,
        stdout: "null",
        stderr: "null",
      }).spawn();
      let exited = false;
      const status = child.status.then((s) => (exited = true, s));
      const deadline = Date.now() + 60_000;
      while ((proxy.counts()["s3:PutObject"] ?? 0) < 4 && !exited && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      if (exited) {
        throw new Error(
          `the copy ended before it could be killed: ${JSON.stringify(await status)}`,
        );
      }
      child.kill("SIGKILL");
      await status;
    } finally {
      // Requests the proxy already holds still land: stopping it waits for them.
      await proxy.stop();
    }
    const landed = (await Array.fromAsync(new S3Store(b.s3, b.bucket).list())).length;
    ok(landed >= 1 && landed < N, `${landed} copied before the kill`);
    const rerun = await runCli(["copy", a.bucket, b.bucket], {
      env: { ...awsEnv(a.url), CREDS3_KEY: a.alias },
    });
    strictEqual(rerun.code, 0, rerun.stderr);
    match(
      rerun.stderr,
      new RegExp(
        `Copied ${N + 1 - landed} versions to \\S+ \\(${landed} versions? already there\\)`,
      ),
    );
    for (const key of [...Array.from({ length: N }, (_, i) => `p/s${i}/1`), "p/real/1"]) {
      deepStrictEqual(await raw(b, key), await raw(a, key), key);
    }
    strictEqual((await cliIn(b, 0, "get", "p/real", "-k", a.alias)).stdout, "real-made-up\n");
  });
});

Deno.test("moto copy: under injected faults, failures are reported (exit 1), nothing is half-written, and a rerun completes", async () => {
  await withTwo(async (a, b) => {
    const names = Array.from({ length: 12 }, (_, i) => `svc/s${String(i).padStart(2, "0")}`);
    for (const name of names) await cliIn(a, 0, "put", name, `made-up-${name}`, "env=prod");
    const proxy = await startProxy(a.url);
    try {
      const env = { ...awsEnv(proxy.url), CREDS3_KEY: a.alias };
      // A lost answer to a PutObject that landed, and a 500 to one that did not, no retries.
      proxy.setOptions({
        faults: { rate: 0.4, kinds: ["reset-after", "s3-500"], ops: ["s3:PutObject"], seed: 7 },
      });
      const args = [
        "copy",
        a.bucket,
        b.bucket,
        "--to-key",
        b.alias,
        "env=prod",
        "--max-attempts",
        "1",
      ];
      const faulty = await runCli(args, { env });
      const injected = proxy.injected();
      proxy.setOptions({ faults: undefined });
      ok(
        (injected["s3-500"] ?? 0) > 0 && (injected["reset-after"] ?? 0) > 0,
        JSON.stringify(injected),
      );
      strictEqual(faulty.code, 1, faulty.stderr);
      match(faulty.stderr, new RegExp(`${injected["s3-500"]} of 12 versions could not be copied`));
      ok(!faulty.stderr.includes("made-up"), "no value in the errors");
      const rerun = await runCli(args.slice(0, -2), { env });
      strictEqual(rerun.code, 0, rerun.stderr);
      // A failed write may have landed all the same (an answer lost, the request resent below
      // the SDK, the resend answered 500): the rerun finds it there, the same.
      const summary = /Copied (\d+) versions? to \S+ \((\d+) versions? already there\)/.exec(
        rerun.stderr,
      );
      ok(summary, rerun.stderr);
      const [copied, there] = [Number(summary[1]), Number(summary[2])];
      ok(copied >= 1 && copied <= injected["s3-500"], rerun.stderr);
      strictEqual(copied + there, 12);
    } finally {
      await proxy.stop();
    }
    const all = await cliIn(b, 0, "getall", "env=prod");
    deepStrictEqual(
      JSON.parse(all.stdout),
      Object.fromEntries(names.map((n) => [n, `made-up-${n}`])),
    );
  });
});

Deno.test("moto S3Store.replaceKey: only while the object is the one read (412 otherwise), names encoded in the copy source", async () => {
  const a = await motoBackend({ label: "creds3-replace" });
  try {
    // Not an S3-compatible store's options: the standard condition alone, which moto is given.
    const store = new S3Store(a.s3, a.bucket, "pre fix/");
    const names = ["with space/and+plus=eq@at:colon", "Grüße/日本語", "percent%41/and?query#hash"];
    await checkReplaceKey(store, a.s3, { bucket: a.bucket, prefix: "pre fix/" }, names);
  } finally {
    await a.cleanup();
  }
});
