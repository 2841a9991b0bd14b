/**
 * CSV exporter: `name,value` rows, no header.
 *
 * @module
 */

import { stringify } from "csv-stringify/sync";
import { csvNameCell } from "./csv_cells.ts";
import type { Exporter } from "./types.ts";

/**
 * Renders secrets as RFC 4180 CSV: one `name,value` record per secret, sorted
 * by name, no header row (as the original tool wrote it), CRLF record
 * separators, and fields quoted (with `""` for a quote) only when they hold a
 * quote, comma, CR or LF. No secrets gives empty output. Name cells are
 * defused against formulas ({@linkcode csvNameCell}); values are written
 * exactly as stored, since a value changed by one character is another secret.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvExporter } from "./csv.ts";
 *
 * assert.equal(csvExporter.render({ a: 'say "hi", bye' }), 'a,"say ""hi"", bye"\r\n');
 * ```
 */
export const csvExporter: Exporter = {
  name: "csv",
  description: "CSV rows of name,value (RFC 4180, no header)",
  envKeys: false,
  render(secrets) {
    const rows = Object.keys(secrets).sort().map((key) => [csvNameCell(key), secrets[key]]);
    if (rows.length === 0) return "";
    return stringify(rows, {
      header: false,
      record_delimiter: "windows",
      eof: true,
      // The writer only quotes its own record delimiter; a lone CR or LF must be quoted too.
      quoted_match: /[\r\n]/,
    });
  },
};
