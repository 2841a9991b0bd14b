/**
 * creds3's AWS plumbing for Deno programs (`@creds3/creds3/aws`): AWS clients made the way the
 * command line makes them (profiles, an assumed role with MFA, retries, timeouts, custom
 * endpoints), the region and ARN facts, describing SDK errors, and the minimal IAM policies of
 * a store. The SDK itself is loaded only when a client is first asked for.
 *
 * @example The IAM policy that lets a program read one prefix of a store
 * ```ts
 * import { iamPolicy } from "./mod.ts";
 * import { ok } from "node:assert/strict";
 *
 * const policy = iamPolicy("reader", {
 *   partition: "aws",
 *   bucket: "my-bucket",
 *   prefix: "app/prod/",
 *   kms: { keyArn: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
 * });
 * const actions = policy.Statement.flatMap((s) => s.Action);
 * ok(actions.includes("s3:GetObject") && actions.includes("kms:Decrypt"));
 * ok(!actions.includes("s3:PutObject"));
 * ```
 *
 * @module
 */

export { AwsClients, type CallerIdentity, type MfaCodeProvider } from "./clients.ts";
export type { AwsSettings, RoleSettings } from "../config/aws_settings.ts";
export type { Config, KeySpec } from "../config/config.ts";
export { DEFAULT_REGION, partitionOf, regionOfArn } from "./arn.ts";
export { awsErrorCode, describeAwsError } from "./errors.ts";
export {
  iamPolicy,
  POLICY_ROLES,
  type PolicyDocument,
  type PolicyRole,
  type PolicyStatement,
  type PolicyTarget,
} from "./iam_policy.ts";
export {
  ACCOUNT_PLACEHOLDER,
  KEY_PLACEHOLDER,
  type ResolvedTableTarget,
  type ResolvedTarget,
  resolvePolicyTarget,
  resolveTablePolicyTarget,
} from "./iam_policy_target.ts";
export { tablePolicy, type TablePolicyTarget } from "./iam_policy_table.ts";
