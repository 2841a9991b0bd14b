/**
 * `creds3 get credential [context ...]`
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { parseContext } from "../lib/context.ts";
import { isPattern } from "../lib/names.ts";
import { jsonExporter } from "../plugins/json.ts";
import { printData } from "./output.ts";
import { readSecrets, toRecord, withStore } from "./session.ts";

/** The `get` command. */
export function getCommand() {
  return new Command("get")
    .description("Print a credential's value (a name with * prints matching ones as JSON)")
    .argument("<credential>", "name of the credential; '*' matches any characters")
    .argument("[context...]", "encryption context as key=value pairs")
    .option("-v, --version <version>", "version to read (default: the latest)")
    .option("-n, --noline", "do not print a newline after the value")
    .addHelpText(
      "after",
      `
Examples:
  export DB_PASSWORD=$(creds3 get db/password env=prod)
  creds3 get 'app/prod/*'`,
    )
    .action(async (credential, context, options, command) => {
      const ctx = parseContext(context);
      await withStore(command, async (opened) => {
        if (isPattern(credential)) {
          const secrets = await readSecrets(opened, credential, {
            version: options.version,
            context: ctx,
          });
          await printData(jsonExporter.render(toRecord(secrets)));
          return;
        }
        const secret = await opened.creds.get(credential, {
          version: options.version,
          context: ctx,
        });
        await printData(options.noline ? secret.value : secret.value + "\n");
      });
    });
}
