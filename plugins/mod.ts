/**
 * The exporter registry. Adding a format is one file in this folder and one
 * line in {@linkcode exporters}.
 *
 * @module
 */

import { csvExporter } from "./csv.ts";
import { dotenvExporter } from "./dotenv.ts";
import { ExportError } from "./errors.ts";
import { githubExporter } from "./github.ts";
import { jsonExporter } from "./json.ts";
import { k8sExporter } from "./k8s.ts";
import { propertiesExporter } from "./properties.ts";
import { shellExporter } from "./shell.ts";
import { tfvarsExporter } from "./tfvars.ts";
import type { Exporter } from "./types.ts";
import { yamlExporter } from "./yaml.ts";

export { ExportError } from "./errors.ts";
export type { Exporter, RenderOptions, RunnerExporter } from "./types.ts";

/** Every output format, the default (`json`) first. */
export const exporters: readonly Exporter[] = Object.freeze([
  jsonExporter,
  yamlExporter,
  csvExporter,
  dotenvExporter,
  shellExporter,
  k8sExporter,
  tfvarsExporter,
  propertiesExporter,
  githubExporter,
]);

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
  return exporters.map((e) => e.name);
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
  if (found === undefined) {
    throw new ExportError(
      `Unknown format '${name}' (valid formats: ${exporterNames().join(", ")})`,
    );
  }
  return found;
}
