/**
 * `creds3 put credential value [context ...]`, or `creds3 put -P credential [context ...]`,
 * with `-c TEXT` a comment and with `--binary` the bytes of `@FILE` or `-`
 *
 * @module
 */
import { parseContext } from "../lib/core/context.ts";
import { UsageError } from "../lib/core/errors.ts";
import { DEFAULT_DIGEST, WRITE_DIGESTS, writeDigest } from "../lib/core/envelope.ts";
import { readValue, readValueBytes } from "../lib/cli/input.ts";
import { MAX_COMMENT_BYTES, validateComment } from "../lib/core/comment.ts";
import { validateName, validateVersion } from "../lib/core/names.ts";
import { promptValue } from "../lib/cli/prompt.ts";
import { printMessage } from "./output.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";
import { CONTEXT_OPERAND } from "./operands.ts";

/** The `put` command. */
export const putCommand = defineCommand({
  name: "put",
  description: "Store a new version of a credential",
  arguments: [
    { name: "<credential>", description: "name of the credential" },
    {
      name: "[value]",
      description:
        "the value, @FILE to read it from a file, or - to read standard input (none with -P)",
    },
    CONTEXT_OPERAND,
  ],
  options: [
    {
      flags: "-v, --version <version>",
      description: "version to store (never overwritten)",
      default: "1",
    },
    { flags: "-a, --autoversion", description: "store the highest integer version + 1" },
    { flags: "-P, --prompt", description: "ask for the value on the terminal, without echo" },
    {
      flags: "-d, --digest <digest>",
      description: "HMAC digest",
      choices: WRITE_DIGESTS,
      default: DEFAULT_DIGEST,
    },
    {
      flags: "-c, --comment <text>",
      description: `a note stored with this version (one line, at most ${MAX_COMMENT_BYTES} bytes)`,
    },
    {
      flags: "--binary",
      description: "store the bytes of @FILE or - as they are; get writes them back",
    },
  ],
  // A value that starts with '-' would otherwise be echoed as an unknown option.
  secretArguments: {
    hint: "a value that starts with '-' goes after '--': creds3 put NAME -- VALUE",
  },
  helpAfter: `
Examples:
  creds3 put db/password 'correct horse' env=prod
  creds3 put -a api_key @key.txt
  creds3 put -P db/password env=prod
  printf %s "$TOKEN" | creds3 put ci/token -
  creds3 put -a db/password @new.txt -c 'rotated after the audit'
  creds3 put tls/keystore @keystore.p12 --binary
  openssl rand 32 | creds3 put app/signing-key - --binary`,
  async run(call) {
    const { credential, value, context } = call.args;
    const { version, autoversion, prompt, comment, binary } = call.options;
    validateName(credential);
    if (!autoversion) validateVersion(version);
    if (comment !== undefined) validateComment(comment);
    if (binary && (prompt || value === undefined || (value !== "-" && !value.startsWith("@")))) {
      throw new UsageError("--binary reads the bytes from @FILE or standard input (-)", {
        reason: { type: "binary-needs-file" },
      });
    }
    const pairs = prompt && value !== undefined ? [value, ...context] : context;
    if (prompt && value !== undefined && !value.includes("=")) {
      // Not echoed: it is most likely the value itself.
      throw new UsageError("-P asks for the value on the terminal: give no value argument");
    }
    if (!prompt && value === undefined) {
      throw new UsageError("The value is missing", { reason: { type: "value-missing" } });
    }
    const ctx = parseContext(pairs, { hide: true });
    const digest = writeDigest(call.options.digest);
    // Every setting is checked before the value is asked for or read: a mistake in one is
    // reported before anyone types a secret or a pipe is drained.
    const config = commandConfig(call.options);
    // Without -P there is a value argument (checked above).
    const input = prompt || value === undefined
      ? await promptValue(credential)
      : binary
      ? await readValueBytes(value, { home: config.home })
      : await readValue(value, { home: config.home });
    await withStore(config, async ({ creds }) => {
      const stored = await creds.put(credential, input, {
        version,
        autoversion,
        context: ctx,
        digest,
        comment,
      });
      printMessage(`Stored '${credential}' version ${stored}`);
    });
  },
});
