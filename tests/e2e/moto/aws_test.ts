/**
 * AWS credentials, regions and endpoints, end to end against moto (S3 + KMS + STS): profiles
 * from temporary shared config files, roles assumed through moto's STS, MFA codes (flag and
 * terminal prompt), the region order, `--kms-region`, the endpoint flags and addressing style.
 *
 * moto keeps one set of resources per account and answers `GetCallerIdentity` for assumed-role
 * credentials with the role's account and session, so `creds3 policy` (which prints who it
 * resolved the account as) shows which credentials the spawned CLI really used.
 */
import { match, ok, strictEqual } from "node:assert/strict";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { GetBucketLocationCommand } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { motoBucket, motoBucketAndKey } from "../../helpers/backends.ts";
import { cliArgv, cliEnv, REPO_ROOT, runCli } from "../../helpers/cli.ts";
import {
  clientConfig,
  motoUrl,
  s3Client,
  TEST_ACCESS_KEY_ID,
  TEST_SECRET_ACCESS_KEY,
  uniqueName,
} from "../../helpers/moto.ts";
import { onPty } from "../../helpers/pty.ts";

const NO_KMS = "local:/nonexistent/creds3-test-master.key";

/** Temporary AWS shared config files; `env` points the SDK at them. */
async function awsFiles(config: string, credentials = "") {
  const dir = await Deno.makeTempDir({ prefix: "creds3-aws-files-" });
  await Deno.writeTextFile(`${dir}/config`, config);
  await Deno.writeTextFile(`${dir}/credentials`, credentials);
  return {
    dir,
    env: {
      AWS_CONFIG_FILE: `${dir}/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/credentials`,
    },
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Endpoints on moto, no credentials, no region, no config files: tests add what they test. */
function bareEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_S3: url,
    AWS_ENDPOINT_URL_KMS: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_CONFIG_FILE: "/nonexistent/creds3-test-aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/creds3-test-aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

const TEST_KEYS = {
  AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
};

/** Temporary credentials of `roleArn`, assumed through moto's STS. */
async function assumedKeys(url: string, roleArn: string, session: string) {
  const sts = new STSClient(clientConfig(url));
  try {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: session }),
    );
    const c = out.Credentials!;
    return `aws_access_key_id = ${c.AccessKeyId}\naws_secret_access_key = ${c.SecretAccessKey}\n` +
      `aws_session_token = ${c.SessionToken}\n`;
  } finally {
    sts.destroy();
  }
}

/** Whom the CLI resolved the account as: `policy` prints `Account A, as ARN` on stderr. */
async function identity(args: string[], env: Record<string, string>): Promise<string> {
  const r = await runCli(["policy", "reader", "-l", "some-bucket", "-k", NO_KMS, ...args], { env });
  strictEqual(r.code, 0, r.stderr);
  const line = r.stderr.match(/^Account (\d{12}), as (\S+)$/m);
  ok(line, `no identity line in: ${r.stderr}`);
  JSON.parse(r.stdout);
  return line[2];
}

Deno.test("aws: -p uses the profile's credentials, also over keys in the environment", async () => {
  const url = await motoUrl();
  const keys = await assumedKeys(url, "arn:aws:iam::111122223333:role/base", "from-profile");
  const files = await awsFiles("[profile other]\nregion = eu-west-2\n", `[other]\n${keys}`);
  try {
    const env = bareEnv(url, files.env);
    const session = "arn:aws:sts::111122223333:assumed-role/base/from-profile";
    strictEqual(await identity(["-p", "other"], env), session);
    strictEqual(await identity(["-p", "other"], { ...env, ...TEST_KEYS }), session);
    // Without -p the SDK's default chain decides: it takes AWS_PROFILE, also over keys in the
    // environment (and warns about it).
    strictEqual(await identity([], { ...env, AWS_PROFILE: "other" }), session);
    strictEqual(await identity([], { ...env, ...TEST_KEYS, AWS_PROFILE: "other" }), session);
    const missing = await runCli(["list", "-l", "some-bucket", "-p", "nope"], { env });
    strictEqual(missing.code, 2);
    match(missing.stderr, /^creds3: error: AWS profile 'nope' is not in the shared config files/);
  } finally {
    await files.cleanup();
  }
});

