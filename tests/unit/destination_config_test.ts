/**
 * The configuration of a second store or key (`copy`'s destination, `rewrap`'s new key),
 * resolved from the same options and environment as the first: what each `--to-*` option
 * changes, where the destination key's KMS is, and when the two share credentials; and when a
 * copy's destination is its source, or inside it.
 */
import { deepStrictEqual, rejects, strictEqual, throws } from "node:assert/strict";
import { resolveConfig } from "../../lib/config/config.ts";
import { sameCredentials } from "../../lib/config/aws_settings.ts";
import { checkCopyTarget } from "../../lib/config/copy_target.ts";
import { resolveDestination, withKey } from "../../lib/config/destination.ts";
import { UsageError } from "../../lib/core/errors.ts";

const ENV = { HOME: "/home/alice", AWS_REGION: "us-east-1" };

function resolve(
  options: Record<string, string | undefined>,
  to: Record<string, string | undefined>,
  env: Record<string, string> = ENV,
) {
  const source = resolveConfig({ location: "team-secrets", ...options }, env);
  return {
    source,
    destination: resolveDestination(options, source, { location: "team-secrets-dr", ...to }, env),
  };
}

Deno.test("destination: by default the source's settings and key, only the location differs", () => {
  const { source, destination } = resolve({ key: "alias/team" }, {});
  deepStrictEqual(destination.location, { kind: "s3", bucket: "team-secrets-dr", prefix: "" });
  deepStrictEqual(destination.key, source.key);
  strictEqual(destination.region, "us-east-1");
  strictEqual(destination.kmsRegion, "us-east-1", "the same key, where the source has it");
  strictEqual(sameCredentials(source, destination), true);
});

Deno.test("destination: another region keeps the source's key in the source's region", () => {
  const { destination } = resolve({ key: "alias/team" }, { region: "eu-west-1" });
  strictEqual(destination.region, "eu-west-1");
  strictEqual(destination.regionSource, "--to-region");
  strictEqual(destination.kmsRegion, "us-east-1");
  // A key named by its ARN is found where the ARN says.
  const arn = "arn:aws:kms:ap-south-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  strictEqual(resolve({ key: arn }, { region: "eu-west-1" }).destination.kmsRegion, undefined);
});

Deno.test("destination: --to-key is in its ARN's region, else --to-region's, else the source's KMS region", () => {
  const arn = "arn:aws:kms:eu-central-1:123456789012:alias/dr";
  const byArn = resolve({}, { key: arn, region: "eu-west-1" }).destination;
  deepStrictEqual([byArn.key, byArn.kmsRegion], [{ kind: "kms", id: arn }, undefined]);
  const byRegion = resolve({ kmsRegion: "us-west-2" }, { key: "alias/dr", region: "eu-west-1" });
  deepStrictEqual([byRegion.destination.kmsRegion, byRegion.destination.region], [
    undefined,
    "eu-west-1",
  ]);
  const env = { ...ENV, CREDS3_KMS_REGION: "us-west-2" };
  strictEqual(resolve({}, { key: "alias/dr" }, env).destination.kmsRegion, "us-west-2");
  deepStrictEqual(resolve({}, { key: "local:~/dr.key" }).destination.key, {
    kind: "local",
    path: "/home/alice/dr.key",
  });
});

Deno.test("destination: another profile or endpoint; the credentials are shared only without another profile", () => {
  const { source, destination } = resolve({}, {
    profile: "dr-account",
    endpointUrl: "https://s3.dr.example",
  });
  strictEqual(destination.profile, "dr-account");
  strictEqual(destination.profileFromFlag, true);
  strictEqual(destination.endpoints.s3, "https://s3.dr.example");
  strictEqual(destination.forcePathStyle, true);
  strictEqual(sameCredentials(source, destination), false);
  strictEqual(source.endpoints.s3, undefined);
});

Deno.test("destination: --to-endpoint-url is a table's DynamoDB endpoint, a bucket's S3 one", () => {
  const options = { endpointUrl: "https://s3.source.example" };
  const toTable = resolve(options, {
    location: "dynamodb:credential-store",
    endpointUrl: "https://dynamodb.dr.example",
  });
  strictEqual(toTable.destination.endpoints.dynamodb, "https://dynamodb.dr.example");
  strictEqual(toTable.destination.endpoints.s3, "https://s3.source.example");
  const toBucket = resolve(options, { endpointUrl: "https://s3.dr.example" });
  strictEqual(toBucket.destination.endpoints.s3, "https://s3.dr.example");
  strictEqual(toBucket.destination.endpoints.dynamodb, undefined);
});

