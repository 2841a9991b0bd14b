/**
 * The AWS part of the configuration: region, KMS region, profile, role to assume, endpoints (S3,
 * KMS, STS, DynamoDB) and S3 addressing, from the global options and the environment. Part of `config.ts`'s one
 * resolution; the region from a profile is looked up later, in `aws.ts`, when a command needs
 * AWS (it means reading the shared config files).
 *
 * @module
 */
import type { Env } from "./env.ts";
import { UsageError } from "../core/errors.ts";

/** The AWS global options as the command line gives them. */
export interface AwsOptions {
  region?: string;
  kmsRegion?: string;
  profile?: string;
  arn?: string;
  mfaSerial?: string;
  mfaToken?: string;
  externalId?: string;
  roleSessionName?: string;
  endpointUrl?: string;
  kmsEndpointUrl?: string;
  dynamodbEndpointUrl?: string;
  /** Path-style S3 addressing asked for (`--path-style`); false or absent: the default. */
  pathStyle?: boolean;
  /** Virtual-hosted S3 addressing asked for (`--virtual-hosted`), also with a custom endpoint. */
  virtualHosted?: boolean;
}

/** The role `-n/--arn` assumes. */
export interface RoleSettings {
  arn: string;
  sessionName: string;
  externalId?: string;
  /** The MFA device; the code comes from `mfaToken` or is asked on the terminal. */
  mfaSerial?: string;
}

/** The resolved AWS settings. */
export interface AwsSettings {
  /**
   * The region from `-r`, `CREDS3_REGION`, `AWS_REGION` or `AWS_DEFAULT_REGION`, in that order.
   * Undefined: the profile's region, else us-east-1 (resolved by `AwsClients`).
   */
  region?: string;
  /** Where `region` came from (`-r`, `AWS_REGION`, ...), for messages. */
  regionSource?: string;
  /** The KMS region (`--kms-region`, `CREDS3_KMS_REGION`); undefined: the key ARN's, else `region`. */
  kmsRegion?: string;
  /** The profile: `-p`, else `AWS_PROFILE`. */
  profile?: string;
  /** Whether `-p` named the profile (its credentials then win over `AWS_ACCESS_KEY_ID`). */
  profileFromFlag: boolean;
  role?: RoleSettings;
  /** An MFA code given on the command line, for `--mfa-serial` or a profile's `mfa_serial`. */
  mfaToken?: string;
  endpoints: { s3?: string; kms?: string; sts?: string; dynamodb?: string };
  /** Path-style S3 addressing: on for custom endpoints unless `--virtual-hosted`. */
  forcePathStyle: boolean;
}

/** The default `--role-session-name`. */
export const DEFAULT_ROLE_SESSION_NAME = "creds3";

const REGION = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
const MFA_SERIAL = /^(arn:aws[a-z-]*:iam::\d{12}:mfa\/[\w+=,.@\/-]+|[A-Z0-9]{9,32})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** Checks a region name; `source` says where it came from (a flag, a variable) for the error. */
export function checkRegion(text: string, source: string): string {
  if (!REGION.test(text)) {
    throw new UsageError(`Region '${text}' (from ${source}) is not a region name like us-east-1`);
  }
  return text;
}

/** Checks an endpoint URL (its trailing `/` dropped); `source` says where it came from. */
export function checkEndpoint(text: string, source: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`Endpoint '${text}' (from ${source}) is not a URL`, {
      reason: { type: "endpoint-not-url" },
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`Endpoint '${text}' (from ${source}) is not an http:// or https:// URL`);
  }
  return text.replace(/\/+$/, "");
}

function first(
  candidates: readonly [value: string | undefined, source: string][],
): [string, string] | undefined {
  for (const [value, source] of candidates) if (value) return [value, source];
  return undefined;
}

