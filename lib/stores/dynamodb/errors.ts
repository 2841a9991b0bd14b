/**
 * A failed DynamoDB request as a store error, with the reason a program may act on: the table
 * does not exist, access is denied, or there are no credentials.
 *
 * @module
 */
import { awsErrorCode, describeAwsError, noCredentials } from "../../aws/errors.ts";
import { Creds3Error, type Reason, StoreError } from "../../core/errors.ts";

/**
 * The error to throw for `e`: our own errors (a credential profile, an MFA prompt) as they are,
 * anything else a {@link StoreError} saying `what` failed, on the store `location`
 * (`dynamodb:TABLE`).
 */
export function tableError(what: string, location: string, e: unknown): Creds3Error {
  if (e instanceof Creds3Error) return e;
  const code = awsErrorCode(e);
  const reason: Reason | undefined = noCredentials(e)
    ? { type: "no-credentials" }
    : code === "ResourceNotFoundException"
    ? { type: "no-such-store", location }
    : code === "AccessDeniedException"
    ? { type: "access-denied" }
    : undefined;
  return new StoreError(`${what}: ${describeAwsError(e)}`, { reason, code, cause: e });
}
