/**
 * Creating the KMS key that `setup --create-key` asks for: a symmetric key and its alias, in
 * the KMS client's region (`--kms-region`).
 *
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import { awsErrorCode, describeAwsError } from "../aws/errors.ts";
import { KeyProviderError, UsageError } from "../core/errors.ts";

/** The alias name in `alias/NAME` or `arn:...:alias/NAME`, or undefined for a key id or ARN. */
export function aliasName(keyId: string): string | undefined {
  if (keyId.startsWith("alias/")) return keyId;
  const at = keyId.indexOf(":alias/");
  return keyId.startsWith("arn:") && at > 0 ? keyId.slice(at + 1) : undefined;
}

/**
 * Makes sure `keyId` names a usable (enabled) key; when it is an alias that does not exist,
 * creates a symmetric key and points the alias at it. Returns one line of report.
 */
export async function ensureKmsKey(client: KMSClient, keyId: string): Promise<string> {
  const kms = await import("@aws-sdk/client-kms");
  const existing = await describe(kms, client, keyId);
  if (existing) return existing;
  const alias = aliasName(keyId);
  if (!alias) {
    throw new UsageError(`KMS key '${keyId}' does not exist; only an alias can be created`, {
      reason: { type: "not-an-alias", key: keyId },
    });
  }
  let created: string;
  try {
    const out = await client.send(
      new kms.CreateKeyCommand({
        Description: "creds3 master key",
        KeyUsage: "ENCRYPT_DECRYPT",
        KeySpec: "SYMMETRIC_DEFAULT",
      }),
    );
    created = out.KeyMetadata!.KeyId!;
  } catch (e) {
    throw new KeyProviderError(`Creating KMS key '${keyId}' failed: ${describeAwsError(e)}`, {
      code: awsErrorCode(e),
      cause: e,
    });
  }
  try {
    await client.send(new kms.CreateAliasCommand({ AliasName: alias, TargetKeyId: created }));
  } catch (e) {
    // Do not leave an unused key behind (a key costs money): schedule it for deletion.
    await client.send(
      new kms.ScheduleKeyDeletionCommand({ KeyId: created, PendingWindowInDays: 7 }),
    ).catch(() => {});
    if (awsErrorCode(e) === "AlreadyExistsException") {
      // Another setup created the alias at the same time: use theirs.
      const theirs = await describe(kms, client, keyId);
      if (theirs) return `${theirs} (created by another setup at the same time)`;
    }
    throw new KeyProviderError(
      `Creating alias '${alias}' failed: ${describeAwsError(e)}; the new key ${created} is ` +
        "scheduled for deletion",
      { code: awsErrorCode(e), cause: e },
    );
  }
  return `Created KMS key ${created} with alias '${alias}'`;
}

/** "exists" for an enabled key, undefined for a missing one; throws for anything else. */
async function describe(
  kms: typeof import("@aws-sdk/client-kms"),
  client: KMSClient,
  keyId: string,
): Promise<string | undefined> {
  try {
    const out = await client.send(new kms.DescribeKeyCommand({ KeyId: keyId }));
    const state = out.KeyMetadata?.KeyState;
    if (state && state !== "Enabled") {
      throw new KeyProviderError(`KMS key '${keyId}' exists but is ${state}`, {
        reason: { type: "key-not-enabled", key: keyId, state },
      });
    }
    return `KMS key '${keyId}' exists`;
  } catch (e) {
    if (e instanceof KeyProviderError) throw e;
    if (awsErrorCode(e) === "NotFoundException") return undefined;
    throw new KeyProviderError(`KMS DescribeKey of '${keyId}' failed: ${describeAwsError(e)}`, {
      code: awsErrorCode(e),
      cause: e,
    });
  }
}
