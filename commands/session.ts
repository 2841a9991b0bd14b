/**
 * Opening the configured store for one command, and reading many secrets with the failure
 * rule every multi-secret command shares.
 *
 * @module
 */
import type { Config } from "../lib/config/config.ts";
import type { ReadOptions, Secret } from "../lib/core/credential_store.ts";
import { Creds3Error } from "../lib/core/errors.ts";
import type { Opened } from "../lib/open.ts";
import { secretLabel } from "./errors.ts";
import { printMessage, printWarning } from "./output.ts";
import { progressReporter } from "../lib/cli/progress.ts";

/**
 * Runs `fn` with the store `config` names (see `commandConfig`), closing connections
 * afterwards.
 */
export async function withStore<T>(
  config: Config,
  fn: (opened: Opened, config: Config) => Promise<T>,
): Promise<T> {
  // Loaded here, not at start-up: `--help` and usage errors need none of the store code.
  const { openCredentialStore } = await import("../lib/open.ts");
  const opened = await openCredentialStore(config);
  try {
    return await fn(opened, config);
  } finally {
    await opened.close();
  }
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
  for (const f of failures) {
    const text = `${secretLabel(f)}: ${f.error.message}`;
    if (options.skipErrors) printWarning(`skipped ${text}`);
    else printMessage(`creds3: error: ${text}`);
  }
  if (failures.length > 0 && !options.skipErrors) {
    throw new Creds3Error(
      `${failures.length} of ${failures.length + secrets.length} secrets could not be read; ${
        options.outcome ?? "nothing was printed"
      }`,
      { reason: { type: "unreadable-secrets", errors: failures.map((f) => f.error) } },
    );
  }
  return secrets;
}

/** Secrets as a name-to-value record. */
export function toRecord(secrets: readonly Secret[]): Record<string, string> {
  return Object.fromEntries(secrets.map((s) => [s.name, s.value]));
}
