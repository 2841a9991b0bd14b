/**
 * Shell importer: the `export KEY='value'` lines `getall -f shell` and `export -f shell` write
 * (see `plugins/shell.ts`): each value is single-quoted text, with a `'` written as `'\''`, so
 * any value but one with a NUL character is carried, line feeds and carriage returns included.
 * Only that quoting is read: a value is a run of `'...'` pieces and `\'`, and nothing a shell
 * would expand. `export ` may be left out; blank lines and `#` comment lines are skipped. Keys
 * are environment variable names, and they are the names the secrets are stored under.
 *
 * @module
 */

import { readEnvLines, type ValueReader } from "./env_lines.ts";
import type { Importer } from "./types.ts";

const readValue: ValueReader = (text, start, _lineEnd, fail) => {
  let value = "";
  let p = start;
  for (;;) {
    if (text[p] === "'") {
      const close = text.indexOf("'", p + 1);
      if (close < 0) fail("the single quote is not closed");
      value += text.slice(p + 1, close);
      p = close + 1;
    } else if (text.startsWith("\\'", p)) {
      value += "'";
      p += 2;
    } else {
      break;
    }
  }
  if (p === start && !/^(?:[ \t]|\n|$)/.test(text.slice(p, p + 1))) {
    fail("a value that is not in single quotes");
  }
  if (text[p] === "\r") fail("a carriage return after the value (Windows line ends?)");
  if (p !== start && text[p] !== undefined && !/[ \t\n]/.test(text[p])) {
    fail("a value that is not only single-quoted text and \\'");
  }
  return { value, end: p };
};

/**
 * Reads `export KEY='value'` lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shellImporter } from "./shell.ts";
 *
 * assert.deepEqual(shellImporter.parse("export TOKEN='a'\\''b'\n"), [
 *   { name: "TOKEN", value: "a'b", line: 1 },
 * ]);
 * ```
 */
export const shellImporter: Importer = {
  name: "shell",
  parse: (text) => readEnvLines(text, readValue),
};
