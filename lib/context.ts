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
 * may not repeat.
 */
export function parseContext(pairs: readonly string[]): EncryptionContext {
  const context: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq < 0) {
      throw new UsageError(`Context '${pair}' is not of the form key=value`);
    }
    const key = pair.slice(0, eq);
    if (key === "") throw new UsageError(`Context '${pair}' has an empty key`);
    if (Object.hasOwn(context, key)) {
      throw new UsageError(`Context key '${key}' is given more than once`);
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
