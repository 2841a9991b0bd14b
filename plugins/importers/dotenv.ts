/**
 * dotenv importer: the `.env` dialect `getall -f dotenv` and `export -f dotenv` write (see
 * `plugins/dotenv.ts`), and plain `KEY=value` lines, read only where the `dotenv` package and
 * a POSIX shell (`set -a; . ./.env`) agree on the value:
 *
 * - `KEY='value'`: everything between the single quotes, line feeds included;
 * - `KEY="value"`: everything between the double quotes, refused when it holds `$`, a
 *   backtick, or a backslash before `n`, `r`, `\`, `"`, a line feed or the closing quote (the
 *   shell expands those, and `dotenv` turns `\n` into a line feed);
 * - `KEY=value` without quotes: the text up to the line's end or a ` #` comment, trailing
 *   blanks removed; refused when it holds a space or tab, or one of `$` `` ` `` `'` `"` `\`
 *   `#` `;` `&` `|` `<` `>` `(` `)`, or starts with `~` (each read differently by the two);
 * - `export ` before the key, blank lines and `#` comment lines; a comment after a closing
 *   quote or a value, after a blank.
 *
 * A carriage return anywhere is refused (`dotenv` drops it from line ends, the shell keeps
 * it), and so are a space around `=` and backtick quotes. Keys are environment variable names
 * (`[A-Za-z_][A-Za-z0-9_]*`), and they are the names the secrets are stored under.
 *
 * @module
 */

import { readEnvLines, type ValueReader } from "./env_lines.ts";
import { FileSyntaxError, type Importer } from "./types.ts";

const UNSAFE_BACKSLASH = /\\(?:[nr\\\n"]|$)/;
const UNSAFE_PLAIN = /[ \t$`'"\\#;&|<>()]|^~/;

const readValue: ValueReader = (text, start, lineEnd, fail) => {
  const quote = text[start];
  if (quote === "'" || quote === '"') {
    const close = text.indexOf(quote, start + 1);
    if (close < 0) fail(`the ${quote === "'" ? "single" : "double"} quote is not closed`);
    const value = text.slice(start + 1, close);
    if (quote === '"' && /[$`]/.test(value)) {
      fail("'$' or '`' in double quotes, which sh expands: use single quotes");
    }
    if (quote === '"' && UNSAFE_BACKSLASH.test(value)) {
      fail("a backslash escape in double quotes, which dotenv and sh read differently");
    }
    return { value, end: close + 1 };
  }
  if (quote === "`") fail("a value in backticks, which sh runs as a command: use single quotes");
  const raw = text.slice(start, lineEnd);
  const comment = raw.search(/[ \t]#/);
  const value = (comment < 0 ? raw : raw.slice(0, comment)).replace(/[ \t]+$/, "");
  if (/^[ \t]/.test(raw) && value !== "") fail("a space after '=' (sh would run a command)");
  if (UNSAFE_PLAIN.test(value)) {
    fail(
      "a value without quotes that holds a space or one of $ ` ' \" \\ # ; & | < > ( ) " +
        "or starts with ~, which dotenv and sh read differently: put it in single quotes",
    );
  }
  return { value, end: start + value.length };
};

/**
 * Reads a `.env` file (see the module documentation for what is accepted).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dotenvImporter } from "./dotenv.ts";
 *
 * assert.deepEqual(dotenvImporter.parse(`# app\nGREETING="it's me"\nexport PRICE='$5'\n`), [
 *   { name: "GREETING", value: "it's me", line: 2 },
 *   { name: "PRICE", value: "$5", line: 3 },
 * ]);
 * ```
 */
export const dotenvImporter: Importer = {
  name: "dotenv",
  parse(text) {
    const cr = text.indexOf("\r");
    if (cr >= 0) {
      throw new FileSyntaxError(
        text.slice(0, cr).split("\n").length,
        "a carriage return (Windows line ends?), which dotenv and sh read differently",
      );
    }
    return readEnvLines(text, readValue);
  },
};
