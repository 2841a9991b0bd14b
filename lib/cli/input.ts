/**
 * Reading a secret value from the command line: literal text, `@file`, or `-` for stdin.
 *
 * @module
 */
import { decodeUtf8 } from "../core/encoding.ts";
import { osErrorCode, UsageError } from "../core/errors.ts";

/** Where the bytes of `-` come from; standard input by default. */
export type StdinReader = () => Promise<Uint8Array>;

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

/**
 * Resolves a value argument. An empty literal is allowed; empty standard input is refused,
 * since it is almost always a mistake (give `""` to store an empty secret).
 */
export async function readValue(arg: string, stdin: StdinReader = readAllStdin): Promise<string> {
  if (arg !== "-" && !arg.startsWith("@")) return arg;
  const bytes = await readValueBytes(arg, stdin);
  return utf8(bytes, arg === "-" ? "standard input" : `'${arg.slice(1)}'`);
}

/**
 * The bytes of a value given as `@FILE` or `-` (standard input), for binary values; empty
 * standard input is refused. Any other argument is a {@linkcode UsageError}.
 */
export async function readValueBytes(
  arg: string,
  stdin: StdinReader = readAllStdin,
): Promise<Uint8Array> {
  if (arg === "-") {
    const bytes = await stdin();
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
  const path = arg.slice(1);
  if (path === "") throw new UsageError("'@' names no file");
  try {
    return await Deno.readFile(path);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "it does not exist"
      : e instanceof Deno.errors.IsADirectory
      ? "it is a directory"
      : e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : (e as Error).message;
    throw new UsageError(`Cannot read the value file '${path}': ${reason}`, {
      reason: { type: "value-file-unreadable" },
      code: osErrorCode(e),
    });
  }
}
