/**
 * `creds3 delete credential`
 *
 * @module
 */
import { printMessage } from "./output.ts";
import { withStore } from "./session.ts";
import { commandConfig, defineCommand } from "./global_options.ts";

/** The `delete` command. */
export const deleteCommand = defineCommand({
  name: "delete",
  description: "Delete every version of exactly one credential, or one version",
  arguments: [{ name: "<credential>", description: "exact name of the credential (no wildcards)" }],
  options: [{ flags: "-v, --version <version>", description: "delete only this version" }],
  helpAfter: `
Examples:
  creds3 delete db/password
  creds3 delete db/password -v 3`,
  async run(call) {
    await withStore(commandConfig(call.options), async ({ creds }) => {
      const deleted = await creds.delete(call.args.credential, { version: call.options.version });
      for (const e of deleted) printMessage(`Deleted '${e.name}' version ${e.version}`);
    });
  },
});
