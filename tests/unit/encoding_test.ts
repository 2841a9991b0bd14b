/** Base64 as the format uses it, checked against the runtime's own btoa and atob. */
import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { base64Bytes, fromBase64, toBase64 } from "../../lib/core/encoding.ts";

Deno.test("base64: every length from 0 to 300 bytes encodes and decodes as btoa and atob do", () => {
  for (let n = 0; n <= 300; n++) {
    const bytes = crypto.getRandomValues(new Uint8Array(n));
    const expected = btoa(String.fromCharCode(...bytes));
    strictEqual(toBase64(bytes), expected, `${n} bytes`);
    strictEqual(new TextDecoder().decode(base64Bytes(bytes)), expected, `${n} bytes as bytes`);
    deepStrictEqual(fromBase64(expected), bytes, `${n} bytes decoded`);
  }
  deepStrictEqual([...fromBase64("AAEC/w==")], [0, 1, 2, 255]);
});

Deno.test("base64: anything but standard base64 with padding is refused", () => {
  for (
    const text of ["A", "AB", "AB=", "A===", "====", "AB=C", "AB==AB==", "AB C", "AB-_", "ÀÀÀÀ"]
  ) {
    throws(() => fromBase64(text), SyntaxError, text);
  }
});
