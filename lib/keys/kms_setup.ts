/**
 * Creating the KMS key that `setup --create-key` asks for: a symmetric key and its alias.
 *
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import { awsErrorCode, describeAwsError } from "../aws_errors.ts";
import { KeyProviderError, UsageError } from "../errors.ts";

/** Makes sure `keyId` names a usable key; creates key and alias when an alias is missing. */
export async function ensureKmsKey(client: KMSClient, keyId: string): Promise<string> {
  const { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand } = await import(
    "@aws-sdk/client-kms"
  );
  try {
    const out = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
    const state = out.KeyMetadata?.KeyState;
    if (state && state !== "Enabled") {
      throw new KeyProviderError(`KMS key '${keyId}' exists but is ${state}`);
    }
    return `KMS key '${keyId}' exists`;
  } catch (e) {
    if (e instanceof KeyProviderError) throw e;
    if (awsErrorCode(e) !== "NotFoundException") {
      throw new KeyProviderError(`KMS DescribeKey of '${keyId}' failed: ${describeAwsError(e)}`);
    }
  }
  if (!keyId.startsWith("alias/")) {
    throw new UsageError(`KMS key '${keyId}' does not exist; only an alias can be created`, {
      hint: "name the key as alias/NAME to have setup create it",
    });
  }
  try {
    const created = await client.send(
      new CreateKeyCommand({ Description: "creds3 master key", KeyUsage: "ENCRYPT_DECRYPT" }),
    );
    const id = created.KeyMetadata!.KeyId!;
    await client.send(new CreateAliasCommand({ AliasName: keyId, TargetKeyId: id }));
    return `Created KMS key ${id} with alias '${keyId}'`;
  } catch (e) {
    throw new KeyProviderError(`Creating KMS key '${keyId}' failed: ${describeAwsError(e)}`);
  }
}
