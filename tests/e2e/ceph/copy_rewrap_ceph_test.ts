/**
 * `copy` and `rewrap` against Ceph's RADOS Gateway (S3, validating SigV4) with KMS on moto: the
 * suite of copy_rewrap_suite.ts between two Ceph buckets, and the copy of an object onto itself
 * that rotation relies on, with names a copy source must encode, refused (412) once the object
 * is not the one read.
 *
 * Needs `CREDS3_TEST_CEPH_URL` (`deno task test --ceph tests/e2e/ceph/` starts Ceph and sets
 * it). Without it this file fails with one test saying how to run it; `scripts/test.ts` without
 * `--ceph` leaves the file out and says so.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { StoreError } from "../../../lib/core/errors.ts";
import { S3Store } from "../../../lib/stores/s3/store.ts";
import { cephBackend } from "../../helpers/backends.ts";
import { cephUrl } from "../../helpers/ceph.ts";
import { cliIn, defineCopySuite } from "../copy_rewrap_suite.ts";

const url = cephUrl();

if (url === undefined) {
  Deno.test("ceph copy: CREDS3_TEST_CEPH_URL is not set, so the Ceph copy and rewrap tests cannot run", () => {
    throw new Error(
      "These tests need Ceph's S3 gateway: run 'deno task test --ceph tests/e2e/ceph/' " +
        "(it installs and starts a one-node Ceph via scripts/ceph.sh), or start one with " +
        "'scripts/ceph.sh up .ceph PORT' and set CREDS3_TEST_CEPH_URL=http://127.0.0.1:PORT",
    );
  });
} else {
  defineCopySuite("ceph copy", () => cephBackend(url));

  /** Names a copy source must encode: S3 keys creds3 reads... */
  const NAMES = ["with space/and+plus=eq@at:colon", "Grüße/日本語", "percent%41/x?y#z"];
  /** ...and those `put` takes. */
  const CLI_NAMES = ["with space/and+plus=eq@at:colon", "Grüße/日本語", "x".repeat(300)];

  Deno.test("ceph S3Store.replaceKey: names encoded in the copy source; 412 once the object is not the one read", async () => {
    const b = await cephBackend(url, { prefix: "team space/pre+fix=/" });
    try {
      const store = new S3Store(b.s3, b.bucket, "team space/pre+fix=/", { compatible: true });
      const secret = { contents: "Y2lwaGVy", key: "b2xk", hmac: "00ff", digest: "SHA256" };
      for (const name of NAMES) {
        await store.create(name, "1", { ...secret, comment: "né" });
        await store.replaceKey(name, "1", await store.read(name, "1"), "bmV3");
        deepStrictEqual(await store.read(name, "1"), { ...secret, comment: "né", key: "bmV3" });
      }
      const [name] = NAMES;
      const read = await store.read(name, "1");
      await b.s3.send(
        new PutObjectCommand({
          Bucket: b.bucket,
          Key: `team space/pre+fix=/${name}/1`,
          Body: "b3RoZXI=",
          Metadata: { key: "bmV3", hmac: "00ff", digest: "SHA256" },
        }),
      );
      await rejects(store.replaceKey(name, "1", read, "dGhpcmQ="), (e: Error) => {
        ok(e instanceof StoreError, String(e));
        strictEqual(e.reason?.type, "version-changed");
        return true;
      });
      strictEqual((await store.read(name, "1")).contents, "b3RoZXI=");
      strictEqual((await store.read(name, "1")).key, "bmV3");
    } finally {
      await b.cleanup();
    }
  });

  Deno.test("ceph rewrap: in place under a prefix with unusual names, then read with the new key only", async () => {
    const a = await cephBackend(url, { prefix: "team space/pre+fix=/" });
    const b = await cephBackend(url);
    try {
      for (const [i, name] of CLI_NAMES.entries()) await cliIn(a, 0, "put", name, `made-up-${i}`);
      await cliIn(a, 0, "rewrap", "--to-key", b.env.CREDS3_KEY);
      const next = ["-k", b.env.CREDS3_KEY];
      for (const [i, name] of CLI_NAMES.entries()) {
        strictEqual((await cliIn(a, 0, "get", name, ...next)).stdout, `made-up-${i}\n`);
        await cliIn(a, 1, "get", name);
      }
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });
}
