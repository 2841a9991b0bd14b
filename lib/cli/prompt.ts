/**
 * Reading a secret value at the terminal without echo (`put -P`): the prompt and the typing go
 * through the controlling terminal (`/dev/tty`) in raw mode, so the value never appears on the
 * screen, on the command line, in shell history, or on stdout, and stdin and stdout may be
 * redirected.
 *
 * @module
 */
import { decodeUtf8 } from "../core/encoding.ts";
import { UsageError } from "../core/errors.ts";
import { openTerminal, type Terminal } from "./terminal.ts";

const encoder = new TextEncoder();
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_U = 0x15;
const BACKSPACE = [0x08, 0x7f];

async function writeAll(file: Terminal, text: string): Promise<void> {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}

/** Removes the last UTF-8 character (not just the last byte) from `bytes`. */
function dropLastCharacter(bytes: number[]): void {
  while (bytes.length > 0 && (bytes[bytes.length - 1] & 0xc0) === 0x80) bytes.pop();
  bytes.pop();
}

/** Reads one line in raw mode: Enter ends it, backspace and Ctrl-U edit, Ctrl-C/Ctrl-D cancel. */
export async function readHiddenLine(tty: Terminal): Promise<string> {
  const typed: number[] = [];
  const buffer = new Uint8Array(256);
  try {
    while (true) {
      const n = await tty.read(buffer);
      if (n === null) throw new UsageError("The terminal closed before the value was entered");
      for (const byte of buffer.subarray(0, n)) {
        if (byte === 0x0d || byte === 0x0a) {
          const text = decodeUtf8(new Uint8Array(typed));
          if (text === undefined) throw new UsageError("The value typed is not valid UTF-8");
          return text;
        }
        if (byte === CTRL_C || byte === CTRL_D) {
          throw new UsageError("Cancelled at the prompt; nothing was stored");
        }
        if (byte === CTRL_U) typed.length = 0;
        else if (BACKSPACE.includes(byte)) dropLastCharacter(typed);
        else if (byte >= 0x20 || byte === 0x09) typed.push(byte);
      }
    }
  } finally {
    typed.fill(0);
    buffer.fill(0);
  }
}

/**
 * Asks for the value of `name` on the terminal twice, without echo, and returns it. Refuses an
 * empty answer and two answers that differ; a missing terminal is a usage error.
 */
export async function promptValue(name: string): Promise<string> {
  const tty = await openTerminal();
  if (!tty) {
    throw new UsageError("-P needs a terminal to ask for the value, and there is none", {
      reason: { type: "no-terminal-for-value" },
    });
  }
  try {
    tty.setRaw(true);
    try {
      await writeAll(tty, `Value for '${name}' (not shown): `);
      const first = await readHiddenLine(tty).finally(() => writeAll(tty, "\r\n"));
      if (first === "") {
        throw new UsageError("No value was entered", { reason: { type: "empty-prompt" } });
      }
      await writeAll(tty, "Again, to confirm: ");
      const second = await readHiddenLine(tty).finally(() => writeAll(tty, "\r\n"));
      if (first !== second) throw new UsageError("The two values differ; nothing was stored");
      return first;
    } finally {
      tty.setRaw(false);
    }
  } finally {
    tty.close();
  }
}
