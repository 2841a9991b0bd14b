/**
 * The operands several commands take, described once for their help.
 *
 * @module
 */

/** `[context...]`: the encryption context of one secret, or of every secret read. */
export const CONTEXT_OPERAND = {
  name: "[context...]",
  description: "encryption context as key=value pairs",
} as const;

/** `[selection...]`: a pattern of names, then the encryption context (see `parseSelection`). */
export const SELECTION_OPERAND = {
  name: "[selection...]",
  description: "a pattern of names (default: all), then the encryption context as key=value",
} as const;
