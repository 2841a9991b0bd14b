/**
 * `setup --deny-overwrite`: the bucket policy statement that denies, to everyone, a PutObject
 * under the store's prefix made without If-None-Match. On moto, through the library as on AWS
 * (the statement is added once, beside the others, and moto enforces it), and through the CLI,
 * where moto counts as an S3-compatible store: moto does not know the condition key
 * `s3:if-none-match`, so it denies creds3's own create-only writes too, and setup turns the
 * statement back and says why. That AWS lets a write with If-None-Match through is AWS's
 * documented behaviour, which moto cannot show.
 */
import { deepStrictEqual, equal, match, ok, strictEqual } from "node:assert/strict";
import { GetBucketPolicyCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { motoBucket, withMotoBucket } from "../../helpers/backends.ts";
import * as policies from "../../helpers/bucket_policy.ts";
import { runCli } from "../../helpers/cli.ts";
import { awsEnv, s3Client } from "../../helpers/moto.ts";
import { setupS3Bucket } from "../../../lib/stores/s3/setup.ts";
import {
  DENY_OVERWRITE_SID,
  hasDenyOverwriteStatement,
  parseBucketPolicy,
  withDenyOverwriteStatement,
} from "../../../lib/stores/s3/bucket_policy.ts";

Deno.test("setup --deny-overwrite: the statement is added once, without --fix, and enforced", async () => {
  await withMotoBucket("creds3-deny", async ({ s3, bucket }) => {
    const other = policies.someoneElses(bucket);
    const write = (Key: string) =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "made-up" })).then(
        () => 200,
        (e) => e.$metadata?.httpStatusCode,
      );
    await policies.putBucketPolicy(s3, bucket, [other]);
    const options = { bucket, prefix: "app/", region: "us-east-1", denyOverwrite: true };
    const steps = await setupS3Bucket(s3, options);
    const step = steps.find((s) => s.step === "Deny-overwrite bucket policy");
    deepStrictEqual(step, {
      step: "Deny-overwrite bucket policy",
      outcome: "changed",
      detail: "added: a write under 'app/' without If-None-Match is denied",
    });
    // The other settings of an existing bucket are still only reported without --fix.
    strictEqual(steps.find((s) => s.step === "Versioning")?.outcome, "differs");
    const policy = await policies.storedBucketPolicy(s3, bucket);
    deepStrictEqual(policy.Statement[0], other);
    deepStrictEqual(policy.Statement.slice(1), [{
      Sid: DENY_OVERWRITE_SID,
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: `arn:aws:s3:::${bucket}/app/*`,
      Condition: { Null: { "s3:if-none-match": "true" } },
    }]);
    // moto enforces it: a plain write under the prefix is denied, elsewhere it is not.
    strictEqual(await write("app/db/1"), 403);
    strictEqual(await write("elsewhere/db/1"), 200);
    // Once there, it is reported and not added again.
    const again = await setupS3Bucket(s3, options);
    strictEqual(again.find((s) => s.step === "Deny-overwrite bucket policy")?.outcome, "ok");
    strictEqual((await policies.storedBucketPolicy(s3, bucket)).Statement.length, 2);
  });
});

Deno.test("setup --deny-overwrite: turned back on a store whose create-only writes it breaks", async () => {
  const { url, bucket } = await motoBucket("creds3-deny-cli");
  const env = { ...awsEnv(url), CREDS3_LOCATION: `${bucket}/app`, CREDS3_KEY: "local:/none" };
  const r = await runCli(["setup", "--deny-overwrite", "--fix"], { env });
  // The local key does not exist: setup reports the store, then fails on the key.
  match(
    r.stderr,
    /Deny-overwrite bucket policy: skipped, with it on, a create-only write fails: .*403.*; put the bucket policy back as it was/,
  );
  const s3 = s3Client(url);
  try {
    const policy = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket })).then(
      (o) => o.Policy,
      (e) => e.name,
    );
    equal(policy, "NoSuchBucketPolicy", "the policy was not put back as it was");
  } finally {
    s3.destroy();
  }
  const local = await runCli(["setup", "-l", "file:/tmp/creds3-none", "--deny-overwrite"], {
    env: awsEnv(url),
  });
  strictEqual(local.code, 2);
  match(local.stderr, /--deny-overwrite is for S3 stores/);
});

Deno.test("setup --deny-overwrite: what counts as the statement", () => {
  const arn = "arn:aws:s3:::b-1";
  const deny = policies.denyForEveryone(["s3:PutObject"], [`${arn}/app/*`], {
    Null: { "s3:if-none-match": true },
  });
  ok(hasDenyOverwriteStatement(deny({}), "aws", "b-1", "app/"));
  ok(hasDenyOverwriteStatement(deny({ Resource: `${arn}/*` }), "aws", "b-1", "app/"), "bucket");
  ok(hasDenyOverwriteStatement(deny({ Action: "s3:*" }), "aws", "b-1", "app/"));
  ok(!hasDenyOverwriteStatement(deny({}), "aws", "b-1", "other/"));
  ok(!hasDenyOverwriteStatement(deny({ Effect: "Allow" }), "aws", "b-1", "app/"));
  ok(!hasDenyOverwriteStatement(deny({ Action: "s3:GetObject" }), "aws", "b-1", "app/"));
  ok(
    !hasDenyOverwriteStatement(
      deny({ Principal: { AWS: "arn:aws:iam::1:root" } }),
      "aws",
      "b-1",
      "app/",
    ),
  );
  ok(
    !hasDenyOverwriteStatement(
      deny({ Condition: { Null: { "s3:if-none-match": "false" } } }),
      "aws",
      "b-1",
      "app/",
    ),
  );
  const fromSome = deny(policies.fromSomeAddresses({ Null: { "s3:if-none-match": "true" } }));
  ok(!hasDenyOverwriteStatement(fromSome, "aws", "b-1", "app/"), "only from some addresses");
  // The prefix is an IAM literal.
  deepStrictEqual(
    withDenyOverwriteStatement(parseBucketPolicy(undefined), "aws", "b-1", "a*?/").Statement[0]
      .Resource,
    "arn:aws:s3:::b-1/a${*}${?}/*",
  );
  // A second prefix gets a statement of its own, under a Sid not yet taken.
  const one = withDenyOverwriteStatement(parseBucketPolicy(undefined), "aws", "b-1", "a/");
  const two = withDenyOverwriteStatement(one, "aws", "b-1", "b/");
  deepStrictEqual(two.Statement.map((s) => s.Sid), [DENY_OVERWRITE_SID, `${DENY_OVERWRITE_SID}2`]);
  ok(
    hasDenyOverwriteStatement(two, "aws", "b-1", "a/") &&
      hasDenyOverwriteStatement(two, "aws", "b-1", "b/"),
  );
});
