/**
 * `creds3 put credential value [context ...]`, or `creds3 put -P credential [context ...]`
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { parseContext } from "../lib/context.ts";
import { UsageError } from "../lib/errors.ts";
import { DEFAULT_DIGEST, WRITE_DIGESTS, writeDigest } from "../lib/envelope.ts";
import { readValue } from "../lib/input.ts";
import { validateName, validateVersion } from "../lib/names.ts";
import { promptValue } from "../lib/prompt.ts";
import { printMessage } from "./output.ts";
import { withStore } from "./session.ts";

/** The `put` command. */
export function putCommand() {
  return new Command("put")
    .description("Store a new version of a credential")
    .argument("<credential>", "name of the credential")
    .argument(
      "[value]",
      "the value, @FILE to read it from a file, or - to read standard input (none with -P)",
    )
    .argument("[context...]", "encryption context as key=value pairs")
    .option("-v, --version <version>", "version to store (never overwritten)", "1")
    .option("-a, --autoversion", "store the highest integer version + 1")
    .option("-P, --prompt", "ask for the value on the terminal, without echo")
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
  creds3 put -P db/password env=prod
  printf %s "$TOKEN" | creds3 put ci/token -`,
    )
    .action(async (credential, value, context, options, command) => {
      validateName(credential);
      if (!options.autoversion) validateVersion(options.version);
      const pairs = options.prompt && value !== undefined ? [value, ...context] : context;
      if (options.prompt && value !== undefined && !value.includes("=")) {
        // Not echoed: it is most likely the value itself.
        throw new UsageError("-P asks for the value on the terminal: give no value argument");
      }
      if (!options.prompt && value === undefined) {
        throw new UsageError("The value is missing", {
          hint: "give it as an argument, @FILE, - for standard input, or -P to be asked for it",
        });
      }
      const ctx = parseContext(pairs, { hide: true });
      const digest = writeDigest(options.digest);
      const text = options.prompt ? await promptValue(credential) : await readValue(value!);
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
