/**
 * The encryption context: `key=value` pairs from the command line, bound to every data key.
 *
 * @module
 */
import { UsageError } from "./errors.ts";

/** An encryption context: string keys to string values. */
export type EncryptionContext = Readonly<Record<string, string>>;

/**
 * Parses `key=value` arguments. The value may itself contain `=`; the key may not be empty and
 * may not repeat. With `hide`, errors name a bad pair by its position, not its text: on `put`
 * a misplaced secret value would otherwise be printed.
 */
export function parseContext(
  pairs: readonly string[],
  options: { hide?: boolean } = {},
): EncryptionContext {
  const context: Record<string, string> = {};
  for (const [i, pair] of pairs.entries()) {
    const shown = options.hide
      ? `argument ${i + 1} (not shown: it may be a secret value)`
      : `'${pair}'`;
    const eq = pair.indexOf("=");
    if (eq < 0) {
      throw new UsageError(`Context ${shown} is not of the form key=value`);
    }
    const key = pair.slice(0, eq);
    if (key === "") throw new UsageError(`Context ${shown} has an empty key`);
    if (Object.hasOwn(context, key)) {
      throw new UsageError(
        options.hide
          ? `Context ${shown} repeats a key given before it`
          : `Context key '${key}' is given more than once`,
      );
    }
    context[key] = pair.slice(eq + 1);
  }
  return context;
}

/** The canonical byte form of a context: JSON of the pairs sorted by key. */
export function canonicalContext(context: EncryptionContext): Uint8Array<ArrayBuffer> {
  const sorted = Object.keys(context).sort().map((k) => [k, context[k]]);
  return new TextEncoder().encode(JSON.stringify(sorted));
}