Deno.test("aws: a role_arn profile is assumed through STS, a credential_process is run", async () => {
  const url = await motoUrl();
  const files = await awsFiles(
    "[profile chained]\nrole_arn = arn:aws:iam::222233334444:role/chained\n" +
      "source_profile = plain\nrole_session_name = chained-session\n\n" +
      "[profile process]\ncredential_process = PROCESS\n\n" +
      "[profile with-mfa]\nrole_arn = arn:aws:iam::555566667777:role/guarded\n" +
      "source_profile = plain\nmfa_serial = arn:aws:iam::123456789012:mfa/someone\n",
    `[plain]\naws_access_key_id = ${TEST_ACCESS_KEY_ID}\n` +
      `aws_secret_access_key = ${TEST_SECRET_ACCESS_KEY}\n`,
  );
  try {
    const marker = `${files.dir}/process-ran`;
    await Deno.writeTextFile(
      `${files.dir}/process.sh`,
      `#!/bin/sh\necho ran >> '${marker}'\n` +
        `echo '{"Version":1,"AccessKeyId":"test","SecretAccessKey":"test"}'\n`,
    );
    await Deno.chmod(`${files.dir}/process.sh`, 0o755);
    const config = await Deno.readTextFile(files.env.AWS_CONFIG_FILE);
    await Deno.writeTextFile(
      files.env.AWS_CONFIG_FILE,
      config.replace("PROCESS", `${files.dir}/process.sh`),
    );
    const env = bareEnv(url, files.env);
    strictEqual(
      await identity(["-p", "chained"], env),
      "arn:aws:sts::222233334444:assumed-role/chained/chained-session",
    );
    match(await identity(["-p", "process"], env), /^arn:aws:sts::123456789012:/);
    strictEqual(await Deno.readTextFile(marker), "ran\n");
    // -p with -n: the role is assumed with the profile's credentials (the process runs again).
    strictEqual(
      await identity([
        "-p",
        "process",
        "-n",
        "arn:aws:iam::333344445555:role/target",
        "--external-id",
        "ext-id-1",
        "--role-session-name",
        "ci-run.42",
      ], env),
      "arn:aws:sts::333344445555:assumed-role/target/ci-run.42",
    );
    strictEqual(await Deno.readTextFile(marker), "ran\nran\n");
    // A profile's mfa_serial: the code from --mfa-token, else asked on the terminal.
    match(
      await identity(["-p", "with-mfa", "--mfa-token", "123456"], env),
      /^arn:aws:sts::555566667777:assumed-role\/guarded\//,
    );
    const noCode = await runCli(["list", "-l", "b-u-c", "-p", "with-mfa"], { env });
    strictEqual(noCode.code, 2, noCode.stderr);
    match(noCode.stderr, /hint: give the code with --mfa-token/);
    match(
      noCode.stderr,
      /No terminal to ask for the MFA code of 'arn:aws:iam::123456789012:mfa\/someone'/,
    );
  } finally {
    await files.cleanup();
  }
});

