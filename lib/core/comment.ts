/**
 * Comments: a note stored with one version (`put -c`), printed back by `history`. A comment is
 * any Unicode text of one line, at most {@linkcode MAX_COMMENT_BYTES} bytes in UTF-8, so that
 * on S3 its base64 fits beside the format's own metadata in the 2 KB S3 allows (see
 * `docs/FORMAT.md`, "Comments and binary values").
 *
 * @example
 * ```ts
 * import { validateComment } from "./comment.ts";
 * import { strictEqual, throws } from "node:assert/strict";
 *
 * strictEqual(validateComment("rotated after the audit ✓"), "rotated after the audit ✓");
 * throws(() => validateComment("two\nlines"), /control character/);
 * ```
 *
 * @module
 */
import { UsageError } from "./errors.ts";

/** The longest comment, in bytes of UTF-8 (1,024 ASCII characters, 341 of most CJK scripts). */
export const MAX_COMMENT_BYTES = 1024;

// C0 controls (newline and tab included), DEL and C1 controls: a comment is one printable line.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * Checks a comment: not empty, well-formed Unicode (no lone surrogate), no control character,
 * at most {@linkcode MAX_COMMENT_BYTES} bytes in UTF-8. Throws {@linkcode UsageError}.
 */
export function validateComment(comment: string): string {
  if (comment === "") throw new UsageError("The comment is empty");
  if (!comment.isWellFormed()) {
    throw new UsageError("The comment is not well-formed Unicode (it has a lone surrogate)");
  }
  const control = comment.match(CONTROL);
  if (control) {
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    throw new UsageError(
      `The comment has a control character (U+${code}): it must be one line of text`,
    );
  }
  const bytes = new TextEncoder().encode(comment).length;
  if (bytes > MAX_COMMENT_BYTES) {
    throw new UsageError(
      `The comment is ${bytes} bytes in UTF-8, at most ${MAX_COMMENT_BYTES.toLocaleString("en")}`,
    );
  }
  return comment;
}
