/**
 * AWS clients, made once per process and only when a command needs them: the SDK is loaded
 * lazily, so `--help` and the local store never pay for it.
 *
 * Credentials: with `-p` the profile's (`fromIni`: keys, `role_arn`, SSO, `credential_process`),
 * else the SDK's default chain (environment, `AWS_PROFILE`, web identity, containers, instance
 * roles); with `-n` a role is assumed from those credentials, with an MFA code and external id
 * when given. Region: `-r`, `CREDS3_REGION`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's
 * region, then us-east-1. KMS may live in another region (`--kms-region`, or a key ARN's).
 *
 * @module
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { KMSClient } from "@aws-sdk/client-kms";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import type { STSClient } from "@aws-sdk/client-sts";
import { DEFAULT_REGION, regionOfArn } from "./arn.ts";
import { awsErrorCode, describeAwsError } from "./errors.ts";
import { profileExists, profileRegion } from "./profile.ts";
import type { Config } from "../config/config.ts";
import { Creds3Error, UsageError } from "../core/errors.ts";
import { retryStrategy } from "./retry.ts";
import { type SlowRequestListener, watchSlowRequests } from "./slow_requests.ts";

type Credentials = S3ClientConfig["credentials"];

/** The rule, as `--help` states it. */
export const REGION_RULE =
  "-r, else CREDS3_REGION, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then us-east-1";

/** How to get an MFA code for a device serial (the terminal prompt by default). */
export type MfaCodeProvider = (serial: string) => Promise<string>;

/** The caller's identity as STS reports it. */
export interface CallerIdentity {
  account: string;
  arn: string;
}

/** Without a way to ask, an MFA code that is needed and not given is an error. */
function noMfaPrompt(serial: string): Promise<string> {
  return Promise.reject(
    new UsageError(`An MFA code for '${serial}' is needed and there is no way to ask for it`, {
      reason: { type: "no-terminal-for-mfa" },
    }),
  );
}

/** Options of {@linkcode AwsClients}. */
export interface AwsClientsOptions {
  /** Asks for an MFA code (the command line asks on the terminal; default: none, an error). */
  askMfaCode?: MfaCodeProvider;
  /** Told about requests that wait long for an answer (see lib/aws/slow_requests.ts). */
  onSlowRequest?: SlowRequestListener;
  /**
   * The clients of another configuration with the same credentials (the same profile, role and
   * KMS and STS endpoints: see `sameCredentials`): their credentials are used (resolved once,
   * one MFA prompt) and their KMS client for each region, so that a KMS key of this
   * configuration in the same region is reached through the very same client.
   */
  shareWith?: AwsClients;
}

/** Lazily made AWS clients sharing one credential provider. */
export class AwsClients {
  #s3?: Promise<S3Client>;
  readonly #kms = new Map<string, Promise<KMSClient>>();
  #sts?: Promise<STSClient>;
  #dynamodb?: Promise<DynamoDBClient>;
  #credentials?: Promise<Credentials>;
  #region?: Promise<string>;
  #identity?: Promise<CallerIdentity>;
  readonly #askMfa: MfaCodeProvider;
  readonly #onSlowRequest?: SlowRequestListener;
  readonly #shared?: AwsClients;

  constructor(readonly config: Config, options: AwsClientsOptions = {}) {
    this.#askMfa = options.askMfaCode ?? noMfaPrompt;
    this.#onSlowRequest = options.onSlowRequest;
    this.#shared = options.shareWith;
  }

  /** The client, with the slow request listener on it when there is one. */
  #watched<T extends { middlewareStack: unknown }>(client: T, service: string): T {
    if (this.#onSlowRequest) watchSlowRequests(client, service, this.#onSlowRequest);
    return client;
  }

  /** The region of the S3 bucket, the DynamoDB table and STS (see the module's rule). */
  region(): Promise<string> {
    this.#region ??=
      (async () =>
        this.config.region ?? await profileRegion(this.config.profile) ?? DEFAULT_REGION)();
    return this.#region;
  }

  /** The KMS region: `--kms-region`, else the region in a key ARN, else {@linkcode region}. */
  async kmsRegion(): Promise<string> {
    if (this.config.kmsRegion) return this.config.kmsRegion;
    const key = this.config.key;
    const fromArn = key.kind === "kms" && key.id.startsWith("arn:")
      ? regionOfArn(key.id)
      : undefined;
    return fromArn ?? await this.region();
  }

  /** Whether S3 is reached through a custom endpoint (an S3-compatible store, or a test server). */
  get customS3Endpoint(): boolean {
    return this.config.endpoints.s3 !== undefined;
  }

