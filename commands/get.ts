/**
 * `creds3 get credential [context ...]`
 *
 * @module
 */
import { parseContext } from "../lib/core/context.ts";
import { UsageError } from "../lib/core/errors.ts";
import { isPattern } from "../lib/core/names.ts";
import { jsonExporter } from "../plugins/json.ts";
import { withValueBytes } from "../lib/core/binary.ts";
import { printBytes, printData } from "./output.ts";
import { readSecrets, toRecord, withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";
import { CONTEXT_OPERAND } from "./operands.ts";

/** The `get` command. */
export const getCommand = defineCommand({
  name: "get",
  description: "Print a credential's value (a name with * prints matching ones as JSON)",
  arguments: [
    { name: "<credential>", description: "name of the credential; '*' matches any characters" },
    CONTEXT_OPERAND,
  ],
  options: [
    { flags: "-v, --version <version>", description: "version to read (default: the latest)" },
    { flags: "-n, --noline", description: "do not print a newline after the value" },
  ],
  helpAfter: `
A binary secret (put --binary) is written as its bytes, with no newline, to a
file or a pipe, never to a terminal; with a '*' it is its base64 text in the
JSON.

Examples:
  export DB_PASSWORD=$(creds3 get db/password env=prod)
  creds3 get 'app/prod/*'
  creds3 get tls/keystore > keystore.p12`,
  async run(call) {
    const { credential } = call.args;
    const { version } = call.options;
    const context = parseContext(call.args.context);
    await withStore(commandConfig(call.options), async (opened) => {
      if (isPattern(credential)) {
        const secrets = await readSecrets(opened, credential, { version, context });
        await printData(jsonExporter.render(toRecord(secrets)));
        return;
      }
      const secret = await opened.creds.get(credential, { version, context });
      if (secret.binary) {
        // Bytes on a terminal are not readable, and may act on it (escape sequences).
        if (Deno.stdout.isTerminal()) {
          throw new UsageError(
            `'${credential}' version ${secret.version} is a binary secret: its bytes are not ` +
              "written to a terminal",
            {
              reason: { type: "binary-to-terminal" },
              secret: { name: credential, version: secret.version },
            },
          );
        }
        return await withValueBytes(secret, printBytes);
      }
      await printData(call.options.noline ? secret.value : secret.value + "\n");
    });
  },
});
