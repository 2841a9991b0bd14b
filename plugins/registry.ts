/**
 * The output formats: the one registry the command line and the library share. Each format's
 * exporter is loaded when first asked for, so a command that renders one format loads no other
 * (the `yaml` and `csv-stringify` libraries cost tens of milliseconds at start-up; `yaml` is ~45
 * CommonJS files). Adding a format is one file in this folder and one line in `LOADERS`.
 *
 * @module
 */
import { ExportError } from "../lib/core/errors.ts";
import type { Exporter } from "./types.ts";

const LOADERS: Readonly<Record<string, () => Promise<Exporter>>> = {
  json: async () => (await import("./json.ts")).jsonExporter,
  yaml: async () => (await import("./yaml.ts")).yamlExporter,
  csv: async () => (await import("./csv.ts")).csvExporter,
  dotenv: async () => (await import("./dotenv.ts")).dotenvExporter,
  shell: async () => (await import("./shell.ts")).shellExporter,
  k8s: async () => (await import("./k8s.ts")).k8sExporter,
  tfvars: async () => (await import("./tfvars.ts")).tfvarsExporter,
  properties: async () => (await import("./properties.ts")).propertiesExporter,
  github: async () => (await import("./github.ts")).githubExporter,
};

/** Every output format, the default (`json`) first. */
export const FORMAT_NAMES: readonly string[] = Object.freeze(Object.keys(LOADERS));

/**
 * Loads the exporter of one format.
 *
 * @throws {ExportError} For an unknown name, listing the valid ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadExporter } from "./registry.ts";
 *
 * assert.equal((await loadExporter("json")).render({ a: "1" }), '{\n    "a": "1"\n}\n');
 * ```
 */
export async function loadExporter(name: string): Promise<Exporter> {
  const load = Object.hasOwn(LOADERS, name) ? LOADERS[name] : undefined;
  if (load === undefined) throw unknownFormat(name);
  return await load();
}

/** The error for a format name that is not in the registry, listing the valid ones. */
export function unknownFormat(name: string): ExportError {
  return new ExportError(`Unknown format '${name}' (valid formats: ${FORMAT_NAMES.join(", ")})`);
}
