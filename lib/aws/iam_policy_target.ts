/**
 * What an IAM policy for a store names: the bucket and the prefix (or the DynamoDB table's ARN)
 * and the KMS key's ARN, with the account and the key resolved through STS `GetCallerIdentity`
 * and KMS `DescribeKey` when the credentials allow, and visible placeholders otherwise.
 *
 * @module
 */
import { partitionOf, regionOfArn } from "./arn.ts";
import type { AwsClients } from "./clients.ts";
import { describeAwsError } from "./errors.ts";
import type { Config } from "../config/config.ts";
import { UsageError } from "../core/errors.ts";
import type { PolicyTarget } from "./iam_policy.ts";
import type { TablePolicyTarget } from "./iam_policy_table.ts";
import { formatLocation } from "../config/location.ts";

/** The placeholder for an account id that could not be resolved. */
export const ACCOUNT_PLACEHOLDER = "ACCOUNT_ID";
/** The placeholder for a KMS key id that could not be resolved. */
export const KEY_PLACEHOLDER = "KEY_ID";

/** A resolved target, who resolved it, and what could not be resolved. */
export interface ResolvedTarget {
  target: PolicyTarget;
  /** The caller's ARN, when STS answered. */
  caller?: string;
  account?: string;
  /** One line per placeholder or omission, for stderr. */
  notes: string[];
}

/** Resolves the policy target of `config`; never fails for want of credentials. */
export async function resolvePolicyTarget(
  config: Config,
  aws: AwsClients,
): Promise<ResolvedTarget> {
  if (config.location?.kind === "directory") {
    throw new UsageError(
      `IAM policies are for S3 stores; '${formatLocation(config.location)}' is a local directory`,
    );
  }
  if (config.location?.kind === "dynamodb") {
    throw new UsageError(
      `'${formatLocation(config.location)}' is a DynamoDB table: its policy target is ` +
        "resolved by resolveTablePolicyTarget",
    );
  }
  const notes: string[] = [];
  const region = await aws.region();
  const { account, caller } = await resolveCaller(aws, notes);
  const location = config.location ??
    {
      kind: "s3" as const,
      bucket: `credential-store-${account ?? ACCOUNT_PLACEHOLDER}`,
      prefix: "",
    };
  const target: PolicyTarget = {
    partition: partitionOf(region),
    bucket: location.bucket,
    prefix: location.prefix,
  };
  const kms = await resolveKms(config, aws, account, notes);
  if (kms) target.kms = kms;
  return { target, caller, account, notes };
}

/** A resolved table target, who resolved it, and what could not be resolved. */
export interface ResolvedTableTarget {
  target: TablePolicyTarget;
  /** The caller's ARN, when STS answered. */
  caller?: string;
  account?: string;
  /** One line per placeholder or omission, for stderr. */
  notes: string[];
}

/**
 * Resolves the policy target of a `dynamodb:TABLE` location: the table's ARN in the region,
 * and the KMS key; never fails for want of credentials.
 */
export async function resolveTablePolicyTarget(
  config: Config,
  aws: AwsClients,
): Promise<ResolvedTableTarget> {
  const location = config.location;
  if (location?.kind !== "dynamodb") {
    throw new UsageError("A table's policy target needs a dynamodb:TABLE location");
  }
  const notes: string[] = [];
  const region = await aws.region();
  const { account, caller } = await resolveCaller(aws, notes);
  const target: TablePolicyTarget = {
    partition: partitionOf(region),
    tableArn: `arn:${partitionOf(region)}:dynamodb:${region}:${
      account ?? ACCOUNT_PLACEHOLDER
    }:table/${location.table}`,
  };
  const kms = await resolveKms(config, aws, account, notes);
  if (kms) target.kms = kms;
  return { target, caller, account, notes };
}

/** The caller's account and ARN through STS, or a note that the account is a placeholder. */
async function resolveCaller(
  aws: AwsClients,
  notes: string[],
): Promise<{ account?: string; caller?: string }> {
  try {
    const { account, arn } = await aws.callerIdentity();
    return { account, caller: arn };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    notes.push(
      `the account is the placeholder ${ACCOUNT_PLACEHOLDER}: STS GetCallerIdentity failed ` +
        `(${describeAwsError(e)})`,
    );
    return {};
  }
}

/** The KMS key's ARNs (undefined for a local key, with a note), resolved when possible. */
async function resolveKms(
  config: Config,
  aws: AwsClients,
  account: string | undefined,
  notes: string[],
): Promise<PolicyTarget["kms"]> {
  const key = config.key;
  if (key.kind === "local") {
    notes.push("the master key is a local file: the policy has no KMS statements");
    return undefined;
  }
  const kmsRegion = await aws.kmsRegion();
  const id = key.id;
  const accountOf = (arn: string) => arn.split(":")[4] || account || ACCOUNT_PLACEHOLDER;
  const base = (arn?: string) =>
    `arn:${partitionOf(arn ? regionOfArn(arn) ?? kmsRegion : kmsRegion)}:kms:${
      arn ? regionOfArn(arn) ?? kmsRegion : kmsRegion
    }:${arn ? accountOf(arn) : account ?? ACCOUNT_PLACEHOLDER}`;
  if (id.startsWith("arn:") && id.includes(":key/")) return { keyArn: id };
  if (!id.startsWith("alias/") && !id.startsWith("arn:")) return { keyArn: `${base()}:key/${id}` };
  const aliasArn = id.startsWith("arn:") ? id : `${base()}:${id}`;
  let keyArn: string;
  try {
    keyArn = await describeKeyArn(aws, id);
  } catch (e) {
    keyArn = `${base(id.startsWith("arn:") ? id : undefined)}:key/${KEY_PLACEHOLDER}`;
    notes.push(
      `the key is the placeholder ${KEY_PLACEHOLDER}: KMS DescribeKey of '${id}' failed ` +
        `(${describeAwsError(e)})`,
    );
  }
  return { keyArn, aliasArn };
}

async function describeKeyArn(aws: AwsClients, id: string): Promise<string> {
  const { DescribeKeyCommand } = await import("@aws-sdk/client-kms");
  const out = await (await aws.kms()).send(new DescribeKeyCommand({ KeyId: id }));
  if (!out.KeyMetadata?.Arn) throw new Error("DescribeKey answered without an ARN");
  return out.KeyMetadata.Arn;
}
