/**
 * Configuration, resolved once: command-line flags, then `CREDS3_*` and standard `AWS_*`
 * environment variables, then defaults. Nothing else in creds3 reads the environment for its
 * own settings (the AWS SDK reads credentials and profiles itself).
 *
 * @module
 */
import { join } from "../core/paths.ts";
import { type AwsOptions, type AwsSettings, resolveAwsSettings } from "./aws_settings.ts";
import { UsageError } from "../core/errors.ts";
import type { Env } from "./env.ts";
import { type Location, parseLocation } from "./location.ts";

export type { Env } from "./env.ts";

/** The KMS key used when none is given. */
export const DEFAULT_KMS_KEY = "alias/creds3";
/** The KMS key used when none is given for a credstash table (`dynamodb:` location): credstash's. */
export const CREDSTASH_KMS_KEY = "alias/credstash";
/** The global options as the command line gives them (the AWS ones in `AwsOptions`). */
export interface GlobalOptions extends AwsOptions {
  location?: string;
  key?: string;
  concurrency?: string;
  maxAttempts?: string;
  timeout?: string;
  debug?: boolean;
}

/** Which master key: a KMS key id, ARN or alias, or a local key file. */
export type KeySpec = { kind: "kms"; id: string } | { kind: "local"; path: string };

/** Everything a command needs to reach the store, resolved (AWS settings in `AwsSettings`). */
export interface Config extends AwsSettings {
  /** Undefined: the default bucket `credential-store-<account>`, found through STS. */
  location?: Location;
  key: KeySpec;
  /** The home folder (`HOME`), for a leading `~/` in file names the command line takes. */
  home?: string;
  /** Secrets read at once by multi-secret reads (the default when the setting is invalid). */
  concurrency: number;
  /**
   * Settings given a value they cannot have, each as the error to report where the setting is
   * used: an invalid concurrency fails only the commands that read many secrets.
   */
  invalid?: { concurrency?: UsageError };
  /** Attempts per AWS request, the first included (retries with backoff on throttling, 5xx, resets, timeouts). */
  maxAttempts: number;
  /** Milliseconds one AWS request attempt may take (connecting included) before it is retried. */
  timeoutMs: number;
  /**
   * Milliseconds an attempt may take to connect (at most {@linkcode timeoutMs}): a host that
   * does not answer at all is given up on sooner than one that is slow to reply.
   */
  connectTimeoutMs: number;
}

const DEFAULT_CONCURRENCY = 32;
const DEFAULT_MAX_ATTEMPTS = 5;
// A request to S3 or KMS answers in well under a second; 10 s per attempt leaves room for a slow
// link, and with 5 attempts a hung endpoint fails a command in about 50 s, not minutes.
const DEFAULT_TIMEOUT_SECONDS = 10;
// A connection within the same continent takes milliseconds; 3 s allows two lost SYNs.
const CONNECT_TIMEOUT_MS = 3000;
const MAX_TIMEOUT_SECONDS = 3600;

/** The default local master key: `$XDG_CONFIG_HOME/creds3/master.key` (or `~/.config/...`). */
export function defaultLocalKeyPath(env: Env): string {
  const base = env.XDG_CONFIG_HOME ||
    (env.APPDATA && Deno.build.os === "windows" ? env.APPDATA : undefined) ||
    (env.HOME ? join(env.HOME, ".config") : undefined);
  if (!base) {
    throw new UsageError("Cannot find a home for the local master key: HOME is not set", {
      reason: { type: "no-home" },
    });
  }
  return join(base, "creds3", "master.key");
}

