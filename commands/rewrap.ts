/**
 * `creds3 rewrap [pattern] [context ...] --to-key KEY`
 *
 * @module
 */
import { formatLocation } from "../lib/config/location.ts";
import { UsageError } from "../lib/core/errors.ts";
import { progressReporter } from "../lib/cli/progress.ts";
import { versionLines } from "./listing.ts";
import { printData, printMessage } from "./output.ts";
import { parseSelection, SELECTION_HELP } from "./selection.ts";
import { withStoreAndKey } from "./session.ts";
import { reportUndone, versions } from "./undone.ts";
import { defineCommand, keyConfigs } from "./global_options.ts";
import { SELECTION_OPERAND } from "./operands.ts";

/** The `rewrap` command. */
export const rewrapCommand = defineCommand({
  name: "rewrap",
  description: "Re-wrap every version's data key under a new master key, in place",
  arguments: [
    SELECTION_OPERAND,
  ],
  options: [
    {
      flags: "--to-key <key>",
      description: "the new master key: a KMS key id, ARN or alias, or local:PATH",
      mandatory: true,
    },
    {
      flags: "--skip-errors",
      description: "leave out versions that cannot be re-wrapped (reported on stderr)",
    },
  ],
  helpAfter: `${SELECTION_HELP}

Key rotation: the data key of every version of every selected name is moved
from the -k key to the --to-key key with the same encryption context (KMS
ReEncrypt, so it never leaves KMS; local keys unwrap and wrap) and written back
over the same version: same ciphertext, same HMAC, same version number.
Afterwards everything reads with -k NEW_KEY, and the old key can be disabled
(see docs/SECURITY.md first: copies of the old objects stay readable with it).

A version already under the new key is left as it is: running it again
finishes an interrupted rotation. Versions under another context or key fail,
named (exit 1), or are left out with --skip-errors. Prints each version
re-wrapped as 'NAME -- version V'; a summary goes to stderr.

Examples:
  creds3 rewrap --to-key alias/creds3-2027
  creds3 rewrap 'app/*' env=prod -k alias/creds3 --to-key alias/creds3-2027`,
  async run(call) {
    const selection = parseSelection(call.args.selection);
    const { toKey, skipErrors } = call.options;
    const { config, keyConfig } = keyConfigs(call.options, toKey);
    if (JSON.stringify(keyConfig.key) === JSON.stringify(config.key)) {
      throw new UsageError(`'${toKey}' is the key the versions are read with (-k)`);
    }
    await withStoreAndKey(config, keyConfig, async (opened, keys) => {
      const { rewrapVersions } = await import("../lib/core/rewrap.ts");
      const result = await rewrapVersions(opened.creds, keys, selection.pattern, {
        context: selection.context,
        onProgress: progressReporter("re-wrapping versions"),
      });
      await printData(versionLines(result.rewrapped));
      const total = result.rewrapped.length + result.already.length + result.failures.length;
      printMessage(
        `Re-wrapped ${versions(result.rewrapped.length)} in ${formatLocation(opened.location)} ` +
          `under ${keys.description} (${versions(result.already.length)} already under it${
            skipErrors && result.failures.length > 0
              ? `, ${versions(result.failures.length)} left out`
              : ""
          })`,
      );
      reportUndone(result, { skipErrors, done: "re-wrapped", total });
    });
  },
});
