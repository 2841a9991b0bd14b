/**
 * The local directory store and master key on disk: files 0600 and folders 0700 at every
 * depth even under a permissive umask, create-only writes that leave an existing version's
 * file untouched, no temporary file left behind, a crash's leftover temporary file ignored,
 * and a master key created atomically even by racing `setup --create-key` runs.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { type Cli, cliWith, runCli } from "../../helpers/cli.ts";
import { withTempDir } from "../../helpers/scoped.ts";

/** A temporary HOME and a local store location under it, not yet set up. */
interface Home {
  home: string;
  env: Record<string, string>;
  cli: Cli;
}

/** Runs `fn` with a fresh {@linkcode Home}, removed afterwards. */
function withHome(fn: (s: Home) => Promise<void>): Promise<void> {
  return withTempDir("creds3-local-store-", (home) => {
    const env = { HOME: home, CREDS3_LOCATION: `file:${home}/store` };
    return fn({ home, env, cli: cliWith(env) });
  });
}

/** Runs the CLI under `umask 000`, so only creds3's own modes restrict what it creates. */
function withUmask0(env: Record<string, string>, args: string[]) {
  return runCli(args, { env, wrapper: ["sh", "-c", 'umask 000 && exec "$@"', "sh"] });
}

/** Every path under `root` with its permission bits, e.g. `{"/store/a": "dir 700"}`. */
async function modes(root: string, from = root): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const entry of Deno.readDir(from)) {
    const path = `${from}/${entry.name}`;
    const info = await Deno.lstat(path);
    out[path.slice(root.length)] = `${entry.isDirectory ? "dir" : "file"} ${
      (info.mode! & 0o777).toString(8)
    }`;
    if (entry.isDirectory) Object.assign(out, await modes(root, path));
  }
  return out;
}

Deno.test("local store: 0600 files and 0700 folders at every depth, even under umask 000", async () => {
  await withHome(async (s) => {
    for (
      const args of [
        ["setup", "--create-key"],
        ["put", "a/b/c/deep", "deep-value"],
        ["put", "-a", "a/b/c/deep", "deep-value-2"],
        ["put", "top", "top-value"],
      ]
    ) {
      const r = await withUmask0(s.env, args);
      strictEqual(r.code, 0, r.stderr);
    }
    deepStrictEqual(await modes(s.home), {
      "/.config": "dir 700",
      "/.config/creds3": "dir 700",
      "/.config/creds3/master.key": "file 600",
      "/store": "dir 700",
      "/store/a": "dir 700",
      "/store/a/b": "dir 700",
      "/store/a/b/c": "dir 700",
      "/store/a/b/c/deep": "dir 700",
      "/store/a/b/c/deep/@1": "file 600",
      "/store/a/b/c/deep/@2": "file 600",
      "/store/top": "dir 700",
      "/store/top/@1": "file 600",
    });
    strictEqual((await s.cli("get", "a/b/c/deep")).stdout, "deep-value-2\n");
  });
});

Deno.test("local store: create-only; a refused put leaves the file untouched, no temp files", async () => {
  await withHome(async (s) => {
    strictEqual((await s.cli("setup", "--create-key")).code, 0);
    strictEqual((await s.cli("put", "k", "first-value")).code, 0);
    const file = `${s.home}/store/k/@1`;
    const before = { text: await Deno.readTextFile(file), info: await Deno.stat(file) };
    const again = await s.cli("put", "k", "second-value");
    strictEqual(again.code, 1);
    match(again.stderr, /Version 1 of 'k' already exists/);
    const after = await Deno.stat(file);
    strictEqual(await Deno.readTextFile(file), before.text);
    strictEqual(after.ino, before.info.ino, "same inode: the file was not replaced");
    strictEqual(after.mtime?.getTime(), before.info.mtime?.getTime());
    // Sixteen concurrent writers of the same new version: one wins, no temporary file remains.
    const runs = await Promise.all(
      Array.from({ length: 16 }, (_, i) => s.cli("put", "-v", "2", "k", `racer-${i}`)),
    );
    strictEqual(runs.filter((r) => r.code === 0).length, 1);
    deepStrictEqual(Object.keys(await modes(`${s.home}/store`)).sort(), ["/k", "/k/@1", "/k/@2"]);
  });
});

Deno.test("local store: a crash's leftover temporary file is not a version", async () => {
  await withHome(async (s) => {
    strictEqual((await s.cli("setup", "--create-key")).code, 0);
    strictEqual((await s.cli("put", "k", "whole-value")).code, 0);
    // What a writer killed between writing its temporary file and linking it leaves behind.
    await Deno.writeTextFile(`${s.home}/store/k/.creds3-tmp-crashed`, '{"contents":"tru', {
      mode: 0o600,
    });
    strictEqual((await s.cli("list")).stdout, "k -- version 1\n");
    strictEqual((await s.cli("get", "k")).stdout, "whole-value\n");
    deepStrictEqual(JSON.parse((await s.cli("getall")).stdout), { k: "whole-value" });
    const auto = await s.cli("put", "-a", "k", "next-value");
    match(auto.stderr, /version 2/);
  });
});

Deno.test("local store: racing 'setup --create-key' runs make one whole master key", async () => {
  await withHome(async (s) => {
    const runs = await Promise.all(Array.from({ length: 8 }, () => s.cli("setup", "--create-key")));
    for (const r of runs) strictEqual(r.code, 0, r.stderr);
    const created = runs.filter((r) => /Created local master key/.test(r.stderr));
    strictEqual(created.length, 1, runs.map((r) => r.stderr).join("\n"));
    const keyDir = `${s.home}/.config/creds3`;
    deepStrictEqual(await modes(keyDir), { "/master.key": "file 600" }, "no temporary file");
    strictEqual((await Deno.stat(`${keyDir}/master.key`)).size, 32);
    // An existing key is never replaced.
    const key = await Deno.readFile(`${keyDir}/master.key`);
    const again = await s.cli("setup", "--create-key");
    match(again.stderr, /exists/);
    deepStrictEqual(await Deno.readFile(`${keyDir}/master.key`), key);
    ok(key.some((b) => b !== 0));
  });
});