Deno.test("aws: -n with --mfa-token; without a terminal the code is asked for by name", async () => {
  const url = await motoUrl();
  const env = bareEnv(url, TEST_KEYS);
  const role = ["-n", "arn:aws:iam::444455556666:role/mfa-role"];
  const serial = ["--mfa-serial", "arn:aws:iam::123456789012:mfa/someone"];
  strictEqual(
    await identity([...role, ...serial, "--mfa-token", "123456"], env),
    "arn:aws:sts::444455556666:assumed-role/mfa-role/creds3",
  );
  const noTty = await runCli(
    ["policy", "reader", "-l", "b-u-c", "-k", NO_KMS, ...role, ...serial],
    {
      env,
    },
  );
  strictEqual(noTty.code, 2, noTty.stderr);
  match(
    noTty.stderr,
    /No terminal to ask for the MFA code of 'arn:aws:iam::123456789012:mfa\/someone'/,
  );
  match(noTty.stderr, /hint: give the code with --mfa-token/);
  for (
    const [args, error] of [
      [[...role, ...serial, "--mfa-token", "12ab56"], /MFA code is not 6 digits/],
      [["--external-id", "ext"], /--external-id applies only to a role assumed with -n/],
      [["--mfa-serial", "arn:aws:iam::123456789012:mfa/x"], /--mfa-serial applies only to/],
      [["-n", "arn:aws:iam::123:role/short-account"], /is not an IAM role ARN/],
      [[...role, "--role-session-name", "has space"], /Role session name 'has space'/],
    ] as const
  ) {
    const r = await runCli(["list", "-l", "b-u-c", ...args], { env });
    strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    match(r.stderr, error);
    strictEqual(r.stdout, "");
  }
});

Deno.test("aws: --mfa-serial asks for the code on the terminal without echoing it", async () => {
  const url = await motoUrl();
  const expect = "MFA code for arn:aws:iam::123456789012:mfa/someone: ";
  const r = await onPty(
    cliArgv([
      ...["policy", "reader", "-l", "b-u-c", "-k", NO_KMS],
      ...["-n", "arn:aws:iam::444455556666:role/mfa-role"],
      ...["--mfa-serial", "arn:aws:iam::123456789012:mfa/someone"],
    ]),
    cliEnv({ HOME: REPO_ROOT, ...bareEnv(url, TEST_KEYS) }),
    [[expect, "987654\r"]],
  );
  strictEqual(r.code, 0, `${r.stderr}\nterminal: ${r.shown}`);
  ok(r.shown.includes(expect), `the terminal showed: ${JSON.stringify(r.shown)}`);
  ok(!r.shown.includes("987654"), `the code was echoed: ${JSON.stringify(r.shown)}`);
  ok(!r.stderr.includes("987654") && !r.stdout.includes("987654"));
  match(r.stderr, /as arn:aws:sts::444455556666:assumed-role\/mfa-role\/creds3$/m);
});

/** The region `setup` created a bucket in, as S3 reports it. */
async function setupRegion(
  url: string,
  args: string[],
  env: Record<string, string>,
): Promise<string> {
  const bucket = uniqueName("creds3-region");
  const r = await runCli(["setup", "-l", bucket, "-k", NO_KMS, ...args], { env });
  // The local key does not exist: setup stops there, after the bucket.
  match(r.stderr, /Bucket '.*': created in /, r.stderr);
  const s3 = s3Client(url);
  try {
    const out = await s3.send(new GetBucketLocationCommand({ Bucket: bucket }));
    return (out.LocationConstraint as string | undefined) || "us-east-1";
  } finally {
    s3.destroy();
  }
}

