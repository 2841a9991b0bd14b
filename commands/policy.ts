/**
 * `creds3 policy reader|writer|admin|setup [context ...] [--create-only]`
 *
 * @module
 */
import { askMfaCodeOnTerminal } from "./session.ts";
import { parseContext } from "../lib/core/context.ts";
import { UsageError } from "../lib/core/errors.ts";
import { iamPolicy, POLICY_ROLES, type PolicyRole } from "../lib/aws/iam_policy.ts";
import type { Config } from "../lib/config/config.ts";
import type { EncryptionContext } from "../lib/core/context.ts";
import { commandConfig, defineCommand } from "./global_options.ts";
import { printData, printMessage, printWarning } from "./output.ts";

/** The `policy` command. */
export const policyCommand = defineCommand({
  name: "policy",
  description: "Print the minimal IAM policy JSON for reading, writing, administering or " +
    "setting up the store",
  arguments: [{
    name: "<role>",
    description:
      "reader: get, getall, list, keys, history, export, exec; writer: also put, import; " +
      "admin: also delete and prune; setup: create and harden the bucket and the key",
    choices: POLICY_ROLES,
  }, {
    name: "[context...]",
    description: "encryption context as key=value pairs that KMS calls must carry",
  }],
  options: [{
    flags: "--create-only",
    description: "writer, admin: may add versions but never replace one (s3:if-none-match)",
  }],
  helpAfter: `
Resources are scoped to the bucket, the prefix and the master key. The account
and the key ARN are resolved through STS and KMS when the credentials allow;
otherwise the policy has the placeholders ACCOUNT_ID and KEY_ID, and a warning
says so. Context pairs become kms:EncryptionContext:KEY conditions on Decrypt
and GenerateDataKey.

setup's bucket actions (bucket policy, versioning, Block Public Access) control
every prefix of the bucket: the admin of a prefix does not get them, and the
setup policy belongs to the bucket's owner. The admin of a whole bucket (no
prefix) gets them too.

For a credstash table (-l dynamodb:TABLE) the statements name the table:
GetItem, Query and Scan to read, PutItem to write, BatchWriteItem and
UpdateItem to administer, CreateTable and DescribeTable to set up (the admin
gets those too: the table is the whole store).

Examples:
  creds3 policy reader env=prod -l my-bucket/app/prod -k alias/creds3
  creds3 policy writer -l my-bucket/app/prod --create-only
  creds3 policy setup -l my-bucket > creds3-setup.json
  creds3 policy reader -l dynamodb:credential-store`,
  async run(call) {
    const { role, context: pairs } = call.args;
    const createOnly = call.options.createOnly;
    if (createOnly && role !== "writer" && role !== "admin") {
      throw new UsageError(
        `Option --create-only is for the writer and admin policies, not ${role}`,
      );
    }
    const context = parseContext(pairs);
    if (role === "setup" && pairs.length > 0) {
      throw new UsageError("The setup policy makes no KMS calls with a context: give none");
    }
    const config = commandConfig(call.options);
    if (config.location?.kind === "dynamodb") {
      if (createOnly) {
        throw new UsageError(
          "Option --create-only is for S3 stores: IAM cannot require that DynamoDB writes be " +
            "conditional (creds3's always are)",
        );
      }
      return await printTablePolicy(config, role, context);
    }
    const { AwsClients } = await import("../lib/aws/clients.ts");
    const { resolvePolicyTarget } = await import("../lib/aws/iam_policy_target.ts");
    const aws = new AwsClients(config, { askMfaCode: askMfaCodeOnTerminal });
    try {
      const resolved = await resolvePolicyTarget(config, aws);
      if (resolved.caller) {
        printMessage(`Account ${resolved.account}, as ${resolved.caller}`);
      }
      for (const note of resolved.notes) printWarning(note);
      const { bucket, prefix } = resolved.target;
      if (prefix && role === "admin") {
        printWarning(
          `the admin of prefix '${prefix}' does not set up the bucket: its settings control ` +
            `every prefix; 'creds3 policy setup -l ${bucket}' is for the bucket's owner`,
        );
      }
      if (prefix && role === "setup") {
        printWarning(
          `setting up controls the whole bucket '${bucket}', not only prefix '${prefix}': ` +
            "give this policy to the bucket's owner only",
        );
      }
      const policy = iamPolicy(role, resolved.target, { context, createOnly });
      await printData(JSON.stringify(policy, null, 2) + "\n");
    } finally {
      await aws.destroy();
    }
  },
});

/** The policy of a credstash table (`-l dynamodb:TABLE`). */
async function printTablePolicy(
  config: Config,
  role: PolicyRole,
  context: EncryptionContext,
): Promise<void> {
  const { AwsClients } = await import("../lib/aws/clients.ts");
  const { resolveTablePolicyTarget } = await import("../lib/aws/iam_policy_target.ts");
  const { tablePolicy } = await import("../lib/aws/iam_policy_table.ts");
  const aws = new AwsClients(config, { askMfaCode: askMfaCodeOnTerminal });
  try {
    const resolved = await resolveTablePolicyTarget(config, aws);
    if (resolved.caller) printMessage(`Account ${resolved.account}, as ${resolved.caller}`);
    for (const note of resolved.notes) printWarning(note);
    const policy = tablePolicy(role, resolved.target, { context });
    await printData(JSON.stringify(policy, null, 2) + "\n");
  } finally {
    await aws.destroy();
  }
}
