/**
 * AWS KMS as the key provider: `GenerateDataKey` of 64 bytes and `Decrypt`, both with the
 * encryption context and both pinned to the provider's key.
 *
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import { awsErrorCode, describeAwsError, noCredentials } from "../aws/errors.ts";
import { DEFAULT_KMS_KEY } from "../config/config.ts";
import type { EncryptionContext } from "../core/context.ts";
import { Creds3Error, KeyProviderError } from "../core/errors.ts";
import type { DataKey, KeyProvider, SetupKeyProvider } from "../core/key_provider.ts";

/** A key provider over one KMS key and one KMS client. */
export class KmsKeyProvider implements KeyProvider, SetupKeyProvider {
  readonly description: string;

  constructor(readonly client: KMSClient, readonly keyId: string = DEFAULT_KMS_KEY) {
    this.description = `kms:${keyId}`;
  }

  /**
   * When asked, makes sure the key exists and is enabled, creating it when it is an alias that
   * does not exist (see kms_setup.ts). Without `create` it checks nothing: that takes a request.
   */
  async setupKey(options: { create?: boolean; report: (line: string) => void }): Promise<void> {
    if (!options.create) return;
    const { ensureKmsKey } = await import("./kms_setup.ts");
    options.report(await ensureKmsKey(this.client, this.keyId));
  }

  async generateDataKey(context: EncryptionContext): Promise<DataKey> {
    const { GenerateDataKeyCommand } = await import("@aws-sdk/client-kms");
    try {
      const out = await this.client.send(
        new GenerateDataKeyCommand({
          KeyId: this.keyId,
          NumberOfBytes: 64,
          EncryptionContext: { ...context },
        }),
      );
      if (!out.Plaintext || !out.CiphertextBlob) {
        throw new KeyProviderError("KMS GenerateDataKey returned no key");
      }
      return { plaintext: out.Plaintext, wrapped: out.CiphertextBlob };
    } catch (e) {
      if (e instanceof Creds3Error) throw e;
      const code = awsErrorCode(e);
      throw new KeyProviderError(
        `KMS GenerateDataKey with key '${this.keyId}' failed: ${describeAwsError(e)}`,
        {
          reason: noCredentials(e)
            ? { type: "no-credentials" }
            : code === "NotFoundException"
            ? { type: "no-such-key", key: this.keyId }
            : undefined,
          code,
          cause: e,
        },
      );
    }
  }

  /**
   * Unwraps a data key with `Decrypt`, pinned to this provider's key (`KeyId`): KMS refuses a
   * data key wrapped under any other key, even one these credentials may use, so whoever may
   * write the store cannot plant a value wrapped under a key of their own.
   */
  async decryptDataKey(wrapped: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const { DecryptCommand } = await import("@aws-sdk/client-kms");
    try {
      const out = await this.client.send(
        new DecryptCommand({
          CiphertextBlob: wrapped,
          KeyId: this.keyId,
          EncryptionContext: { ...context },
        }),
      );
      if (!out.Plaintext) throw new KeyProviderError("KMS Decrypt returned no key");
      return out.Plaintext;
    } catch (e) {
      if (e instanceof Creds3Error) throw e;
      const code = awsErrorCode(e);
      if (wrappedUnderAnotherKey(e)) {
        throw new KeyProviderError(
          `The data key was wrapped under a different KMS key than '${this.keyId}' (KMS: ${code})`,
          { reason: { type: "wrong-kms-key", key: this.keyId }, code, cause: e },
        );
      }
      throw new KeyProviderError(`KMS Decrypt failed: ${describeAwsError(e)}`, {
        reason: noCredentials(e)
          ? { type: "no-credentials" }
          : code === "InvalidCiphertextException"
          ? { type: "context-mismatch", contextGiven: Object.keys(context).length > 0 }
          : undefined,
        code,
        cause: e,
      });
    }
  }
}

/**
 * Whether KMS refused a pinned `Decrypt` because the ciphertext was wrapped under another key.
 * AWS answers `IncorrectKeyException`, or, for a ciphertext whose key these credentials cannot
 * see, `AccessDeniedException` saying that the key the ciphertext refers to does not exist or
 * may not be used. moto answers `AccessDeniedException` with no message at all. A permission
 * denial on the configured key is an `AccessDeniedException` whose message says who may not do
 * what, and stays a permission denial.
 */
function wrappedUnderAnotherKey(error: unknown): boolean {
  const code = awsErrorCode(error);
  if (code === "IncorrectKeyException") return true;
  if (code !== "AccessDeniedException") return false;
  const message = error instanceof Error ? error.message.trim() : "";
  return message === "" || message === "UnknownError" || message === code ||
    /ciphertext refers to a customer master key that does not exist/i.test(message);
}
