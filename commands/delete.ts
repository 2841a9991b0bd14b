/**
 * `creds3 delete credential`
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { printMessage } from "./output.ts";
import { withStore } from "./session.ts";

/** The `delete` command. */
export function deleteCommand() {
  return new Command("delete")
    .description("Delete every version of exactly one credential, or one version")
    .argument("<credential>", "exact name of the credential (no wildcards)")
    .option("-v, --version <version>", "delete only this version")
    .addHelpText(
      "after",
      `
Examples:
  creds3 delete db/password
  creds3 delete db/password -v 3`,
    )
    .action(async (credential, options, command) => {
      await withStore(command, async ({ creds }) => {
        const deleted = await creds.delete(credential, { version: options.version });
        for (const e of deleted) printMessage(`Deleted '${e.name}' version ${e.version}`);
      });
    });
}
