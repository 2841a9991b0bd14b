/** Where `writeFileAtomic` puts its temporary file, for POSIX and Windows paths. */
import { strictEqual, throws } from "node:assert/strict";
import { atomicTempPath } from "../../lib/cli/atomic_file.ts";

/** Per kind of path: targets with the temporary file beside each, and paths naming a folder. */
const PLATFORMS = [
  {
    label: "POSIX",
    windows: false,
    beside: [
      ["out.env", ".out.env.X.tmp"],
      ["./out.env", "./.out.env.X.tmp"],
      ["/srv/app/out.env", "/srv/app/.out.env.X.tmp"],
      ["/out.env", "/.out.env.X.tmp"],
      ["dir//out.env", "dir//.out.env.X.tmp"],
      // A backslash is part of a POSIX file name.
      ["dir/a\\b.env", "dir/.a\\b.env.X.tmp"],
    ],
    folders: ["dir/", "/", ".", "..", "dir/..", ""],
  },
  {
    label: "Windows",
    windows: true,
    beside: [
      ["out.env", ".out.env.X.tmp"],
      ["C:\\Users\\me\\app\\out.env", "C:\\Users\\me\\app\\.out.env.X.tmp"],
      ["C:/Users/me/out.env", "C:/Users/me/.out.env.X.tmp"],
      ["C:\\out.env", "C:\\.out.env.X.tmp"],
      ["C:out.env", "C:.out.env.X.tmp"],
      ["..\\out.env", "..\\.out.env.X.tmp"],
      ["\\\\server\\share\\dir\\out.env", "\\\\server\\share\\dir\\.out.env.X.tmp"],
      ["\\\\server\\share\\out.env", "\\\\server\\share\\.out.env.X.tmp"],
      ["dir/sub\\out.env", "dir/sub\\.out.env.X.tmp"],
    ],
    folders: ["C:\\dir\\", "C:\\", "C:", "dir\\..", "\\\\server\\share\\", ""],
  },
];

for (const { label, windows, beside, folders } of PLATFORMS) {
  Deno.test(`atomic file: the temporary file is beside the target, for ${label} paths`, () => {
    for (const [path, temp] of beside) strictEqual(atomicTempPath(path, "X", windows), temp, path);
    for (const path of folders) {
      throws(() => atomicTempPath(path, "X", windows), /names a folder, not a file/, path);
    }
  });
}
