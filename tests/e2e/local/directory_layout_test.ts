/**
 * The directory store's layout through the CLI: a name and the same name with a version-like
 * segment (`shard` and `shard/1`) are both stored, as on S3; a store written in the earlier
 * layout (`<name>/<version>`) is read, extended and deleted from; comments and the binary mark
 * are in the record in either layout; names that differ only in case
 * are refused, also when one command stores them at once; and names with `:`, device names, trailing dots or a leading `@` are stored as
 * file names valid on Windows too.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { type LocalBackend, localBackend } from "../../helpers/backends.ts";
import { type CliResult, runCli, runCliBytes } from "../../helpers/cli.ts";
import { CredentialStore, LocalKeyProvider, MemoryStore } from "../../../mod.ts";
import { currentPath, fileNameProblem } from "../../../lib/stores/directory/layout.ts";

function cliFor(b: LocalBackend) {
  const run = (...args: string[]) => runCli(args, { env: b.env });
  const good = async (...args: string[]): Promise<CliResult> => {
    const r = await run(...args);
    strictEqual(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    return r;
  };
  return { run, ok: good };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** Every path under `root`, relative, sorted; folders end with `/`. */
async function files(root: string, from = root): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(from)) {
    const path = `${from}/${e.name}`;
    out.push(path.slice(root.length + 1) + (e.isDirectory ? "/" : ""));
    if (e.isDirectory) out.push(...await files(root, path));
  }
  return out.sort();
}

Deno.test("directory layout: 'shard' and 'shard/1' are both stored, in either order", async () => {
  for (const order of [["shard/1", "shard"], ["shard", "shard/1"]]) {
    const b = await localBackend();
    const cli = cliFor(b);
    try {
      for (const name of order) await cli.ok("put", name, `value-of-${name}`);
      strictEqual((await cli.ok("get", "shard")).stdout, "value-of-shard\n");
      strictEqual((await cli.ok("get", "shard/1")).stdout, "value-of-shard/1\n");
      match((await cli.ok("put", "-a", "shard", "second-of-shard")).stderr, /version 2/);
      match((await cli.ok("put", "-a", "shard/1", "second-of-shard/1")).stderr, /version 2/);
      await cli.ok("put", "shard/1/2", "value-of-shard/1/2");
      strictEqual(
        (await cli.ok("list")).stdout,
        [
          "shard     -- version 1",
          "shard     -- version 2",
          "shard/1   -- version 1",
          "shard/1   -- version 2",
          "shard/1/2 -- version 1",
          "",
        ].join("\n"),
      );
      deepStrictEqual(JSON.parse((await cli.ok("getall")).stdout), {
        "shard": "second-of-shard",
        "shard/1": "second-of-shard/1",
        "shard/1/2": "value-of-shard/1/2",
      });
      await cli.ok("delete", "shard", "-v", "1");
      strictEqual((await cli.ok("get", "shard/1", "-v", "1")).stdout, "value-of-shard/1\n");
      await cli.ok("delete", "shard");
      strictEqual((await cli.run("get", "shard")).code, 1);
      strictEqual((await cli.ok("get", "shard/1")).stdout, "second-of-shard/1\n");
      await cli.ok("delete", "shard/1");
      strictEqual((await cli.ok("get", "shard/1/2")).stdout, "value-of-shard/1/2\n");
      await cli.ok("delete", "shard/1/2");
      deepStrictEqual(await files(`${b.home}/store`), [], "emptied folders are removed");
    } finally {
      await b.cleanup();
    }
  }
});

/** A stored record of `value` as JSON, sealed under the backend's master key. */
async function record(
  b: LocalBackend,
  value: string | Uint8Array,
  comment?: string,
): Promise<string> {
  const memory = new MemoryStore();
  await new CredentialStore(memory, new LocalKeyProvider(b.keyFile)).put("any", value, { comment });
  return JSON.stringify(await memory.read("any", "1")) + "\n";
}

