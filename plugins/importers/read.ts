/**
 * Reading a file to import: its format's reader, then the checks every format shares. The
 * whole file is read and checked before anything is stored, and every problem is reported
 * with its line, never with the file's text (values are secrets; names are shown).
 *
 * @module
 */
import { fromBase64, toBase64 } from "../../lib/core/encoding.ts";
import { Creds3Error } from "../../lib/core/errors.ts";
import type { ImportEntry } from "../../lib/core/import.ts";
import { validateName } from "../../lib/core/names.ts";
import { loadImporter } from "./registry.ts";
import { FileSyntaxError } from "./types.ts";

/** Something wrong in a file to import, and its line. */
export interface ImportProblem {
  readonly line: number;
  /** What is wrong, naming the name concerned (never a value), e.g. `'port': the value is a number`. */
  readonly message: string;
}

/** An entry to import and the line it is on. */
export interface FileImportEntry extends ImportEntry {
  readonly line: number;
}

/** What a file holds: entries to import when there is no problem. */
export interface ImportFile {
  /** Every valid entry, in file order. */
  entries: FileImportEntry[];
  /** Every problem found, by line; nothing may be imported when there is one. */
  problems: ImportProblem[];
}

/** Options of {@linkcode readImportFile}. */
export interface ReadImportOptions {
  /** Every value is the standard base64 text of bytes, to store as a binary secret. */
  binary?: boolean;
  /** Put before every name in the file (e.g. `app/prod/`). */
  prefix?: string;
}

/** A name as messages show it: quoted, and cut after 80 characters. */
function shown(name: string): string {
  return `'${name.length > 80 ? `${name.slice(0, 80)}...` : name}'`;
}

/**
 * Reads the text of a file in `format` (a byte order mark at its start is ignored) and checks
 * it: each name (with `prefix`) is a valid name for `put`, given once; each value is a string
 * of valid Unicode and, with `binary`, standard base64 (kept in its canonical form, so the
 * same bytes always compare equal). A syntax error stops the reading: it is the last problem.
 *
 * @throws {UsageError} For an unknown format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readImportFile } from "./read.ts";
 *
 * const file = await readImportFile('{"a": "1", "a": "2", "b": 3}', "json");
 * assert.deepEqual(file.entries, [{ name: "a", value: "1", line: 1 }]);
 * assert.deepEqual(file.problems.map((p) => p.message), [
 *   "'a' is given again (first on line 1)",
 *   "'b': the value is a number, not a string",
 * ]);
 * ```
 */
export async function readImportFile(
  text: string,
  format: string,
  options: ReadImportOptions = {},
): Promise<ImportFile> {
  const importer = await loadImporter(format);
  const file: ImportFile = { entries: [], problems: [] };
  let read;
  try {
    read = importer.parse(text.startsWith("\ufeff") ? text.slice(1) : text);
  } catch (e) {
    if (!(e instanceof FileSyntaxError)) throw e;
    file.problems.push({ line: e.line, message: e.message });
    return file;
  }
  const first = new Map<string, number>();
  const problem = (line: number, message: string) => file.problems.push({ line, message });
  for (const { name: key, value, line } of read) {
    const name = (options.prefix ?? "") + key;
    try {
      validateName(name);
    } catch (e) {
      if (!(e instanceof Creds3Error)) throw e;
      problem(line, `${shown(name)}: ${e.message[0].toLowerCase()}${e.message.slice(1)}`);
      continue;
    }
    const earlier = first.get(name);
    if (earlier !== undefined) {
      problem(line, `${shown(name)} is given again (first on line ${earlier})`);
      continue;
    }
    first.set(name, line);
    if (typeof value !== "string") {
      problem(line, `${shown(name)}: the value is ${value.notString}, not a string`);
    } else if (!value.isWellFormed()) {
      problem(line, `${shown(name)}: the value is not valid Unicode (a lone surrogate)`);
    } else if (options.binary) {
      let canonical: string;
      try {
        canonical = toBase64(fromBase64(value));
      } catch {
        problem(line, `${shown(name)}: the value is not standard base64 text`);
        continue;
      }
      file.entries.push({ name, value: canonical, binary: true, line });
    } else {
      file.entries.push({ name, value, line });
    }
  }
  return file;
}
