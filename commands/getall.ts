/**
 * `creds3 getall [context ...]`
 *
 * @module
 */
import { parseContext } from "../lib/core/context.ts";
import { mapKeys } from "../plugins/env_keys.ts";
import { FORMAT_NAMES, loadExporter } from "../plugins/registry.ts";
import { printData } from "./output.ts";
import { readSecrets, toRecord, withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";
import { CONTEXT_OPERAND } from "./operands.ts";

/** The `getall` command. */
export const getallCommand = defineCommand({
  name: "getall",
  description: "Print every credential's latest value",
  arguments: [CONTEXT_OPERAND],
  options: [
    {
      flags: "-v, --version <version>",
      description: "read this version of every credential that has it",
    },
    {
      flags: "-f, --format <format>",
      description: "output format",
      // github appends to the runner's file and prints only masks: an export format.
      choices: FORMAT_NAMES.filter((name) => name !== "github"),
      default: "json",
    },
    {
      flags: "--skip-errors",
      description: "leave out secrets that cannot be read (reported on stderr)",
    },
  ],
  helpAfter: `
Examples:
  creds3 getall -l my-bucket/app/prod env=prod
  creds3 getall -f dotenv > .env`,
  async run(call) {
    const context = parseContext(call.args.context);
    const format = await loadExporter(call.options.format);
    // A format that needs options getall does not have (k8s needs a name) is refused here,
    // before the store is opened.
    format.render({});
    await withStore(commandConfig(call.options), async (opened) => {
      const secrets = await readSecrets(opened, undefined, {
        version: call.options.version,
        context,
        skipErrors: call.options.skipErrors,
      });
      const record = toRecord(secrets);
      await printData(format.render(format.envKeys ? mapKeys(record, { style: "env" }) : record));
    });
  },
});