/** Writes a version where the earlier layout kept it: `<store>/<name>/<version>`. */
async function writeEarlier(
  b: LocalBackend,
  name: string,
  version: string,
  value: string | Uint8Array,
  comment?: string,
) {
  await Deno.mkdir(`${b.home}/store/${name}`, { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(
    `${b.home}/store/${name}/${version}`,
    await record(b, value, comment),
    { mode: 0o600 },
  );
}

Deno.test("directory layout: a store in the earlier layout is read, extended and deleted from", async () => {
  const b = await localBackend();
  const cli = cliFor(b);
  const store = `${b.home}/store`;
  try {
    await writeEarlier(b, "k", "1", "k-one");
    await writeEarlier(b, "k", "2", "k-two");
    await writeEarlier(b, "db:prod", "1", "db-one");
    await writeEarlier(b, "shard", "1", "shard-one");
    await Deno.writeTextFile(`${store}/k/.creds3-tmp-crashed`, '{"contents":"tr');
    strictEqual(
      (await cli.ok("list")).stdout,
      "db:prod -- version 1\nk       -- version 1\nk       -- version 2\nshard   -- version 1\n",
    );
    strictEqual((await cli.ok("get", "k")).stdout, "k-two\n");
    deepStrictEqual(JSON.parse((await cli.ok("getall")).stdout), {
      "db:prod": "db-one",
      k: "k-two",
      shard: "shard-one",
    });
    // New versions go to the current layout and follow the earlier ones.
    match((await cli.ok("put", "-a", "k", "k-three")).stderr, /version 3/);
    ok(await exists(`${store}/${currentPath("k", "3").join("/")}`));
    strictEqual((await cli.ok("get", "k")).stdout, "k-three\n");
    strictEqual((await cli.ok("get", "k", "-v", "1")).stdout, "k-one\n");
    const again = await cli.run("put", "k", "-v", "2", "other-value");
    strictEqual(again.code, 1);
    match(again.stderr, /Version 2 of 'k' already exists/);
    strictEqual((await cli.ok("get", "k", "-v", "2")).stdout, "k-two\n");
    // A name whose folder is written differently now: both folders are one name.
    await cli.ok("put", "db:prod", "-v", "2", "db-two");
    strictEqual(
      (await cli.ok("list", "db:prod")).stdout,
      "db:prod -- version 1\ndb:prod -- version 2\n",
    );
    strictEqual((await cli.ok("get", "db:prod")).stdout, "db-two\n");
    // The earlier file 'shard/1' is where the name 'shard/1' needs a folder.
    const blocked = await cli.run("put", "shard/1", "blocked-value");
    strictEqual(blocked.code, 1);
    match(blocked.stderr, /'shard\/1' .*version 1 of 'shard' in the earlier layout/);
    strictEqual((await cli.ok("get", "shard")).stdout, "shard-one\n");
    // Deleting reaches both layouts and removes the emptied folders.
    await cli.ok("delete", "k", "-v", "1");
    ok(!await exists(`${store}/k/1`));
    await cli.ok("delete", "k");
    await cli.ok("delete", "db:prod");
    // The crash's leftover temporary file is not a version, and keeps its folder.
    deepStrictEqual(await files(store), ["k/", "k/.creds3-tmp-crashed", "shard/", "shard/1"]);
  } finally {
    await b.cleanup();
  }
});

Deno.test("directory layout: comments and the binary mark are in the record, in either layout", async () => {
  const b = await localBackend();
  const cli = cliFor(b);
  const store = `${b.home}/store`;
  try {
    const earlierBytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x00, 0xff]);
    await writeEarlier(b, "k", "1", earlierBytes.slice(), "earlier ✓");
    await writeEarlier(b, "k", "2", "k-two");
    const earlier = JSON.parse(await Deno.readTextFile(`${store}/k/1`));
    deepStrictEqual([earlier.comment, earlier.binary], ["earlier ✓", true]);

    const bytes = new Uint8Array([0x00, 0x0a, 0x80, 0xfe]);
    await Deno.writeFile(`${b.home}/blob.bin`, bytes);
    await cli.ok("put", "-a", "k", `@${b.home}/blob.bin`, "--binary", "-c", "current ✓");
    await cli.ok("put", "-a", "k", "k-four");
    // The current layout's records: the four fields, then the comment and the mark when set.
    const current = (v: string) => `${store}/${currentPath("k", v).join("/")}`;
    const binary = JSON.parse(await Deno.readTextFile(current("3")));
    const fields = "contents key hmac digest";
    strictEqual(Object.keys(binary).join(" "), `${fields} comment binary`);
    deepStrictEqual([binary.comment, binary.binary], ["current ✓", true]);
    const text = JSON.parse(await Deno.readTextFile(current("4")));
    strictEqual(Object.keys(text).join(" "), fields);

    for (const [version, expected] of [["1", earlierBytes], ["3", bytes]] as const) {
      const got = await runCliBytes(["get", "k", "-v", version], { env: b.env });
      strictEqual(got.code, 0, got.stderr);
      deepStrictEqual([...got.stdout], [...expected], `version ${version}`);
    }
    const history = JSON.parse((await cli.ok("history", "k", "-f", "json")).stdout);
    deepStrictEqual(
      history.map((
        e: { version: string; binary: boolean; comment?: string },
      ) => [e.version, e.binary, e.comment ?? null]),
      [["1", true, "earlier ✓"], ["2", false, null], ["3", true, "current ✓"], ["4", false, null]],
    );
    // Sizes are the files' sizes, in either layout.
    const listed = JSON.parse((await cli.ok("list", "k", "-f", "json")).stdout);
    const paths = [`${store}/k/1`, `${store}/k/2`, current("3"), current("4")];
    deepStrictEqual(
      listed.map((e: { size: number }) => e.size),
      await Promise.all(paths.map(async (path) => (await Deno.stat(path)).size)),
    );
    // prune reaches both layouts.
    strictEqual(
      (await cli.ok("prune", "k", "--keep", "1")).stdout,
      "k -- version 1\nk -- version 2\nk -- version 3\n",
    );
    deepStrictEqual(await files(store), ["k/", "k/@4"]);
  } finally {
    await b.cleanup();
  }
});