function role(options: AwsOptions): RoleSettings | undefined {
  const roleOnly = [
    ["--mfa-serial", options.mfaSerial],
    ["--external-id", options.externalId],
    ["--role-session-name", options.roleSessionName],
  ] as const;
  if (!options.arn) {
    const given = roleOnly.find(([, value]) => value !== undefined);
    if (given) {
      throw new UsageError(`${given[0]} applies only to a role assumed with -n/--arn`);
    }
    return undefined;
  }
  if (!ROLE_ARN.test(options.arn)) {
    throw new UsageError(
      `'${options.arn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`,
    );
  }
  if (options.mfaSerial !== undefined && !MFA_SERIAL.test(options.mfaSerial)) {
    throw new UsageError(
      `MFA serial '${options.mfaSerial}' is neither an MFA device ARN ` +
        "(arn:aws:iam::ACCOUNT:mfa/NAME) nor a hardware token serial number",
    );
  }
  const sessionName = options.roleSessionName ?? DEFAULT_ROLE_SESSION_NAME;
  if (!SESSION_NAME.test(sessionName)) {
    throw new UsageError(
      `Role session name '${sessionName}' is not 2 to 64 letters, digits and + = , . @ _ -`,
    );
  }
  if (options.externalId !== undefined && !/^[\w+=,.@:\/-]{2,1224}$/.test(options.externalId)) {
    throw new UsageError("External id is not 2 to 1224 letters, digits and + = , . @ : / _ -");
  }
  return {
    arn: options.arn,
    sessionName,
    externalId: options.externalId,
    mfaSerial: options.mfaSerial,
  };
}

/** Resolves the AWS settings from the global options and the environment. */
export function resolveAwsSettings(options: AwsOptions, env: Env): AwsSettings {
  const regionFrom = first([
    [options.region, "-r"],
    [env.CREDS3_REGION, "CREDS3_REGION"],
    [env.AWS_REGION, "AWS_REGION"],
    [env.AWS_DEFAULT_REGION, "AWS_DEFAULT_REGION"],
  ]);
  const kmsRegionFrom = first([
    [options.kmsRegion, "--kms-region"],
    [env.CREDS3_KMS_REGION, "CREDS3_KMS_REGION"],
  ]);
  if (options.mfaToken !== undefined && !/^\d{6}$/.test(options.mfaToken)) {
    throw new UsageError("MFA code is not 6 digits");
  }
  if (options.pathStyle && options.virtualHosted) {
    throw new UsageError("Give --path-style or --virtual-hosted, not both");
  }
  // The SDK's own switch for the AWS_ENDPOINT_URL* variables.
  const envEndpoints = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() !== "true";
  const fromEnv = (...names: string[]) =>
    envEndpoints ? first(names.map((n) => [env[n], n] as [string | undefined, string])) : undefined;
  const s3 = first([[options.endpointUrl, "--endpoint-url"]]) ??
    fromEnv("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
  const kms = first([[options.kmsEndpointUrl, "--kms-endpoint-url"]]) ??
    fromEnv("AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL");
  const sts = fromEnv("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL");
  const dynamodb = first([[options.dynamodbEndpointUrl, "--dynamodb-endpoint-url"]]) ??
    fromEnv("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL");
  const s3Endpoint = s3 && checkEndpoint(...s3);
  return {
    region: regionFrom && checkRegion(...regionFrom),
    regionSource: regionFrom?.[1],
    kmsRegion: kmsRegionFrom && checkRegion(...kmsRegionFrom),
    profile: options.profile || env.AWS_PROFILE || undefined,
    profileFromFlag: Boolean(options.profile),
    role: role(options),
    mfaToken: options.mfaToken,
    endpoints: {
      s3: s3Endpoint,
      kms: kms && checkEndpoint(...kms),
      sts: sts && checkEndpoint(...sts),
      dynamodb: dynamodb && checkEndpoint(...dynamodb),
    },
    forcePathStyle: options.pathStyle || (options.virtualHosted ? false : s3Endpoint !== undefined),
  };
}

/**
 * Whether two settings reach AWS as the same principal: the same profile, role, MFA code and
 * STS and KMS endpoints (the rest of the environment is one process's), so that one set of
 * credentials and one KMS client per region serve both.
 */
export function sameCredentials(a: AwsSettings, b: AwsSettings): boolean {
  const principal = (s: AwsSettings) =>
    JSON.stringify([
      s.profile ?? null,
      s.profileFromFlag,
      s.role ?? null,
      s.mfaToken ?? null,
      s.endpoints.sts ?? null,
      s.endpoints.kms ?? null,
    ]);
  return principal(a) === principal(b);
}
