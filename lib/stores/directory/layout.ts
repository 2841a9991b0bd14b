/**
 * Where the directory store keeps each version, as pure functions of names and versions, for
 * POSIX and Windows paths alike.
 *
 * The current layout: each `/`-separated segment of a name is a folder, and each version is a
 * file in its name's folder named `@` and the version: `shard/@1` is version 1 of `shard`, and
 * `shard/1/@1` version 1 of the name `shard/1`. No folder name starts with `@`, so a version
 * and a name never want the same path.
 *
 * Segments and versions are written so that every name is a valid file name on Windows, macOS
 * and Linux alike, and a store can move between them: letters and digits of any script, the
 * space and `. _ - + = @` stay as they are; every other character (`:`, and anything a name
 * from elsewhere may hold, such as `\`) is written as `%XX` per UTF-8 byte (upper-case hex), as
 * are a leading `@`, a trailing `.` or space, and the first letter of a Windows device name
 * (`CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9`, with or without an extension). A
 * file name is read back only if writing its decoded text gives it again, so each name and
 * version has exactly one file name.
 *
 * The earlier layout (`<name>/<version>`, unencoded) is still read: there a version is a file
 * whose name neither starts with `@` nor is a temporary file.
 *
 * @example Paths of a name and of a longer name that looks like one of its versions
 * ```ts
 * import { currentPath } from "./layout.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(currentPath("shard", "1"), ["shard", "@1"]);
 * deepStrictEqual(currentPath("shard/1", "1"), ["shard", "1", "@1"]);
 * deepStrictEqual(currentPath("db:prod/con", "2"), ["db%3Aprod", "%63on", "@2"]);
 * ```
 *
 * @module
 */
import { pathsFor } from "../../core/paths.ts";
import { StoreError, UsageError } from "../../core/errors.ts";

/** The first character of every version file in the current layout. */
export const VERSION_MARK = "@";

/** The start of a temporary file, which becomes a version only once linked to its name. */
export const TEMP_PREFIX = ".creds3-tmp-";

