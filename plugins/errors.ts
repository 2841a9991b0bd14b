/**
 * The error every exporter (and the key mapping in `plugins/env_keys.ts`) throws
 * when it cannot represent its input.
 *
 * Messages are sentence case, quote the offending name in single quotes, have
 * no trailing period and never contain a secret value, so the CLI can print
 * them as they are.
 *
 * @module
 */

/**
 * A secret name, key or option that an output format cannot represent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ExportError } from "./errors.ts";
 *
 * const error = new ExportError("Key 'a-b' is not a valid environment variable name");
 * assert.equal(error.name, "ExportError");
 * ```
 */
export class ExportError extends Error {
  /**
   * @param message What cannot be exported and why (no secret values).
   * @param options Standard error options, e.g. a `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ExportError";
  }
}
