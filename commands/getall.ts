/**
 * `creds3 getall [context ...]`
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { parseContext } from "../lib/context.ts";
import { mapKeys } from "../lib/env_keys.ts";
import { FORMAT_NAMES, loadExporter } from "../plugins/catalog.ts";
import { printData } from "./output.ts";
import { readSecrets, toRecord, withStore } from "./session.ts";

/** The `getall` command. */
export function getallCommand() {
  return new Command("getall")
    .description("Print every credential's latest value")
    .argument("[context...]", "encryption context as key=value pairs")
    .option("-v, --version <version>", "read this version of every credential that has it")
    .addOption(
      new Option("-f, --format <format>", "output format").choices(FORMAT_NAMES).default("json"),
    )
    .option("--skip-errors", "leave out secrets that cannot be read (reported on stderr)")
    .addHelpText(
      "after",
      `
Examples:
  creds3 getall -l my-bucket/app/prod env=prod
  creds3 getall -f dotenv > .env`,
    )
    .action(async (context, options, command) => {
      const ctx = parseContext(context);
      const format = await loadExporter(options.format);
      await withStore(command, async (opened) => {
        const secrets = await readSecrets(opened, undefined, {
          version: options.version,
          context: ctx,
          skipErrors: options.skipErrors,
        });
        const record = toRecord(secrets);
        await printData(format.render(format.envKeys ? mapKeys(record, { style: "env" }) : record));
      });
    });
}