/** Parses a key spec: `local:PATH` for a local key file, anything else a KMS key. */
export function parseKeySpec(text: string, env: Env): KeySpec {
  if (text.trim() === "") throw new UsageError("Key is empty");
  if (text.startsWith("local:")) {
    let path = text.slice("local:".length);
    if (path === "") throw new UsageError(`Key '${text}' names no file`);
    if (path.startsWith("~/") && env.HOME) path = env.HOME + path.slice(1);
    return { kind: "local", path };
  }
  if (/\s/.test(text)) throw new UsageError(`Key '${text}' is not a KMS key id, ARN or alias`);
  return { kind: "kms", id: text };
}

function positiveInt(text: string, what: string): number {
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > 1024) {
    throw new UsageError(`${what} '${text}' is not a whole number from 1 to 1024`);
  }
  return Number(text);
}

function timeoutSeconds(text: string): number {
  const seconds = /^[0-9]+(\.[0-9]+)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= 0.1 && seconds <= MAX_TIMEOUT_SECONDS)) {
    throw new UsageError(
      `Timeout '${text}' is not a number of seconds from 0.1 to ${MAX_TIMEOUT_SECONDS}`,
    );
  }
  return seconds;
}

/** Resolves the configuration from the global options and the environment. */
export function resolveConfig(options: GlobalOptions, env: Env): Config {
  // An empty flag (`-l ""`) is an error; an empty variable counts as unset.
  const locationText = options.location ?? (env.CREDS3_LOCATION || undefined);
  const location = locationText !== undefined ? parseLocation(locationText, env.HOME) : undefined;
  const keyText = options.key ?? (env.CREDS3_KEY || undefined);
  const key: KeySpec = keyText !== undefined
    ? parseKeySpec(keyText, env)
    : location?.kind === "directory"
    ? { kind: "local", path: defaultLocalKeyPath(env) }
    : { kind: "kms", id: location?.kind === "dynamodb" ? CREDSTASH_KMS_KEY : DEFAULT_KMS_KEY };
  // Checked where it is used (a multi-secret read), so that a bad CREDS3_CONCURRENCY does not
  // break the commands that read one secret.
  const concurrencyText = options.concurrency ?? (env.CREDS3_CONCURRENCY || undefined);
  let concurrency = DEFAULT_CONCURRENCY;
  let invalid: Config["invalid"];
  try {
    if (concurrencyText !== undefined) concurrency = positiveInt(concurrencyText, "Concurrency");
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    invalid = { concurrency: e };
  }
  const timeoutMs = Math.round(
    timeoutSeconds(
      options.timeout ?? (env.CREDS3_TIMEOUT || undefined) ?? String(DEFAULT_TIMEOUT_SECONDS),
    ) * 1000,
  );
  return {
    location,
    key,
    home: env.HOME || undefined,
    ...resolveAwsSettings(options, env),
    concurrency,
    ...(invalid ? { invalid } : {}),
    maxAttempts: positiveInt(
      options.maxAttempts ?? (env.CREDS3_MAX_ATTEMPTS || undefined) ?? String(DEFAULT_MAX_ATTEMPTS),
      "Attempt count",
    ),
    timeoutMs,
    connectTimeoutMs: Math.min(timeoutMs, CONNECT_TIMEOUT_MS),
  };
}

/**
 * The configuration the command line resolves when given no flags: `CREDS3_*` and standard
 * `AWS_*` variables from `env`, then the defaults. Replace typed fields by spreading, e.g.
 * `{ ...configFromEnv(env), concurrency: 8 }` (a location given so keeps the key `env` chose).
 *
 * @example
 * ```ts
 * import { configFromEnv } from "./config.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const config = configFromEnv({ CREDS3_LOCATION: "my-bucket/app", AWS_REGION: "eu-west-1" });
 * deepStrictEqual(config.location, { kind: "s3", bucket: "my-bucket", prefix: "app/" });
 * deepStrictEqual(config.key, { kind: "kms", id: "alias/creds3" });
 * strictEqual(config.region, "eu-west-1");
 * strictEqual(config.concurrency, 32);
 * ```
 */
export function configFromEnv(env: Env): Config {
  return resolveConfig({}, env);
}
