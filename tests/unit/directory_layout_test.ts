/**
 * The directory store's layout as pure functions: a version never has a folder's path, every
 * name maps to exactly one file name that is valid on Windows and POSIX, a name from elsewhere
 * (`..\..\.ssh`) never leads out of the store with Windows paths, and the earlier layout is
 * looked up only where it can exist.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { pathsFor } from "../../lib/core/paths.ts";
import {
  currentPath,
  decodeComponent,
  earlierPath,
  encodeComponent,
  fileNameProblem,
  foldsTogether,
  parseVersionFile,
  pathInside,
  versionFile,
} from "../../lib/stores/directory/layout.ts";
import { StoreError, UsageError } from "../../lib/core/errors.ts";

/** Segments a name may hold, valid for `put` or read from elsewhere. */
const TRICKY = [
  "app",
  "db:prod",
  "CON",
  "con.txt",
  "Nul",
  "aux.tar.gz",
  "COM1",
  "lpt9.log",
  "CON .txt",
  "console",
  "dot.",
  "trailing ",
  " leading",
  "...",
  "@scope",
  "a@b",
  "e+f=g@h:i",
  "Grüße",
  "名前",
  "٣٤٥",
  "..\\..\\.ssh",
  "C:\\Windows",
  "a%41",
  "100%",
  "x*y?z",
  'q"<>|',
  "tab\there",
  "\u0000nul",
  "emoji🔑",
  ".creds3-tmp-x",
  ".env",
  "1",
  "01",
];

Deno.test("layout: a version file never has the path of a name's folder", () => {
  deepStrictEqual(currentPath("shard", "1"), ["shard", "@1"]);
  deepStrictEqual(currentPath("shard/1", "1"), ["shard", "1", "@1"]);
  deepStrictEqual(currentPath("shard/1"), ["shard", "1"]);
  deepStrictEqual(currentPath("@1", "1"), ["%401", "@1"]);
  for (const name of TRICKY) {
    for (const folder of currentPath(`${name}/x`)) ok(!folder.startsWith("@"), folder);
    ok(versionFile(name).startsWith("@"));
  }
});

Deno.test("layout: each segment and version has exactly one file name, valid on Windows", () => {
  const seen = new Map<string, string>();
  for (const text of TRICKY) {
    const file = encodeComponent(text);
    strictEqual(fileNameProblem(file, true), undefined, `${JSON.stringify(text)} -> ${file}`);
    strictEqual(fileNameProblem(file, false), undefined, file);
    strictEqual(decodeComponent(file), text, file);
    strictEqual(parseVersionFile(versionFile(text)), text);
    ok(!seen.has(file), `${text} and ${seen.get(file)} share ${file}`);
    seen.set(file, text);
  }
  deepStrictEqual(
    ["db:prod", "CON", "con.txt", "dot.", "@scope", "..\\..\\.ssh", "100%"].map(encodeComponent),
    ["db%3Aprod", "%43ON", "%63on.txt", "dot%2E", "%40scope", "..%5C..%5C.ssh", "100%25"],
  );
  // A file name that is not how its text is written stands for nothing.
  for (const file of ["db:prod", "CON", "dot.", "@x", "%3a", "%4", "%ZZ", "%41", "%FF", ""]) {
    strictEqual(decodeComponent(file), undefined, file);
  }
  strictEqual(parseVersionFile("1"), undefined);
  strictEqual(parseVersionFile(".creds3-tmp-x"), undefined);
});

