/** Where `writeFileAtomic` puts its temporary file, for POSIX and Windows paths. */
import { strictEqual, throws } from "node:assert/strict";
import { atomicTempPath } from "../../lib/cli/atomic_file.ts";

Deno.test("atomic file: the temporary file is beside the target, for POSIX paths", () => {
  const cases: [string, string][] = [
    ["out.env", ".out.env.X.tmp"],
    ["./out.env", "./.out.env.X.tmp"],
    ["/srv/app/out.env", "/srv/app/.out.env.X.tmp"],
    ["/out.env", "/.out.env.X.tmp"],
    ["dir//out.env", "dir//.out.env.X.tmp"],
    // A backslash is part of a POSIX file name.
    ["dir/a\\b.env", "dir/.a\\b.env.X.tmp"],
  ];
  for (const [path, temp] of cases) strictEqual(atomicTempPath(path, "X", false), temp, path);
  for (const path of ["dir/", "/", ".", "..", "dir/..", ""]) {
    throws(() => atomicTempPath(path, "X", false), /names a folder, not a file/, path);
  }
});

Deno.test("atomic file: the temporary file is beside the target, for Windows paths", () => {
  const cases: [string, string][] = [
    ["out.env", ".out.env.X.tmp"],
    ["C:\\Users\\me\\app\\out.env", "C:\\Users\\me\\app\\.out.env.X.tmp"],
    ["C:/Users/me/out.env", "C:/Users/me/.out.env.X.tmp"],
    ["C:\\out.env", "C:\\.out.env.X.tmp"],
    ["C:out.env", "C:.out.env.X.tmp"],
    ["..\\out.env", "..\\.out.env.X.tmp"],
    ["\\\\server\\share\\dir\\out.env", "\\\\server\\share\\dir\\.out.env.X.tmp"],
    ["\\\\server\\share\\out.env", "\\\\server\\share\\.out.env.X.tmp"],
    ["dir/sub\\out.env", "dir/sub\\.out.env.X.tmp"],
  ];
  for (const [path, temp] of cases) strictEqual(atomicTempPath(path, "X", true), temp, path);
  for (const path of ["C:\\dir\\", "C:\\", "C:", "dir\\..", "\\\\server\\share\\", ""]) {
    throws(() => atomicTempPath(path, "X", true), /names a folder, not a file/, path);
  }
});
