/**
 * `creds3 policy reader|writer|admin`
 *
 * @module
 */
import { iamPolicy, POLICY_ROLES } from "../lib/aws/iam_policy.ts";
import { commandConfig, defineCommand } from "./global_options.ts";
import { printData, printMessage, printWarning } from "./output.ts";

/** The `policy` command. */
export const policyCommand = defineCommand({
  name: "policy",
  description: "Print the minimal IAM policy JSON for reading, writing or administering the store",
  arguments: [{
    name: "<role>",
    description:
      "reader: get, getall, list, keys, history, export, exec; writer: also put; admin: also delete, prune and setup",
    choices: POLICY_ROLES,
  }],
  helpAfter: `
Resources are scoped to the bucket, the prefix and the master key. The account
and the key ARN are resolved through STS and KMS when the credentials allow;
otherwise the policy has the placeholders ACCOUNT_ID and KEY_ID, and a warning
says so.

Examples:
  creds3 policy reader -l my-bucket/app/prod -k alias/creds3
  creds3 policy admin -l my-bucket > creds3-admin.json`,
  async run(call) {
    const config = commandConfig(call.options);
    const { AwsClients } = await import("../lib/aws/clients.ts");
    const { resolvePolicyTarget } = await import("../lib/aws/iam_policy_target.ts");
    const aws = new AwsClients(config);
    try {
      const resolved = await resolvePolicyTarget(config, aws);
      if (resolved.caller) {
        printMessage(`Account ${resolved.account}, as ${resolved.caller}`);
      }
      for (const note of resolved.notes) printWarning(note);
      const policy = iamPolicy(call.args.role, resolved.target);
      await printData(JSON.stringify(policy, null, 2) + "\n");
    } finally {
      await aws.destroy();
    }
  },
});