Deno.test("directory layout: a name or version differing only in case from a stored one is refused", async () => {
  const b = await localBackend();
  const cli = cliFor(b);
  try {
    await cli.ok("put", "App/db", "first-value");
    for (const [name, version, other] of [["app/db", "1", "App"], ["APP/other", "1", "App"]]) {
      const r = await cli.run("put", name, "-v", version, "second-value");
      strictEqual(r.code, 2, r.stderr);
      match(r.stderr, new RegExp(`'${name}' differs only in case from '${other}'`));
    }
    await cli.ok("put", "App/db", "-v", "A", "version-a");
    const v = await cli.run("put", "App/db", "-v", "a", "version-a-lower");
    strictEqual(v.code, 2);
    match(v.stderr, /Version a of 'App\/db' differs only in case from version A/);
    deepStrictEqual(await files(`${b.home}/store`), ["App/", "App/db/", "App/db/@1", "App/db/@A"]);
    strictEqual((await cli.ok("get", "App/db", "-v", "1")).stdout, "first-value\n");
  } finally {
    await b.cleanup();
  }
});

Deno.test("directory layout: one import or copy storing names that differ only in case at once stores one of them", async () => {
  const b = await localBackend();
  const cli = cliFor(b);
  try {
    const file = `${b.home}/case.env`;
    const keys = ["DB_URL", "db_url", "Db_Url", "dB_uRl"];
    await Deno.writeTextFile(file, keys.map((k) => `${k}='made-up-${k}'\n`).join(""));
    const r = await cli.run("import", file);
    strictEqual(r.code, 1, r.stderr);
    match(r.stderr, /Imported '[^']+': 1 stored, 0 unchanged, 3 failed/);
    strictEqual(
      r.stderr.match(/creds3: error: '\w+' version 1: '\w+' differs only in case from '\w+'/g)
        ?.length,
      3,
    );
    const stored = await files(`${b.home}/store`);
    strictEqual(stored.length, 2, stored.join(", "));
    // Versions with letters, copied at once from a store that holds both.
    const other = `${b.home}/other`;
    await cli.ok("setup", "-l", other);
    await cli.ok("put", "-l", other, "x", "-v", "beta", "made-up-lower");
    await cli.ok("put", "-l", other, "y", "-v", "BETA", "made-up-upper");
    await Deno.rename(`${other}/y/@BETA`, `${other}/x/@BETA`);
    const copy = await cli.run("copy", other, b.env.CREDS3_LOCATION, "x");
    strictEqual(copy.code, 1, copy.stderr);
    match(copy.stderr, /Copied 1 version to /);
    match(copy.stderr, /differs only in case from version/);
    strictEqual((await files(`${b.home}/store/x`)).length, 1);
  } finally {
    await b.cleanup();
  }
});

Deno.test("directory layout: names with ':', device names, trailing dots and '@' are portable files", async () => {
  const b = await localBackend();
  const cli = cliFor(b);
  const names = ["db:prod", "x/con", "x/CON.txt", "x/aux.tar.gz", "dot.", "@scope/pkg", "Nul"];
  try {
    for (const name of names) await cli.ok("put", name, `value of ${name}`);
    await cli.ok("put", "-v", "1.", "dot.", "dotted version");
    for (const name of names) {
      strictEqual((await cli.ok("get", name, "-v", "1")).stdout, `value of ${name}\n`);
    }
    strictEqual((await cli.ok("get", "dot.")).stdout, "dotted version\n");
    deepStrictEqual(
      Object.keys(JSON.parse((await cli.ok("getall")).stdout)).sort(),
      [...names].sort(),
    );
    for (const path of await files(`${b.home}/store`)) {
      for (const part of path.replace(/\/$/, "").split("/")) {
        strictEqual(fileNameProblem(part, true), undefined, `${path}: '${part}'`);
      }
    }
    for (const name of names) await cli.ok("delete", name);
    deepStrictEqual(await files(`${b.home}/store`), []);
  } finally {
    await b.cleanup();
  }
});
