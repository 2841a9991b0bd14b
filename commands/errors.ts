/**
 * The one place where errors become what the command line prints: the message (with the
 * secret it concerns), the hint and the exit code (0 success, 1 failure, 2 usage error, 126
 * and 127 for a command `exec` cannot start). Below this layer errors are data (see
 * lib/core/errors.ts); every hint text is here, and may name flags and commands.
 *
 * @module
 */
import {
  Creds3Error,
  ExportError,
  type Reason,
  type SecretRef,
  UsageError,
} from "../lib/core/errors.ts";

/**
 * Not a failure: a command finished and its process must exit with `code` (for example `exec`
 * passing on its child's exit status). Nothing is printed.
 */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`Exit code ${code}`);
    this.name = "ExitCode";
  }
}

/** What the command line prints for an error, and the code it exits with. */
export interface ErrorReport {
  /** Lines for stderr: `creds3: error: ...`, then `creds3: hint: ...` if any. */
  lines: string[];
  exitCode: number;
}

/** Where the error happened: the command that ran (undefined before one was parsed). */
export interface ErrorContext {
  command?: string;
  /** Add the stack trace of the cause (`--debug`). */
  debug?: boolean;
}

/**
 * The report of `error`. An error of our own prints its message and hint; anything else is
 * unexpected and prints its message with the advice to run again with `--debug` (or the stack).
 */
export function reportError(error: unknown, context: ErrorContext = {}): ErrorReport {
  if (error instanceof ExitCode) return { lines: [], exitCode: error.code };
  if (error instanceof Creds3Error) {
    const lines = [`creds3: error: ${errorMessage(error)}`];
    const hint = errorHint(error, context.command);
    if (hint) lines.push(`creds3: hint: ${hint}`);
    if (context.debug && error.cause instanceof Error) lines.push(...stackLines(error.cause));
    return { lines, exitCode: exitCode(error) };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    lines: [
      `creds3: error: ${e.message}`,
      ...(context.debug ? stackLines(e) : ["creds3: hint: run again with --debug for details"]),
    ],
    exitCode: 1,
  };
}

/** A stack trace as lines (each line of a report is printed on its own). */
function stackLines(error: Error): string[] {
  return (error.stack ?? "").split("\n");
}

/** `'NAME' version V`: how messages name a secret. */
export function secretLabel(secret: SecretRef): string {
  return secret.version === undefined
    ? `'${secret.name}'`
    : `'${secret.name}' version ${secret.version}`;
}

/** The error's message, preceded by the secret it concerns when the message does not name it. */
export function errorMessage(error: Creds3Error): string {
  const { secret } = error;
  return secret && !error.namesSecret ? `${secretLabel(secret)}: ${error.message}` : error.message;
}

/** The exit code of an error. */
export function exitCode(error: Creds3Error): number {
  if (error instanceof UsageError || error instanceof ExportError) return 2;
  if (error.reason?.type === "command-not-found") return 127;
  if (error.reason?.type === "command-not-runnable") return 126;
  return 1;
}

/** What the user can do about `error` in `command`, or undefined when there is no advice. */
export function errorHint(error: unknown, command?: string): string | undefined {
  if (!(error instanceof Creds3Error) || error.reason === undefined) return undefined;
  return reasonHint(error.reason, command);
}

const CREDENTIALS_HINT = "give a profile with -p or AWS_PROFILE, or set AWS_ACCESS_KEY_ID and " +
  "AWS_SECRET_ACCESS_KEY (see docs/AWS.md)";

