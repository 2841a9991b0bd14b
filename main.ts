/**
 * The `creds3` command line: parses the arguments, runs the command, and maps errors to
 * messages on stderr and exit codes (0 success, 1 failure, 2 usage error).
 *
 * @module
 */
import { parse } from "./lib/cli/parse.ts";
import { buildProgram } from "./commands/mod.ts";
import { printData, printMessage } from "./commands/output.ts";
import { Creds3Error, ExitCode } from "./lib/core/errors.ts";

/** Runs the CLI with `args` and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  try {
    const parsed = parse(buildProgram(), args);
    if (parsed.kind === "call") await parsed.call.command.run(parsed.call);
    else await printData(parsed.text.endsWith("\n") ? parsed.text : parsed.text + "\n");
    return 0;
  } catch (error) {
    return report(error, args.includes("--debug"));
  }
}

function report(error: unknown, debug: boolean): number {
  if (error instanceof ExitCode) return error.code;
  if (error instanceof Creds3Error) {
    printMessage(`creds3: error: ${error.message}`);
    if (error.hint) printMessage(`creds3: hint: ${error.hint}`);
    if (debug && error.cause instanceof Error) printMessage(error.cause.stack ?? "");
    return error.exitCode;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  printMessage(`creds3: error: ${e.message}`);
  if (debug) printMessage(e.stack ?? "");
  else printMessage("creds3: hint: run again with --debug for details");
  return 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
