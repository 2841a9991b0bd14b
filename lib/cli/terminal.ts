/**
 * The terminal to ask questions on: the controlling terminal (`/dev/tty`, `CONIN$` on
 * Windows), so prompts work with stdin and stdout redirected; or, where Deno's permissions do
 * not allow opening it (Deno asks for `--allow-all` to open `/dev/tty`, which the compiled
 * binary does not have), standard input and standard error when both are terminals.
 *
 * @module
 */

/** What a prompt needs of a terminal. */
export interface Terminal {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  setRaw(mode: boolean): void;
  close(): void;
}

/** Opens the terminal, or returns undefined when there is none this process may use. */
export async function openTerminal(): Promise<Terminal | undefined> {
  try {
    return await Deno.open(Deno.build.os === "windows" ? "CONIN$" : "/dev/tty", {
      read: true,
      write: true,
    });
  } catch {
    if (!Deno.stdin.isTerminal() || !Deno.stderr.isTerminal()) return undefined;
    return {
      read: (buffer) => Deno.stdin.read(buffer),
      write: (bytes) => Deno.stderr.write(bytes),
      setRaw: (mode) => Deno.stdin.setRaw(mode),
      close: () => {},
    };
  }
}
