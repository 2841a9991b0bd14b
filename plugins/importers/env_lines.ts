/**
 * What the dotenv and shell importers share: files of `KEY=value` lines, optionally preceded
 * by `export `, with blank lines and `#` comment lines between them. Each format reads the
 * value after `=` its own way.
 *
 * @module
 */

import { type FileEntry, FileSyntaxError } from "./types.ts";

/** A variable name as both `dotenv` and a POSIX shell accept it. */
const KEY = /[A-Za-z_][A-Za-z0-9_]*/y;
const BLANKS = /[ \t]*/y;
/** What may follow a quoted value on its line: blanks, then a comment after a blank. */
const LINE_END = /(?:[ \t]+#[^\n]*|[ \t]*)(?:\n|$)/y;

/** Where a value read from `text` ends, and the value. */
export interface ReadValue {
  value: string;
  /** The offset right after the value. */
  end: number;
}

/**
 * Reads the value that starts at `start` (right after `=`); throws with `fail` when the
 * value is not in the format. `lineEnd` is the offset of the line's end (its `\n`, or the
 * text's end).
 */
export type ValueReader = (
  text: string,
  start: number,
  lineEnd: number,
  fail: (message: string) => never,
) => ReadValue;

function skip(pattern: RegExp, text: string, from: number): number {
  pattern.lastIndex = from;
  return pattern.test(text) ? pattern.lastIndex : from;
}

/** The line numbers of line feeds from `from` to `to`: how many there are. */
function lineFeeds(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

/**
 * Reads `[export ]KEY=VALUE` lines, blank lines and `#` comment lines; a value may span lines
 * where `readValue` allows it. After the value, only blanks and a comment after a blank may
 * follow on its line (`KEY='a'#b` is refused: sh reads `a#b`, dotenv `a`). A NUL character is
 * refused anywhere: no environment variable can hold one.
 */
export function readEnvLines(text: string, readValue: ValueReader): FileEntry[] {
  const entries: FileEntry[] = [];
  let line = 1;
  const fail = (message: string): never => {
    throw new FileSyntaxError(line, message);
  };
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    line += lineFeeds(text, 0, nul);
    fail("a NUL character, which no environment variable can hold");
  }
  let pos = 0;
  while (pos < text.length) {
    const found = text.indexOf("\n", pos);
    const lineEnd = found < 0 ? text.length : found;
    let p = skip(BLANKS, text, pos);
    if (p === lineEnd || text[p] === "#") {
      pos = lineEnd + 1;
      line++;
      continue;
    }
    if (text.startsWith("export", p) && /[ \t]/.test(text[p + 6] ?? "")) {
      p = skip(BLANKS, text, p + 6);
    }
    KEY.lastIndex = p;
    const key = KEY.exec(text)?.[0];
    if (key === undefined) fail("not a KEY=value line");
    p += key!.length;
    if (text[p] !== "=") {
      fail(
        /[ \t]/.test(text[p] ?? "") && text[skip(BLANKS, text, p)] === "="
          ? "a space before '=' (sh would run a command)"
          : "not a KEY=value line, or the key is not an environment variable name",
      );
    }
    const { value, end } = readValue(text, p + 1, lineEnd, fail);
    const startLine = line;
    line += lineFeeds(text, p + 1, end);
    LINE_END.lastIndex = end;
    if (!LINE_END.test(text)) fail("text after the value");
    entries.push({ name: key!, value, line: startLine });
    pos = LINE_END.lastIndex;
    line++;
  }
  return entries;
}
