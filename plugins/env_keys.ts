/**
 * Mapping secret names to environment-variable keys, for the env-style
 * outputs (`dotenv`, `shell`) and for commands that set a process environment.
 *
 * @module
 */

import { ExportError } from "../lib/core/errors.ts";

/** How {@linkcode mapKeys} turns secret names into keys. */
export interface MapKeysOptions {
  /**
   * `"env"`: upper-case ASCII letters, turn every other character outside
   * `[A-Z0-9_]` into `_` (one per code point), prefix `_` before a leading
   * digit. `"keep"`: use the names as they are.
   */
  style: "env" | "keep";
  /** Removed from the start of names that begin with it; other names are left unchanged. */
  stripPrefix?: string;
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Converts one name in the `env` style: ASCII upper-case, then `_` for each
 * code point outside `[A-Z0-9_]`, then `_` before a leading digit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { envKey } from "./env_keys.ts";
 *
 * assert.equal(envKey("db.password"), "DB_PASSWORD");
 * assert.equal(envKey("2fa-seed"), "_2FA_SEED");
 * ```
 */
export function envKey(name: string): string {
  let key = "";
  for (const char of name) {
    const upper = char >= "a" && char <= "z" ? char.toUpperCase() : char;
    key += /^[A-Z0-9_]$/.test(upper) ? upper : "_";
  }
  return /^[0-9]/.test(key) ? `_${key}` : key;
}

/**
 * Maps secret names to output keys.
 *
 * The prefix is stripped first (names that do not start with it are left
 * unchanged), then the style is applied. Two names that end up as the same
 * key, or a name that ends up empty, are refused: nothing is silently
 * overwritten or dropped.
 *
 * @param secrets Secret name to value.
 * @param options Style and optional prefix to strip.
 * @returns Output key to value.
 * @throws {ExportError} On a collision (naming both secrets and the key) or an empty key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapKeys } from "./env_keys.ts";
 *
 * const env = mapKeys({ "app/db-url": "postgres://db", "app/port": "5432" }, {
 *   style: "env",
 *   stripPrefix: "app/",
 * });
 * assert.deepEqual(env, { DB_URL: "postgres://db", PORT: "5432" });
 * ```
 */
export function mapKeys(
  secrets: Readonly<Record<string, string>>,
  options: MapKeysOptions,
): Record<string, string> {
  const entries = [...keySources(Object.keys(secrets), options)]
    .map(([key, name]): [string, string] => [key, secrets[name]]);
  // fromEntries defines own properties, so a key like "__proto__" stays data.
  return Object.fromEntries(entries);
}

/**
 * The secret name each output key comes from, in the order of the sorted names, with the rules
 * and refusals of {@linkcode mapKeys}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keySources } from "./env_keys.ts";
 *
 * const sources = keySources(["app/db-url"], { style: "env", stripPrefix: "app/" });
 * assert.equal(sources.get("DB_URL"), "app/db-url");
 * ```
 */
export function keySources(
  names: Iterable<string>,
  options: MapKeysOptions,
): Map<string, string> {
  const prefix = options.stripPrefix ?? "";
  const sources = new Map<string, string>();
  for (const name of [...names].sort()) {
    const stripped = prefix !== "" && name.startsWith(prefix) ? name.slice(prefix.length) : name;
    const key = options.style === "env" ? envKey(stripped) : stripped;
    if (key === "") {
      throw new ExportError(
        stripped === name
          ? `Secret '${name}' maps to an empty key`
          : `Secret '${name}' maps to an empty key after removing prefix '${prefix}'`,
        { reason: { type: "key-empty", name } },
      );
    }
    const other = sources.get(key);
    if (other !== undefined) {
      throw new ExportError(`Secrets '${other}' and '${name}' both map to key '${key}'`, {
        reason: { type: "key-collision", key, names: [other, name] },
      });
    }
    sources.set(key, name);
  }
  return sources;
}

/**
 * Checks that a key is an environment-variable name a POSIX shell accepts:
 * `[A-Za-z_][A-Za-z0-9_]*`.
 *
 * @throws {ExportError} Naming the key when it is not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateEnvKey } from "./env_keys.ts";
 *
 * validateEnvKey("DB_URL"); // passes
 * assert.throws(() => validateEnvKey("db-url"), /'db-url'/);
 * ```
 */
export function validateEnvKey(key: string): void {
  if (!ENV_KEY.test(key)) {
    throw new ExportError(
      `Key '${key}' is not a valid environment variable name (letters, digits and '_', not starting with a digit)`,
      { reason: { type: "key-invalid", key } },
    );
  }
}
