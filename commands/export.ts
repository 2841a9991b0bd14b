/**
 * `creds3 export [pattern] [context ...] --format F [-o FILE]`
 *
 * @module
 */
import { writeFileAtomic } from "../lib/cli/atomic_file.ts";
import { UsageError } from "../lib/core/errors.ts";
import { FORMAT_NAMES, loadExporter } from "../plugins/registry.ts";
import { isRunnerExporter, type RenderOptions } from "../plugins/types.ts";
import { printData, printMessage } from "./output.ts";
import { runnerTarget, writeForRunner } from "./runner_export.ts";
import {
  binaryKeys,
  outputKeys,
  parseSelection,
  readSelection,
  SELECTION_HELP,
} from "./selection.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";
import { CONTEXT_OPERAND } from "./operands.ts";

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

/** The `export` command. */
export const exportCommand = defineCommand({
  name: "export",
  description: "Write secrets as a file or manifest in one format (see docs/EXPORT.md)",
  arguments: [
    {
      name: "[pattern]",
      description: "names to export, '*' matching any characters (default: all)",
    },
    CONTEXT_OPERAND,
  ],
  options: [
    {
      flags: "-f, --format <format>",
      description: "output format",
      choices: FORMAT_NAMES,
      mandatory: true,
    },
    {
      flags: "-o, --output <file>",
      description:
        "write to FILE (atomically, mode 0600) instead of stdout ('-': stdout; github: append to FILE)",
    },
    {
      flags: "--strip-prefix <prefix>",
      description: "remove PREFIX from the start of names, e.g. 'app/prod/'",
    },
    {
      flags: "--keep-names",
      description: "dotenv, shell, github: keep names as they are instead of ENV_STYLE",
    },
    { flags: "--name <name>", description: "k8s: name of the Secret (required)" },
    { flags: "--namespace <namespace>", description: "k8s: namespace of the Secret" },
    {
      flags: "--label <key=value>",
      description: "k8s: a label (repeatable)",
      collect: pairs("Label"),
    },
    {
      flags: "--annotation <key=value>",
      description: "k8s: an annotation (repeatable)",
      collect: pairs("Annotation"),
    },
    {
      flags: "--allow-var <name>",
      description: "dotenv, shell: set this variable although it can run code, e.g. PATH " +
        "(repeatable)",
      collect: (name: string, previous: string[] = []) => [...previous, name],
    },
    {
      flags: "-v, --version <version>",
      description: "export this version of every credential that has it",
    },
    {
      flags: "--skip-errors",
      description: "leave out secrets that cannot be read (reported on stderr)",
    },
  ],
  helpAfter: `${SELECTION_HELP}

Keys: dotenv, shell and github turn names into environment variable names
(upper case, every other character '_'); other formats keep names. Two names
giving one key are refused, and so are variables that make programs run other
code (PATH, LD_*, BASH_ENV, NODE_OPTIONS, PYTHON*... see docs/EXPORT.md) unless
allowed one by one with --allow-var NAME.

Binary secrets (put --binary) are their base64 text in every format but k8s,
whose Secret holds their bytes.

Examples:
  creds3 export 'app/prod/*' --strip-prefix app/prod/ -f dotenv -o .env
  creds3 export 'app/*' env=prod -f k8s --name app --namespace web | kubectl apply -f -
  eval "$(creds3 export 'ci/*' -f shell)"
  creds3 export 'ci/*' --strip-prefix ci/ -f github   # in a GitHub Actions step`,
  async run(call) {
    const { pattern, context } = call.args;
    const { output, version, skipErrors, keepNames, stripPrefix } = call.options;
    const selection = parseSelection(pattern === undefined ? [] : [pattern, ...context]);
    const format = await loadExporter(call.options.format);
    const render: RenderOptions = {
      name: call.options.name,
      namespace: call.options.namespace,
      labels: call.options.label,
      annotations: call.options.annotation,
    };
    if (format.name !== "k8s") {
      const given = Object.entries(render).find(([, value]) => value !== undefined);
      if (given) {
        throw new UsageError(`Option --${given[0].replace(/s$/, "")} is only for the k8s format`);
      }
    }
    const allowVars = call.options.allowVar;
    if (allowVars && !format.envKeys) {
      throw new UsageError("Option --allow-var is only for formats that set variables");
    }
    // Refuse bad format options (a missing or invalid --name) before reading anything.
    format.render({}, render);
    const runner = isRunnerExporter(format) ? runnerTarget(format, output) : undefined;
    await withStore(commandConfig(call.options), async (opened) => {
      const secrets = await readSelection(opened, selection, { version, skipErrors });
      const keys = { env: format.envKeys, keepNames, stripPrefix };
      const keyed = outputKeys(secrets, keys);
      const text = format.render(keyed, {
        ...render,
        allowVars,
        binaryKeys: binaryKeys(secrets, keys),
      });
      if (runner !== undefined) return await writeForRunner(runner, keyed, text);
      // `-o -` is standard output, as `-` is wherever creds3 takes a file.
      if (output === undefined || output === "-") return await printData(text);
      await writeFileAtomic(output, new TextEncoder().encode(text));
      const count = `${secrets.length} secret${secrets.length === 1 ? "" : "s"}`;
      printMessage(`Wrote ${count} to '${output}' (${format.name})`);
    });
  },
});
