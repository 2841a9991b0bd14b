/**
 * Shell exporter: `export NAME='value'` lines.
 *
 * @module
 */

import { refuseDangerousVariables } from "./dangerous_vars.ts";
import { validateEnvKey } from "./env_keys.ts";
import { ExportError } from "../lib/core/errors.ts";
import type { Exporter } from "./types.ts";

/**
 * Quotes a string for a POSIX shell: inside single quotes nothing is special,
 * and a `'` is written as `'\''` (close, escaped quote, reopen).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shellQuote } from "./shell.ts";
 *
 * assert.equal(shellQuote("it's $HOME"), `'it'\\''s $HOME'`);
 * ```
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Renders secrets as `export NAME='value'` lines, safe to `eval` or source in
 * sh, dash, bash and zsh whatever the value holds (line breaks, `$`,
 * backticks, quotes, backslashes). Keys must be environment-variable names,
 * and not ones that make programs run other code (`PATH`, `LD_PRELOAD`...)
 * unless `allowVars` names them; a value with a NUL character is refused (no
 * environment variable can hold one).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shellExporter } from "./shell.ts";
 *
 * assert.equal(shellExporter.render({ TOKEN: "a'b" }), "export TOKEN='a'\\''b'\n");
 * ```
 */
export const shellExporter: Exporter = {
  name: "shell",
  description: "export NAME='value' lines for sh, bash and zsh (eval or source)",
  envKeys: true,
  render(secrets, options = {}) {
    const keys = Object.keys(secrets).sort();
    refuseDangerousVariables(keys, options.allowVars);
    for (const key of keys) {
      validateEnvKey(key);
      if (secrets[key].includes("\0")) {
        throw new ExportError(
          `Secret '${key}' contains a NUL character, which no environment variable can hold`,
        );
      }
    }
    return keys.map((key) => `export ${key}=${shellQuote(secrets[key])}\n`).join("");
  },
};
