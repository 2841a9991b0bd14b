/**
 * Text as a terminal shows it: control characters made visible, so that a name from the store
 * cannot move the cursor, clear the screen, start a new line or reverse the text around it;
 * and the width of text in terminal cells, so that columns line up.
 *
 * @example
 * ```ts
 * import { displayWidth, escapeControls, padDisplay } from "./display.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(escapeControls("a\x1b[2Jb\u202e"), "a\\x1b[2Jb\\u202e");
 * strictEqual(displayWidth("中文"), 4);
 * strictEqual(displayWidth("𝐀x\u0301"), 2);
 * strictEqual(padDisplay("中", 4) + "|", "中  |");
 * ```
 *
 * @module
 */

// C0 controls (line feed and tab included), DEL, C1 controls, the line and paragraph
// separators, and the characters that change the direction of the text after them (bidi
// marks, embeddings, overrides and isolates).
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character written as an escape: `\xHH` below U+0100, `\uHHHH`
 * above. For names and messages shown on a terminal, never for data or stored names.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

// Characters that take no cell: combining marks, zero-width characters, variation selectors.
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200b-\u200f\u2060-\u2064\ufeff]$/u;

// Characters that take two cells (Unicode's East Asian Wide and Fullwidth): Hangul, CJK,
// kana, fullwidth forms and the emoji blocks, as start/end pairs of code points.
const WIDE: readonly number[] = [
  0x1100,
  0x115f,
  0x231a,
  0x231b,
  0x2329,
  0x232a,
  0x23e9,
  0x23ec,
  0x23f0,
  0x23f0,
  0x23f3,
  0x23f3,
  0x25fd,
  0x25fe,
  0x2614,
  0x2615,
  0x2648,
  0x2653,
  0x267f,
  0x267f,
  0x2693,
  0x2693,
  0x26a1,
  0x26a1,
  0x26aa,
  0x26ab,
  0x26bd,
  0x26be,
  0x26c4,
  0x26c5,
  0x26ce,
  0x26ce,
  0x26d4,
  0x26d4,
  0x26ea,
  0x26ea,
  0x26f2,
  0x26f3,
  0x26f5,
  0x26f5,
  0x26fa,
  0x26fa,
  0x26fd,
  0x26fd,
  0x2705,
  0x2705,
  0x270a,
  0x270b,
  0x2728,
  0x2728,
  0x274c,
  0x274c,
  0x274e,
  0x274e,
  0x2753,
  0x2755,
  0x2757,
  0x2757,
  0x2795,
  0x2797,
  0x27b0,
  0x27b0,
  0x27bf,
  0x27bf,
  0x2b1b,
  0x2b1c,
  0x2b50,
  0x2b50,
  0x2b55,
  0x2b55,
  0x2e80,
  0x303e,
  0x3041,
  0x33ff,
  0x3400,
  0x4dbf,
  0x4e00,
  0x9fff,
  0xa000,
  0xa4cf,
  0xa960,
  0xa97f,
  0xac00,
  0xd7a3,
  0xf900,
  0xfaff,
  0xfe10,
  0xfe19,
  0xfe30,
  0xfe6f,
  0xff00,
  0xff60,
  0xffe0,
  0xffe6,
  0x16fe0,
  0x16fe4,
  0x17000,
  0x18aff,
  0x1b000,
  0x1b2ff,
  0x1f004,
  0x1f004,
  0x1f0cf,
  0x1f0cf,
  0x1f18e,
  0x1f18e,
  0x1f191,
  0x1f19a,
  0x1f200,
  0x1f251,
  0x1f300,
  0x1f64f,
  0x1f680,
  0x1f6ff,
  0x1f900,
  0x1f9ff,
  0x1fa70,
  0x1faff,
  0x20000,
  0x2fffd,
  0x30000,
  0x3fffd,
];

function isWide(code: number): boolean {
  if (code < WIDE[0]) return false;
  for (let i = 0; i < WIDE.length; i += 2) {
    if (code < WIDE[i]) return false;
    if (code <= WIDE[i + 1]) return true;
  }
  return false;
}

/**
 * The cells `text` takes on a terminal: two for a wide (CJK, fullwidth, emoji) character,
 * none for a combining mark or a zero-width character, one for any other character, including
 * one outside the Basic Multilingual Plane (two UTF-16 code units, one character). Control
 * characters count one; escape them first ({@linkcode escapeControls}).
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    if (ZERO_WIDTH.test(char)) continue;
    width += isWide(char.codePointAt(0)!) ? 2 : 1;
  }
  return width;
}

/** `text` followed by spaces up to `width` cells (nothing added when it is wider). */
export function padDisplay(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}
