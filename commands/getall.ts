/**
 * `creds3 getall [context ...]`
 *
 * @module
 */
import type { CommandSpec } from "../lib/cli/parse.ts";
import { parseContext } from "../lib/core/context.ts";
import { mapKeys } from "../plugins/env_keys.ts";
import { FORMAT_NAMES, loadExporter } from "../plugins/registry.ts";
import { printData } from "./output.ts";
import { readSecrets, toRecord, withStore } from "./session.ts";

/** The `getall` command. */
export const getallCommand: CommandSpec = {
  name: "getall",
  description: "Print every credential's latest value",
  arguments: [{ name: "[context...]", description: "encryption context as key=value pairs" }],
  options: [
    {
      flags: "-v, --version <version>",
      description: "read this version of every credential that has it",
    },
    {
      flags: "-f, --format <format>",
      description: "output format",
      choices: FORMAT_NAMES,
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
    const context = parseContext(call.list("context"));
    const format = await loadExporter(call.string("format")!);
    // A format that needs options getall does not have (k8s needs a name) is refused here,
    // before the store is opened.
    format.render({});
    await withStore(call, async (opened) => {
      const secrets = await readSecrets(opened, undefined, {
        version: call.string("version"),
        context,
        skipErrors: call.flag("skipErrors"),
      });
      const record = toRecord(secrets);
      await printData(format.render(format.envKeys ? mapKeys(record, { style: "env" }) : record));
    });
  },
};
