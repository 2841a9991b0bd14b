/**
 * The global options, accepted before the command name and after it, and the configuration
 * they resolve to.
 *
 * @module
 */
import { commandsWith, type OptionSpec, type OptionValues } from "../lib/cli/mod.ts";
import { type Config, resolveConfig } from "../lib/config/config.ts";
import { type DestinationOptions, resolveDestination, withKey } from "../lib/config/destination.ts";

/** The global options: accepted before the command name and after it. */
export const GLOBAL_OPTIONS = [
  {
    flags: "-r, --region <region>",
    description:
      "AWS region of the bucket (default: CREDS3_REGION, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then us-east-1)",
  },
  {
    flags: "-l, --location <location>",
    description:
      "store: BUCKET[/PREFIX], s3://BUCKET/PREFIX, file:PATH or a path, dynamodb:TABLE (a credstash table) (default: CREDS3_LOCATION, else the bucket credential-store-<account>)",
  },
  {
    flags: "-p, --profile <profile>",
    description:
      "AWS profile from the shared config files, SSO and role_arn profiles too (default: AWS_PROFILE)",
  },
  {
    flags: "-n, --arn <arn>",
    description: "IAM role ARN to assume, with the profile's or the default credentials",
  },
  {
    flags: "--mfa-serial <serial>",
    description: "MFA device for -n; the code is asked on the terminal",
  },
  {
    flags: "--mfa-token <code>",
    description: "MFA code for --mfa-serial or the profile's mfa_serial",
  },
  { flags: "--external-id <id>", description: "external id for -n, when the role requires one" },
  { flags: "--role-session-name <name>", description: "session name for -n (default: creds3)" },
  {
    flags: "-k, --key <key>",
    description:
      "master key: a KMS key id, ARN or alias (default alias/creds3; alias/credstash for dynamodb:), or local:PATH (default: CREDS3_KEY)",
  },
  {
    flags: "--kms-region <region>",
    description:
      "AWS region of the KMS key (default: CREDS3_KMS_REGION, the region of a key ARN, else the bucket's)",
  },
  {
    flags: "--endpoint-url <url>",
    description:
      "S3 endpoint, e.g. an S3-compatible store (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)",
  },
  {
    flags: "--kms-endpoint-url <url>",
    description: "KMS endpoint (default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL)",
  },
  {
    flags: "--dynamodb-endpoint-url <url>",
    description:
      "DynamoDB endpoint for a dynamodb:TABLE location (default: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL)",
  },
  {
    flags: "--path-style",
    description: "path-style S3 addressing (the default with a custom S3 endpoint)",
  },
  {
    flags: "--virtual-hosted",
    description: "virtual-hosted S3 addressing, also with a custom S3 endpoint",
  },
  {
    flags: "--concurrency <n>",
    description:
      "secrets read at once by multi-secret commands (default: CREDS3_CONCURRENCY, else 32)",
  },
  {
    flags: "--max-attempts <n>",
    description:
      "attempts per AWS request, retried with backoff on throttling, 5xx, resets and timeouts (default: CREDS3_MAX_ATTEMPTS, else 5)",
  },
  {
    flags: "--timeout <seconds>",
    description:
      "time one AWS request attempt may take before it is retried, at most 3 of them to connect (default: CREDS3_TIMEOUT, else 10)",
  },
  { flags: "--debug", description: "print stack traces of unexpected errors" },
] as const satisfies readonly OptionSpec[];

/** The global options' values, as a command's call has them. */
export type GlobalValues = OptionValues<typeof GLOBAL_OPTIONS>;

/** Defines a command whose `run(call)` has typed options, the global ones included. */
export const defineCommand = commandsWith(GLOBAL_OPTIONS);

/** The configuration for a command: its options (the command's over the program's), then the environment. */
export function commandConfig(options: GlobalValues): Config {
  return resolveConfig(options, Deno.env.toObject());
}

/**
 * The configurations of a command that reads one store and writes another (`copy`): the source
 * at `source` with the global options, the destination as `to` changes it.
 */
export function copyConfigs(
  options: GlobalValues,
  source: string,
  to: DestinationOptions,
): { source: Config; destination: Config } {
  const env = Deno.env.toObject();
  const from = resolveConfig({ ...options, location: source }, env);
  return { source: from, destination: resolveDestination(options, from, to, env) };
}

/** The configuration for a command, and the same with the master key `key` (`rewrap`). */
export function keyConfigs(
  options: GlobalValues,
  key: string,
): { config: Config; keyConfig: Config } {
  const env = Deno.env.toObject();
  const config = resolveConfig(options, env);
  return { config, keyConfig: withKey(config, key, env, config.kmsRegion) };
}
