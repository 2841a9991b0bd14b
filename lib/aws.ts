/**
 * AWS clients, made once per process and only when a command needs them: the SDK is loaded
 * lazily, so `--help` and the local store never pay for it.
 *
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { describeAwsError } from "./aws_errors.ts";
import type { Config } from "./config.ts";
import { Creds3Error } from "./errors.ts";

type Credentials = S3ClientConfig["credentials"];

/** The region used when neither flags, environment nor profile give one. */
export const FALLBACK_REGION = "us-east-1";

/** Lazily made AWS clients sharing one credential provider. */
export class AwsClients {
  #s3?: Promise<S3Client>;
  #kms?: Promise<KMSClient>;
  #credentials?: Promise<Credentials>;

  constructor(readonly config: Config) {}

  get region(): string {
    return this.config.region ?? FALLBACK_REGION;
  }

  #common() {
    return {
      region: this.region,
      maxAttempts: this.config.maxAttempts,
      retryMode: "standard",
      // Options for the SDK's NodeHttpHandler. A hung attempt fails with TimeoutError (which the
      // SDK retries) instead of hanging the command.
      requestHandler: {
        requestTimeout: this.config.timeoutMs,
        connectionTimeout: this.config.timeoutMs,
        throwOnRequestTimeout: true,
      },
    } as const;
  }

  #credentialProvider(): Promise<Credentials> {
    this.#credentials ??= (async () => {
      const { profile, arn } = this.config;
      if (!arn && !profile) return undefined;
      const providers = await import("@aws-sdk/credential-providers");
      const base = profile ? providers.fromIni({ profile }) : undefined;
      if (!arn) return base;
      return providers.fromTemporaryCredentials({
        masterCredentials: base,
        params: { RoleArn: arn, RoleSessionName: "creds3" },
        clientConfig: { region: this.region, endpoint: this.config.endpoints.sts },
      });
    })();
    return this.#credentials;
  }

  /** The S3 client; path-style and checksums only when required for custom endpoints. */
  s3(): Promise<S3Client> {
    this.#s3 ??= (async () => {
      const { S3Client } = await import("@aws-sdk/client-s3");
      const custom = this.config.endpoints.s3 !== undefined;
      return new S3Client({
        ...this.#common(),
        credentials: await this.#credentialProvider(),
        endpoint: this.config.endpoints.s3,
        forcePathStyle: this.config.forcePathStyle,
        requestChecksumCalculation: custom ? "WHEN_REQUIRED" : undefined,
        responseChecksumValidation: custom ? "WHEN_REQUIRED" : undefined,
      });
    })();
    return this.#s3;
  }

  /** The KMS client. */
  kms(): Promise<KMSClient> {
    this.#kms ??= (async () => {
      const { KMSClient } = await import("@aws-sdk/client-kms");
      return new KMSClient({
        ...this.#common(),
        credentials: await this.#credentialProvider(),
        endpoint: this.config.endpoints.kms,
      });
    })();
    return this.#kms;
  }

  /** The account id of the caller, through STS `GetCallerIdentity`. */
  async accountId(): Promise<string> {
    const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
    const sts = new STSClient({
      ...this.#common(),
      credentials: await this.#credentialProvider(),
      endpoint: this.config.endpoints.sts,
    });
    try {
      const out = await sts.send(new GetCallerIdentityCommand({}));
      if (!out.Account) throw new Error("no account in the answer");
      return out.Account;
    } catch (e) {
      throw new Creds3Error(
        `Cannot find the AWS account for the default bucket: ${describeAwsError(e)}`,
        { hint: "give the store with -l BUCKET or CREDS3_LOCATION", cause: e },
      );
    } finally {
      sts.destroy();
    }
  }

  /** Closes the clients' connections. */
  async destroy(): Promise<void> {
    for (const client of [this.#s3, this.#kms]) (await client)?.destroy();
  }
}
