/**
 * The environment a command started by creds3 gets: without creds3's own AWS credentials when
 * asked, and checked against the size the operating system lets one variable have.
 *
 * @module
 */
import { Creds3Error } from "../core/errors.ts";

/**
 * The variables that hold AWS credentials, or tell an AWS SDK where to find them: keys, session
 * tokens, the profile, a role with its web identity token, the container credential endpoint and
 * the shared files. The region and endpoints stay.
 */
export const AWS_CREDENTIAL_VARIABLES: readonly string[] = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ROLE_ARN",
  "AWS_ROLE_SESSION_NAME",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
];

/**
 * `env` without {@linkcode AWS_CREDENTIAL_VARIABLES} (names compared in upper case).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withoutAwsCredentials } from "./child_env.ts";
 *
 * const env = { AWS_SECRET_ACCESS_KEY: "made-up", AWS_REGION: "eu-west-1", HOME: "/home/me" };
 * assert.deepEqual(withoutAwsCredentials(env), { AWS_REGION: "eu-west-1", HOME: "/home/me" });
 * ```
 */
export function withoutAwsCredentials(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !AWS_CREDENTIAL_VARIABLES.includes(key.toUpperCase())),
  );
}

/** Linux's limit on one argument or `NAME=value` string, in pages (MAX_ARG_STRLEN). */
const MAX_ARG_STRLEN_PAGES = 32;
/** `AT_PAGESZ` in the auxiliary vector the kernel gives every process. */
const AT_PAGESZ = 6n;

/**
 * The most bytes one `NAME=value` string may have on this system, its terminating NUL included,
 * or undefined where creds3 knows no such limit. On Linux it is 32 pages (131,072 bytes with 4 KiB
 * pages), the page size read from the process's auxiliary vector.
 */
export function variableLimit(): number | undefined {
  if (Deno.build.os !== "linux") return undefined;
  return MAX_ARG_STRLEN_PAGES * (pageSize() ?? 4096);
}

function pageSize(): number | undefined {
  try {
    const auxv = Deno.readFileSync("/proc/self/auxv");
    const view = new DataView(auxv.buffer, auxv.byteOffset, auxv.byteLength);
    // Pairs of (type, value), each an unsigned long: 8 bytes on the 64-bit targets creds3 ships.
    for (let at = 0; at + 16 <= auxv.length; at += 16) {
      if (view.getBigUint64(at, true) === AT_PAGESZ) return Number(view.getBigUint64(at + 8, true));
    }
  } catch {
    // No /proc: the common page size.
  }
  return undefined;
}

/** Bytes of `NAME=value` in UTF-8 with its terminating NUL, as the kernel counts it. */
export function variableBytes(key: string, value: string): number {
  const encoder = new TextEncoder();
  return encoder.encode(key).length + 1 + encoder.encode(value).length + 1;
}

/**
 * Refuses a variable of `variables` whose `NAME=value` string is over `limit` bytes (see
 * {@linkcode variableLimit}): the operating system would refuse to start the command with it,
 * saying only that the argument list is too long.
 *
 * @throws {Creds3Error} Naming the variable, its size and the limit (reason `variable-too-large`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkVariableSizes } from "./child_env.ts";
 *
 * checkVariableSizes({ SMALL: "x" }, 131072); // passes
 * assert.throws(() => checkVariableSizes({ BIG: "x".repeat(131068) }, 131072), /'BIG'/);
 * ```
 */
export function checkVariableSizes(
  variables: Record<string, string>,
  limit: number | undefined,
): void {
  if (limit === undefined) return;
  for (const [key, value] of Object.entries(variables)) {
    const bytes = variableBytes(key, value);
    if (bytes > limit) {
      throw new Creds3Error(
        `Variable '${key}' is too large for the environment: '${key}=value' takes ${bytes} ` +
          `bytes, and ${Deno.build.os === "linux" ? "Linux" : "this system"} allows ${limit} ` +
          "for one variable (its final NUL included)",
        { reason: { type: "variable-too-large", key, limit } },
      );
    }
  }
}

/**
 * What Linux allows the arguments and environment of a new program together, in bytes: a quarter
 * of the stack size limit (`ulimit -s`), at least 128 KiB and at most 6 MiB, read from
 * `/proc/self/limits`; undefined elsewhere or when it cannot be read. The kernel also counts a
 * pointer per string, so this is the most, not an exact threshold.
 */
export function argumentSpaceLimit(): number | undefined {
  if (Deno.build.os !== "linux") return undefined;
  try {
    const line = Deno.readTextFileSync("/proc/self/limits")
      .split("\n")
      .find((l) => l.startsWith("Max stack size"));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft === undefined) return undefined;
    const stack = soft === "unlimited" ? Infinity : Number(soft);
    if (!Number.isFinite(stack) && soft !== "unlimited") return undefined;
    return Math.min(Math.max(stack / 4, 128 * 1024), 6 * 1024 * 1024);
  } catch {
    return undefined;
  }
}

/** Bytes the arguments and environment of a new program take, terminating NULs included. */
export function argumentSpace(argv: readonly string[], env: Record<string, string>): number {
  const encoder = new TextEncoder();
  let bytes = 0;
  for (const arg of argv) bytes += encoder.encode(arg).length + 1;
  for (const [key, value] of Object.entries(env)) bytes += variableBytes(key, value);
  return bytes;
}
