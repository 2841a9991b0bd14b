/**
 * `export -f github`: what the formats for a CI runner need besides rendering. Their document
 * is appended to the file the runner reads between steps (`$GITHUB_ENV`, or `-o FILE`), and
 * their runner commands (masks) are printed on stdout first.
 *
 * @module
 */
import { appendFile } from "../lib/cli/append_file.ts";
import { UsageError } from "../lib/core/errors.ts";
import type { RunnerExporter } from "../plugins/types.ts";
import { printData, printMessage } from "./output.ts";

/** A runner format and the file its document is appended to. */
export interface RunnerTarget {
  format: RunnerExporter;
  file: string;
}

/**
 * The file a runner format appends to: `-o FILE`, else the file its variable names (read here,
 * at the command layer). Neither is a usage error, raised before anything is read.
 */
export function runnerTarget(format: RunnerExporter, output: string | undefined): RunnerTarget {
  if (output === "-") {
    // Values never go to stdout in a runner format: only the masking commands do.
    throw new UsageError(
      `The ${format.name} format writes values to a file, never to standard output: '-o -' is refused`,
    );
  }
  const file = output ?? (Deno.env.get(format.fileVariable) || undefined);
  if (file === undefined) {
    throw new UsageError(
      `The ${format.name} format appends to the file named by $${format.fileVariable}, which is not set`,
      { reason: { type: "no-runner-file", runner: "GitHub Actions" } },
    );
  }
  return { format, file };
}

/**
 * Prints the runner commands for `secrets` on stdout, then appends `document` (the format's
 * rendering of the same secrets) to the target file. Both are rendered before anything is
 * written, so a refusal writes nothing.
 */
export async function writeForRunner(
  target: RunnerTarget,
  secrets: Readonly<Record<string, string>>,
  document: string,
): Promise<void> {
  const commands = target.format.commands(secrets);
  await printData(commands);
  await appendFile(target.file, new TextEncoder().encode(document));
  const count = Object.keys(secrets).length;
  printMessage(
    `Appended ${count} secret${count === 1 ? "" : "s"} to '${target.file}' (${target.format.name})`,
  );
}
