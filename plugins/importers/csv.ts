/**
 * CSV importer: `name,value` records as `getall -f csv` and `export -f csv` write them (RFC
 * 4180, no header row), with the `'` that defuses a formula-like name cell removed.
 *
 * @module
 */

import { csvCellName } from "../csv_cells.ts";
import { type FileEntry, FileSyntaxError, type Importer } from "./types.ts";

/** A field without quotes: up to the next comma, line end or end of text. */
const UNQUOTED = /[^,\r\n"]*/y;

/**
 * Reads `name,value` records: fields separated by `,`, records by CRLF or LF; a field in
 * double quotes may hold `,`, CR, LF and `""` (one `"`); a field without quotes may hold none
 * of them, nor `"`. Every record has exactly two fields. Empty lines are skipped; there is no
 * header row. The name cell is read back with `csvCellName` (`plugins/csv_cells.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvImporter } from "./csv.ts";
 *
 * assert.deepEqual(csvImporter.parse(`'=x,"say ""hi"",\r\nbye"\r\n`), [
 *   { name: "=x", value: 'say "hi",\r\nbye', line: 1 },
 * ]);
 * ```
 */
export const csvImporter: Importer = {
  name: "csv",
  parse(text) {
    const entries: FileEntry[] = [];
    let pos = 0;
    let line = 1;
    const fail = (message: string): never => {
      throw new FileSyntaxError(line, message);
    };
    while (pos < text.length) {
      const start = line;
      if (text.startsWith("\n", pos) || text.startsWith("\r\n", pos)) {
        pos += text[pos] === "\n" ? 1 : 2;
        line++;
        continue;
      }
      const fields: string[] = [];
      for (;;) {
        if (text[pos] === '"') {
          let field = "";
          pos++;
          for (;;) {
            const quote = text.indexOf('"', pos);
            if (quote < 0) {
              line = start;
              fail("a quoted field is not closed");
            }
            const chunk = text.slice(pos, quote);
            for (let i = chunk.indexOf("\n"); i >= 0; i = chunk.indexOf("\n", i + 1)) line++;
            field += chunk;
            pos = quote + 1;
            if (text[pos] !== '"') break;
            field += '"';
            pos++;
          }
          fields.push(field);
        } else {
          UNQUOTED.lastIndex = pos;
          UNQUOTED.test(text);
          if (text[UNQUOTED.lastIndex] === '"') fail("a field without quotes holds a quote");
          fields.push(text.slice(pos, UNQUOTED.lastIndex));
          pos = UNQUOTED.lastIndex;
        }
        if (text[pos] === ",") {
          pos++;
          continue;
        }
        if (pos >= text.length) break;
        if (text[pos] === "\n" || text.startsWith("\r\n", pos)) {
          pos += text[pos] === "\n" ? 1 : 2;
          line++;
          break;
        }
        fail(
          text[pos] === "\r"
            ? "a carriage return outside quotes"
            : "text after the closing quote of a field",
        );
      }
      if (fields.length !== 2) {
        line = start;
        fail(`a record of ${fields.length} fields: each record is name,value`);
      }
      entries.push({ name: csvCellName(fields[0]), value: fields[1], line: start });
    }
    return entries;
  },
};
