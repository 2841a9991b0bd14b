/**
 * The `dynamodb:TABLE` location on the command line, against moto: credstash's default key,
 * the endpoint settings, a missing table, the options that are for S3 only, and the IAM
 * policies of a table.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import type { PolicyDocument } from "../../../lib/aws/iam_policy.ts";
import { dynamodbBackend } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";
import { grants } from "../../helpers/iam.ts";
import { awsEnv, createCredstashTable, motoUrl, uniqueName } from "../../helpers/moto.ts";

Deno.test("dynamodb: without -k the key is credstash's, alias/credstash", async () => {
  const url = await motoUrl();
  const table = uniqueName("creds3-ddb-default");
  await createCredstashTable(url, table);
  // The one test that uses alias/credstash: setup --create-key makes it unless it exists.
  const env = { ...awsEnv(url), CREDS3_LOCATION: `dynamodb:${table}` };
  const setup = await runCli(["setup", "--create-key"], { env });
  strictEqual(setup.code, 0, setup.stderr);
  match(setup.stderr, /alias\/credstash/);
  match(setup.stderr, new RegExp(`Ready: dynamodb:${table} with kms:alias/credstash`));
  const put = await runCli(["put", "db/password", "made-up value"], { env });
  strictEqual(put.code, 0, put.stderr);
  strictEqual((await runCli(["get", "db/password"], { env })).stdout, "made-up value\n");
  // A key given wins over the default: under another key nothing is read.
  const other = await runCli(["get", "db/password", "-k", "alias/creds3-none"], { env });
  strictEqual(other.code, 1);
  strictEqual(other.stdout, "");
});

Deno.test("dynamodb: --dynamodb-endpoint-url wins over AWS_ENDPOINT_URL_DYNAMODB", async () => {
  const b = await dynamodbBackend("creds3-ddb-endpoint");
  try {
    const env = { ...b.env, AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9" };
    const flag = ["--dynamodb-endpoint-url", b.url, "--max-attempts", "1"];
    const put = await runCli(["put", "k", "made-up", ...flag], { env });
    strictEqual(put.code, 0, put.stderr);
    strictEqual((await runCli(["get", "k", ...flag], { env })).stdout, "made-up\n");
    // Without the flag the variable is used: nothing answers there.
    const dead = await runCli(["get", "k", "--max-attempts", "1", "--timeout", "2"], { env });
    strictEqual(dead.code, 1);
    match(dead.stderr, /DynamoDB Query on dynamodb:.* failed: .*(ECONNREFUSED|refused)/);
    const bad = await runCli(["list", "--dynamodb-endpoint-url", "not a url"], { env });
    strictEqual(bad.code, 2);
    match(bad.stderr, /Endpoint 'not a url' \(from --dynamodb-endpoint-url\) is not a URL/);
  } finally {
    await b.cleanup();
  }
});

Deno.test("dynamodb: a missing table is an error that says how to create it", async () => {
  const url = await motoUrl();
  const table = uniqueName("creds3-ddb-missing");
  const env = { ...awsEnv(url), CREDS3_LOCATION: `dynamodb:${table}`, CREDS3_KEY: "alias/x" };
  for (const args of [["list"], ["get", "k"], ["getall"], ["history", "k"]]) {
    const r = await runCli(args, { env });
    strictEqual(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
    strictEqual(r.stdout, "");
    match(
      r.stderr,
      /creds3: error: DynamoDB (Scan|Query) on dynamodb:\S+ failed: ResourceNotFoundException/,
    );
    match(r.stderr, new RegExp(`creds3: hint: create it with 'creds3 setup -l dynamodb:${table}'`));
  }
});

Deno.test("dynamodb: bad locations and options for S3 only are usage errors, before any request", async () => {
  // No endpoint answers: a request would fail with exit 1, not 2.
  const env = { ...awsEnv("http://127.0.0.1:9"), CREDS3_KEY: "alias/x" };
  const cases: [string[], RegExp][] = [
    [
      ["list", "-l", "dynamodb:"],
      /Location 'dynamodb:' names no table \(credstash's is dynamodb:credential-store\)/,
    ],
    [["list", "-l", "dynamodb:ab"], /'ab' is not a valid DynamoDB table name/],
    [["list", "-l", "dynamodb:a/b"], /'a\/b' is not a valid DynamoDB table name/],
    [["setup", "-l", "dynamodb:tbl", "--deny-overwrite"], /--deny-overwrite is for S3 stores/],
    [["setup", "-l", "dynamodb:tbl", "--fix"], /--fix is for S3 stores/],
    [
      ["prune", "-l", "dynamodb:tbl", "x", "--keep", "1", "--older-than", "1d"],
      /--older-than needs the date each version was written, and a credstash table keeps none/,
    ],
    [
      ["policy", "writer", "-l", "dynamodb:tbl", "--create-only"],
      /--create-only is for S3 stores: IAM cannot require that DynamoDB writes be conditional/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { env });
    strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    strictEqual(r.stdout, "");
    match(r.stderr, message);
  }
});

Deno.test("dynamodb: policy names the table and the key, and gives each role what it sends", async () => {
  const url = await motoUrl();
  const env = { ...awsEnv(url), CREDS3_KEY: "alias/creds3-policy-none" };
  const tableArn = "arn:aws:dynamodb:us-east-1:123456789012:table/credential-store";
  const actions: Record<string, string[]> = {
    reader: ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "kms:Decrypt"],
    writer: [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "kms:Decrypt",
      "kms:GenerateDataKey",
    ],
    admin: [
      "dynamodb:BatchWriteItem",
      "dynamodb:CreateTable",
      "dynamodb:DescribeTable",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:UpdateItem",
      "kms:CreateAlias",
      "kms:CreateKey",
      "kms:Decrypt",
      "kms:DescribeKey",
      "kms:GenerateDataKey",
    ],
    setup: [
      "dynamodb:CreateTable",
      "dynamodb:DescribeTable",
      "kms:CreateAlias",
      "kms:CreateKey",
      "kms:DescribeKey",
    ],
  };
  for (const [role, expected] of Object.entries(actions)) {
    const r = await runCli(["policy", role, "-l", "dynamodb:credential-store"], { env });
    strictEqual(r.code, 0, r.stderr);
    match(r.stderr, /^Account 123456789012, as arn:aws:sts::123456789012:/);
    const policy: PolicyDocument = JSON.parse(r.stdout);
    const all = grants(policy);
    deepStrictEqual([...all.keys()].sort(), expected, role);
    for (const [action, resources] of all) {
      if (action.startsWith("dynamodb:")) deepStrictEqual(resources, [tableArn], action);
    }
  }
  const bound = await runCli(["policy", "reader", "-l", "dynamodb:credential-store", "env=prod"], {
    env,
  });
  strictEqual(bound.code, 0, bound.stderr);
  const decrypt = (JSON.parse(bound.stdout) as PolicyDocument).Statement.find((s) =>
    s.Action.includes("kms:Decrypt")
  );
  deepStrictEqual(decrypt?.Condition, { StringEquals: { "kms:EncryptionContext:env": ["prod"] } });
  // Without -k: credstash's key, alias/credstash.
  const { CREDS3_KEY: _, ...noKey } = env;
  const setup = await runCli(["policy", "setup", "-l", "dynamodb:credential-store"], {
    env: noKey,
  });
  strictEqual(setup.code, 0, setup.stderr);
  const createAlias = grants(JSON.parse(setup.stdout)).get("kms:CreateAlias") ?? [];
  ok(createAlias.includes("arn:aws:kms:us-east-1:123456789012:alias/credstash"), setup.stdout);
});
