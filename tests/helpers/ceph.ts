/**
 * Ceph RADOS Gateway (S3 only, validates SigV4) for S3 conformance tests.
 *
 * Env contract: `scripts/test.ts --ceph` (or `CREDS3_TEST_CEPH=1`) boots a one-node cluster via
 * `scripts/ceph.sh` and sets `CREDS3_TEST_CEPH_URL`. A test file that needs Ceph fails loudly
 * without it (one failing test saying how to run it: {@linkcode cephUrlOrFailingTest}), and
 * `scripts/test.ts` without `--ceph` leaves that file out, saying so. Ceph has no KMS: pair it
 * with moto for KMS.
 *
 * @module
 */

import { S3Client } from "@aws-sdk/client-s3";

/** Access key of the gateway user that `scripts/ceph.sh up` creates. */
export const CEPH_ACCESS_KEY_ID = "AKIDCREDS3TEST";
/** Secret key of that user. */
export const CEPH_SECRET_ACCESS_KEY = "creds3-test-secret";
/** Region the gateway accepts in signatures. */
export const CEPH_REGION = "us-east-1";

/** The gateway URL from `CREDS3_TEST_CEPH_URL`, or `undefined` when Ceph is not running. */
export function cephUrl(): string | undefined {
  const url = Deno.env.get("CREDS3_TEST_CEPH_URL");
  return url ? url.replace(/\/+$/, "") : undefined;
}

/**
 * The gateway URL; without one, a single failing test named `name` that says how to start Ceph,
 * and `undefined`, so the file that needs Ceph fails loudly instead of passing empty.
 */
export function cephUrlOrFailingTest(name: string): string | undefined {
  const url = cephUrl();
  if (url === undefined) {
    Deno.test(name, () => {
      throw new Error(
        "These tests need Ceph's S3 gateway: run 'deno task test --ceph tests/e2e/ceph/' " +
          "(it installs and starts a one-node Ceph via scripts/ceph.sh), or start one with " +
          "'scripts/ceph.sh up .ceph PORT' and set CREDS3_TEST_CEPH_URL=http://127.0.0.1:PORT",
      );
    });
  }
  return url;
}

/** An S3 client for the gateway: its credentials, path style, checksums only when required. */
export function cephS3Client(url: string): S3Client {
  return new S3Client({
    endpoint: url,
    region: CEPH_REGION,
    credentials: { accessKeyId: CEPH_ACCESS_KEY_ID, secretAccessKey: CEPH_SECRET_ACCESS_KEY },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/**
 * Environment for a spawned CLI with S3 on Ceph and KMS/STS on moto (`kmsUrl`). The AWS config
 * files point at an empty file so the developer's own profiles never leak in.
 */
export function cephAwsEnv(url: string, kmsUrl: string): Record<string, string> {
  const empty = Deno.makeTempFileSync({ prefix: "creds3-empty-aws-config-" });
  return {
    AWS_ACCESS_KEY_ID: CEPH_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: CEPH_SECRET_ACCESS_KEY,
    AWS_REGION: CEPH_REGION,
    AWS_ENDPOINT_URL_S3: url,
    AWS_ENDPOINT_URL_KMS: kmsUrl,
    AWS_ENDPOINT_URL_STS: kmsUrl,
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}
