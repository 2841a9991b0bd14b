/**
 * Asking the person at the terminal for an MFA code without echoing it, through the same
 * terminal and line reader as `put -P` (`terminal.ts`, `prompt.ts`): the question and the
 * answer go through the controlling terminal, never stdout, so it works with piped input and
 * output.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";
import { readHiddenLine } from "./prompt.ts";
import { openTerminal } from "./terminal.ts";

/**
 * Asks for the MFA code of device `serial` with echo off and returns it (6 digits). Without a
 * terminal it is a usage error that names `--mfa-token`.
 */
export async function askMfaCode(serial: string): Promise<string> {
  const tty = await openTerminal();
  if (!tty) {
    throw new UsageError(`No terminal to ask for the MFA code of '${serial}'`, {
      reason: { type: "no-terminal-for-mfa" },
    });
  }
  const encoder = new TextEncoder();
  let code: string;
  try {
    tty.setRaw(true);
    try {
      await tty.write(encoder.encode(`MFA code for ${serial}: `));
      code = await readHiddenLine(tty).finally(() => tty.write(encoder.encode("\r\n")));
    } finally {
      tty.setRaw(false);
    }
  } finally {
    tty.close();
  }
  code = code.trim();
  if (!/^\d{6}$/.test(code)) throw new UsageError("MFA code is not 6 digits");
  return code;
}
