/**
 * The configuration of a second store or key beside the one the global options name: the
 * destination of `copy` (another location, and maybe another region, account, endpoint or
 * master key) and the new master key of `rewrap`. Resolved from the same options and
 * environment as the first, by the same rules (`resolveConfig`); only what the destination
 * options change differs.
 *
 * @example A copy to another region under another key
 * ```ts
 * import { resolveConfig } from "./config.ts";
 * import { resolveDestination } from "./destination.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const env = { AWS_REGION: "us-east-1", CREDS3_KMS_REGION: "us-east-1" };
 * const source = resolveConfig({ location: "team-secrets" }, env);
 * const destination = resolveDestination({}, source, {
 *   location: "team-secrets-dr",
 *   region: "eu-west-1",
 *   key: "alias/creds3-dr",
 * }, env);
 * deepStrictEqual(destination.location, { kind: "s3", bucket: "team-secrets-dr", prefix: "" });
 * strictEqual(destination.region, "eu-west-1");
 * // The destination key is in the destination's region, not in CREDS3_KMS_REGION.
 * strictEqual(destination.kmsRegion, undefined);
 * deepStrictEqual(destination.key, { kind: "kms", id: "alias/creds3-dr" });
 * ```
 *
 * @module
 */
import {
  type Config,
  type GlobalOptions,
  type KeySpec,
  parseKeySpec,
  resolveConfig,
} from "./config.ts";
import type { Env } from "./env.ts";
import { checkEndpoint, checkRegion } from "./aws_settings.ts";
import { parseLocation } from "./location.ts";

/** Where the destination differs from the source, as the command line gives it. */
export interface DestinationOptions {
  /** The destination store (required). */
  location: string;
  /** Its region (default: the source's). */
  region?: string;
  /** Its AWS profile (default: the source's). */
  profile?: string;
  /** Its endpoint: S3's, or DynamoDB's for a table (default: the source's). */
  endpointUrl?: string;
  /** Its master key (default: the source's, whose wrapped data keys are then copied as they are). */
  key?: string;
}

/**
 * The destination's configuration: the source's options with the location, region, profile,
 * endpoint and key that `to` gives, resolved like the source's. Without a key of its own it
 * has the source's key, in the source's KMS region. With one, that key's KMS region is the
 * region in its ARN, else the destination's region when `to` gives one, else the source's KMS
 * region setting.
 */
export function resolveDestination(
  options: GlobalOptions,
  source: Config,
  to: DestinationOptions,
  env: Env,
): Config {
  if (to.region !== undefined) checkRegion(to.region, "--to-region");
  if (to.endpointUrl !== undefined) checkEndpoint(to.endpointUrl, "--to-endpoint-url");
  // The destination's endpoint is its own service's: S3's, or DynamoDB's for a table.
  const table = parseLocation(to.location, env.HOME).kind === "dynamodb";
  const resolved = resolveConfig({
    ...options,
    location: to.location,
    region: to.region ?? options.region,
    profile: to.profile ?? options.profile,
    endpointUrl: (table ? undefined : to.endpointUrl) ?? options.endpointUrl,
    dynamodbEndpointUrl: (table ? to.endpointUrl : undefined) ?? options.dynamodbEndpointUrl,
    key: to.key ?? options.key,
    kmsRegion: undefined,
  }, env);
  const regionSource = to.region !== undefined ? "--to-region" : resolved.regionSource;
  if (to.key === undefined) {
    // The same key, where the source reaches it.
    const kmsRegion = source.kmsRegion ?? (inArn(source.key) ? undefined : source.region);
    return { ...resolved, regionSource, key: source.key, kmsRegion };
  }
  const kmsRegion = to.region !== undefined ? undefined : source.kmsRegion;
  return { ...withKey(resolved, to.key, env, kmsRegion), regionSource };
}

/**
 * `config` with another master key, parsed as `-k` is. Its KMS region is the region in its
 * ARN, else `kmsRegion`.
 */
export function withKey(config: Config, keyText: string, env: Env, kmsRegion?: string): Config {
  const key = parseKeySpec(keyText, env);
  return { ...config, key, kmsRegion: inArn(key) ? undefined : kmsRegion };
}

/** Whether a key is named by its ARN, which says its region. */
function inArn(key: KeySpec): boolean {
  return key.kind === "kms" && key.id.startsWith("arn:");
}
