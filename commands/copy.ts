/**
 * `creds3 copy SOURCE DEST [pattern] [context ...]`
 *
 * @module
 */
import { UsageError } from "../lib/core/errors.ts";
import { checkCopyTarget } from "../lib/config/copy_target.ts";
import { formatLocation } from "../lib/config/location.ts";
import { progressReporter } from "../lib/cli/progress.ts";
import { versionLines } from "./listing.ts";
import { printData, printMessage } from "./output.ts";
import { parseSelection, SELECTION_HELP } from "./selection.ts";
import { withStores } from "./session.ts";
import { reportUndone, versions } from "./undone.ts";
import { copyConfigs, defineCommand } from "./global_options.ts";
import { SELECTION_OPERAND } from "./operands.ts";

/** The `copy` command. */
export const copyCommand = defineCommand({
  name: "copy",
  description: "Copy every version a destination store lacks, keeping version numbers",
  arguments: [
    { name: "<source>", description: "the store to copy from (a location, as -l takes it)" },
    { name: "<destination>", description: "the store to copy to" },
    SELECTION_OPERAND,
  ],
  options: [
    { flags: "--to-region <region>", description: "AWS region of the destination (default: -r's)" },
    {
      flags: "--to-profile <profile>",
      description: "AWS profile for the destination, e.g. another account (default: -p's)",
    },
    {
      flags: "--to-endpoint-url <url>",
      description:
        "endpoint of the destination: S3's, or DynamoDB's for a dynamodb:TABLE (default: the source's)",
    },
    {
      flags: "--to-key <key>",
      description:
        "re-wrap each data key under this master key (KMS key or local:PATH); needs the context",
    },
    { flags: "--latest-only", description: "copy only the latest version of each name" },
    { flags: "--dry-run", description: "print what would be copied, and copy nothing" },
    {
      flags: "--skip-errors",
      description: "leave out versions that cannot be copied (reported on stderr)",
    },
  ],
  helpAfter: `${SELECTION_HELP}

Every version of every selected name that the destination lacks is copied with
its version number, comment and binary mark; a version the destination holds
is compared, never overwritten: different content is a conflict (exit 1).
Running it again copies what is left. The destination may not be the source,
nor a prefix or folder inside it that the selected names reach. Prints each
version copied (with --dry-run, each that would be) as 'NAME -- version V'; a
summary goes to stderr.

Without --to-key the stored fields are copied as they are, with no KMS call:
the copies stay wrapped under the source's key (read them with its -k, or move
them with 'creds3 rewrap'). With --to-key each data key is re-wrapped under the
new key with its context (KMS ReEncrypt where one client reaches both keys);
the ciphertext and HMAC do not change. -k is the source's key.

Examples:
  creds3 copy team-secrets team-secrets-dr --to-region eu-west-1
  creds3 copy team-secrets s3://other-bucket/app 'app/*' env=prod --to-key alias/app
  creds3 copy ./old-store team-secrets --latest-only --dry-run`,
  async run(call) {
    const { source, destination, selection: operands } = call.args;
    const { toKey, latestOnly, dryRun, skipErrors } = call.options;
    if (call.options.location !== undefined) {
      throw new UsageError("copy takes its source as the first argument: leave out -l");
    }
    const selection = parseSelection(operands);
    const configs = copyConfigs(call.options, source, {
      location: destination,
      region: call.options.toRegion,
      profile: call.options.toProfile,
      endpointUrl: call.options.toEndpointUrl,
      key: toKey,
    });
    await checkCopyTarget(configs.source, configs.destination, selection.pattern);
    await withStores(configs.source, configs.destination, async (from, to) => {
      const { copyVersions } = await import("../lib/core/copy.ts");
      const result = await copyVersions(from.creds, to.creds, selection.pattern, {
        context: selection.context,
        latestOnly,
        rewrap: toKey !== undefined,
        dryRun,
        onProgress: progressReporter("copying versions"),
      });
      await printData(versionLines(result.copied));
      const where = formatLocation(to.location);
      for (const c of result.conflicts) {
        printMessage(
          `creds3: error: '${c.name}' version ${c.version} differs in ${where}: left as it is`,
        );
      }
      const total = result.copied.length + result.present.length + result.conflicts.length +
        result.failures.length;
      const left = skipErrors && result.failures.length > 0
        ? `, ${versions(result.failures.length)} left out`
        : "";
      const there = `${versions(result.present.length)} already there${left}`;
      printMessage(
        dryRun
          ? `Dry run: would copy ${versions(result.copied.length)} to ${where} (${there}); ` +
            "nothing was copied"
          : `Copied ${versions(result.copied.length)} to ${where} (${there})`,
      );
      if (result.presentUnderSourceKey.length > 0) {
        printMessage(
          `creds3: warning: ${versions(result.presentUnderSourceKey.length)} already there ` +
            "still wrapped under the source's key: move them with 'creds3 rewrap' there",
        );
      }
      reportUndone(result, { skipErrors, done: "copied", total });
    });
  },
});
