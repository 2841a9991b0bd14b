/**
 * JSON importer: one object of name to string value, as `getall -f json` and `export -f json`
 * write it.
 *
 * The reader is strict JSON (RFC 8259: no comments, no trailing commas) and is written here
 * rather than taken from `JSON.parse`, which keeps the last of two equal keys without a word
 * and knows no lines: this one gives every key with the line it is on, so a name given twice
 * and a value that is not a string (a number, `true`, `null`, an object, an array) are
 * reported by line.
 *
 * @module
 */

import { type FileEntry, FileSyntaxError, type FileValue, type Importer } from "./types.ts";

/** Objects and arrays nested deeper than this in a value are refused (they are refused anyway). */
const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

class JsonReader {
  #pos = 0;
  #line = 1;

  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new FileSyntaxError(this.#line, message);
  }

  space(): void {
    const { text } = this;
    for (; this.#pos < text.length; this.#pos++) {
      const c = text[this.#pos];
      if (c === "\n") this.#line++;
      else if (c !== " " && c !== "\t" && c !== "\r") return;
    }
  }

  peek(): string | undefined {
    return this.text[this.#pos];
  }

  expect(char: string, what: string): void {
    this.space();
    if (this.peek() !== char) this.fail(`expected ${what}`);
    this.#pos++;
  }

  string(): string {
    const { text } = this;
    this.#pos++; // the opening quote
    let out = "";
    let start = this.#pos;
    for (;;) {
      if (this.#pos >= text.length) this.fail("a string is not closed");
      const code = text.charCodeAt(this.#pos);
      if (code === 0x22) break;
      if (code < 0x20) this.fail("a control character in a string must be written as an escape");
      if (code !== 0x5c) {
        this.#pos++;
        continue;
      }
      out += text.slice(start, this.#pos);
      const escape = text[this.#pos + 1];
      if (escape === "u") {
        const hex = text.slice(this.#pos + 2, this.#pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("a \\u escape needs four hex digits");
        out += String.fromCharCode(parseInt(hex, 16));
        this.#pos += 6;
      } else if (escape !== undefined && Object.hasOwn(ESCAPES, escape)) {
        out += ESCAPES[escape];
        this.#pos += 2;
      } else {
        this.fail("a string has an invalid escape");
      }
      start = this.#pos;
    }
    out += text.slice(start, this.#pos);
    this.#pos++; // the closing quote
    return out;
  }

  /** Reads a value: a string as it is, anything else checked and described. */
  value(): FileValue {
    this.space();
    if (this.peek() === '"') return this.string();
    return { notString: this.other(0) };
  }

  /** Reads a value that is not a string; returns what it is. */
  other(depth: number): string {
    this.space();
    const c = this.peek();
    if (c === '"') {
      this.string();
      return "a string";
    }
    if (c === "{" || c === "[") {
      if (depth >= MAX_DEPTH) this.fail("values are nested too deeply");
      this.#pos++;
      const close = c === "{" ? "}" : "]";
      this.space();
      if (this.peek() === close) this.#pos++;
      else {
        for (;;) {
          if (c === "{") {
            this.space();
            if (this.peek() !== '"') this.fail("expected a name in quotes");
            this.string();
            this.expect(":", "':' after a name");
          }
          this.other(depth + 1);
          this.space();
          const next = this.peek();
          this.#pos++;
          if (next === close) break;
          if (next !== ",") this.fail(`expected ',' or '${close}'`);
        }
      }
      return c === "{" ? "an object" : "an array";
    }
    for (const [word, kind] of [["true", "true"], ["false", "false"], ["null", "null"]]) {
      if (this.text.startsWith(word, this.#pos)) {
        this.#pos += word.length;
        return kind;
      }
    }
    NUMBER.lastIndex = this.#pos;
    if (NUMBER.test(this.text)) {
      this.#pos = NUMBER.lastIndex;
      return "a number";
    }
    return this.fail(
      c === undefined ? "the text ends where a value should be" : "expected a value",
    );
  }

  /** The top-level object's entries. */
  entries(): FileEntry[] {
    this.space();
    if (this.peek() !== "{") this.fail("the file is not a JSON object of names to values");
    this.#pos++;
    const entries: FileEntry[] = [];
    this.space();
    if (this.peek() === "}") this.#pos++;
    else {
      for (;;) {
        this.space();
        if (this.peek() !== '"') this.fail("expected a name in quotes");
        const line = this.#line;
        const name = this.string();
        this.expect(":", "':' after a name");
        entries.push({ name, value: this.value(), line });
        this.space();
        const next = this.peek();
        this.#pos++;
        if (next === "}") break;
        if (next !== ",") this.fail("expected ',' or '}' after a value");
      }
    }
    this.space();
    if (this.#pos < this.text.length) this.fail("text after the JSON object");
    return entries;
  }
}

/**
 * Reads a JSON object of name to value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonImporter } from "./json.ts";
 *
 * assert.deepEqual(jsonImporter.parse('{\n    "a": "1",\n    "b": 2\n}\n'), [
 *   { name: "a", value: "1", line: 2 },
 *   { name: "b", value: { notString: "a number" }, line: 3 },
 * ]);
 * ```
 */
export const jsonImporter: Importer = {
  name: "json",
  parse: (text) => new JsonReader(text).entries(),
};