  async #common(region?: string) {
    return {
      region: region ?? await this.region(),
      maxAttempts: this.config.maxAttempts,
      // The standard mode's backoff and retryable errors, without its client-wide retry quota
      // (see lib/aws/retry.ts): every request of a large getall keeps its own attempts.
      retryStrategy: retryStrategy(this.config.maxAttempts),
      // Options for the SDK's NodeHttpHandler. A hung attempt fails with TimeoutError (which the
      // SDK retries) instead of hanging the command.
      requestHandler: {
        requestTimeout: this.config.timeoutMs,
        connectionTimeout: this.config.connectTimeoutMs,
        throwOnRequestTimeout: true,
        // Keep-alive connections, one per request in flight: the SDK's default of 50 sockets
        // per client would queue requests at --concurrency above 50.
        httpAgent: { keepAlive: true, maxSockets: Math.max(50, this.config.concurrency) },
        httpsAgent: { keepAlive: true, maxSockets: Math.max(50, this.config.concurrency) },
      },
      credentials: await this.#credentialProvider(),
    } as const;
  }

  #credentialProvider(): Promise<Credentials> {
    if (this.#shared) return this.#shared.#credentialProvider();
    this.#credentials ??= (async () => {
      const { profile, profileFromFlag, role, mfaToken } = this.config;
      // One answer per process: a refused or cancelled prompt is not asked again by a retry.
      let asked: Promise<string> | undefined;
      const mfaCodeProvider = mfaToken !== undefined
        ? () => Promise.resolve(mfaToken)
        : (serial: string) => (asked ??= this.#askMfa(serial));
      if (!role && !profileFromFlag) return undefined;
      const providers = await import("@aws-sdk/credential-providers");
      let base: Credentials;
      if (profileFromFlag && profile) {
        if (!await profileExists(profile)) {
          throw new UsageError(`AWS profile '${profile}' is not in the shared config files`, {
            reason: { type: "no-such-profile", profile },
          });
        }
        base = providers.fromIni({ profile, mfaCodeProvider });
      }
      if (!role) return base;
      return providers.fromTemporaryCredentials({
        masterCredentials: base,
        params: {
          RoleArn: role.arn,
          RoleSessionName: role.sessionName,
          ExternalId: role.externalId,
          SerialNumber: role.mfaSerial,
          TokenCode: role.mfaSerial ? mfaToken : undefined,
        },
        mfaCodeProvider,
        clientConfig: { region: await this.region(), endpoint: this.config.endpoints.sts },
      });
    })();
    return this.#credentials;
  }

  /** The S3 client: path-style and checksums only when required for custom endpoints. */
  s3(): Promise<S3Client> {
    this.#s3 ??= (async () => {
      const { S3Client } = await import("@aws-sdk/client-s3");
      const custom = this.customS3Endpoint;
      return this.#watched(
        new S3Client({
          ...await this.#common(),
          endpoint: this.config.endpoints.s3,
          forcePathStyle: this.config.forcePathStyle,
          // A bucket in another region than the configured one still answers (AWS only).
          followRegionRedirects: !custom,
          // The SDK's default CRC32 trailers (aws-chunked) break some S3-compatible servers.
          requestChecksumCalculation: custom ? "WHEN_REQUIRED" : undefined,
          responseChecksumValidation: custom ? "WHEN_REQUIRED" : undefined,
        }),
        "S3",
      );
    })();
    return this.#s3;
  }

  /** The KMS client, in {@linkcode kmsRegion}. */
  async kms(): Promise<KMSClient> {
    const region = await this.kmsRegion();
    return await (this.#shared ?? this).#kmsIn(region);
  }

  /** The KMS client of `region` (one per region). */
  #kmsIn(region: string): Promise<KMSClient> {
    let client = this.#kms.get(region);
    if (!client) {
      client = (async () => {
        const { KMSClient } = await import("@aws-sdk/client-kms");
        return this.#watched(
          new KMSClient({ ...await this.#common(region), endpoint: this.config.endpoints.kms }),
          "KMS",
        );
      })();
      this.#kms.set(region, client);
    }
    return client;
  }

  /** The DynamoDB client (a credstash table), in {@linkcode region}. */
  dynamodb(): Promise<DynamoDBClient> {
    this.#dynamodb ??= (async () => {
      const { DynamoDBClient } = await import("@aws-sdk/client-dynamodb");
      return this.#watched(
        new DynamoDBClient({ ...await this.#common(), endpoint: this.config.endpoints.dynamodb }),
        "DynamoDB",
      );
    })();
    return this.#dynamodb;
  }

  #stsClient(): Promise<STSClient> {
    this.#sts ??= (async () => {
      const { STSClient } = await import("@aws-sdk/client-sts");
      return this.#watched(
        new STSClient({ ...await this.#common(), endpoint: this.config.endpoints.sts }),
        "STS",
      );
    })();
    return this.#sts;
  }

  /** Who the credentials are, through STS `GetCallerIdentity` (asked once). */
  callerIdentity(): Promise<CallerIdentity> {
    this.#identity ??= (async () => {
      const { GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
      const out = await (await this.#stsClient()).send(new GetCallerIdentityCommand({}));
      if (!out.Account || !out.Arn) throw new Error("STS answered without an account");
      return { account: out.Account, arn: out.Arn };
    })();
    return this.#identity;
  }

  /** The account id of the caller, for the default bucket name. */
  async accountId(): Promise<string> {
    try {
      return (await this.callerIdentity()).account;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new Creds3Error(
        `Cannot find the AWS account for the default bucket: ${describeAwsError(e)}`,
        { reason: { type: "no-account" }, code: awsErrorCode(e), cause: e },
      );
    }
  }

  /** Closes the clients' connections. */
  async destroy(): Promise<void> {
    for (const client of [this.#s3, ...this.#kms.values(), this.#sts, this.#dynamodb]) {
      (await client?.catch(() => undefined))?.destroy();
    }
  }
}
