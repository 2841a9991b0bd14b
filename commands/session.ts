/**
 * Opening the configured store for one command, and reading many secrets with the failure
 * rule every multi-secret command shares.
 *
 * @module
 */
import type { Config } from "../lib/config/config.ts";
import type { ReadOptions, Secret } from "../lib/core/credential_store.ts";
import { Creds3Error } from "../lib/core/errors.ts";
import type { KeyProvider } from "../lib/core/key_provider.ts";
import type { Opened } from "../lib/open.ts";
import { secretLabel } from "./errors.ts";
import { printMessage, printWarning } from "./output.ts";
import { progressReporter } from "../lib/cli/progress.ts";
import { waitingReporter } from "./waiting.ts";

/** Asks for an MFA code on the terminal (the prompt's code loaded only when a code is needed). */
export async function askMfaCodeOnTerminal(serial: string): Promise<string> {
  const { askMfaCode } = await import("../lib/cli/mfa_prompt.ts");
  return await askMfaCode(serial);
}

/**
 * Runs `fn` with the store `config` names (see `commandConfig`), closing connections
 * afterwards; opened `beside` another store, it shares that one's credentials and KMS clients
 * where it can.
 */
export async function withStore<T>(
  config: Config,
  fn: (opened: Opened, config: Config) => Promise<T>,
  beside?: Opened,
): Promise<T> {
  // Loaded here, not at start-up: `--help` and usage errors need none of the store code.
  const { openCredentialStore } = await import("../lib/open.ts");
  const opened = await openCredentialStore(config, {
    onSlowRequest: waitingReporter(config),
    askMfaCode: askMfaCodeOnTerminal,
    beside,
  });
  try {
    return await fn(opened, config);
  } finally {
    await opened.close();
  }
}

/**
 * Runs `fn` with two stores: `source`, and `destination` opened beside it (sharing credentials
 * and KMS clients when its credentials are the same), closing both afterwards.
 */
export async function withStores<T>(
  source: Config,
  destination: Config,
  fn: (source: Opened, destination: Opened) => Promise<T>,
): Promise<T> {
  return await withStore(
    source,
    (from) => withStore(destination, (to) => fn(from, to), from),
  );
}

/**
 * Runs `fn` with the store `config` names and the key provider of `keyConfig`'s master key
 * beside it (the new key of a rotation), closing connections afterwards.
 */
export async function withStoreAndKey<T>(
  config: Config,
  keyConfig: Config,
  fn: (opened: Opened, keys: KeyProvider) => Promise<T>,
): Promise<T> {
  const { openKeyBeside } = await import("../lib/open.ts");
  return await withStore(config, async (opened) => {
    const target = openKeyBeside(keyConfig, opened, { askMfaCode: askMfaCodeOnTerminal });
    try {
      return await fn(opened, target.keys);
    } finally {
      await target.close();
    }
  });
}

/**
 * Reads the latest (or given) version of every name matching `pattern`. A secret that cannot
 * be read is reported on stderr by name with the reason; then the whole read fails, unless
 * `skipErrors`, which leaves such secrets out.
 */
export async function readSecrets(
  opened: Opened,
  pattern: string | undefined,
  options: ReadOptions & {
    skipErrors?: boolean;
    /** What the failure means for the command (default "nothing was printed"). */
    outcome?: string;
  },
): Promise<Secret[]> {
  const { secrets, failures } = await opened.creds.getMany(pattern, {
    ...options,
    onProgress: progressReporter("reading secrets"),
  });
  reportReadFailures(failures, failures.length + secrets.length, options);
  return secrets;
}

/** A secret that could not be read (or compared), and why. */
export interface Failure {
  readonly name: string;
  readonly version?: string;
  readonly error: Error;
}

/**
 * Reports secrets that could not be read, by name with the reason, on stderr: as warnings that
 * they were skipped with `skipErrors`, else as errors, and then fails saying what that means
 * for the command (`outcome`, default "nothing was printed").
 */
export function reportReadFailures(
  failures: readonly Failure[],
  total: number,
  options: { skipErrors?: boolean; outcome?: string },
): void {
  for (const text of failureLines(failures)) {
    if (options.skipErrors) printWarning(`skipped ${text}`);
    else printMessage(`creds3: error: ${text}`);
  }
  if (failures.length > 0 && !options.skipErrors) {
    throw new Creds3Error(
      `${failures.length} of ${total} secrets could not be read; ${
        options.outcome ?? "nothing was printed"
      }`,
      { reason: { type: "unreadable-secrets", errors: failures.map((f) => f.error) } },
    );
  }
}

/** How many secrets a summary names before "and N more". */
const NAMED_IN_SUMMARY = 3;

/**
 * One line per failure (`'NAME' version V: why`) when there are at most three; beyond that, one
 * line per error that several secrets met (a store that refuses connections fails every read
 * alike), counting them and naming three, so a dead endpoint gives a line per service, not one
 * per secret: `N secrets could not be VERB: why (names)`, the verb `read` unless given.
 */
export function failureLines(failures: readonly Failure[], verb = "read"): string[] {
  const causes = new Map<string, Failure[]>();
  for (const f of failures) {
    // Errors whose message names the secret are their own cause; the attempt count varies.
    const key = f.error instanceof Creds3Error && f.error.namesSecret
      ? `${f.name}\0${f.version}\0${f.error.message}`
      : `${f.error.name}\0${f.error.message.replace(/ \(after \d+ attempts\)$/, "")}`;
    const group = causes.get(key);
    if (group) group.push(f);
    else causes.set(key, [f]);
  }
  const few = failures.length <= NAMED_IN_SUMMARY;
  return [...causes.values()].flatMap((group) => {
    // A few are named one by one, with their versions.
    if (few || group.length === 1) {
      return group.map((f) => `${secretLabel(f)}: ${f.error.message}`);
    }
    const [first] = group;
    if (group.length <= NAMED_IN_SUMMARY) {
      const named = group.map((f) => secretLabel(f)).join(", ");
      return `${group.length} secrets could not be ${verb}: ${first.error.message} (${named})`;
    }
    const named = group.slice(0, NAMED_IN_SUMMARY).map((f) => `'${f.name}'`).join(", ");
    const more = group.length - NAMED_IN_SUMMARY;
    return `${group.length} secrets could not be ${verb}: ${first.error.message} (${named} and ${more} more)`;
  });
}

/** Secrets as a name-to-value record. */
export function toRecord(secrets: readonly Secret[]): Record<string, string> {
  return Object.fromEntries(secrets.map((s) => [s.name, s.value]));
}
