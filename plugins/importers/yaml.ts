/**
 * YAML importer: one mapping of name to string value, as `getall -f yaml` writes it, or any
 * YAML 1.2 mapping of strings (quoted, plain, literal or folded blocks, aliases to strings).
 * Loaded only for YAML files: it brings the `yaml` library.
 *
 * @module
 */

import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
} from "yaml";
import { type FileEntry, FileSyntaxError, type FileValue, type Importer } from "./types.ts";

/** What a YAML error code means, in words that never quote the file. */
const PROBLEMS: Readonly<Record<string, string>> = {
  BAD_DQ_ESCAPE: "an invalid escape in a double-quoted string",
  BAD_INDENT: "the indentation is wrong",
  TAB_AS_INDENT: "a tab is used for indentation",
  MISSING_CHAR: "a closing quote, bracket or other character is missing",
  MULTIPLE_DOCS: "the file holds more than one YAML document",
  BLOCK_AS_IMPLICIT_KEY: "a mapping where a plain value should be (check the indentation)",
  MULTILINE_IMPLICIT_KEY: "a key runs over more than one line",
  KEY_OVER_1024_CHARS: "a plain key is longer than 1,024 characters: quote it",
  BAD_ALIAS: "an alias or anchor is ambiguous",
  TAG_RESOLVE_FAILED: "a tag is unknown",
  RESOURCE_EXHAUSTION: "aliases expand to too much",
};

/** What a node that is not a string is, for the message. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return "null (empty)";
  if (typeof value === "number" || typeof value === "bigint") return "a number";
  if (typeof value === "boolean") return "a boolean";
  if (value instanceof Uint8Array) return "binary data (!!binary)";
  if (value instanceof Date) return "a date";
  return "not a string";
}

function fileValue(node: unknown, doc: Document): FileValue {
  const target = isAlias(node) ? node.resolve(doc) : node;
  if (isScalar(target)) {
    return typeof target.value === "string" ? target.value : { notString: describe(target.value) };
  }
  if (isMap(target)) return { notString: "a map" };
  if (isSeq(target)) return { notString: "a list" };
  return { notString: isAlias(node) ? "an alias to no anchor" : describe(target) };
}

/**
 * Reads a YAML mapping of name to value. An empty file (or one of comments only) holds no
 * names.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { yamlImporter } from "./yaml.ts";
 *
 * assert.deepEqual(yamlImporter.parse('a: "1"\nb: 2\n'), [
 *   { name: "a", value: "1", line: 1 },
 *   { name: "b", value: { notString: "a number" }, line: 2 },
 * ]);
 * ```
 */
export const yamlImporter: Importer = {
  name: "yaml",
  parse(text) {
    const lines = new LineCounter();
    const doc = parseDocument(text, {
      lineCounter: lines,
      prettyErrors: false,
      // Names given twice are reported with both lines, as in every format.
      uniqueKeys: false,
    });
    const lineOf = (offset: number | undefined) => lines.linePos(offset ?? 0).line;
    // A warning (an unknown tag) is refused too: the value would not be what the file says.
    const problem = doc.errors[0] ?? doc.warnings[0];
    if (problem) {
      throw new FileSyntaxError(
        lineOf(problem.pos[0]),
        PROBLEMS[problem.code] ?? `the YAML is not valid (${problem.code})`,
      );
    }
    const root = doc.contents;
    if (root === null) return [];
    if (!isMap(root)) {
      throw new FileSyntaxError(
        lineOf(root.range?.[0]),
        "the file is not a mapping of names to values",
      );
    }
    return root.items.map((pair): FileEntry => {
      const key = pair.key;
      const at = isNode(key) ? key : isNode(pair.value) ? pair.value : undefined;
      const line = lineOf(at?.range?.[0]);
      if (!isScalar(key) || typeof key.value !== "string") {
        throw new FileSyntaxError(line, "a key is not a string: quote it");
      }
      return { name: key.value, value: fileValue(pair.value, doc), line };
    });
  },
};
