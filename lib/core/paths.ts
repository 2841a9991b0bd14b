/**
 * File path helpers (join, resolve, dirname, relative) for POSIX and Windows paths: the few
 * that the local store and key need. `node:path` does the same, but loading it starts Deno's
 * Node compatibility layer, about 25 ms on every command; these load nothing.
 *
 * @example Paths on this machine, and Windows paths anywhere
 * ```ts
 * import { join, pathsFor } from "./paths.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * if (Deno.build.os !== "windows") strictEqual(join("/srv/store", "app", "../db"), "/srv/store/db");
 * strictEqual(pathsFor(true).join("C:\\store", "app/db"), "C:\\store\\app\\db");
 * ```
 *
 * @module
 */

/** The path functions of one flavor of paths. */
export interface Paths {
  /** The separator: `/` or `\`. */
  sep: string;
  /** Whether `path` is absolute (`/x`; `C:\x`, `\\server\share\x` or `\x`). */
  isAbsolute(path: string): boolean;
  /** `.` and `..` resolved, separators made one. */
  normalize(path: string): string;
  /** The parts joined with the separator, normalized. */
  join(...parts: string[]): string;
  /** `path` made absolute against `cwd` and normalized. */
  resolve(path: string, cwd: string): string;
  /** The folder of `path` (the root for the root). */
  dirname(path: string): string;
  /** The path from `from` to `to`, both made absolute against `cwd`. */
  relative(from: string, to: string, cwd: string): string;
  /** The last part of `path` as written: empty when it ends with a separator or is a root. */
  basename(path: string): string;
  /**
   * Whether `path` is strictly below the absolute folder `root` once both are normalized (`..`
   * resolved; on Windows without regard to case): nothing in it leads out of `root`.
   */
  contains(root: string, path: string): boolean;
}

/** The path functions for Windows paths (`windows`) or POSIX ones. */
export function pathsFor(windows: boolean): Paths {
  const sep = windows ? "\\" : "/";
  const isSep = windows ? (c: string) => c === "/" || c === "\\" : (c: string) => c === "/";

  /** The root (`/`, `C:\`, `\\server\share\`, `C:`) and the rest. */
  const splitRoot = (path: string): [string, string] => {
    if (!windows) return path.startsWith("/") ? ["/", path.slice(1)] : ["", path];
    const unc = /^[\\/]{2}([^\\/]+)[\\/]+([^\\/]+)(?:[\\/]+|$)/.exec(path);
    if (unc) return [`\\\\${unc[1]}\\${unc[2]}\\`, path.slice(unc[0].length)];
    const drive = /^([A-Za-z]:)([\\/]?)/.exec(path);
    if (drive) {
      return [drive[1] + (drive[2] ? "\\" : ""), path.slice(drive[0].length)];
    }
    return isSep(path[0] ?? "") ? ["\\", path.slice(1)] : ["", path];
  };

  const isAbsolute = (path: string) => {
    const [root] = splitRoot(path);
    return root !== "" && (!windows || isSep(root[root.length - 1]));
  };

  const normalize = (path: string) => {
    const [root, rest] = splitRoot(path);
    const out: string[] = [];
    for (const part of rest.split(windows ? /[\\/]+/ : /\/+/)) {
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
        else if (!isAbsolute(root)) out.push("..");
        continue;
      }
      out.push(part);
    }
    const body = out.join(sep);
    return root + body || ".";
  };

  const join = (...parts: string[]) => normalize(parts.filter((p) => p !== "").join(sep));

  const resolve = (path: string, cwd: string) => {
    if (isAbsolute(path) && !(windows && path.length > 0 && isSep(path[0]) && !isSep(path[1]))) {
      return normalize(path);
    }
    const [root, rest] = splitRoot(path);
    const [cwdRoot] = splitRoot(cwd);
    // Windows: `\x` is on the working directory's drive; `D:x` is relative to D:'s root unless
    // the working directory is on D:.
    if (root === "\\") return normalize(cwdRoot.slice(0, 2) + path);
    if (root !== "" && root.toLowerCase() !== cwdRoot.slice(0, 2).toLowerCase()) {
      return normalize(`${root}\\${rest}`);
    }
    return normalize(`${cwd}${sep}${rest}`);
  };

  const dirname = (path: string) => {
    const normal = normalize(path);
    const [root, rest] = splitRoot(normal);
    const cut = rest.lastIndexOf(sep);
    if (cut < 0) return root || ".";
    return root + rest.slice(0, cut);
  };

  const relative = (from: string, to: string, cwd: string) => {
    const a = resolve(from, cwd);
    const b = resolve(to, cwd);
    const same = (x: string, y: string) => windows ? x.toLowerCase() === y.toLowerCase() : x === y;
    const [rootA, restA] = splitRoot(a);
    const [rootB, restB] = splitRoot(b);
    if (!same(rootA, rootB)) return b;
    const partsA = restA ? restA.split(sep) : [];
    const partsB = restB ? restB.split(sep) : [];
    let common = 0;
    while (
      common < partsA.length && common < partsB.length && same(partsA[common], partsB[common])
    ) common++;
    return [...partsA.slice(common).map(() => ".."), ...partsB.slice(common)].join(sep);
  };

  const basename = (path: string) => {
    const [, rest] = splitRoot(path);
    const parts = rest.split(windows ? /[\\/]/ : /\//);
    return parts[parts.length - 1];
  };

  const contains = (root: string, path: string) => {
    const fold = (p: string) => windows ? normalize(p).toLowerCase() : normalize(p);
    const [inner, outer] = [fold(path), fold(root)];
    const prefix = outer.endsWith(sep) ? outer : outer + sep;
    return inner.length > prefix.length && inner.startsWith(prefix);
  };

  return { sep, isAbsolute, normalize, join, resolve, dirname, relative, basename, contains };
}

const native = pathsFor(Deno.build.os === "windows");

/** This machine's path separator. */
export const SEPARATOR: string = native.sep;

/** The parts joined with this machine's separator, normalized. */
export const join: (...parts: string[]) => string = native.join;

/** The folder of `path`. */
export const dirname: (path: string) => string = native.dirname;

/** `path` made absolute against the working directory, normalized. */
export function resolve(path: string): string {
  return native.resolve(path, Deno.cwd());
}

/** The path from `from` to `to`. */
export function relative(from: string, to: string): string {
  return native.relative(from, to, Deno.cwd());
}