Deno.test("destination: a directory source's local key goes with it; bad --to-* values are usage errors", () => {
  const source = resolveConfig({ location: "./old-store" }, ENV);
  const destination = resolveDestination({ location: "./old-store" }, source, {
    location: "team-secrets",
  }, ENV);
  deepStrictEqual(destination.key, {
    kind: "local",
    path: "/home/alice/.config/creds3/master.key",
  });
  throws(() => resolve({}, { region: "Europe" }), (e: Error) => {
    strictEqual(e instanceof UsageError, true);
    strictEqual(
      e.message,
      "Region 'Europe' (from --to-region) is not a region name like us-east-1",
    );
    return true;
  });
  throws(() => resolve({}, { endpointUrl: "ftp://x" }), /from --to-endpoint-url/);
  throws(() => resolve({}, { location: "s3://Bad_Bucket" }), UsageError);
});

Deno.test("withKey: the same configuration with another key, in its ARN's region or the one given", () => {
  const config = resolveConfig({ location: "team-secrets", kmsRegion: "us-west-2" }, ENV);
  const next = withKey(config, "alias/creds3-2027", ENV, config.kmsRegion);
  deepStrictEqual([next.key, next.kmsRegion], [
    { kind: "kms", id: "alias/creds3-2027" },
    "us-west-2",
  ]);
  const arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  strictEqual(withKey(config, arn, ENV, config.kmsRegion).kmsRegion, undefined);
  strictEqual(sameCredentials(config, next), true);
});

Deno.test("copy target: the same store in another spelling, or inside it where its names are, is refused", async () => {
  const refused = async (
    options: Record<string, string | undefined>,
    to: Record<string, string | undefined>,
    reason: string,
    pattern?: string,
  ) => {
    const { source, destination } = resolve(options, to);
    await rejects(checkCopyTarget(source, destination, pattern), (e: Error) => {
      strictEqual(e instanceof UsageError && e.reason?.type, reason, e.message);
      return true;
    });
  };
  const allowed = async (
    options: Record<string, string | undefined>,
    to: Record<string, string | undefined>,
    pattern?: string,
  ) => {
    const { source, destination } = resolve(options, to);
    await checkCopyTarget(source, destination, pattern);
  };
  // S3: bucket names are global; another endpoint is another server.
  await refused({}, { location: "s3://team-secrets/", region: "eu-west-1" }, "copy-onto-itself");
  await refused({}, { location: "team-secrets", profile: "dr" }, "copy-onto-itself");
  await allowed({}, { location: "team-secrets", endpointUrl: "http://127.0.0.1:9000" });
  await refused({}, { location: "team-secrets/backup" }, "copy-into-itself");
  await refused({}, { location: "team-secrets/backup" }, "copy-into-itself", "back*");
  await refused({}, { location: "team-secrets/backup/db" }, "copy-into-itself", "backup/*");
  await allowed({}, { location: "team-secrets/backup" }, "db/*");
  await allowed({ location: "team-secrets/app" }, { location: "team-secrets" });
  await allowed({ location: "team-secrets/app" }, { location: "team-secrets/application" });
  // A table: the same table, region, endpoint and profile.
  const table = { location: "dynamodb:credential-store" };
  await refused(table, table, "copy-onto-itself");
  await allowed(table, { ...table, region: "eu-west-1" });
  await allowed(table, { ...table, profile: "dr" });
  await allowed(table, { ...table, endpointUrl: "http://127.0.0.1:8000" });
  // Directories: the same folder through a link, or a folder inside it.
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/store/db%3Aprod`, { recursive: true });
    await Deno.symlink(`${dir}/store`, `${dir}/link`);
    const local = { location: `file:${dir}/store` };
    await refused(local, { location: `${dir}/link/` }, "copy-onto-itself");
    await refused(local, { location: `${dir}/link/db%3Aprod` }, "copy-into-itself", "db:*");
    await allowed(local, { location: `${dir}/link/db%3Aprod` }, "app/*");
    await allowed(local, { location: `${dir}/store-2` });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
