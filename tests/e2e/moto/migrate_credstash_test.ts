/**
 * A team moving from a credstash table to S3, and back. Items as credstash writes them (by the
 * credstash-faithful writer, tests/helpers/credstash_table.py: versions padded past 9, a
 * context, a comment, SHA512, the hmac as a String as older writers store it, no digest at all)
 * are copied to a bucket with `copy --to-key`, then read there by creds3 and by the Python
 * creds3's reader; a version added on S3 is copied back, and credstash's reader reads it.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { DescribeKeyCommand, DisableKeyCommand } from "@aws-sdk/client-kms";
import { type DynamoDbBackend, dynamodbBackend, withBackend } from "../../helpers/backends.ts";
import type { Cli } from "../../helpers/cli.ts";
import { createKmsKey, kmsClient, uniqueName } from "../../helpers/moto.ts";
import { credstashTable, formatReader } from "../../helpers/python_tools.ts";

/**
 * The CLI; fails the test unless it exits `code`. Returns stdout (names padded to one width, as
 * `list` pads them, read with single spaces) and stderr.
 */
async function expect(cli: Cli, code: number, ...args: string[]) {
  const r = await cli(...args);
  strictEqual(r.code, code, `creds3 ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return { stdout: r.stdout.replace(/ +-- version/g, " -- version"), stderr: r.stderr };
}

/** credstash's reader and writer on `table`; fails the test unless it exits 0. Returns stdout. */
async function credstashOn(url: string, table: string, ...args: string[]): Promise<string> {
  const r = await credstashTable(url, table, ...args);
  strictEqual(r.code, 0, `credstash_table.py ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** credstash's `put -a` of `made-up-1` to `made-up-N` as db/password, with the context env=prod. */
async function putPasswords(b: DynamoDbBackend, n: number): Promise<void> {
  for (let v = 1; v <= n; v++) {
    const put = [
      "put",
      "-k",
      b.alias,
      "-v",
      "auto",
      "-e",
      "env=prod",
      "db/password",
      `made-up-${v}`,
    ];
    await credstashOn(b.url, b.table, ...put);
  }
}

Deno.test("migration: a credstash table to S3 with copy --to-key, read by creds3 and the Python creds3; the rollback read by credstash", async () => {
  await withBackend(() => dynamodbBackend("creds3-migrate"), async (b, cli) => {
    const credstash = (...args: string[]) => credstashOn(b.url, b.table, ...args);
    await putPasswords(b, 11);
    await credstash(
      "put",
      "-k",
      b.alias,
      "-d",
      "SHA512",
      "-c",
      "from ops",
      "--hmac-string",
      "api_key",
      "k-made-up",
    );
    await credstash("put", "-k", b.alias, "--no-digest", "legacy", "old-made-up");

    const bucket = uniqueName("creds3-migrated");
    const newKey = `alias/${uniqueName("creds3-migrated")}`;
    await createKmsKey(b.url, newKey);
    await expect(cli, 0, "setup", "-l", bucket);
    // The source's key is the table's (CREDS3_KEY here); each data key moves to the new one.
    // Without the context, db/password's versions fail, named, and the others are copied.
    const partial = await expect(cli, 1, "copy", `dynamodb:${b.table}`, bucket, "--to-key", newKey);
    strictEqual(partial.stdout, "api_key -- version 1\nlegacy -- version 1\n");
    strictEqual(partial.stderr.includes("db/password"), true, partial.stderr);
    // Run again with the context: the rest is copied, what is there already is not.
    const withContext = [
      "copy",
      `dynamodb:${b.table}`,
      bucket,
      "db/*",
      "env=prod",
      "--to-key",
      newKey,
    ];
    const rest = await expect(cli, 0, ...withContext);
    strictEqual(rest.stdout.split("\n").filter(Boolean).length, 11);
    const again = await expect(cli, 0, ...withContext);
    strictEqual(again.stdout, "");

    // On S3, under the new key only: versions as integers, the latest by number, the comment kept.
    const s3 = ["-l", bucket, "-k", newKey];
    strictEqual(
      (await expect(cli, 0, "get", ...s3, "db/password", "env=prod")).stdout,
      "made-up-11\n",
    );
    strictEqual(
      (await expect(cli, 0, "get", ...s3, "-v", "9", "db/password", "env=prod")).stdout,
      "made-up-9\n",
    );
    strictEqual((await expect(cli, 0, "get", ...s3, "api_key")).stdout, "k-made-up\n");
    strictEqual((await expect(cli, 0, "get", ...s3, "legacy")).stdout, "old-made-up\n");
    const history = JSON.parse(
      (await expect(cli, 0, "history", ...s3, "api_key", "-f", "json")).stdout,
    );
    strictEqual(history[0].comment, "from ops");
    deepStrictEqual(
      (await expect(cli, 0, "list", ...s3, "--latest")).stdout,
      "api_key -- version 1\ndb/password -- version 11\nlegacy -- version 1\n",
    );
    // The Python creds3 reads the objects as they were copied.
    for (
      const [key, context, value] of [
        ["db/password/11", ["env=prod"], "made-up-11"],
        ["api_key/1", [], "k-made-up"],
        ["legacy/1", [], "old-made-up"],
      ] as const
    ) {
      const r = await formatReader(b.url, bucket, key, [...context]);
      strictEqual(r.code, 0, `format_reader.py ${key}: ${r.stderr}`);
      strictEqual(r.stdout, value, key);
    }

    // The rollback: a version written on S3 goes back to the table under the table's key.
    await expect(cli, 0, "put", ...s3, "-a", "db/password", "made-up-12", "env=prod");
    const back = await expect(
      cli,
      0,
      "copy",
      bucket,
      `dynamodb:${b.table}`,
      "db/*",
      "env=prod",
      "-k",
      newKey,
      "--to-key",
      b.alias,
    );
    strictEqual(back.stdout, "db/password -- version 12\n");
    strictEqual(await credstash("get", "-e", "env=prod", "db/password"), "made-up-12");
    strictEqual(await credstash("get", "-v", "10", "-e", "env=prod", "db/password"), "made-up-10");
    strictEqual(await credstash("get", "api_key"), "k-made-up");
  });
});

Deno.test("credstash tables: rewrap rotates a table's key in place (credstash reads it with the old key disabled); copy between two tables keeps credstash's items", async () => {
  await withBackend(() => dynamodbBackend("creds3-rotate-table"), async (b, cli) => {
    const credstash = (table: string, ...args: string[]) => credstashOn(b.url, table, ...args);
    await putPasswords(b, 3);
    await credstash(b.table, "put", "-k", b.alias, "-c", "from ops", "api_key", "k-made-up");
    const itemsBefore = await credstash(b.table, "list");

    // A second table, in place of a second region's: the items copied as they are.
    const second = uniqueName("creds3-second-table");
    await expect(cli, 0, "setup", "-l", `dynamodb:${second}`);
    const copied = await expect(cli, 0, "copy", `dynamodb:${b.table}`, `dynamodb:${second}`);
    strictEqual(copied.stdout.split("\n").filter(Boolean).length, 4);
    strictEqual(await credstash(second, "list"), itemsBefore);
    strictEqual(await credstash(second, "get", "-e", "env=prod", "db/password"), "made-up-3");

    // The rotation: every version's data key under the new key; a rerun has nothing to do.
    const newKey = `alias/${uniqueName("creds3-rotated")}`;
    await createKmsKey(b.url, newKey);
    const partial = await expect(cli, 1, "rewrap", "--to-key", newKey);
    strictEqual(partial.stdout, "api_key -- version 1\n");
    await expect(cli, 0, "rewrap", "db/*", "env=prod", "--to-key", newKey);
    const rerun = await expect(cli, 0, "rewrap", "--to-key", newKey, "db/*", "env=prod");
    strictEqual(rerun.stdout, "");
    strictEqual(await credstash(b.table, "list"), itemsBefore, "names, versions and comments");

    const kms = kmsClient(b.url);
    try {
      const old = await kms.send(new DescribeKeyCommand({ KeyId: b.alias }));
      await kms.send(new DisableKeyCommand({ KeyId: old.KeyMetadata!.KeyId! }));
    } finally {
      kms.destroy();
    }
    strictEqual(
      await credstash(b.table, "get", "-v", "1", "-e", "env=prod", "db/password"),
      "made-up-1",
    );
    strictEqual(await credstash(b.table, "get", "api_key"), "k-made-up");
    const n = ["-k", newKey];
    strictEqual(
      (await expect(cli, 0, "get", ...n, "db/password", "env=prod")).stdout,
      "made-up-3\n",
    );
    // The old key reads nothing any more.
    await expect(cli, 1, "get", "db/password", "env=prod");
  });
});
