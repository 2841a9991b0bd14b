/**
 * Terraform variables exporter: `name = "value"` lines (`.tfvars`, HCL).
 *
 * @module
 */

import { ExportError } from "../lib/core/errors.ts";
import type { Exporter } from "./types.ts";

const HCL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "${": "$${",
  "%{": "%%{",
};

/**
 * Writes a string as an HCL quoted string literal: `\\`, `\"`, `\n`, `\r`,
 * `\t`, other control characters as `\uXXXX`, and the template openers `${`
 * and `%{` as `$${` and `%%{` so they stay literal text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hclString } from "./tfvars.ts";
 *
 * assert.equal(hclString('say "${x}"'), '"say \\"$${x}\\""');
 * ```
 */
export function hclString(value: string): string {
  const body = value.replace(
    // deno-lint-ignore no-control-regex -- control characters are exactly what is matched
    /[\\"\n\r\t]|[$%]\{|[\x00-\x1f\x7f-\x9f]/g,
    (match) => ESCAPES[match] ?? `\\u${match.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `"${body}"`;
}

/**
 * Renders secrets as Terraform variable assignments, one `name = "value"` line
 * per secret. Names must be HCL identifiers (ASCII letters, digits, `_` and
 * `-`, not starting with a digit or `-`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tfvarsExporter } from "./tfvars.ts";
 *
 * assert.equal(tfvarsExporter.render({ db_password: "p\"w" }), 'db_password = "p\\"w"\n');
 * ```
 */
export const tfvarsExporter: Exporter = {
  name: "tfvars",
  description: 'Terraform variables: name = "value" lines (HCL)',
  envKeys: false,
  render(secrets) {
    const keys = Object.keys(secrets).sort();
    for (const key of keys) {
      if (!HCL_IDENTIFIER.test(key)) {
        throw new ExportError(
          `Key '${key}' is not a valid Terraform variable name (letters, digits, '_' and '-', not starting with a digit or '-')`,
          { reason: { type: "key-invalid", key } },
        );
      }
    }
    return keys.map((key) => `${key} = ${hclString(secrets[key])}\n`).join("");
  },
};
