/**
 * The exporters for the command line, each loaded only when a command renders it: the
 * registry ({@linkcode ./mod.ts}) imports every format and with them the `yaml` and
 * `csv-stringify` libraries, which cost tens of milliseconds at start-up (`yaml` is ~45
 * CommonJS files). `tests/startup_test.ts` checks that this catalog names the registry's
 * formats in its order and loads the same exporters.
 *
 * @module
 */
import { ExportError } from "./errors.ts";
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

/** Every output format, in registry order (the default, `json`, first). */
export const FORMAT_NAMES: readonly string[] = Object.freeze(Object.keys(LOADERS));

/**
 * Loads the exporter of one format.
 *
 * @throws {ExportError} For an unknown name, listing the valid ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadExporter } from "./catalog.ts";
 *
 * assert.equal((await loadExporter("json")).render({ a: "1" }), '{\n    "a": "1"\n}\n');
 * ```
 */
export async function loadExporter(name: string): Promise<Exporter> {
  const load = Object.hasOwn(LOADERS, name) ? LOADERS[name] : undefined;
  if (load === undefined) {
    throw new ExportError(
      `Unknown format '${name}' (valid formats: ${FORMAT_NAMES.join(", ")})`,
    );
  }
  return await load();
}
