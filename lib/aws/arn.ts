/**
 * Regions, partitions and ARNs: the AWS naming facts that more than one part of creds3 needs.
 *
 * @module
 */

/** The region used when neither flags, environment nor profile give one. */
export const DEFAULT_REGION = "us-east-1";

/** The partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The region in an ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`), if it names one. */
export function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts.length >= 6 && parts[0] === "arn" && parts[3] ? parts[3] : undefined;
}
