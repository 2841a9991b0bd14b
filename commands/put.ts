/**
 * `creds3 put credential value [context ...]`
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { parseContext } from "../lib/context.ts";
import { DEFAULT_DIGEST, WRITE_DIGESTS, writeDigest } from "../lib/envelope.ts";
import { readValue } from "../lib/input.ts";
import { validateName, validateVersion } from "../lib/names.ts";
import { printMessage } from "./output.ts";
import { withStore } from "./session.ts";

/** The `put` command. */
export function putCommand() {
  return new Command("put")
    .description("Store a new version of a credential")
    .argument("<credential>", "name of the credential")
    .argument("<value>", "the value, @FILE to read it from a file, or - to read standard input")
    .argument("[context...]", "encryption context as key=value pairs")
    .option("-v, --version <version>", "version to store (never overwritten)", "1")
    .option("-a, --autoversion", "store the highest integer version + 1")
    .addOption(
      new Option("-d, --digest <digest>", "HMAC digest").choices(WRITE_DIGESTS).default(
        DEFAULT_DIGEST,
      ),
    )
    .addHelpText(
      "after",
      `
Examples:
  creds3 put db/password 'correct horse' env=prod
  creds3 put -a api_key @key.txt
  printf %s "$TOKEN" | creds3 put ci/token -`,
    )
    .action(async (credential, value, context, options, command) => {
      validateName(credential);
      if (!options.autoversion) validateVersion(options.version);
      const ctx = parseContext(context);
      const digest = writeDigest(options.digest);
      const text = await readValue(value);
      await withStore(command, async ({ creds }) => {
        const version = await creds.put(credential, text, {
          version: options.version,
          autoversion: options.autoversion,
          context: ctx,
          digest,
        });
        printMessage(`Stored '${credential}' version ${version}`);
      });
    });
}
