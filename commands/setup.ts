/**
 * `creds3 setup [--fix] [--create-key] [--deny-overwrite]`
 *
 * @module
 */
import { StoreError, UsageError } from "../lib/core/errors.ts";
import { canSetupKey } from "../lib/core/key_provider.ts";
import { canSetup, type SetupStep } from "../lib/core/store.ts";
import { printMessage, printWarning } from "./output.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";

function report(steps: readonly SetupStep[]): void {
  for (const { step, outcome, detail } of steps) {
    const line = `${step}: ${detail}`;
    if (outcome === "differs") printWarning(line);
    else if (outcome === "failed") printMessage(`creds3: error: ${line}`);
    else if (outcome === "skipped") printMessage(`${step}: skipped, ${detail}`);
    else printMessage(line);
  }
}

/** The `setup` command. */
export const setupCommand = defineCommand({
  name: "setup",
  description:
    "Create the store (bucket, directory or table) and, when asked, the master key; check an existing one",
  options: [
    {
      flags: "--fix",
      description: "change the settings of an existing bucket that differ from the hardened ones",
    },
    {
      flags: "--create-key",
      description: "also create the master key (local key file, or KMS key and alias)",
    },
    {
      flags: "--deny-overwrite",
      description: "S3: add a bucket policy statement denying every write under the prefix " +
        "that could replace a version",
    },
  ],
  helpAfter: `
A new bucket is made in the region (us-east-1 without a location constraint)
with Block Public Access on, default encryption (SSE-S3), versioning, and a
policy denying requests without TLS. On an existing bucket setup reports what
differs and changes it only with --fix. On S3-compatible stores what the store
does not support is skipped. --deny-overwrite adds a statement to the bucket
policy that denies, to everyone, a PutObject under the store's prefix without
If-None-Match: no client can replace a version (creds3 never does), and
CopyObject there is refused; it is added to an existing bucket without --fix.

For a credstash table (-l dynamodb:TABLE) setup creates it as credstash does
(hash key 'name', range key 'version', both strings), billed on demand, and
waits until it is active; on an existing table it checks the key schema and
reports the billing. With --create-key the default key is alias/credstash.

Examples:
  creds3 setup -l file:./secrets --create-key
  creds3 setup -l my-bucket --create-key
  creds3 setup -l my-bucket --fix
  creds3 setup -l dynamodb:credential-store --create-key`,
  async run(call) {
    const { createKey, fix, denyOverwrite } = call.options;
    const config = commandConfig(call.options);
    if (denyOverwrite && config.location?.kind === "directory") {
      throw new UsageError(
        "Option --deny-overwrite is for S3 stores: a directory store never replaces a version",
      );
    }
    if ((denyOverwrite || fix) && config.location?.kind === "dynamodb") {
      throw new UsageError(
        `Option --${denyOverwrite ? "deny-overwrite" : "fix"} is for S3 stores: setup creates ` +
          "a credstash table or checks it, and changes nothing in an existing one",
      );
    }
    await withStore(config, async ({ creds }) => {
      const steps = canSetup(creds.store) ? await creds.store.setup({ fix, denyOverwrite }) : [];
      report(steps);
      const failed = steps.filter((s) => s.outcome === "failed");
      if (failed.length > 0) {
        throw new StoreError(
          `Setup of ${creds.store.description} did not finish: ${
            failed.map((s) => s.step).join(", ")
          } failed`,
          { reason: { type: "setup-failed" } },
        );
      }
      if (canSetupKey(creds.keys)) {
        await creds.keys.setupKey({ create: createKey, report: printMessage });
      }
      if (steps.some((s) => s.outcome === "differs")) {
        printMessage("creds3: hint: run 'creds3 setup --fix' to change what differs");
      }
      printMessage(`Ready: ${creds.store.description} with ${creds.keys.description}`);
    });
  },
});
