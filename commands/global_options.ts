/**
 * The global options, accepted before the command name and after it, and the configuration
 * they resolve to.
 *
 * @module
 */
import { type Command, Option } from "@commander-js/extra-typings";
import { type Config, type GlobalOptions, resolveConfig } from "../lib/config.ts";

const GLOBALS: readonly [short: string | undefined, long: string, description: string][] = [
  [
    "-r",
    "--region <region>",
    "AWS region (default: CREDS3_REGION, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, then us-east-1)",
  ],
  [
    "-l",
    "--location <location>",
    "store: BUCKET[/PREFIX], s3://BUCKET/PREFIX, file:PATH or a path (default: CREDS3_LOCATION, else the bucket credential-store-<account>)",
  ],
  ["-p", "--profile <profile>", "AWS profile from the shared config files (default: AWS_PROFILE)"],
  ["-n", "--arn <arn>", "IAM role ARN to assume"],
  [
    "-k",
    "--key <key>",
    "master key: a KMS key id, ARN or alias (default alias/creds3), or local:PATH (default: CREDS3_KEY)",
  ],
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

/** Adds the global options to a command; a short flag the command already uses is left out. */
export function addGlobalOptions<
  C extends Command<never[], Record<string, unknown>, Record<string, unknown>>,
>(
  command: C,
): C {
  const taken = new Set(command.options.map((o) => o.short).filter(Boolean));
  for (const [short, long, description] of GLOBALS) {
    const flags = short && !taken.has(short) ? `${short}, ${long}` : long;
    command.addOption(new Option(flags, description).hideHelp(command.parent !== null));
  }
  return command;
}

/** The configuration for a command: its own options over the program's, then the environment. */
export function commandConfig(command: { optsWithGlobals(): unknown }): Config {
  return resolveConfig(command.optsWithGlobals() as GlobalOptions, Deno.env.toObject());
}