const KEPT = /^[\p{L}\p{M}\p{Nd} ._\-+=@]$/u;
/** Text written as it is: kept characters only, no leading `@`, no trailing `.` or space. */
const AS_IS = /^(?!@)[\p{L}\p{M}\p{Nd} ._\-+=@]*(?<![. ])$/u;
const DEVICE = /^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])$/i;
// deno-lint-ignore no-control-regex
const WINDOWS_FORBIDDEN = /[<>:"/\\|?*\x00-\x1f]/;

/** Whether a file name is a Windows device name, with or without an extension. */
function isDevice(file: string): boolean {
  const dot = file.indexOf(".");
  return DEVICE.test((dot < 0 ? file : file.slice(0, dot)).replace(/ +$/, ""));
}

function percent(text: string): string {
  return [...new TextEncoder().encode(text)]
    .map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
}

/** The file name of one name segment or version (see the module's rules); `""` for `""`. */
export function encodeComponent(text: string): string {
  if (AS_IS.test(text)) return isDevice(text) ? percent(text[0]) + text.slice(1) : text;
  const chars = [...text];
  let out = chars.map((c, i) =>
    KEPT.test(c) && !(i === 0 && c === VERSION_MARK) &&
      !(i === chars.length - 1 && (c === "." || c === " "))
      ? c
      : percent(c)
  ).join("");
  if (isDevice(out)) out = percent(out[0]) + out.slice(1);
  return out;
}

/** The segment or version a file name stands for, or `undefined` when it is not one. */
export function decodeComponent(file: string): string | undefined {
  if (file === "") return undefined;
  if (!file.includes("%")) return encodeComponent(file) === file ? file : undefined;
  const bytes: number[] = [];
  for (let i = 0; i < file.length;) {
    if (file[i] === "%") {
      const hex = file.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else {
      const c = String.fromCodePoint(file.codePointAt(i)!);
      bytes.push(...new TextEncoder().encode(c));
      i += c.length;
    }
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      new Uint8Array(bytes),
    );
  } catch {
    return undefined;
  }
  return encodeComponent(text) === file ? text : undefined;
}

/** The file name of a version in the current layout. */
export function versionFile(version: string): string {
  return VERSION_MARK + encodeComponent(version);
}

/** The version a current-layout file name stands for, or `undefined` when it is not one. */
export function parseVersionFile(file: string): string | undefined {
  return file.startsWith(VERSION_MARK) ? decodeComponent(file.slice(1)) : undefined;
}

/** Whether a file could be a version in the earlier layout (the file name is the version). */
export function isEarlierVersionFile(file: string): boolean {
  return !file.startsWith(VERSION_MARK) && !file.startsWith(TEMP_PREFIX);
}

/** The name's segments, refused when one is empty, `.` or `..`. */
function segments(name: string): string[] {
  const parts = name.split("/");
  if (parts.some((s) => s === "" || s === "." || s === "..")) {
    throw new UsageError(
      `Credential name ${JSON.stringify(name)} has an empty, '.' or '..' segment`,
      { secret: { name } },
    );
  }
  return parts;
}

/**
 * The path, relative to the store root, of a name's folder (no `version`) or of one of its
 * versions, in the current layout. Throws `UsageError` for a name with an empty, `.` or `..`
 * segment or an empty version.
 */
export function currentPath(name: string, version?: string): string[] {
  const folders = segments(name).map(encodeComponent);
  if (version === undefined) return folders;
  if (version === "") throw new UsageError("Version is empty", { secret: { name } });
  return [...folders, versionFile(version)];
}

/**
 * The path in the earlier layout, or `undefined` when that layout cannot hold it on this
 * platform (a segment or version that is no file name there, starts with `@`, or is a
 * temporary file's name): then it is not in the store.
 */
export function earlierPath(
  name: string,
  version: string | undefined,
  windows: boolean,
): string[] | undefined {
  const parts = [...segments(name), ...(version === undefined ? [] : [version])];
  if (parts.some((p) => fileNameProblem(p, windows) !== undefined)) return undefined;
  if (version !== undefined && !isEarlierVersionFile(version)) return undefined;
  return parts;
}

/**
 * Why `component` cannot be one file or folder name on this platform (`windows` or POSIX), or
 * `undefined` when it can. On Windows: `< > : " / \ | ? *` and control characters, a trailing
 * `.` or space (Windows drops them, so `a.` would open `a`), and device names (`CON`,
 * `nul.txt`, `COM1`, ...), which name devices, not files.
 */
export function fileNameProblem(component: string, windows: boolean): string | undefined {
  if (component === "") return "is empty";
  if (component === "." || component === "..") return `is '${component}'`;
  if (component.includes("\0")) return "contains a NUL character";
  if (!windows) return component.includes("/") ? "contains '/'" : undefined;
  const forbidden = WINDOWS_FORBIDDEN.exec(component);
  if (forbidden) return `contains ${JSON.stringify(forbidden[0])}, which Windows does not allow`;
  if (/[. ]$/.test(component)) return "ends with '.' or a space, which Windows drops";
  if (isDevice(component)) return "is a device name on Windows";
  return undefined;
}

/**
 * The absolute path of `components` under `root` (`root` itself for none), checked: every
 * component is one file name on the platform and the result is below `root`. Throws
 * `StoreError` otherwise.
 */
export function pathInside(root: string, components: readonly string[], windows: boolean): string {
  const paths = pathsFor(windows);
  for (const c of components) {
    const problem = fileNameProblem(c, windows);
    if (problem) {
      throw new StoreError(`Refused the path '${components.join("/")}': '${c}' ${problem}`);
    }
  }
  const path = paths.join(root, ...components);
  if (components.length > 0 && !paths.contains(root, path)) {
    throw new StoreError(`Refused the path '${components.join("/")}': it leads out of '${root}'`);
  }
  return path;
}

/**
 * Whether two different names (or versions) are one on a file system that ignores case
 * (Windows, and macOS by default): equal once both are in lower case, or both in upper case.
 */
export function foldsTogether(a: string, b: string): boolean {
  return a !== b && (a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase());
}
