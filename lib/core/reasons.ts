/**
 * The machine-readable reasons errors carry ({@linkcode Creds3Error.reason}): why something
 * failed, with what a program needs to act on it. A reason is set where the thrower knows it;
 * an error without one has nothing more to say than its message.
 *
 * @module
 */

/** Why an operation failed, as data: `type` names the reason, the other fields are its data. */
export type Reason = LibraryReason | CommandLineReason;

/** Reasons the library gives: stores, key providers, AWS, names and output formats. */
export type LibraryReason =
  /** The store does not exist; `location` is its bucket or directory. */
  | { type: "no-such-store"; location: string }
  /** A `dynamodb:` location names a table that is not keyed as credstash's. */
  | { type: "not-credstash-table"; location: string }
  /** The credentials may not do this on the store (S3 `AccessDenied`). */
  | { type: "access-denied" }
  /** The AWS SDK found no credentials. */
  | { type: "no-credentials" }
  /** The AWS account (for the default bucket's name) could not be found. */
  | { type: "no-account" }
  /** The named AWS profile is in neither shared config file. */
  | { type: "no-such-profile"; profile: string }
  /** The bucket name is taken by another account (bucket names are global). */
  | { type: "bucket-taken"; bucket: string }
  /** The version is already stored; versions are never overwritten. */
  | { type: "version-exists" }
  /** A version changed (another writer) between reading it and replacing its data key. */
  | { type: "version-changed" }
  /** Other writers took every free version while autoversioning. */
  | { type: "autoversion-contended" }
  /** Autoversioning needs integer versions, and a stored one is not. */
  | { type: "autoversion-not-integer" }
  /** A name not in Unicode normal form NFC. */
  | { type: "name-not-nfc" }
  /** The local master key file does not exist. */
  | { type: "no-local-key"; path: string }
  /** The local master key file is readable or writable by others. */
  | { type: "key-too-open"; path: string }
  /** The data key was wrapped by another kind of key provider. */
  | { type: "foreign-data-key" }
  /** KMS refused to unwrap: the encryption context (`contextGiven`: a non-empty one) may differ. */
  | { type: "context-mismatch"; contextGiven: boolean }
  /** The data key was wrapped under a KMS key other than `key`, the one reads are pinned to. */
  | { type: "wrong-kms-key"; key: string }
  /** The KMS key does not exist. */
  | { type: "no-such-key"; key: string }
  /** The KMS key exists in a state other than enabled (`Disabled`, `PendingDeletion`...). */
  | { type: "key-not-enabled"; key: string; state: string }
  /** The KMS key to create is not named by an alias, so it cannot be created. */
  | { type: "not-an-alias"; key: string }
  /** A key the output format cannot represent. */
  | { type: "key-invalid"; key: string }
  /** Two secret names give one output key. */
  | { type: "key-collision"; key: string; names: readonly [string, string] }
  /** A secret name gives an empty output key. */
  | { type: "key-empty"; name: string }
  /** Variables a secret may not set unless allowed by name: they make programs run other code. */
  | { type: "dangerous-variable"; keys: readonly string[] }
  /** The output format needs an option that was not given (`k8s` needs a `name`). */
  | { type: "option-missing"; format: string; option: string }
  /** A read of many secrets stopped starting reads: an earlier one reached no server. */
  | { type: "reads-stopped" }
  /**
   * A value to import is the same text as the latest version, which is of the other kind:
   * binary (`storedBinary`, the value being its base64 text) or text.
   */
  | { type: "binary-mismatch"; storedBinary: boolean };

/** Reasons of the command line: configuration, parsing, input, prompts and the commands. */
export type CommandLineReason =
  /** No home folder for the default local master key. */
  | { type: "no-home" }
  /** An endpoint that is not a URL. */
  | { type: "endpoint-not-url" }
  /** No command was given to `program`. */
  | { type: "no-command"; program: string }
  /** An unknown command, and the closest known one if any. */
  | { type: "unknown-command"; program: string; suggestion?: string }
  /** A required option is missing; `help` is the command that shows the options. */
  | { type: "option-required"; help: string }
  /** An option was given without its value. */
  | { type: "option-needs-value"; help: string }
  /** An unknown option; `secretHint` when the command takes secret values as arguments. */
  | { type: "unknown-option"; help: string; suggestion?: string; secretHint?: string }
  /** A value attached to a flag where arguments may be secrets. */
  | { type: "attached-value"; secretHint: string }
  /** Missing or extra arguments; `usage` is the command's usage line. */
  | { type: "bad-arguments"; usage: string }
  /** The value to store is missing. */
  | { type: "value-missing" }
  /** The value to store is not UTF-8. */
  | { type: "value-not-utf8" }
  /** Standard input gave an empty value. */
  | { type: "empty-stdin" }
  /** A binary value was given other than as a file or standard input. */
  | { type: "binary-needs-file" }
  /** A binary secret's bytes were to be written to a terminal. */
  | { type: "binary-to-terminal" }
  /** The value file (`@FILE`) cannot be read. */
  | { type: "value-file-unreadable" }
  /** No terminal to ask for the value on. */
  | { type: "no-terminal-for-value" }
  /** No terminal to ask for an MFA code on. */
  | { type: "no-terminal-for-mfa" }
  /** An empty value was typed at the prompt. */
  | { type: "empty-prompt" }
  /** `exec` was given no command to run. */
  | { type: "no-command-to-run" }
  /** The command to run does not exist. */
  | { type: "command-not-found" }
  /** The command to run exists but cannot be run. */
  | { type: "command-not-runnable" }
  /** A key with `=` cannot name an environment variable. */
  | { type: "key-has-equals" }
  /** `KEY=value` is more bytes than one environment variable may hold here (`limit`). */
  | { type: "variable-too-large"; key: string; limit: number }
  /** A pattern matched no secret. */
  | { type: "no-match" }
  /** Some selected secrets could not be read; `errors` are their errors. */
  | { type: "unreadable-secrets"; errors: readonly unknown[] }
  /** Some steps of setting up the store failed. */
  | { type: "setup-failed" }
  /**
   * A copy or a rotation left versions undone: `conflicts` the destination holds with other
   * content, `errors` those that failed.
   */
  | { type: "versions-not-done"; conflicts: number; errors: readonly unknown[] }
  /** A rotation's new master key is the key the versions are read with, under another name. */
  | { type: "same-master-key" }
  /** A copy's destination is its source. */
  | { type: "copy-onto-itself" }
  /** A copy's destination is inside its source, where its names start with `names`. */
  | { type: "copy-into-itself"; names: string }
  /** A CI-runner format (`github`) has no file to append to: no `-o` and its variable unset. */
  | { type: "no-runner-file"; runner: string }
  /** A file to import is not in its format, or names or values in it are refused. */
  | { type: "import-file-invalid" }
  /** The format of a file to import cannot be told from its name. */
  | { type: "import-format-unknown" }
  /** Some names of an import could not be stored; `errors` are their errors. */
  | { type: "secrets-not-stored"; errors: readonly unknown[] };
