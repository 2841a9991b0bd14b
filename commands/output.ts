/**
 * Writing to the terminal: data to stdout, messages to stderr.
 *
 * @module
 */
import { escapeControls } from "../lib/cli/display.ts";

const encoder = new TextEncoder();

async function writeAll(writer: { write(p: Uint8Array): Promise<number> }, data: Uint8Array) {
  let offset = 0;
  while (offset < data.length) offset += await writer.write(data.subarray(offset));
}

/** Writes data (a value, a listing, a document) to stdout. */
export async function printData(text: string): Promise<void> {
  await writeAll(Deno.stdout, encoder.encode(text));
}

/** Writes bytes (a binary secret's value) to stdout, as they are. */
export async function printBytes(bytes: Uint8Array): Promise<void> {
  await writeAll(Deno.stdout, bytes);
}

/**
 * Writes a one-line message for the person at the terminal to stderr. Control characters (a
 * name from the store may hold an escape sequence, or a line feed that would forge a line)
 * are written as escapes.
 */
export function printMessage(text: string): void {
  const line = escapeControls(text.endsWith("\n") ? text.slice(0, -1) : text);
  const bytes = encoder.encode(line + "\n");
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stderr.writeSync(bytes.subarray(offset));
}

/** Writes `creds3: warning: ...` to stderr. */
export function printWarning(text: string): void {
  printMessage(`creds3: warning: ${text}`);
}
