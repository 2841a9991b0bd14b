/**
 * The output formats for Deno programs (`@creds3/creds3/formats`): render a flat map of secret
 * names to values as JSON, YAML, CSV, dotenv, shell, a Kubernetes Secret, tfvars or Java
 * properties, and map names to environment-variable keys. Importing this module loads every
 * format from the registry (`./registry.ts`); {@linkcode loadExporter} alone loads one.
 *
 * @example Render secrets as a dotenv file
 * ```ts
 * import { exporter, mapKeys } from "./mod.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const secrets = { "app/db-url": "postgres://db.example/app", "app/api-key": "demo-key" };
 * const text = exporter("dotenv").render(mapKeys(secrets, { style: "env", stripPrefix: "app/" }));
 * strictEqual(text, "API_KEY='demo-key'\nDB_URL='postgres://db.example/app'\n");
 * ```
 *
 * @module
 */
import { FORMAT_NAMES, loadExporter, unknownFormat } from "./registry.ts";
import type { Exporter } from "./types.ts";

export { FORMAT_NAMES, loadExporter } from "./registry.ts";
export { ExportError } from "../lib/core/errors.ts";
export type { Exporter, RenderOptions, RunnerExporter } from "./types.ts";
export { envKey, mapKeys, type MapKeysOptions, validateEnvKey } from "./env_keys.ts";
export {
  DANGEROUS_VARIABLES,
  isDangerousVariable,
  refuseDangerousVariables,
} from "./dangerous_vars.ts";

/** Every output format, in registry order (the default, `json`, first). */
export const exporters: readonly Exporter[] = Object.freeze(
  await Promise.all(FORMAT_NAMES.map(loadExporter)),
);

/**
 * The names of all formats, in registry order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exporterNames } from "./mod.ts";
 *
 * assert.ok(exporterNames().includes("dotenv"));
 * ```
 */
export function exporterNames(): string[] {
  return [...FORMAT_NAMES];
}

/**
 * Looks up a format by name.
 *
 * @throws {ExportError} For an unknown name, listing the valid ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exporter } from "./mod.ts";
 *
 * assert.equal(exporter("yaml").render({ a: "1" }), 'a: "1"\n');
 * ```
 */
export function exporter(name: string): Exporter {
  const found = exporters.find((e) => e.name === name);
  if (found === undefined) throw unknownFormat(name);
  return found;
}
