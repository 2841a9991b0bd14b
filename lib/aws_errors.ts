/**
 * Describing AWS SDK errors for people: the service's error code and message, never a request
 * body (which could hold a secret).
 *
 * @module
 */

/** The AWS error code of an SDK error (`AccessDenied`, `InvalidCiphertextException`, ...). */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { name?: string; Code?: string; code?: string };
  return e.Code ?? e.name ?? e.code;
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
  const message = error.message && error.message !== code && error.message !== "UnknownError"
    ? error.message
    : "";
  const status = httpStatus(error);
  const parts = [code && code !== "Error" ? code : undefined, message || undefined];
  const text = parts.filter(Boolean).join(": ") || "unknown error";
  return status && !message ? `${text} (HTTP ${status})` : text;
}
