/**
 * The `creds3` command line: parses the arguments, runs the command, and maps errors to
 * messages on stderr and exit codes (0 success, 1 failure, 2 usage error).
 *
 * @module
 */
import { parse } from "./lib/cli/parse.ts";
import { buildProgram } from "./commands/mod.ts";
import { reportError } from "./commands/errors.ts";
import { printData, printMessage } from "./commands/output.ts";

/** Runs the CLI with `args` and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let command: string | undefined;
  try {
    const parsed = parse(buildProgram(), args);
    if (parsed.kind === "call") {
      command = parsed.call.command.name;
      await parsed.call.command.run(parsed.call);
    } else await printData(parsed.text.endsWith("\n") ? parsed.text : parsed.text + "\n");
    return 0;
  } catch (error) {
    const report = reportError(error, { command, debug: args.includes("--debug") });
    for (const line of report.lines) printMessage(line);
    return report.exitCode;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
