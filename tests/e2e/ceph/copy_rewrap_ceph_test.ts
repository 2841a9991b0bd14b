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
import { strictEqual } from "node:assert/strict";
import { S3Store } from "../../../lib/stores/s3/store.ts";
import { cephBackend } from "../../helpers/backends.ts";
import { withCleanup } from "../../helpers/scoped.ts";
import { cephUrlOrFailingTest } from "../../helpers/ceph.ts";
import { checkReplaceKey, cliIn, defineCopySuite } from "../copy_rewrap_suite.ts";

const url = cephUrlOrFailingTest(
  "ceph copy: CREDS3_TEST_CEPH_URL is not set, so the Ceph copy and rewrap tests cannot run",
);

if (url !== undefined) {
  defineCopySuite("ceph copy", () => cephBackend(url));

  /** Names a copy source must encode: S3 keys creds3 reads... */
  const NAMES = ["with space/and+plus=eq@at:colon", "Grüße/日本語", "percent%41/x?y#z"];
  /** ...and those `put` takes. */
  const CLI_NAMES = ["with space/and+plus=eq@at:colon", "Grüße/日本語", "x".repeat(300)];

  Deno.test("ceph S3Store.replaceKey: names encoded in the copy source; 412 once the object is not the one read", async () => {
    const prefix = "team space/pre+fix=/";
    await withCleanup(() => cephBackend(url, { prefix }), async (b) => {
      const store = new S3Store(b.s3, b.bucket, prefix, { compatible: true });
      await checkReplaceKey(store, b.s3, { bucket: b.bucket, prefix }, NAMES);
    });
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
