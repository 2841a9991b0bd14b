/**
 * `creds3 prune pattern --keep N [--older-than DURATION] [--dry-run] [-f text|json]`
 *
 * @module
 */
import { parseDuration } from "../lib/cli/duration.ts";
import { UsageError } from "../lib/core/errors.ts";
import { checkKeep } from "../lib/core/prune.ts";
import { entryJson, LISTING_FORMAT, printableJson, versionLines } from "./listing.ts";
import { printData, printMessage } from "./output.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";

/** The `prune` command. */
export const pruneCommand = defineCommand({
  name: "prune",
  description: "Delete old versions, keeping the latest N of each name",
  arguments: [
    { name: "<pattern>", description: "a name, or names matching it; '*' matches any characters" },
  ],
  options: [
    {
      flags: "--keep <n>",
      description: "how many of the latest versions of each name to keep (at least 1)",
      mandatory: true,
    },
    {
      flags: "--older-than <duration>",
      description: "delete only versions written more than this long ago, e.g. 30d, 12h, 1w3d",
    },
    { flags: "--dry-run", description: "print what would be deleted, and delete nothing" },
    LISTING_FORMAT,
  ],
  helpAfter: `
Of each matching name, all but the --keep latest versions are deleted (with
--older-than, only those written before that); the latest version of a name
is never deleted. Versions stored while prune runs are never deleted.

Prints each version deleted (or, with --dry-run, that would be) as
'NAME -- version V', or with -f json as an array of objects with name,
version, lastModified and size; a summary goes to stderr.

Durations: whole numbers with units s, m, h, d (24 hours) or w, e.g. 90m,
36h, 30d, 1w3d.

Examples:
  creds3 prune db/password --keep 3
  creds3 prune 'app/*' --keep 5 --older-than 30d --dry-run
  creds3 prune '*' --keep 1 -f json`,
  async run(call) {
    const { pattern } = call.args;
    const { keep, olderThan, dryRun } = call.options;
    if (!/^\d+$/.test(keep)) {
      throw new UsageError(`--keep '${keep}' is not a whole number of versions`);
    }
    checkKeep(Number(keep));
    const age = olderThan === undefined ? undefined : parseDuration(olderThan);
    const config = commandConfig(call.options);
    if (age !== undefined && config.location?.kind === "dynamodb") {
      // Every version would count as of unknown date, so kept: say so instead of doing nothing.
      throw new UsageError(
        "Option --older-than needs the date each version was written, and a credstash table " +
          "keeps none",
      );
    }
    await withStore(config, async ({ creds }) => {
      // Dated once, before the listing: versions written after it are never "older than".
      const before = age === undefined ? undefined : new Date(Date.now() - age);
      const result = await creds.prune(pattern, { keep: Number(keep), before, dryRun });
      const { deleted, names, kept } = result;
      if (call.options.format === "json") {
        await printData(printableJson(deleted.map(entryJson)));
      } else {
        await printData(versionLines(deleted));
      }
      const matched = `${names} ${names === 1 ? "credential" : "credentials"} matched`;
      const count = (n: number) => `${n} ${n === 1 ? "version" : "versions"}`;
      printMessage(
        deleted.length === 0
          ? `Nothing to delete: kept ${count(kept)} (${matched})`
          : dryRun
          ? `Dry run: would delete ${count(deleted.length)} and keep ${count(kept)} ` +
            `(${matched}); nothing was deleted`
          : `Deleted ${count(deleted.length)}, kept ${count(kept)} (${matched})`,
      );
    });
  },
});
