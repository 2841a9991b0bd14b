/**
 * Asking the person at the terminal for a short code without echoing it: the question and the
 * answer go through the controlling terminal (`/dev/tty`), never stdout or stdin, so prompts
 * work with piped input and output.
 *
 * @module
 */
import { UsageError } from "./errors.ts";

const encoder = new TextEncoder();

async function writeAll(file: Deno.FsFile, text: string): Promise<void> {
  const bytes = encoder.encode(text);
  let offset = 0;
  while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
}

/**
 * Asks `question` on the terminal and reads one line with echo off (raw mode). Backspace edits,
 * Ctrl-C or Ctrl-D cancels. Throws a `UsageError` naming `alternative` when there is no
 * terminal.
 */
export async function askHidden(question: string, alternative: string): Promise<string> {
  let tty: Deno.FsFile;
  try {
    tty = await Deno.open(Deno.build.os === "windows" ? "CONIN$" : "/dev/tty", {
      read: true,
      write: true,
    });
  } catch {
    throw new UsageError(`No terminal to ask for ${question.replace(/:\s*$/, "")}`, {
      hint: alternative,
    });
  }
  try {
    await writeAll(tty, question);
    tty.setRaw(true);
    let answer = "";
    try {
      const buffer = new Uint8Array(64);
      reading: while (true) {
        const n = await tty.read(buffer);
        if (n === null) throw new UsageError("The terminal closed before an answer was given");
        for (const byte of buffer.subarray(0, n)) {
          if (byte === 0x0d || byte === 0x0a) break reading;
          if (byte === 0x03 || byte === 0x04) throw new UsageError("Cancelled at the prompt");
          if (byte === 0x7f || byte === 0x08) answer = answer.slice(0, -1);
          else if (byte >= 0x20) answer += String.fromCharCode(byte);
        }
      }
    } finally {
      tty.setRaw(false);
      await writeAll(tty, "\n");
    }
    return answer.trim();
  } finally {
    tty.close();
  }
}
