/**
 * What `export` and `exec` share: the `[pattern] [context ...]` operands, reading the selected
 * secrets, and turning their names into output keys.
 *
 * @module
 */
import { type EncryptionContext, parseContext } from "../lib/core/context.ts";
import type { Secret } from "../lib/core/credential_store.ts";
import { keySources, mapKeys, type MapKeysOptions } from "../plugins/env_keys.ts";
import { NotFoundError, UsageError } from "../lib/core/errors.ts";
import type { Opened } from "../lib/open.ts";
import { readSecrets, toRecord } from "./session.ts";

/** The help text that explains the operands. */
export const SELECTION_HELP = `
Selecting secrets:
  [pattern] selects names, '*' matching any characters ('/' too); without it,
  every secret. [context ...] are key=value pairs of the encryption context.
  A first operand of the form key=value (it has a '=' and no '*') is context,
  never a pattern. To select names that contain '=', use a pattern with a '*'
  (e.g. 'team/a=b*'). A pattern that matches no secret is an error.`;

/** The operands split into a pattern and a context. */
export interface Selection {
  /** Undefined: every secret. */
  pattern?: string;
  context: EncryptionContext;
}

/** Whether an operand is a `key=value` context pair rather than a pattern. */
export function isContextPair(operand: string): boolean {
  return operand.includes("=") && !operand.includes("*");
}

/** Splits `[pattern] [context ...]`: the first operand is the pattern unless it is key=value. */
export function parseSelection(operands: readonly string[]): Selection {
  const [first, ...rest] = operands;
  if (first === undefined) return { context: {} };
  if (isContextPair(first)) return { context: parseContext(operands) };
  if (first === "") throw new UsageError("The pattern is empty");
  return { pattern: first, context: parseContext(rest) };
}

/** Reads the selected secrets; a pattern that matches nothing is a {@link NotFoundError}. */
export async function readSelection(
  opened: Opened,
  selection: Selection,
  options: { version?: string; skipErrors?: boolean; outcome?: string },
): Promise<Secret[]> {
  const { pattern } = selection;
  const secrets = await readSecrets(opened, pattern, { ...options, context: selection.context });
  if (pattern !== undefined && secrets.length === 0) {
    const skipped = options.skipErrors
      ? (await opened.creds.latest(pattern, options.version)).length
      : 0;
    if (skipped === 0) {
      throw new NotFoundError(
        options.version === undefined
          ? `No credential matches '${pattern}'`
          : `No credential matching '${pattern}' has version '${options.version}'`,
        { reason: { type: "no-match" } },
      );
    }
  }
  return secrets;
}

/** How names become keys. */
export interface KeyOptions {
  /** Environment-variable style (upper case, `_`) unless `keepNames`. */
  env: boolean;
  keepNames?: boolean;
  stripPrefix?: string;
}

/**
 * Maps secret names to output keys (see plugins/env_keys.ts); a collision or an empty key is an
 * `ExportError` that names the secrets.
 */
export function outputKeys(
  secrets: readonly Secret[],
  options: KeyOptions,
): Record<string, string> {
  return mapKeys(toRecord(secrets), mapOptions(options));
}

/** The secret name each output key comes from (see {@linkcode outputKeys}). */
export function outputKeyNames(
  secrets: readonly Secret[],
  options: KeyOptions,
): Map<string, string> {
  return keySources(secrets.map((s) => s.name), mapOptions(options));
}

function mapOptions(options: KeyOptions): MapKeysOptions {
  return {
    style: options.env && !options.keepNames ? "env" : "keep",
    stripPrefix: options.stripPrefix,
  };
}

/** The output keys of the binary secrets among `secrets` (see {@linkcode outputKeys}). */
export function binaryKeys(secrets: readonly Secret[], options: KeyOptions): string[] {
  // A name maps to the same key alone as among the others.
  return Object.keys(outputKeys(secrets.filter((s) => s.binary), options));
}
