/**
 * Symbolic links inside a directory store are refused: with a name's folder or a version file
 * replaced by a link to somewhere outside, `list`, `getall`, `get`, `put` and `delete` fail with
 * an error naming the link, and nothing outside is read, listed, written or deleted. A link to
 * the store itself (its root) is followed: that is where the user keeps the store.
 */
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { type LocalBackend, localBackend } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";

/** Every file under `root` with its text, to compare before and after. */
async function contents(root: string, from = root): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const e of Deno.readDir(from)) {
    const path = `${from}/${e.name}`;
    if (e.isDirectory) Object.assign(out, await contents(root, path));
    else out[path.slice(root.length)] = await Deno.readTextFile(path);
  }
  return out;
}

/** A store with one real secret, and a folder outside it holding copies of its record. */
async function withOutside(fn: (b: LocalBackend, outside: string) => Promise<void>) {
  const b = await localBackend();
  const outside = await Deno.makeTempDir({ prefix: "creds3-outside-" });
  try {
    const put = await runCli(["put", "real", "outside-value"], { env: b.env });
    strictEqual(put.code, 0, put.stderr);
    const text = JSON.stringify(await b.read("real", "1"));
    // Both layouts' file names, so whichever the store looks for is there.
    for (const file of ["1", "@1", "7", "@7"]) await Deno.writeTextFile(`${outside}/${file}`, text);
    await fn(b, outside);
  } finally {
    await b.cleanup();
    await Deno.remove(outside, { recursive: true });
  }
}

function refused(r: { code: number; stdout: string; stderr: string }, link: string, what: string) {
  strictEqual(r.code, 1, `${what}: ${r.stderr}`);
  strictEqual(r.stdout, "", what);
  match(r.stderr, new RegExp(`'${link}' in file:.* is a symbolic link`), what);
  match(r.stderr, /does not follow links inside a store/, what);
}

Deno.test("symlinks: a name's folder linked outside the store is refused by every command", async () => {
  await withOutside(async (b, outside) => {
    await Deno.symlink(outside, `${b.home}/store/app`);
    const before = await contents(outside);
    const cli = (...args: string[]) => runCli(args, { env: b.env });
    refused(await cli("list", "app"), "app", "list app");
    refused(await cli("list"), "app", "list");
    refused(await cli("getall"), "app", "getall");
    refused(await cli("get", "app"), "app", "get app");
    refused(await cli("get", "app", "-v", "1"), "app", "get app -v 1");
    refused(await cli("delete", "app"), "app", "delete app");
    refused(await cli("delete", "app", "-v", "7"), "app", "delete app -v 7");
    refused(await cli("put", "app", "-v", "8", "planted-value"), "app", "put app -v 8");
    refused(await cli("put", "app/sub", "planted-value"), "app", "put app/sub");
    deepStrictEqual(await contents(outside), before, "nothing outside changed");
    // The rest of the store is still readable by name.
    strictEqual((await cli("get", "real")).stdout, "outside-value\n");
  });
});

Deno.test("symlinks: a version file linked outside the store is refused by every command", async () => {
  await withOutside(async (b, outside) => {
    const cli = (...args: string[]) => runCli(args, { env: b.env });
    strictEqual((await cli("put", "k", "inside-value")).code, 0);
    strictEqual((await cli("put", "j", "inside-value")).code, 0);
    const folder = (name: string) => `${b.home}/store/${name}`;
    await Deno.symlink(`${outside}/@7`, `${folder("k")}/@2`);
    await Deno.symlink(`${outside}/7`, `${folder("j")}/2`);
    const before = await contents(outside);
    for (const [name, link] of [["k", "k/@2"], ["j", "j/2"]]) {
      refused(await cli("list", name), link, `list ${name}`);
      refused(await cli("list"), "[jk]/@?2", "list");
      refused(await cli("get", name), link, `get ${name}`);
      refused(await cli("get", name, "-v", "2"), link, `get ${name} -v 2`);
      refused(await cli("delete", name), link, `delete ${name}`);
      refused(await cli("put", name, "-v", "3", "new-value"), link, `put ${name} -v 3`);
    }
    strictEqual((await cli("put", "k", "-v", "2", "new-value")).code, 1);
    deepStrictEqual(await contents(outside), before, "nothing outside changed");
    strictEqual((await Deno.lstat(`${folder("k")}/@2`)).isSymlink, true);
    strictEqual((await cli("get", "k", "-v", "1")).stdout, "inside-value\n");
  });
});

Deno.test("symlinks: a store whose root is a link works as the store it points to", async () => {
  const b = await localBackend();
  try {
    await Deno.symlink(`${b.home}/store`, `${b.home}/linked`);
    const env = { ...b.env, CREDS3_LOCATION: `file:${b.home}/linked` };
    const cli = (...args: string[]) => runCli(args, { env });
    strictEqual((await cli("put", "app/db", "through-link")).code, 0);
    strictEqual((await cli("get", "app/db")).stdout, "through-link\n");
    strictEqual((await cli("list")).stdout, "app/db -- version 1\n");
    strictEqual((await cli("delete", "app/db")).code, 0);
    strictEqual((await cli("list")).stdout, "");
  } finally {
    await b.cleanup();
  }
});