Deno.test("aws: credentials obtained in memory (an assumed role, a credential_process) never reach exec's command", async () => {
  const { url, bucket, alias } = await motoBucketAndKey("creds3-aws-exec");
  const files = await awsFiles("");
  try {
    await Deno.writeTextFile(
      `${files.dir}/process.sh`,
      `#!/bin/sh\necho '{"Version":1,"AccessKeyId":"ASIAPROCESSMADEUP01",` +
        `"SecretAccessKey":"process-made-up-secret","SessionToken":"process-made-up-token"}'\n`,
    );
    await Deno.chmod(`${files.dir}/process.sh`, 0o755);
    await Deno.writeTextFile(
      files.env.AWS_CONFIG_FILE,
      `[profile process]\ncredential_process = ${files.dir}/process.sh\n`,
    );
    const store = ["-l", bucket, "-k", alias];
    const put = await runCli(["put", ...store, "app/token", "t-0042"], {
      env: bareEnv(url, TEST_KEYS),
    });
    strictEqual(put.code, 0, put.stderr);
    const print = ["--", "sh", "-c", "env | grep -E '^(AWS_|APP_)' | sort"];
    const role = ["-n", "arn:aws:iam::123456789012:role/exec-reader"];
    // An assumed role: the command gets the variables creds3 was given, not the role's keys.
    const assumed = await runCli(["exec", "app/*", ...store, ...role, ...print], {
      env: bareEnv(url, TEST_KEYS),
    });
    strictEqual(assumed.code, 0, assumed.stderr);
    const given = assumed.stdout.split("\n").filter((l) => /^AWS_(ACCESS|SECRET|SESSION)/.test(l));
    strictEqual(
      given.join("\n"),
      `AWS_ACCESS_KEY_ID=${TEST_ACCESS_KEY_ID}\nAWS_SECRET_ACCESS_KEY=${TEST_SECRET_ACCESS_KEY}`,
    );
    match(assumed.stdout, /^APP_TOKEN=t-0042$/m);
    // A credential_process: its keys stay in creds3's memory.
    const processed = await runCli(["exec", "app/*", ...store, "-p", "process", ...print], {
      env: bareEnv(url, files.env),
    });
    strictEqual(processed.code, 0, processed.stderr);
    match(processed.stdout, /^APP_TOKEN=t-0042$/m);
    ok(!/process-made-up|ASIAPROCESS|AWS_ACCESS_KEY_ID/.test(processed.stdout), processed.stdout);
  } finally {
    await files.cleanup();
  }
});

Deno.test("aws: region order is -r, CREDS3_REGION, AWS_REGION, AWS_DEFAULT_REGION, profile, us-east-1", async () => {
  const url = await motoUrl();
  const keys = `aws_access_key_id = ${TEST_ACCESS_KEY_ID}\n` +
    `aws_secret_access_key = ${TEST_SECRET_ACCESS_KEY}\n`;
  const files = await awsFiles(
    "[default]\nregion = eu-west-3\n\n[profile regional]\nregion = eu-west-2\n\n" +
      "[profile both]\nregion = eu-west-2\n",
    `[default]\n${keys}\n[regional]\n${keys}\n[both]\n${keys}region = eu-central-1\n`,
  );
  try {
    const env = bareEnv(url, { ...files.env, AWS_PROFILE: "regional" });
    const cases: [string[], Record<string, string>, string][] = [
      [["-r", "eu-north-1"], {
        CREDS3_REGION: "sa-east-1",
        AWS_REGION: "ca-central-1",
        AWS_DEFAULT_REGION: "ap-south-1",
      }, "eu-north-1"],
      [[], { CREDS3_REGION: "sa-east-1", AWS_REGION: "ca-central-1" }, "sa-east-1"],
      [[], { AWS_REGION: "ca-central-1", AWS_DEFAULT_REGION: "ap-south-1" }, "ca-central-1"],
      [[], { AWS_DEFAULT_REGION: "ap-south-1" }, "ap-south-1"],
      [[], {}, "eu-west-2"],
      // The credentials file wins over the config file, as in the SDK.
      [["-p", "both"], {}, "eu-central-1"],
    ];
    for (const [args, extra, region] of cases) {
      strictEqual(
        await setupRegion(url, args, { ...env, ...extra }),
        region,
        JSON.stringify(extra),
      );
    }
    const { AWS_PROFILE: _, ...noProfile } = env;
    strictEqual(await setupRegion(url, [], noProfile), "eu-west-3", "the default profile");
    const none = bareEnv(url, TEST_KEYS);
    strictEqual(await setupRegion(url, [], none), "us-east-1", "nothing set");
    const help = await runCli(["--help"], { env: none });
    // The help wraps at the terminal's width: compare the words.
    match(
      help.stdout.replace(/\s+/g, " "),
      /CREDS3_REGION, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then us-east-1/,
    );
    const bad = await runCli(["list", "-l", "b-u-c", "-r", "not a region"], { env: none });
    strictEqual(bad.code, 2);
    match(bad.stderr, /Region 'not a region' \(from -r\) is not a region name/);
  } finally {
    await files.cleanup();
  }
});

