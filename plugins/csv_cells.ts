/**
 * CSV name cells: how the `csv` format defuses a name a spreadsheet would take for a formula,
 * and how the reader undoes exactly that. No CSV library is loaded here, so the reader needs none.
 *
 * @module
 */

// A cell starting with one of these is a formula to spreadsheets (Excel, LibreOffice, Google
// Sheets); a leading `'` also, so that the defusing can be undone without doubt.
const FORMULA_START = /^[=+\-@\t\r']/;

/**
 * A name as its CSV cell: a name a spreadsheet would take for a formula (starting with `=`,
 * `+`, `-`, `@`, a tab or a carriage return), or one starting with `'`, gets a leading `'`.
 * {@linkcode csvCellName} gives the name back.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvNameCell } from "./csv_cells.ts";
 *
 * assert.equal(csvNameCell('=HYPERLINK("http://x")'), `'=HYPERLINK("http://x")`);
 * assert.equal(csvNameCell("db/password"), "db/password");
 * ```
 */
export function csvNameCell(name: string): string {
  return FORMULA_START.test(name) ? `'${name}` : name;
}

/**
 * The name a CSV name cell stands for: the `'` that {@linkcode csvNameCell} adds is removed,
 * and only that one (a `'` followed by `=`, `+`, `-`, `@`, a tab, a carriage return or `'`).
 * Any other cell is the name as it is, so a file written by another program, where `-x` or
 * `@x` was never defused, reads as written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { csvCellName, csvNameCell } from "./csv_cells.ts";
 *
 * assert.equal(csvCellName(csvNameCell("=SUM(A1)")), "=SUM(A1)");
 * assert.equal(csvCellName(csvNameCell("'quoted")), "'quoted");
 * assert.equal(csvCellName("-not-defused"), "-not-defused");
 * ```
 */
export function csvCellName(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