Deno.test("layout: names that cannot be files on Windows, and on POSIX", () => {
  const windows: [string, RegExp | undefined][] = [
    ["app", undefined],
    [".env", undefined],
    ["console", undefined],
    ["con-x", undefined],
    ["CON", /device name/],
    ["con.txt", /device name/],
    ["Com1", /device name/],
    ["LPT9.log", /device name/],
    ["COM¹", /device name/],
    ["NUL .txt", /device name/],
    ["a.", /ends with/],
    ["a ", /ends with/],
    ["a:b", /":"/],
    ["..\\..\\.ssh", /"\\\\"/],
    ["a*b", /"\*"/],
    ["a\u0001", /does not allow/],
    ["", /empty/],
    ["..", /'\.\.'/],
  ];
  for (const [name, problem] of windows) {
    const found = fileNameProblem(name, true);
    if (problem === undefined) strictEqual(found, undefined, name);
    else ok(found !== undefined && problem.test(found), `${name}: ${found}`);
  }
  for (const name of ["CON", "a.", "a:b", "a\\b", "a*b"]) {
    strictEqual(fileNameProblem(name, false), undefined, name);
  }
  ok(fileNameProblem("a/b", false));
  ok(fileNameProblem("a\u0000b", false));
});

Deno.test("layout: '..\\..\\.ssh' stays inside the store with Windows paths", () => {
  const root = "C:\\Users\\me\\store";
  // The escape the earlier code allowed: Windows splits on '\' as well as '/'.
  ok(!pathsFor(true).contains(root, pathsFor(true).join(root, "..\\..\\.ssh", "id_ed25519")));
  throws(() => pathInside(root, ["..\\..\\.ssh", "id_ed25519"], true), StoreError);
  throws(() => pathInside(root, ["a:b"], true), /':' which Windows|":"/);
  throws(() => pathInside(root, ["CON"], true), /device name/);
  strictEqual(
    pathInside(root, currentPath("..\\..\\.ssh", "id_ed25519"), true),
    "C:\\Users\\me\\store\\..%5C..%5C.ssh\\@id_ed25519",
  );
  strictEqual(earlierPath("..\\..\\.ssh", "id_ed25519", true), undefined);
  strictEqual(earlierPath("db:prod", "1", true), undefined);
  strictEqual(earlierPath("app/con", "1", true), undefined);
  strictEqual(earlierPath("app", "1.", true), undefined);
  deepStrictEqual(earlierPath("app/db", "1", true), ["app", "db", "1"]);
  // On POSIX '\' and ':' are ordinary characters of one file name.
  deepStrictEqual(earlierPath("db:prod", "1", false), ["db:prod", "1"]);
  strictEqual(
    pathInside("/srv/store", earlierPath("..\\..\\.ssh", "id_ed25519", false)!, false),
    "/srv/store/..\\..\\.ssh/id_ed25519",
  );
  // '@...' and temporary files are not versions of the earlier layout.
  strictEqual(earlierPath("app", "@1", false), undefined);
  strictEqual(earlierPath("app", ".creds3-tmp-1", false), undefined);
  for (const name of ["", "a//b", "a/./b", "../x", "a/"]) {
    throws(() => currentPath(name, "1"), UsageError, name);
  }
  throws(() => currentPath("a", ""), UsageError);
});

Deno.test("layout: paths.contains for POSIX and Windows paths", () => {
  /** Whether each path is inside `store`, for POSIX or Windows paths. */
  const inside = (windows: boolean, store: string, cases: Record<string, boolean>) => {
    for (const [path, expected] of Object.entries(cases)) {
      strictEqual(pathsFor(windows).contains(store, path), expected, `${store} holds ${path}`);
    }
  };
  inside(false, "/srv/store", {
    "/srv/store/a": true,
    "/srv/store/a/../b": true,
    "/srv/store": false,
    "/srv/storex/a": false,
    "/srv/store/../x": false,
    "/srv/store/..x": true,
  });
  inside(true, "C:\\store", {
    "c:\\STORE\\a": true,
    "C:\\store\\a/../../x": false,
    "D:\\store\\a": false,
  });
  inside(true, "\\\\srv\\share\\store", {
    "\\\\srv\\share\\store\\a": true,
    "\\\\srv\\other\\store\\a": false,
  });
});

Deno.test("layout: names that are one under case folding", () => {
  ok(foldsTogether("App", "app"));
  ok(foldsTogether("GRÜSSE", "grüsse"));
  ok(foldsTogether("ΣΊΣΥΦΟΣ", "σίσυφοσ"));
  ok(!foldsTogether("app", "app"));
  ok(!foldsTogether("app", "apps"));
});
