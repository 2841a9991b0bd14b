/**
 * The import formats: which file names mean which format, and each format's reader, loaded
 * when first asked for (the YAML reader brings the `yaml` library; the others need none).
 *
 * @module
 */
import { UsageError } from "../../lib/core/errors.ts";
import type { Importer } from "./types.ts";

interface Format {
  /** File name endings (lower case) that mean this format. */
  endings: readonly string[];
  load(): Promise<Importer>;
}

const FORMATS: Readonly<Record<string, Format>> = {
  json: { endings: [".json"], load: async () => (await import("./json.ts")).jsonImporter },
  yaml: {
    endings: [".yaml", ".yml"],
    load: async () => (await import("./yaml.ts")).yamlImporter,
  },
  csv: { endings: [".csv"], load: async () => (await import("./csv.ts")).csvImporter },
  dotenv: { endings: [".env"], load: async () => (await import("./dotenv.ts")).dotenvImporter },
  shell: { endings: [".sh"], load: async () => (await import("./shell.ts")).shellImporter },
};

/** Every format `import` reads. */
export const IMPORT_FORMATS: readonly string[] = Object.freeze(Object.keys(FORMATS));

/**
 * The format a file's name means: its ending (`.json`, `.yaml` or `.yml`, `.csv`, `.env`,
 * `.sh`, in any case; a file named `.env` too), or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatOfPath } from "./registry.ts";
 *
 * assert.equal(formatOfPath("backup/secrets.YML"), "yaml");
 * assert.equal(formatOfPath("/srv/app/.env"), "dotenv");
 * assert.equal(formatOfPath(".env.production"), undefined);
 * ```
 */
export function formatOfPath(path: string): string | undefined {
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1)
    .toLowerCase();
  return IMPORT_FORMATS.find((name) => FORMATS[name].endings.some((end) => base.endsWith(end)));
}

/**
 * Loads the reader of one format.
 *
 * @throws {UsageError} For an unknown name, listing the valid ones.
 */
export async function loadImporter(name: string): Promise<Importer> {
  if (!Object.hasOwn(FORMATS, name)) {
    throw new UsageError(
      `Unknown import format '${name}' (valid formats: ${IMPORT_FORMATS.join(", ")})`,
    );
  }
  return await FORMATS[name].load();
}
