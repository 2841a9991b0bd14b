/** Text on a terminal (lib/cli/display.ts): control characters escaped, widths in cells. */
import { strictEqual } from "node:assert/strict";
import { displayWidth, escapeControls, padDisplay } from "../../lib/cli/display.ts";

Deno.test("display: control characters, DEL, C1 and direction overrides are escaped", () => {
  strictEqual(escapeControls("a\x1b[2J\x07b"), "a\\x1b[2J\\x07b");
  strictEqual(escapeControls("line\nforged\r\t"), "line\\x0aforged\\x0d\\x09");
  strictEqual(escapeControls("del\x7f c1\x9b"), "del\\x7f c1\\x9b");
  strictEqual(
    escapeControls("abc\u202edcba\u2066x\u2069\u200f"),
    "abc\\u202edcba\\u2066x\\u2069\\u200f",
  );
  strictEqual(escapeControls("ls\u2028ps\u2029"), "ls\\u2028ps\\u2029");
  // Printable text, non-ASCII included, is left alone.
  strictEqual(escapeControls("app/db-url é 中文 𝐀 \\x1b"), "app/db-url é 中文 𝐀 \\x1b");
});

Deno.test("display: width counts wide characters two, astral one, marks zero", () => {
  strictEqual(displayWidth("abc"), 3);
  strictEqual(displayWidth("中文"), 4);
  strictEqual(displayWidth("한국어"), 6);
  strictEqual(displayWidth("ｆｕｌｌ"), 8);
  strictEqual(displayWidth("カタカナ"), 8);
  strictEqual(displayWidth("𠀀"), 2); // CJK Extension B, outside the BMP, wide
  strictEqual(displayWidth("𝐀𝐁"), 2); // mathematical bold letters: outside the BMP, narrow
  strictEqual(displayWidth("𐌰"), 1); // Gothic
  strictEqual(displayWidth("x\u0301y"), 2); // a combining acute accent
  strictEqual(displayWidth("e\u20dd"), 1); // an enclosing mark
  strictEqual(displayWidth("a\u200bb"), 2); // zero-width space
  strictEqual(displayWidth("🎉"), 2);
  strictEqual(displayWidth(""), 0);
  strictEqual(padDisplay("中文", 6), "中文  ");
  strictEqual(padDisplay("toolong", 3), "toolong");
});
