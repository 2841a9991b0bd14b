/**
 * `creds3 export [pattern] [context ...] --format F [-o FILE]`
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { writeFileAtomic } from "../lib/atomic_file.ts";
import { UsageError } from "../lib/errors.ts";
import { FORMAT_NAMES, loadExporter } from "../plugins/catalog.ts";
import type { Exporter, RenderOptions } from "../plugins/types.ts";
import { printData, printMessage } from "./output.ts";
import {
  asUsageError,
  outputKeys,
  parseSelection,
  readSelection,
  SELECTION_HELP,
} from "./selection.ts";
import { withStore } from "./session.ts";

/** Collects repeated `--label k=v` / `--annotation k=v` options into a record. */
function pairs(flag: string) {
  return (pair: string, previous: Record<string, string> = {}): Record<string, string> => {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} '${pair}' is not of the form key=value`);
    const key = pair.slice(0, eq);
    if (Object.hasOwn(previous, key)) {
      throw new UsageError(`${flag} key '${key}' is given more than once`);
    }
    return { ...previous, [key]: pair.slice(eq + 1) };
  };
}

/** Renders, turning a refusal into a usage error. */
function renderOrRefuse(
  format: Exporter,
  secrets: Record<string, string>,
  options: RenderOptions,
): string {
  try {
    return format.render(secrets, options);
  } catch (error) {
    throw asUsageError(
      error,
      /^Key '/.test((error as Error).message)
        ? "change the keys with --strip-prefix, or choose another format"
        : undefined,
    );
  }
}

/** The `export` command. */
export function exportCommand() {
  return new Command("export")
    .description("Write secrets as a file or manifest in one format (see docs/EXPORT.md)")
    .argument("[pattern]", "names to export, '*' matching any characters (default: all)")
    .argument("[context...]", "encryption context as key=value pairs")
    .addOption(
      new Option("-f, --format <format>", "output format").choices(FORMAT_NAMES)
        .makeOptionMandatory(),
    )
    .option("-o, --output <file>", "write to FILE (atomically, mode 0600) instead of stdout")
    .option("--strip-prefix <prefix>", "remove PREFIX from the start of names, e.g. 'app/prod/'")
    .option("--keep-names", "dotenv, shell: keep names as they are instead of ENV_STYLE")
    .option("--name <name>", "k8s: name of the Secret (required)")
    .option("--namespace <namespace>", "k8s: namespace of the Secret")
    .option("--label <key=value>", "k8s: a label (repeatable)", pairs("Label"))
    .option("--annotation <key=value>", "k8s: an annotation (repeatable)", pairs("Annotation"))
    .option("-v, --version <version>", "export this version of every credential that has it")
    .option("--skip-errors", "leave out secrets that cannot be read (reported on stderr)")
    .addHelpText(
      "after",
      `${SELECTION_HELP}

Keys: dotenv and shell turn names into environment variable names (upper case, every other
character '_'); other formats keep names. Two names giving one key are refused.

Examples:
  creds3 export 'app/prod/*' --strip-prefix app/prod/ -f dotenv -o .env
  creds3 export 'app/*' env=prod -f k8s --name app --namespace web | kubectl apply -f -
  eval "$(creds3 export 'ci/*' -f shell)"`,
    )
    .action(async (pattern, context, options, command) => {
      const selection = parseSelection(pattern === undefined ? [] : [pattern, ...context]);
      const format = await loadExporter(options.format);
      const render: RenderOptions = {
        name: options.name,
        namespace: options.namespace,
        labels: options.label,
        annotations: options.annotation,
      };
      if (format.name !== "k8s") {
        const given = Object.entries(render).find(([, value]) => value !== undefined);
        if (given) {
          throw new UsageError(`Option --${given[0].replace(/s$/, "")} is only for the k8s format`);
        }
      }
      // Refuse bad format options (a missing or invalid --name) before reading anything.
      renderOrRefuse(format, {}, render);
      await withStore(command, async (opened) => {
        const secrets = await readSelection(opened, selection, {
          version: options.version,
          skipErrors: options.skipErrors,
        });
        const keyed = outputKeys(secrets, {
          env: format.envKeys,
          keepNames: options.keepNames,
          stripPrefix: options.stripPrefix,
        });
        const text = renderOrRefuse(format, keyed, render);
        if (options.output === undefined) return await printData(text);
        await writeFileAtomic(options.output, new TextEncoder().encode(text));
        const count = `${secrets.length} secret${secrets.length === 1 ? "" : "s"}`;
        printMessage(`Wrote ${count} to '${options.output}' (${format.name})`);
      });
    });
}
