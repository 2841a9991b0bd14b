/**
 * Typed errors of the library. Library code throws them; only `main.ts` turns them into a
 * message on stderr and an exit code. No message may contain a secret value or a data key.
 *
 * @module
 */

/** Base class: a failure the user can act on. Exit code 1 unless a subclass says otherwise. */
export class Creds3Error extends Error {
  /** What the user can do about it, printed as `creds3: hint: ...`. */
  readonly hint?: string;
  /** The process exit code this error maps to. */
  readonly exitCode: number = 1;

  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** Bad input from the command line: a name, version, context, location or option. Exit 2. */
export class UsageError extends Creds3Error {
  override readonly exitCode: number = 2;
}

/** A credential, a version or a store that does not exist. */
export class NotFoundError extends Creds3Error {}

/** A `put` of a version that is already stored (versions are immutable). */
export class VersionExistsError extends Creds3Error {}

/** A stored object whose HMAC does not match, or whose fields are missing or malformed. */
export class IntegrityError extends Creds3Error {}

/** The key provider (KMS or the local master key) refused or failed. */
export class KeyProviderError extends Creds3Error {}

/** The storage backend (S3 or the local directory) failed. */
export class StoreError extends Creds3Error {}

/**
 * Not a failure: a command finished and its process must exit with `code` (for example `exec`
 * passing on its child's exit status). `main.ts` exits with the code and prints nothing.
 */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`Exit code ${code}`);
    this.name = "ExitCode";
  }
}
