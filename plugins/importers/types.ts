/**
 * The importer interface: one pure function from the text of a file to the names and values it
 * holds, with the line each starts on. The checks every format shares (valid names, no name
 * twice, string values) are made afterwards, on what the importer gives (see `read.ts`).
 *
 * @module
 */

/** What a file holds where a value should be: a string, or a description of what it is instead. */
export type FileValue = string | { readonly notString: string };

/** One name and its value as a file gives them. */
export interface FileEntry {
  /** The name as written in the file (a CSV name cell already undefused). */
  readonly name: string;
  readonly value: FileValue;
  /** The 1-based line the entry starts on. */
  readonly line: number;
}

/**
 * The file is not in the format: `line` says where. The message says what is wrong and never
 * quotes the file's text, which may be a secret.
 */
export class FileSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = "FileSyntaxError";
  }
}

/**
 * Reads one file format: pure, no I/O. Every entry of the file is given, in file order, a
 * name given twice included; text the format does not allow is a {@link FileSyntaxError}.
 */
export interface Importer {
  /** The format's name on the command line, e.g. `"json"`. */
  readonly name: string;
  /**
   * Reads the whole text (without a byte order mark).
   *
   * @throws {FileSyntaxError} At the first thing that is not in the format.
   */
  parse(text: string): FileEntry[];
}
