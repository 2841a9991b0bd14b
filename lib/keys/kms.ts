/**
 * AWS KMS as the key provider: `GenerateDataKey` of 64 bytes and `Decrypt`, both with the
 * encryption context and both pinned to the provider's key; for moving data keys between master
 * keys, `Encrypt` of a given data key and `ReEncrypt` from this key to another.
 *
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import { awsErrorCode, describeAwsError, noCredentials } from "../aws/errors.ts";
import { DEFAULT_KMS_KEY } from "../config/config.ts";
import type { EncryptionContext } from "../core/context.ts";
import { Creds3Error, KeyProviderError } from "../core/errors.ts";
import type {
  DataKey,
  KeyProvider,
  ReEncryptKeyProvider,
  SameKeyProvider,
  SetupKeyProvider,
  WrapKeyProvider,
} from "../core/key_provider.ts";

/** A key provider over one KMS key and one KMS client. */
export class KmsKeyProvider
  implements KeyProvider, SetupKeyProvider, WrapKeyProvider, ReEncryptKeyProvider, SameKeyProvider {
  readonly description: string;
  #arn?: Promise<string>;

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
      throw this.#useError("GenerateDataKey", this.keyId, e);
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
      throw this.#unwrapError("Decrypt", e, context);
    }
  }

  /** The error of a `Decrypt` or `ReEncrypt` of a data key under this key. */
  #unwrapError(action: string, e: unknown, context: EncryptionContext): Error {
    if (e instanceof Creds3Error) return e;
    const code = awsErrorCode(e);
    if (wrappedUnderAnotherKey(e)) {
      return new KeyProviderError(
        `The data key was wrapped under a different KMS key than '${this.keyId}' (KMS: ${code})`,
        { reason: { type: "wrong-kms-key", key: this.keyId }, code, cause: e },
      );
    }
    return new KeyProviderError(`KMS ${action} failed: ${describeAwsError(e)}`, {
      reason: noCredentials(e)
        ? { type: "no-credentials" }
        : code === "InvalidCiphertextException"
        ? { type: "context-mismatch", contextGiven: Object.keys(context).length > 0 }
        : undefined,
      code,
      cause: e,
    });
  }

  /** Wraps a given data key under this key with `Encrypt`, bound to `context`. */
  async wrapDataKey(plaintext: Uint8Array, context: EncryptionContext): Promise<Uint8Array> {
    const { EncryptCommand } = await import("@aws-sdk/client-kms");
    try {
      const out = await this.client.send(
        new EncryptCommand({
          KeyId: this.keyId,
          Plaintext: plaintext,
          EncryptionContext: { ...context },
        }),
      );
      if (!out.CiphertextBlob) throw new KeyProviderError("KMS Encrypt returned no ciphertext");
      return out.CiphertextBlob;
    } catch (e) {
      throw this.#useError("Encrypt", this.keyId, e);
    }
  }

  /**
   * Moves a data key from this key to `destination`'s with `ReEncrypt`, so that it never leaves
   * KMS: `SourceKeyId` pinned to this key, the same encryption context on both sides. Only when
   * `destination` is a KMS key reached through the same client (the same region, endpoint and
   * credentials): otherwise `undefined`. The key KMS says it unwrapped with must be this one,
   * for a service that would not pin `SourceKeyId` (this costs one `DescribeKey` per run for an
   * alias).
   */
  async reEncrypt(
    wrapped: Uint8Array,
    context: EncryptionContext,
    destination: KeyProvider,
  ): Promise<Uint8Array | undefined> {
    if (!(destination instanceof KmsKeyProvider) || destination.client !== this.client) {
      return undefined;
    }
    const { ReEncryptCommand } = await import("@aws-sdk/client-kms");
    let out;
    try {
      out = await this.client.send(
        new ReEncryptCommand({
          CiphertextBlob: wrapped,
          SourceKeyId: this.keyId,
          SourceEncryptionContext: { ...context },
          DestinationKeyId: destination.keyId,
          DestinationEncryptionContext: { ...context },
        }),
      );
    } catch (e) {
      if (awsErrorCode(e) === "NotFoundException" || awsErrorCode(e) === "DisabledException") {
        throw destination.#useError("ReEncrypt", destination.keyId, e);
      }
      throw this.#unwrapError("ReEncrypt", e, context);
    }
    if (!out.CiphertextBlob) throw new KeyProviderError("KMS ReEncrypt returned no ciphertext");
    if (!await this.#isThisKey(out.SourceKeyId)) {
      throw new KeyProviderError(
        `The data key was wrapped under a different KMS key than '${this.keyId}'`,
        { reason: { type: "wrong-kms-key", key: this.keyId } },
      );
    }
    return out.CiphertextBlob;
  }

  /** Whether a key ARN KMS answered with is this provider's key. */
  async #isThisKey(arn: string | undefined): Promise<boolean> {
    if (arn === undefined) return false;
    const id = this.keyId;
    if (id.startsWith("arn:") && id.includes(":key/")) return arn === id;
    if (!id.startsWith("arn:") && !id.startsWith("alias/")) return arn.endsWith(`:key/${id}`);
    return arn === await this.#keyArn();
  }

  /**
   * Whether `other` names this key: a KMS key reached through the same client (the same
   * region, endpoint and credentials) whose key ARN is this one's. Each name that is not a key
   * ARN costs one `DescribeKey` (once per run, shared with the check of `reEncrypt`).
   */
  async sameKeyAs(other: KeyProvider): Promise<boolean> {
    if (!(other instanceof KmsKeyProvider) || other.client !== this.client) return false;
    if (other.keyId === this.keyId) return true;
    const [mine, theirs] = await Promise.all([this.#keyArn(), other.#keyArn()]);
    return mine === theirs;
  }

  /** The ARN of this key: the key id when it is one, else from `DescribeKey` (asked once). */
  #keyArn(): Promise<string> {
    if (this.keyId.startsWith("arn:") && this.keyId.includes(":key/")) {
      return Promise.resolve(this.keyId);
    }
    this.#arn ??= this.#describeArn();
    return this.#arn;
  }

  /** The ARN of the key an alias names, from `DescribeKey` (asked once). */
  async #describeArn(): Promise<string> {
    const { DescribeKeyCommand } = await import("@aws-sdk/client-kms");
    try {
      const out = await this.client.send(new DescribeKeyCommand({ KeyId: this.keyId }));
      const arn = out.KeyMetadata?.Arn;
      if (!arn) throw new KeyProviderError("KMS DescribeKey returned no key ARN");
      return arn;
    } catch (e) {
      throw this.#useError("DescribeKey", this.keyId, e);
    }
  }

  /** The error of a request that uses `key` (not one that unwraps a data key). */
  #useError(action: string, key: string, e: unknown): Error {
    if (e instanceof Creds3Error) return e;
    const code = awsErrorCode(e);
    return new KeyProviderError(`KMS ${action} with key '${key}' failed: ${describeAwsError(e)}`, {
      reason: noCredentials(e)
        ? { type: "no-credentials" }
        : code === "NotFoundException"
        ? { type: "no-such-key", key }
        : undefined,
      code,
      cause: e,
    });
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
