/**
 * Describing AWS SDK errors for people: the service's error code and message, never a request
 * body (which could hold a secret).
 *
 * @module
 */

/**
 * The AWS error code of an SDK error (`AccessDenied`, `InvalidCiphertextException`, ...), or
 * the network error code (`ECONNRESET`, `ETIMEDOUT`, ...) of a request that got no answer.
 */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { name?: string; Code?: string; code?: string };
  if (typeof e.code === "string" && NETWORK_CODE.test(e.code)) return e.code;
  return e.Code ?? e.name ?? e.code;
}

/** Node's network error codes; the SDK names such errors `TimeoutError` whatever happened. */
const NETWORK_CODE = /^E[A-Z]+$/;

/** How many attempts the SDK made before giving up (1 when it did not retry). */
export function attempts(error: unknown): number {
  const meta = (error as { $metadata?: { attempts?: number } })?.$metadata;
  return meta?.attempts ?? 1;
}

/** The HTTP status of an SDK error, when it came from a response. */
export function httpStatus(error: unknown): number | undefined {
  const meta = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata;
  return meta?.httpStatusCode;
}

/** `Code: message` for an SDK error, or the plain message for anything else. */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = awsErrorCode(error);
  let message = error.message && error.message !== code && error.message !== "UnknownError"
    ? error.message
    : "";
  // The HTTP handler's own wording names a library, not the problem.
  const timeout = /exceeded the configured (\d+) ms requestTimeout/.exec(message);
  if (timeout) message = `no answer within ${Number(timeout[1]) / 1000} s`;
  const noConnection = /did not establish a connection .* timeout of (\d+) ms/.exec(message);
  if (noConnection) message = `no connection within ${Number(noConnection[1]) / 1000} s`;
  const refused = /^connect ECONNREFUSED (\S+)$/.exec(message);
  if (refused) message = `connection refused by ${refused[1]}`;
  const status = httpStatus(error);
  const parts = [code && code !== "Error" ? code : undefined, message || undefined];
  let text = parts.filter(Boolean).join(": ") || "unknown error";
  if (status && !message) text = `${text} (HTTP ${status})`;
  const tries = attempts(error);
  return tries > 1 ? `${text} (after ${tries} attempts)` : text;
}

/** Whether the SDK found no usable credentials. */
export function noCredentials(error: unknown): boolean {
  return awsErrorCode(error) === "CredentialsProviderError";
}
