/**
 * The global options, accepted before the command name and after it, and the configuration
 * they resolve to.
 *
 * @module
 */
import type { OptionSpec } from "../lib/cli/mod.ts";
import { type Config, type GlobalOptions, resolveConfig } from "../lib/config/config.ts";

const GLOBALS: readonly [short: string | undefined, long: string, description: string][] = [
  [
    "-r",
    "--region <region>",
    "AWS region of the bucket (default: CREDS3_REGION, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then us-east-1)",
  ],
  [
    "-l",
    "--location <location>",
    "store: BUCKET[/PREFIX], s3://BUCKET/PREFIX, file:PATH or a path (default: CREDS3_LOCATION, else the bucket credential-store-<account>)",
  ],
  [
    "-p",
    "--profile <profile>",
    "AWS profile from the shared config files, SSO and role_arn profiles too (default: AWS_PROFILE)",
  ],
  ["-n", "--arn <arn>", "IAM role ARN to assume, with the profile's or the default credentials"],
  [undefined, "--mfa-serial <serial>", "MFA device for -n; the code is asked on the terminal"],
  [undefined, "--mfa-token <code>", "MFA code for --mfa-serial or the profile's mfa_serial"],
  [undefined, "--external-id <id>", "external id for -n, when the role requires one"],
  [undefined, "--role-session-name <name>", "session name for -n (default: creds3)"],
  [
    "-k",
    "--key <key>",
    "master key: a KMS key id, ARN or alias (default alias/creds3), or local:PATH (default: CREDS3_KEY)",
  ],
  [
    undefined,
    "--kms-region <region>",
    "AWS region of the KMS key (default: CREDS3_KMS_REGION, the region of a key ARN, else the bucket's)",
  ],
  [
    undefined,
    "--endpoint-url <url>",
    "S3 endpoint, e.g. an S3-compatible store (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)",
  ],
  [
    undefined,
    "--kms-endpoint-url <url>",
    "KMS endpoint (default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL)",
  ],
  [undefined, "--path-style", "path-style S3 addressing (the default with a custom S3 endpoint)"],
  [undefined, "--virtual-hosted", "virtual-hosted S3 addressing, also with a custom S3 endpoint"],
  [undefined, "--concurrency <n>", "secrets read at once by multi-secret commands (default: 32)"],
  [
    undefined,
    "--max-attempts <n>",
    "attempts per AWS request, retried with backoff on throttling, 5xx, resets and timeouts (default: CREDS3_MAX_ATTEMPTS, else 5)",
  ],
  [
    undefined,
    "--timeout <seconds>",
    "time one AWS request attempt may take before it is retried (default: CREDS3_TIMEOUT, else 30)",
  ],
  [undefined, "--debug", "print stack traces of unexpected errors"],
];

/** The global options: accepted before the command name and after it. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = GLOBALS.map(([short, long, description]) => ({
  flags: short ? `${short}, ${long}` : long,
  description,
}));

/** The configuration for a command: its options (the command's over the program's), then the environment. */
export function commandConfig(options: Readonly<Record<string, unknown>>): Config {
  return resolveConfig(options as GlobalOptions, Deno.env.toObject());
}
