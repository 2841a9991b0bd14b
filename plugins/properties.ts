/**
 * Java properties exporter: `key=value` lines as `java.util.Properties.load` reads them.
 *
 * @module
 */

import type { Exporter } from "./types.ts";

const CONTROL_ESCAPES: Readonly<Record<string, string>> = {
  "\t": "\\t",
  "\n": "\\n",
  "\r": "\\r",
  "\f": "\\f",
};

/**
 * Escapes a key or value the way `Properties.store` does: `\` and the
 * separators and comment markers `=`, `:`, `#`, `!` get a backslash; tab,
 * LF, CR and form feed become `\t`, `\n`, `\r`, `\f`; every other code unit
 * outside printable ASCII becomes `\uXXXX` (so a character beyond the BMP is
 * its surrogate pair, and the file is pure ASCII). Spaces are escaped
 * everywhere in a key and only at the start of a value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeProperty } from "./properties.ts";
 *
 * assert.equal(escapeProperty("a b=c", true), "a\\ b\\=c");
 * assert.equal(escapeProperty(" a b", false), "\\ a b");
 * ```
 */
export function escapeProperty(text: string, isKey: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    const code = text.charCodeAt(i);
    if (char === " ") out += isKey || i === 0 ? "\\ " : " ";
    else if (CONTROL_ESCAPES[char] !== undefined) out += CONTROL_ESCAPES[char];
    else if ("\\=:#!".includes(char)) out += `\\${char}`;
    else if (code < 0x20 || code > 0x7e) {
      out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    } else out += char;
  }
  return out;
}

/**
 * Renders secrets as a Java properties file, `key=value` per line, keys
 * sorted, without the date comment `Properties.store` adds (so the output is
 * deterministic). Every key and value can be represented.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { propertiesExporter } from "./properties.ts";
 *
 * assert.equal(propertiesExporter.render({ "db.url": "jdbc:x" }), "db.url=jdbc\\:x\n");
 * ```
 */
export const propertiesExporter: Exporter = {
  name: "properties",
  description: "Java properties file (key=value, \\uXXXX escapes)",
  envKeys: false,
  render(secrets) {
    return Object.keys(secrets).sort()
      .map((key) => `${escapeProperty(key, true)}=${escapeProperty(secrets[key], false)}\n`)
      .join("");
  },
};
