/**
 * The environment `exec` gives its command, and what a secret may not be in it.
 *
 * @module
 */
import { Creds3Error, UsageError } from "../lib/core/errors.ts";
import type { Secret } from "../lib/core/credential_store.ts";
import { checkVariableSizes, variableLimit, withoutAwsCredentials } from "../lib/cli/child_env.ts";
import { refuseDangerousVariables } from "../plugins/dangerous_vars.ts";
import { printWarning } from "./output.ts";
import { type KeyOptions, outputKeyNames, outputKeys } from "./selection.ts";

/** How the child's environment is made. */
export interface ChildEnvOptions extends KeyOptions {
  /** Only the secrets and PATH. */
  pristine: boolean;
  /** Leave out creds3's own AWS credential variables. */
  noAwsEnv: boolean;
  /** Variables a secret may set although they can run code. */
  allowVars?: readonly string[];
}

/**
 * The environment for the child: the secrets over creds3's own (or over just PATH). Everything
 * a secret cannot be is refused here, before the command starts; an error about one variable
 * names the secret it comes from.
 */
export function childEnv(
  secrets: readonly Secret[],
  options: ChildEnvOptions,
): Record<string, string> {
  const keyed = outputKeys(secrets, options);
  const names = outputKeyNames(secrets, options);
  const path = Deno.env.get("PATH");
  let base: Record<string, string> = options.pristine
    ? (path === undefined ? {} : { PATH: path })
    : Deno.env.toObject();
  if (options.noAwsEnv) base = withoutAwsCredentials(base);
  const attach = (key: string, error: unknown) => {
    const name = names.get(key);
    if (error instanceof Creds3Error && name !== undefined) error.attachSecret({ name });
    return error;
  };
  try {
    refuseDangerousVariables(Object.keys(keyed), options.allowVars);
  } catch (e) {
    const keys = e instanceof Creds3Error && e.reason?.type === "dangerous-variable"
      ? e.reason.keys
      : [];
    throw keys.length === 1 ? attach(keys[0], e) : e;
  }
  const limit = variableLimit();
  for (const [key, value] of Object.entries(keyed)) {
    if (key.includes("=")) {
      throw new UsageError(`Key '${key}' cannot be an environment variable name (it has a '=')`, {
        reason: { type: "key-has-equals" },
      });
    }
    if (value.includes("\0")) {
      throw new UsageError(
        `Secret for '${key}' contains a NUL character, which no environment variable can hold`,
      );
    }
    try {
      checkVariableSizes({ [key]: value }, limit);
    } catch (e) {
      throw attach(key, e);
    }
    if (Object.hasOwn(base, key)) printWarning(`secret '${key}' replaces the environment's value`);
  }
  return { ...base, ...keyed };
}
