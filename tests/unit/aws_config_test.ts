/** Unit tests of the AWS settings resolution (`lib/config/aws_settings.ts`): order, sources, checks. */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { resolveAwsSettings } from "../../lib/config/aws_settings.ts";
import { UsageError } from "../../lib/core/errors.ts";

Deno.test("aws config: the region and where it came from, in order", () => {
  const env = {
    CREDS3_REGION: "sa-east-1",
    AWS_REGION: "ca-central-1",
    AWS_DEFAULT_REGION: "ap-south-1",
  };
  const pick = (options: { region?: string }, e: Record<string, string>) => {
    const s = resolveAwsSettings(options, e);
    return [s.region, s.regionSource];
  };
  deepStrictEqual(pick({ region: "eu-north-1" }, env), ["eu-north-1", "-r"]);
  deepStrictEqual(pick({}, env), ["sa-east-1", "CREDS3_REGION"]);
  deepStrictEqual(pick({}, { ...env, CREDS3_REGION: "" }), ["ca-central-1", "AWS_REGION"]);
  deepStrictEqual(pick({}, { AWS_DEFAULT_REGION: "ap-south-1" }), [
    "ap-south-1",
    "AWS_DEFAULT_REGION",
  ]);
  // Undefined: the profile's region, else us-east-1, found when AWS is first used.
  deepStrictEqual(pick({}, {}), [undefined, undefined]);
  strictEqual(resolveAwsSettings({ kmsRegion: "eu-west-1" }, {}).kmsRegion, "eu-west-1");
  strictEqual(resolveAwsSettings({}, { CREDS3_KMS_REGION: "eu-west-3" }).kmsRegion, "eu-west-3");
  throws(() => resolveAwsSettings({}, { AWS_REGION: "EU West" }), /\(from AWS_REGION\)/);
  throws(() => resolveAwsSettings({ kmsRegion: "-x" }, {}), UsageError);
});

Deno.test("aws config: endpoints, flags over variables, and the addressing style", () => {
  const env = {
    AWS_ENDPOINT_URL: "http://all.example:1",
    AWS_ENDPOINT_URL_KMS: "http://kms.example:2/",
  };
  const s = resolveAwsSettings({}, env);
  deepStrictEqual(s.endpoints, {
    s3: "http://all.example:1",
    kms: "http://kms.example:2",
    sts: "http://all.example:1",
    dynamodb: "http://all.example:1",
  });
  strictEqual(s.forcePathStyle, true);
  const flags = resolveAwsSettings(
    { endpointUrl: "https://s3.example", kmsEndpointUrl: "https://kms.example" },
    env,
  );
  deepStrictEqual(flags.endpoints.s3, "https://s3.example");
  deepStrictEqual(flags.endpoints.kms, "https://kms.example");
  // DynamoDB (a credstash table): its flag, then its variable, then AWS_ENDPOINT_URL.
  strictEqual(
    resolveAwsSettings({}, { ...env, AWS_ENDPOINT_URL_DYNAMODB: "http://ddb.example:3" })
      .endpoints.dynamodb,
    "http://ddb.example:3",
  );
  strictEqual(
    resolveAwsSettings({ dynamodbEndpointUrl: "https://ddb.example/" }, env).endpoints.dynamodb,
    "https://ddb.example",
  );
  throws(
    () => resolveAwsSettings({ dynamodbEndpointUrl: "ddb" }, {}),
    /\(from --dynamodb-endpoint-url\) is not a URL/,
  );
  const ignored = resolveAwsSettings({}, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" });
  deepStrictEqual(ignored.endpoints, {
    s3: undefined,
    kms: undefined,
    sts: undefined,
    dynamodb: undefined,
  });
  strictEqual(ignored.forcePathStyle, false);
  strictEqual(resolveAwsSettings({ pathStyle: true }, {}).forcePathStyle, true);
  strictEqual(resolveAwsSettings({ virtualHosted: true }, env).forcePathStyle, false);
  throws(() => resolveAwsSettings({ pathStyle: true, virtualHosted: true }, {}), /not both/);
  throws(() => resolveAwsSettings({ endpointUrl: "s3.example" }, {}), /is not a URL/);
});

Deno.test("aws config: profile and role", () => {
  strictEqual(resolveAwsSettings({}, { AWS_PROFILE: "dev" }).profile, "dev");
  strictEqual(resolveAwsSettings({}, { AWS_PROFILE: "dev" }).profileFromFlag, false);
  const flag = resolveAwsSettings({ profile: "prod" }, { AWS_PROFILE: "dev" });
  deepStrictEqual([flag.profile, flag.profileFromFlag], ["prod", true]);
  const arn = "arn:aws:iam::111122223333:role/path/reader";
  deepStrictEqual(resolveAwsSettings({ arn }, {}).role, {
    arn,
    sessionName: "creds3",
    externalId: undefined,
    mfaSerial: undefined,
  });
  deepStrictEqual(
    resolveAwsSettings({
      arn,
      roleSessionName: "ci@run=1",
      externalId: "ext-123",
      mfaSerial: "GAHT12345678",
      mfaToken: "012345",
    }, {}).role,
    { arn, sessionName: "ci@run=1", externalId: "ext-123", mfaSerial: "GAHT12345678" },
  );
  strictEqual(
    resolveAwsSettings({ arn: "arn:aws-us-gov:iam::111122223333:role/x" }, {}).role?.arn,
    "arn:aws-us-gov:iam::111122223333:role/x",
  );
  for (
    const [options, error] of [
      [{ arn: "arn:aws:iam::111122223333:user/alice" }, /is not an IAM role ARN/],
      [{ arn, mfaSerial: "not a serial" }, /MFA serial 'not a serial'/],
      [{ arn, roleSessionName: "x" }, /Role session name 'x'/],
      [{ arn, externalId: "a" }, /External id/],
      [{ mfaToken: "1234567" }, /MFA code is not 6 digits/],
      [{ roleSessionName: "session" }, /--role-session-name applies only/],
    ] as const
  ) {
    throws(() => resolveAwsSettings(options, {}), error);
  }
});