Deno.test("aws: --kms-region puts KMS in another region than the bucket", async () => {
  const { url, bucket } = await motoBucket("creds3-kmsregion");
  const alias = `alias/${uniqueName("creds3-eu")}`;
  const kms = new KMSClient({ ...clientConfig(url), region: "eu-west-1" });
  let keyArn: string;
  try {
    const key = await kms.send(new CreateKeyCommand({ Description: "creds3 test eu-west-1" }));
    keyArn = key.KeyMetadata!.Arn!;
    await kms.send(
      new CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyMetadata!.KeyId }),
    );
  } finally {
    kms.destroy();
  }
  const env = bareEnv(url, { ...TEST_KEYS, AWS_REGION: "us-east-1", CREDS3_LOCATION: bucket });
  const wrong = await runCli(["put", "-k", alias, "name", "some-value"], { env });
  strictEqual(wrong.code, 1);
  match(wrong.stderr, /KMS GenerateDataKey with key '.*' failed: NotFoundException/);
  const put = await runCli(["put", "-k", alias, "--kms-region", "eu-west-1", "name", "eu-value"], {
    env,
  });
  strictEqual(put.code, 0, put.stderr);
  const get = await runCli(["get", "-k", alias, "name"], {
    env: { ...env, CREDS3_KMS_REGION: "eu-west-1" },
  });
  strictEqual(get.stdout, "eu-value\n", get.stderr);
  // A key ARN names its region: no --kms-region needed.
  const byArn = await runCli(["get", "-k", keyArn, "name"], { env });
  strictEqual(byArn.stdout, "eu-value\n", byArn.stderr);
  const wrongGet = await runCli(["get", "-k", alias, "name"], { env });
  strictEqual(wrongGet.code, 1);
  strictEqual(wrongGet.stdout, "");
});

Deno.test("aws: --endpoint-url and --kms-endpoint-url win over the variables; path style is the default", async () => {
  const { url, bucket, alias } = await motoBucketAndKey("creds3-endpoints");
  // Nothing listens on the variables' endpoint: only the flags can reach moto.
  const dead = "http://127.0.0.1:9";
  const env = bareEnv(dead, {
    ...TEST_KEYS,
    AWS_REGION: "us-east-1",
    CREDS3_LOCATION: bucket,
    CREDS3_KEY: alias,
  });
  const flags = ["--endpoint-url", url, "--kms-endpoint-url", url];
  const put = await runCli(["put", ...flags, "ep/name", "endpoint-value"], { env });
  strictEqual(put.code, 0, put.stderr);
  strictEqual((await runCli(["get", ...flags, "ep/name"], { env })).stdout, "endpoint-value\n");
  const noKms = await runCli(["get", "--endpoint-url", url, "--max-attempts", "1", "ep/name"], {
    env,
  });
  strictEqual(noKms.code, 1);
  match(noKms.stderr, /KMS Decrypt failed: .*ECONNREFUSED/);
  // A host name, not an IP: virtual-hosted addressing puts the bucket in the host name.
  const host = url.replace("127.0.0.1", "localhost");
  const pathStyle = await runCli(["list", "--endpoint-url", host], { env });
  strictEqual(pathStyle.stdout, "ep/name -- version 1\n", pathStyle.stderr);
  const virtual = await runCli(
    ["list", "--endpoint-url", host, "--virtual-hosted", "--max-attempts", "1"],
    { env },
  );
  strictEqual(virtual.code, 1);
  match(virtual.stderr, new RegExp(`${bucket}\\.localhost`));
  for (
    const [args, error] of [
      [["--endpoint-url", "ftp://example.com"], /is not an http:\/\/ or https:\/\/ URL/],
      [["--kms-endpoint-url", "not a url"], /Endpoint 'not a url' \(from --kms-endpoint-url\)/],
      [["--path-style", "--virtual-hosted"], /--path-style or --virtual-hosted, not both/],
    ] as const
  ) {
    const r = await runCli(["list", ...args], { env });
    strictEqual(r.code, 2, r.stderr);
    match(r.stderr, error);
  }
});
