/**
 * `creds3 setup [--create-key]`
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { createMasterKey, readMasterKey } from "../lib/keys/local.ts";
import { canSetup } from "../lib/stores/store.ts";
import { printMessage } from "./output.ts";
import { withStore } from "./session.ts";

/** The `setup` command. */
export function setupCommand() {
  return new Command("setup")
    .description("Create the store (bucket or directory) and, when asked, the master key")
    .option("--create-key", "also create the master key (local key file, or KMS key and alias)")
    .addHelpText(
      "after",
      `
Examples:
  creds3 setup -l file:./secrets --create-key
  creds3 setup -l my-bucket --create-key`,
    )
    .action(async (options, command) => {
      await withStore(command, async ({ creds, aws }, config) => {
        if (canSetup(creds.store)) {
          for (const line of await creds.store.setup({})) printMessage(line);
        }
        const key = config.key;
        if (key.kind === "local") {
          if (options.createKey) {
            const made = await createMasterKey(key.path);
            printMessage(
              made
                ? `Created local master key '${key.path}'`
                : `Local master key '${key.path}' exists`,
            );
          }
          await readMasterKey(key.path);
        } else if (options.createKey) {
          const { ensureKmsKey } = await import("../lib/keys/kms_setup.ts");
          printMessage(await ensureKmsKey(await aws!.kms(), key.id));
        }
        printMessage(`Ready: ${creds.store.description} with ${creds.keys.description}`);
      });
    });
}
