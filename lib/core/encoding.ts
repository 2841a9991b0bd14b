/**
 * Byte encodings used by the storage format: standard base64 with padding and lowercase hex.
 *
 * @module
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = new TextEncoder().encode(ALPHABET);
const PAD = 0x3d; // '='
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ENCODE.length; i++) DECODE[ENCODE[i]] = i;

/**
 * The standard base64 text (with padding) of `bytes`, as ASCII bytes. No string holds the bytes
 * or their text on the way, so a caller can zero both buffers.
 *
 * @example
 * ```ts
 * import { base64Bytes } from "./encoding.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(new TextDecoder().decode(base64Bytes(new Uint8Array([0, 255]))), "AP8=");
 * ```
 */
export function base64Bytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const rest = bytes.length - i;
    const n = (bytes[i] << 16) | ((rest > 1 ? bytes[i + 1] : 0) << 8) |
      (rest > 2 ? bytes[i + 2] : 0);
    out[o++] = ENCODE[(n >> 18) & 63];
    out[o++] = ENCODE[(n >> 12) & 63];
    out[o++] = rest > 1 ? ENCODE[(n >> 6) & 63] : PAD;
    out[o++] = rest > 2 ? ENCODE[n & 63] : PAD;
  }
  return out;
}

/** Encodes bytes as standard base64 with padding. */
export function toBase64(bytes: Uint8Array): string {
  const ascii = base64Bytes(bytes);
  let text = "";
  for (let i = 0; i < ascii.length; i += 0x8000) {
    text += String.fromCharCode(...ascii.subarray(i, i + 0x8000));
  }
  ascii.fill(0);
  return text;
}

/**
 * Decodes standard base64; throws `SyntaxError` on anything that is not base64. The bytes are
 * decoded straight into the array returned (no string holds them on the way).
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new SyntaxError("not standard base64");
  }
  const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      n = (n << 6) | (c === PAD ? 0 : DECODE[c]);
    }
    if (o < bytes.length) bytes[o++] = (n >> 16) & 255;
    if (o < bytes.length) bytes[o++] = (n >> 8) & 255;
    if (o < bytes.length) bytes[o++] = n & 255;
  }
  return bytes;
}

/** Encodes bytes as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Decodes hex (either case); throws `SyntaxError` on anything else. */
export function fromHex(text: string): Uint8Array<ArrayBuffer> {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(text)) throw new SyntaxError("not hex");
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Compares two byte arrays in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

// `ignoreBOM`: a leading U+FEFF is part of the value, kept byte for byte (the decoder's default
// drops it).
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes UTF-8 strictly, a leading byte order mark included as U+FEFF; returns `undefined`
 * when the bytes are not valid UTF-8.
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from "./encoding.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * strictEqual(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x78])), "\ufeffx");
 * strictEqual(decodeUtf8(new Uint8Array([0xff])), undefined);
 * ```
 */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
