/**
 * dotenv exporter.
 *
 * ## Dialect
 *
 * One `KEY=<quoted value>` line per secret (a value with line breaks spans
 * several lines), written so that BOTH readers below give back exactly the
 * stored value:
 *
 * - the npm `dotenv` package's `parse()` (checked against 18.x, with both its
 *   default parser and its `fast: true` one);
 * - a POSIX shell running `set -a; . ./.env; set +a` (dash, bash, zsh).
 *
 * The two agree on very little, so the writer picks, per value:
 *
 * 1. `KEY='value'` (single quotes) when the value has no `'` and no carriage
 *    return. Both readers take the text between single quotes literally,
 *    line feeds included. `$`, backticks, `"`, `\`, `#` and `\n` (backslash,
 *    n) are all safe here. A value ending in a backslash gets a trailing
 *    comment, `KEY='C:\dir\' # '...'`: `dotenv` reads `\'` as a possible
 *    escaped quote and would otherwise look for the closing quote on a later
 *    line; the quote in the comment stops that search (the shell ignores the
 *    comment).
 * 2. `KEY="value"` (double quotes) when the value has a `'` but none of
 *    `"`, `$`, a backtick, a carriage return, nor a backslash that is last or
 *    followed by `n`, `r`, `\` or a line feed. In that subset neither reader
 *    changes anything: the shell expands only `$`, backticks and backslash
 *    escapes of `$`, a backtick, `"`, `\` and a line feed; `dotenv` only turns
 *    `\n` and `\r` into line breaks.
 * 3. Anything else cannot be written identically for both and is refused with
 *    an `ExportError` naming the key:
 *    - a carriage return (`dotenv` turns every raw CR into LF, and the shell
 *      reads `\r` as a backslash and an `r`);
 *    - a `'` together with `"`, `$`, a backtick or such a backslash (only a
 *      shell quote could carry both, and `dotenv` has no escapes for them);
 *    - a NUL character (no environment variable can hold one).
 *    Use the `shell` or `json` format for such values.
 *
 * Keys must be environment-variable names (`[A-Za-z_][A-Za-z0-9_]*`), and not
 * ones that make programs run other code (`PATH`, `LD_PRELOAD`... see
 * `dangerous_vars.ts`) unless the `allowVars` option names them.
 *
 * @module
 */

import { refuseDangerousVariables } from "./dangerous_vars.ts";
import { validateEnvKey } from "./env_keys.ts";
import { ExportError } from "../lib/core/errors.ts";
import type { Exporter } from "./types.ts";

// Stops dotenv's search for a closing quote after a value that ends in a backslash: a quote
// followed by text cannot close the value, and dotenv's pattern cannot read past it.
const GUARD = " # 'ends with a backslash'";

// Backslash sequences that one of the two readers would change inside double quotes.
const UNSAFE_BACKSLASH = /\\(?:[nr\\\n]|$)/;

/**
 * Quotes one value in the dialect above.
 *
 * @param key Used only in the error message.
 * @param value The value to quote.
 * @throws {ExportError} When the value cannot be written for both readers.
 */
export function quoteDotenvValue(key: string, value: string): string {
  if (value.includes("\0")) {
    throw new ExportError(
      `Secret '${key}' contains a NUL character, which no environment variable can hold`,
    );
  }
  if (value.includes("\r")) {
    throw new ExportError(
      `Secret '${key}' contains a carriage return, which dotenv and sh cannot both read back; use the shell or json format`,
    );
  }
  if (!value.includes("'")) return value.endsWith("\\") ? `'${value}'${GUARD}` : `'${value}'`;
  if (!/["$`]/.test(value) && !UNSAFE_BACKSLASH.test(value)) return `"${value}"`;
  throw new ExportError(
    `Secret '${key}' mixes a single quote with '"', '$', '\`' or '\\', which dotenv and sh cannot both read back; use the shell or json format`,
  );
}

/**
 * Renders secrets as a `.env` file readable by both `dotenv` and `sh` (see the
 * module documentation for the dialect).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dotenvExporter } from "./dotenv.ts";
 *
 * const text = dotenvExporter.render({ PRICE: "$5", GREETING: "it's me" });
 * assert.equal(text, `GREETING="it's me"\nPRICE='$5'\n`);
 * ```
 */
export const dotenvExporter: Exporter = {
  name: "dotenv",
  description: "KEY='value' lines readable by dotenv and by sh (set -a; . ./.env)",
  envKeys: true,
  render(secrets, options = {}) {
    const keys = Object.keys(secrets).sort();
    refuseDangerousVariables(keys, options.allowVars);
    for (const key of keys) validateEnvKey(key);
    return keys.map((key) => `${key}=${quoteDotenvValue(key, secrets[key])}\n`).join("");
  },
};
