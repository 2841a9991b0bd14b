/**
 * Reading a secret value from the command line: literal text, `@file`, or `-` for stdin. The
 * bytes are kept exactly, a leading byte order mark included.
 *
 * @module
 */
import { decodeUtf8 } from "../core/encoding.ts";
import { osErrorCode, UsageError } from "../core/errors.ts";

/** Where the bytes of `-` come from; standard input by default. */
export type StdinReader = () => Promise<Uint8Array>;

/** Options of {@linkcode readValue}. */
export interface ReadValueOptions {
  /** Reads standard input for `-` (default: the process's standard input). */
  stdin?: StdinReader;
  /** The home folder that `@~/FILE` starts from (undefined: `~` cannot be expanded). */
  home?: string;
}

async function readAllStdin(): Promise<Uint8Array> {
  return new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
}

function utf8(bytes: Uint8Array, source: string): string {
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    throw new UsageError(`The value from ${source} is not valid UTF-8 text`, {
      reason: { type: "value-not-utf8" },
    });
  }
  return text;
}

/** `~` and `~/...` from the home folder, as the shell would have done had `@` not hidden it. */
function expandHome(path: string, home: string | undefined): string {
  if (path !== "~" && !path.startsWith("~/")) return path;
  if (!home) {
    throw new UsageError("Cannot expand '~' in the value file's name: HOME is not set", {
      reason: { type: "value-file-unreadable" },
    });
  }
  return home.replace(/\/+$/, "") + path.slice(1);
}

/**
 * Resolves a value argument. An empty literal is allowed; empty standard input is refused,
 * since it is almost always a mistake (give `""` to store an empty secret). `@FILE` reads a
 * file, with a leading `~/` taken from `options.home`. A file that does not exist is not
 * named in the error: `@...` may be a value that happens to start with `@`.
 */
export async function readValue(arg: string, options: ReadValueOptions = {}): Promise<string> {
  if (arg !== "-" && !arg.startsWith("@")) return arg;
  const bytes = await readValueBytes(arg, options);
  return utf8(bytes, arg === "-" ? "standard input" : `'${arg.slice(1)}'`);
}

/**
 * The bytes of a value given as `@FILE` or `-` (standard input), for binary values, exactly as
 * they are; empty standard input is refused. Any other argument is a {@linkcode UsageError}.
 */
export async function readValueBytes(
  arg: string,
  options: ReadValueOptions = {},
): Promise<Uint8Array> {
  if (arg === "-") {
    const bytes = await (options.stdin ?? readAllStdin)();
    if (bytes.length === 0) {
      throw new UsageError("Standard input is empty", { reason: { type: "empty-stdin" } });
    }
    return bytes;
  }
  if (!arg.startsWith("@")) {
    throw new UsageError("A binary value is read from @FILE or standard input (-)", {
      reason: { type: "binary-needs-file" },
    });
  }
  const given = arg.slice(1);
  if (given === "") throw new UsageError("'@' names no file");
  const path = expandHome(given, options.home);
  try {
    return await Deno.readFile(path);
  } catch (e) {
    // A file that exists is no secret of the command line: it may be named. One that does not
    // may be a value typed with a leading '@', so it is not echoed.
    const problem = e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory
      ? undefined
      : e instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message;
    throw new UsageError(
      problem === undefined
        ? `The value starts with '@', which names a file, and there is no such file ` +
          `(the name is not shown: it may be the value itself)`
        : `Cannot read the value file '${given}': ${problem}`,
      { reason: { type: "value-file-unreadable" }, code: osErrorCode(e) },
    );
  }
}

/**
 * The text of a file given on the command line, or of standard input for `-`: strict UTF-8
 * (a leading byte order mark is kept). The file's name is not a secret and is named in errors.
 *
 * @throws {UsageError} When the file cannot be read or is not UTF-8 text.
 */
export async function readInputText(arg: string, options: ReadValueOptions = {}): Promise<string> {
  const source = arg === "-" ? "standard input" : `'${arg}'`;
  let bytes: Uint8Array;
  try {
    bytes = arg === "-" ? await (options.stdin ?? readAllStdin)() : await Deno.readFile(arg);
  } catch (e) {
    const problem = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message;
    throw new UsageError(`Cannot read ${source}: ${problem}`, { code: osErrorCode(e) });
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) throw new UsageError(`The text of ${source} is not valid UTF-8`);
  return text;
}
