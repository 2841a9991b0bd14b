/**
 * The `creds3` command line: builds the program, runs it, and maps errors to messages on
 * stderr and exit codes (0 success, 1 failure, 2 usage error).
 *
 * @module
 */
import { CommanderError } from "@commander-js/extra-typings";
import { buildProgram } from "./commands/mod.ts";
import { printMessage } from "./commands/output.ts";
import { Creds3Error, ExitCode } from "./lib/errors.ts";

/** Runs the CLI with `args` and returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const program = buildProgram()
    .exitOverride()
    .configureOutput({
      writeErr: (text) => printMessage(text.replace(/\n$/, "")),
      outputError: (text, write) =>
        write(
          text.replace(/^error: /, "creds3: error: ")
            .replace(
              /\n\(Did you mean (?:one of )?(.+)\?\)/,
              (_, names: string) =>
                `\ncreds3: hint: did you mean ${
                  names.split(", ").map((n) => `'${n}'`).join(" or ")
                }?`,
            ),
        ),
    });
  for (const command of program.commands) {
    const output = program.configureOutput();
    command.exitOverride().configureOutput(
      command.name() === "put"
        ? { ...output, outputError: (text, write) => output.outputError!(hideOption(text), write) }
        : output,
    );
  }
  try {
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    return report(error, args.includes("--debug"));
  }
}

/**
 * `put` never echoes an unknown option or an option's invalid argument: it is most likely (part
 * of) a secret value that starts with `-`.
 */
function hideOption(text: string): string {
  const invalid = /^(error: option '[^']*' argument )'[\s\S]*'( is invalid)/;
  if (invalid.test(text)) return text.replace(invalid, "$1(not shown: it may be a secret value)$2");
  const start = "error: unknown option '";
  if (!text.startsWith(start)) return text;
  const suggestion = text.lastIndexOf("\n(Did you mean ");
  return "error: unknown option (not shown: it may be a secret value)\n" +
    "creds3: hint: a value that starts with '-' goes after '--': creds3 put NAME -- VALUE" +
    (suggestion >= 0 ? text.slice(suggestion) : "\n");
}

function report(error: unknown, debug: boolean): number {
  if (error instanceof ExitCode) return error.code;
  if (error instanceof CommanderError) {
    return ["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code)
      ? 0
      : 2;
  }
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
