/**
 * S3 conformance against Ceph's RADOS Gateway, a production S3 implementation that validates
 * SigV4 (so signing and key-encoding mistakes show here, not on moto): the whole CLI suite with
 * S3 on Ceph and KMS on moto, names with spaces, `+`, `=`, `@`, `:`, letters of other scripts
 * and 500 characters through put, list, get and delete, and `setup` on a store that supports
 * only part of the hardening.
 *
 * Needs `CREDS3_TEST_CEPH_URL` (`deno task test --ceph` starts Ceph and sets it). Without it
 * this file fails with one test saying how to run it; `scripts/test.ts` without `--ceph`
 * leaves the file out and says so.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { defineCliSuite } from "../cli_suite.ts";
import { defineVersionsSuite } from "../versions_suite.ts";
import { cephBackend, emptyAndDelete, withBackend } from "../../helpers/backends.ts";
import { cephAwsEnv, cephS3Client, cephUrlOrFailingTest } from "../../helpers/ceph.ts";
import { runCli } from "../../helpers/cli.ts";
import { motoUrl, uniqueName } from "../../helpers/moto.ts";

const url = cephUrlOrFailingTest(
  "ceph: CREDS3_TEST_CEPH_URL is not set, so the Ceph conformance tests cannot run",
);

if (url !== undefined) {
  defineCliSuite("ceph", () => cephBackend(url));
  defineVersionsSuite("ceph versions", () => cephBackend(url));

  /** Names a signing or key-encoding mistake would break, each under 1,024 bytes as a key. */
  const NAMES = [
    "with space/and more spaces",
    "plus+sign",
    "equals=sign",
    "at@sign",
    "colon:sign",
    "all +=@: at/once",
    "Grüße/café/naïve",
    "日本語/名前",
    "Ελληνικά/Кириллица/עברית",
    "digits ٣٤٥ and ४५६",
    "x".repeat(500),
    `${"long segment ".repeat(20).trim()}/${"é".repeat(200)}`,
  ];

  for (const prefix of ["", "team space/pre+fix=/"]) {
    Deno.test(
      `ceph: unusual names round-trip through put, list, get and delete${
        prefix ? " under an unusual prefix" : ""
      }`,
      async () => {
        await withBackend(() => cephBackend(url, { prefix }), async (b, cli) => {
          for (const [i, name] of NAMES.entries()) {
            const put = await cli("put", name, `value-${i}`);
            strictEqual(put.code, 0, `put ${name}: ${put.stderr}`);
          }
          // The keys in the bucket are exactly the names: no double encoding, no '+' as space.
          const listed = await b.s3.send(new ListObjectsV2Command({ Bucket: b.bucket }));
          deepStrictEqual(
            (listed.Contents ?? []).map((o) => o.Key).sort(),
            NAMES.map((n) => `${prefix}${n}/1`).sort(),
          );
          const list = await cli("list");
          strictEqual(list.code, 0, list.stderr);
          deepStrictEqual(
            list.stdout.trimEnd().split("\n").map((l) => l.replace(/ +-- version 1$/, "")),
            [...NAMES].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
          );
          for (const [i, name] of NAMES.entries()) {
            const get = await cli("get", name);
            strictEqual(get.stdout, `value-${i}\n`, `get ${name}: ${get.stderr}`);
            const again = await cli("put", name, "other");
            strictEqual(again.code, 1, `a second put of ${name}: ${again.stderr}`);
          }
          const matched = await cli("get", "all +=@: *");
          deepStrictEqual(JSON.parse(matched.stdout), { "all +=@: at/once": "value-5" });
          for (const name of NAMES) {
            const del = await cli("delete", name);
            strictEqual(del.code, 0, `delete ${name}: ${del.stderr}`);
          }
          strictEqual((await cli("list")).stdout, "");
          const after = await b.s3.send(new ListObjectsV2Command({ Bucket: b.bucket }));
          strictEqual(after.KeyCount, 0);
        });
      },
    );
  }

  Deno.test("ceph: setup keeps only what leaves create-only writes working", async () => {
    const kms = await motoUrl();
    const bucket = uniqueName("creds3-ceph-setup");
    const alias = `alias/${uniqueName("creds3-ceph")}`;
    const env = { ...cephAwsEnv(url, kms), CREDS3_LOCATION: bucket, CREDS3_KEY: alias };
    const s3 = cephS3Client(url);
    try {
      const first = await runCli(["setup", "--create-key"], { env });
      strictEqual(first.code, 0, first.stderr);
      console.log(first.stderr.trimEnd());
      match(first.stderr, new RegExp(`Bucket '${bucket}': created in us-east-1`));
      // Each setting is either on, or skipped or weakened with the store's reason.
      for (const setting of ["Block Public Access", "Default encryption", "Versioning"]) {
        match(
          first.stderr,
          new RegExp(`^${setting}: (turned on|skipped, (not supported|with it on, ).+)`, "m"),
        );
      }
      match(first.stderr, /^Write check: a create-only write of an existing object is refused/m);
      const second = await runCli(["setup"], { env });
      strictEqual(second.code, 0, second.stderr);
      match(second.stderr, /^Write check: a create-only write of an existing object is refused/m);
      ok(!/turned on|Created/.test(second.stderr), second.stderr);
      // Whatever setup kept, versions are still never overwritten and still readable.
      strictEqual((await runCli(["put", "k", "first-value"], { env })).code, 0);
      const overwrite = await runCli(["put", "k", "second-value"], { env });
      strictEqual(overwrite.code, 1, overwrite.stderr);
      match(overwrite.stderr, /Version 1 of 'k' already exists/);
      strictEqual((await runCli(["get", "k"], { env })).stdout, "first-value\n");
    } finally {
      await emptyAndDelete(s3, bucket).finally(() => s3.destroy());
    }
  });
}