function reasonHint(reason: Reason, command?: string): string | undefined {
  const getall = command === "getall";
  switch (reason.type) {
    // Stores and AWS
    case "no-such-store":
      return `create it with 'creds3 setup -l ${reason.location}'`;
    case "not-credstash-table":
      return "a credstash table is keyed by name (S, HASH) and version (S, RANGE): give one with " +
        "-l dynamodb:TABLE, or make one with 'creds3 setup -l dynamodb:NEW_TABLE'";
    case "access-denied":
      return "check the IAM policy of these credentials for this store (bucket and prefix, or table)";
    case "no-credentials":
      return CREDENTIALS_HINT;
    case "no-account":
      return "give the store with -l BUCKET or CREDS3_LOCATION";
    case "no-such-profile":
      return "list them with 'aws configure list-profiles'; the files are ~/.aws/config " +
        "and ~/.aws/credentials, or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE";
    case "bucket-taken":
      return "bucket names are global: choose another with -l";
    case "version-exists":
      return "versions are never overwritten: give another with -v, or use -a";
    case "version-changed":
      return "another writer changed it meanwhile: run the command again";
    case "autoversion-contended":
      return "many writers are storing this name at once: try again";
    case "autoversion-not-integer":
      return "give the version with -v";
    case "name-not-nfc":
      return "the same name in two forms would be two different secrets: type it composed " +
        "(NFC), as most keyboards do";
    // Keys
    case "no-local-key":
      // With two keys, the one missing may be the new one, which setup makes only when named.
      return command === "copy" || command === "rewrap"
        ? `create it with 'creds3 setup --create-key -k local:${reason.path}', or name ` +
          "another with -k or --to-key"
        : "create it with 'creds3 setup --create-key', or name another with -k local:PATH";
    case "key-too-open":
      return `restrict it with 'chmod 600 ${reason.path}'`;
    case "foreign-data-key":
      return "it may be a KMS-wrapped key: use -k with the KMS key instead of a local key";
    case "context-mismatch":
      return reason.contextGiven
        ? "the encryption context may differ from the one the secret was stored with"
        : "the secret may have been stored with an encryption context: give it as key=value";
    case "wrong-kms-key":
      return "if the store's secrets are wrapped under another KMS key, name it with -k KEY; " +
        `otherwise this version was not stored with '${reason.key}' and may have been planted`;
    case "no-such-key":
      return command === "copy" || command === "rewrap"
        ? "create the key and alias, or name an existing key with -k or --to-key"
        : "create the key and alias, or name an existing key with -k";
    case "key-not-enabled":
      return reason.state === "PendingDeletion"
        ? "cancel the deletion (aws kms cancel-key-deletion), then enable the key"
        : "enable the key, or name another with -k";
    case "not-an-alias":
      return "name the key as alias/NAME to have setup create it";
    // Output formats: getall can neither select nor rename
    case "key-invalid":
      return getall
        ? "choose another format, or use 'creds3 export' with --strip-prefix"
        : "change the keys with --strip-prefix, or choose another format";
    case "key-collision":
    case "key-empty":
      return getall
        ? "choose a format that keeps names, or use 'creds3 export' with a pattern and --strip-prefix"
        : "select fewer secrets with a pattern, or change the keys with --strip-prefix";
    case "dangerous-variable": {
      const allow = reason.keys.map((key) => `--allow-var ${key}`).join(" ");
      return getall
        ? `getall cannot allow them: use 'creds3 export' with a pattern and ${allow}`
        : `if the store's writers may choose ${reason.keys.length === 1 ? "it" : "them"}, ` +
          `allow ${reason.keys.length === 1 ? "it" : "them"} with ${allow}`;
    }
    case "option-missing":
      return getall
        ? `getall has no --${reason.option}: use 'creds3 export -f ${reason.format} ` +
          `--${reason.option} ${reason.option.toUpperCase()}' instead`
        : undefined;
    // Configuration and parsing
    case "no-home":
      return "name the key with -k local:PATH or CREDS3_KEY";
    case "endpoint-not-url":
      return "give it as http://HOST:PORT or https://HOST";
    case "no-command":
      return `run '${reason.program} help' for the list of commands`;
    case "unknown-command":
      if (reason.suggestion === undefined) {
        return `run '${reason.program} help' for the list of commands`;
      }
      return command === "help"
        ? `did you mean '${reason.suggestion}'? Run '${reason.program} help' for the list`
        : `did you mean '${reason.suggestion}'?`;
    case "option-required":
    case "option-needs-value":
      return `run '${reason.help}' for its options and examples`;
    case "unknown-option": {
      const guess = reason.suggestion && `did you mean '${reason.suggestion}'?`;
      if (reason.secretHint) {
        return guess ? `${guess} Else: ${reason.secretHint}` : reason.secretHint;
      }
      return guess ?? `run '${reason.help}' for the options`;
    }
    case "attached-value":
      return reason.secretHint;
    case "bad-arguments":
      return `usage: ${reason.usage}`;
    // Values, prompts and commands
    case "no-runner-file":
      return `run it in a ${reason.runner} step, or name the file with -o`;
    case "value-missing":
      return "give it as an argument, @FILE, - for standard input, or -P to be asked for it";
    case "value-not-utf8":
      return "store bytes as they are with --binary (from @FILE or -)";
    case "empty-stdin":
      return 'to store an empty secret, give "" as the value';
    case "binary-needs-file":
      return "give the bytes as @FILE, or pipe them in with '-'";
    case "binary-to-terminal":
      return "redirect them to a file (creds3 get NAME > FILE) or a pipe; " +
        "getall and export give the base64 text";
    case "value-file-unreadable":
      return "a value that starts with '@' names a file; pipe a literal one through '-'";
    case "no-terminal-for-value":
      return "give the value as @FILE, or pipe it in with '-'";
    case "no-terminal-for-mfa":
      return "give the code with --mfa-token";
    case "empty-prompt":
      return 'to store an empty secret, give "" as the value instead of -P';
    case "no-command-to-run":
      return "give it after '--', e.g. creds3 exec 'app/*' -- ./server";
    case "command-not-found":
      return "check the name, or give its full path";
    case "command-not-runnable":
      return undefined;
    case "key-has-equals":
      return "leave out --keep-names, or select other secrets";
    case "variable-too-large":
      return "pass it in a file instead: 'creds3 export PATTERN -f FORMAT -o FILE' (mode 0600), " +
        "and give the command the file's path";
    case "no-match":
      return "see the stored names with 'creds3 list'";
    case "reads-stopped":
      return "check that the store and the key service are up and reachable (the endpoint, " +
        "the network, a proxy), then run again";
    case "unreadable-secrets":
      return reason.errors.map((e) => errorHint(e, command)).find(Boolean) ??
        (command === "exec"
          ? "fix the access, or select only readable secrets with a pattern"
          : "fix the access, or leave unreadable secrets out with --skip-errors");
    case "binary-mismatch":
      return reason.storedBinary
        ? "import binary secrets with --binary, from a file of their own (e.g. export 'PATTERN' -f json)"
        : "import it without --binary";
    case "import-file-invalid":
      return "nothing was stored: correct the file and import it again (docs/IMPORT.md)";
    case "import-format-unknown":
      return "name the format with -f json, yaml, csv, dotenv or shell";
    case "secrets-not-stored":
      return reason.errors.map((e) => errorHint(e, command)).find(Boolean) ??
        "import the file again once the cause is fixed: what was stored is left as it is";
    case "setup-failed":
      return "the credentials need the setup policy: see 'creds3 policy setup'";
    case "same-master-key":
      return "give a new master key with --to-key, e.g. one 'creds3 setup --create-key -k " +
        "NEW_KEY' made";
    case "copy-onto-itself":
      return "give another store as the destination; to move the data keys to another master " +
        "key in place, use 'creds3 rewrap --to-key KEY'";
    case "copy-into-itself":
      return `select names outside '${reason.names}' with a pattern, or copy to another ` +
        "bucket, prefix or folder";
    case "versions-not-done":
      return reason.errors.map((e) => errorHint(e, command)).find(Boolean) ??
        (reason.conflicts > 0
          ? "a version is never overwritten: compare it on both stores with " +
            "'creds3 get NAME -v V', and delete the destination's if it is the wrong one"
          : "run the command again to finish, or leave those versions out with --skip-errors");
    default: {
      // A reason without a case here is a type error.
      const unhandled: never = reason;
      return unhandled;
    }
  }
}
