/**
 * Typed errors: data, not words for a terminal. An error's class is its kind; its fields say
 * which secret it concerns ({@linkcode Creds3Error.secret}), the remote code when another
 * system refused ({@linkcode Creds3Error.code}: an AWS error code, an operating-system error),
 * and, where a program may act on it, a machine-readable {@linkcode Reason} carrying what that
 * reason needs (a bucket, a path...). Messages are one sentence in sentence case, quote names,
 * never name a command-line flag and never contain a secret value or a data key. The command
 * line turns errors into messages, hints and exit codes in one place (`commands/errors.ts`).
 *
 * @example Acting on a reason
 * ```ts
 * import { Creds3Error, NotFoundError } from "./errors.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const error: Creds3Error = new NotFoundError("Store directory '/srv/secrets' does not exist", {
 *   reason: { type: "no-such-store", location: "/srv/secrets" },
 * });
 * strictEqual(error.reason?.type, "no-such-store");
 * strictEqual(error.name, "NotFoundError");
 * ```
 *
 * @module
 */
import type { Reason } from "./reasons.ts";

export type { Reason } from "./reasons.ts";

/** The secret an error concerns. */
export interface SecretRef {
  readonly name: string;
  /** Absent when the error concerns the name as a whole (every version, or the latest). */
  readonly version?: string;
}

/** What an error carries besides its message. */
export interface Creds3ErrorOptions {
  /** Why it failed, as data, when a program may act on it. */
  reason?: Reason;
  /** The secret it concerns; the message names it. */
  secret?: SecretRef;
  /** The remote code: the AWS error code (`AccessDenied`) or a network or OS code (`ECONNRESET`). */
  code?: string;
  /** The error that caused it. */
  cause?: unknown;
}

/** Base class: a failure the user can act on. */
export class Creds3Error extends Error {
  /** Why it failed, when a program may act on it (see {@link Reason}). */
  readonly reason?: Reason;
  /** The remote code, when another system refused: an AWS error code, a network or OS code. */
  readonly code?: string;
  #secret?: SecretRef;
  #namesSecret: boolean;

  constructor(message: string, options: Creds3ErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.reason = options.reason;
    this.code = options.code;
    this.#secret = options.secret;
    this.#namesSecret = options.secret !== undefined;
  }

  /** The secret this error concerns, when it concerns one. */
  get secret(): SecretRef | undefined {
    return this.#secret;
  }

  /**
   * Whether the message names {@linkcode secret}: true when the code that threw the error knew
   * the secret, false when the secret was attached afterwards ({@linkcode attachSecret}).
   */
  get namesSecret(): boolean {
    return this.#namesSecret;
  }

  /**
   * Records the secret this error concerns when the code that threw it could not know it (a key
   * provider or the envelope, below the credential store). The message is left as it is, so it
   * does not name the secret. Does nothing when the error already concerns a secret.
   */
  attachSecret(secret: SecretRef): this {
    this.#secret ??= secret;
    return this;
  }
}

/** Bad input: a name, version, context, location, option or value. */
export class UsageError extends Creds3Error {}

/** A credential, a version, a store or a master key that does not exist. */
export class NotFoundError extends Creds3Error {}

/** A `put` of a version that is already stored (versions are immutable). */
export class VersionExistsError extends Creds3Error {
  constructor(message: string, options: Creds3ErrorOptions = {}) {
    super(message, { reason: { type: "version-exists" }, ...options });
  }
}

/** A stored object whose HMAC does not match, or whose fields are missing or malformed. */
export class IntegrityError extends Creds3Error {}

/** The key provider (KMS or the local master key) refused or failed. */
export class KeyProviderError extends Creds3Error {}

/** The storage backend (S3 or the local directory) failed. */
export class StoreError extends Creds3Error {}

/** A secret name, key, value or option that an output format cannot represent. */
export class ExportError extends Creds3Error {}

/** The operating system's code of a file-system error (`ENOENT`, `EACCES`...), if it has one. */
export function osErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}
