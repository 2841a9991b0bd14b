/**
 * JSON exporter: one object of secret name to value.
 *
 * @module
 */

import type { Exporter } from "./types.ts";

const INDENT = "    ";

/**
 * Renders secrets as a JSON object with 4-space indentation (the layout of the
 * original tool's `getall`), keys sorted by code unit order.
 *
 * The object is written by hand rather than with `JSON.stringify(object)` so
 * that integer-like names (`"10"`, `"9"`) keep the sorted order instead of the
 * numeric order JavaScript objects impose; the text is otherwise identical to
 * `JSON.stringify(object, null, 4)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsonExporter } from "./json.ts";
 *
 * const text = jsonExporter.render({ b: "2", a: "1" });
 * assert.equal(text, '{\n    "a": "1",\n    "b": "2"\n}\n');
 * ```
 */
export const jsonExporter: Exporter = {
  name: "json",
  description: "JSON object of name to value",
  envKeys: false,
  render(secrets) {
    const keys = Object.keys(secrets).sort();
    if (keys.length === 0) return "{}\n";
    const lines = keys.map((key) =>
      `${INDENT}${JSON.stringify(key)}: ${JSON.stringify(secrets[key])}`
    );
    return `{\n${lines.join(",\n")}\n}\n`;
  },
};
