/**
 * lib/core/paths.ts against node:path, the reference, for POSIX and Windows paths.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { posix, win32 } from "node:path";
import { dirname, join, pathsFor, relative, resolve } from "../../lib/core/paths.ts";

const POSIX_PATHS = [
  "/",
  "/srv/store",
  "/srv//store/",
  "/srv/./store/../keys",
  "srv/store",
  "./store",
  "../store",
  "../../a/b/..",
  "a/../..",
  ".",
  "",
  "/..",
  "/a/b/c/../../d",
  "a b/ünïcode/名前",
];

const WINDOWS_PATHS = [
  "C:\\",
  "C:\\store",
  "c:/store/app",
  "C:\\store\\..\\keys",
  "C:\\a\\\\b\\",
  "\\\\server\\share\\store\\app",
  "//server/share/x/../y",
  "\\store",
  "store\\app",
  "..\\store",
  "C:\\..\\x",
  "D:\\a/b\\c",
  "C:rel\\x",
];

Deno.test("paths: normalize, join and dirname agree with node:path (POSIX)", () => {
  const mine = pathsFor(false);
  for (const p of POSIX_PATHS) {
    strictEqual(mine.normalize(p), posix.normalize(p).replace(/(.)\/$/, "$1"), `normalize ${p}`);
    strictEqual(mine.dirname(p), posix.dirname(posix.normalize(p)), `dirname ${p}`);
    strictEqual(mine.isAbsolute(p), posix.isAbsolute(p), `isAbsolute ${p}`);
    strictEqual(mine.join(p, "x", "../y"), posix.join(p, "x", "../y"), `join ${p}`);
    strictEqual(mine.resolve(p, "/work/dir"), posix.resolve("/work/dir", p), `resolve ${p}`);
    for (const q of ["/srv/store/app/db", "/srv", "/other/x"]) {
      strictEqual(
        mine.relative(p, q, "/work/dir"),
        posix.relative(posix.resolve("/work/dir", p), q),
        `relative ${p} ${q}`,
      );
    }
  }
});

Deno.test("paths: normalize, join and dirname agree with node:path (Windows)", () => {
  const mine = pathsFor(true);
  for (const p of WINDOWS_PATHS) {
    strictEqual(
      mine.normalize(p),
      win32.normalize(p).replace(/([^\\:])\\$/, "$1"),
      `normalize ${p}`,
    );
    strictEqual(mine.isAbsolute(p), win32.isAbsolute(p), `isAbsolute ${p}`);
    strictEqual(mine.join(p, "x", "..\\y"), win32.join(p, "x", "..\\y"), `join ${p}`);
    strictEqual(mine.dirname(p), win32.dirname(win32.normalize(p)), `dirname ${p}`);
    strictEqual(
      mine.resolve(p, "C:\\work\\dir"),
      win32.resolve("C:\\work\\dir", p),
      `resolve ${p}`,
    );
  }
  strictEqual(mine.relative("C:\\store", "C:\\store\\app\\db", "C:\\"), "app\\db");
  strictEqual(mine.relative("C:\\store", "c:\\STORE\\app", "C:\\"), "app");
  strictEqual(mine.relative("C:\\store\\a", "C:\\store\\b\\c", "C:\\"), "..\\b\\c");
});

Deno.test("paths: this machine's functions", () => {
  strictEqual(resolve("."), Deno.cwd());
  strictEqual(join(Deno.cwd(), "a", "b"), resolve("a/b"));
  strictEqual(dirname(join(Deno.cwd(), "a")), Deno.cwd());
  strictEqual(relative(Deno.cwd(), join(Deno.cwd(), "a", "b")), join("a", "b"));
  deepStrictEqual(
    [pathsFor(false).dirname("/"), pathsFor(false).dirname("a"), pathsFor(true).dirname("C:\\")],
    ["/", ".", "C:\\"],
  );
});
