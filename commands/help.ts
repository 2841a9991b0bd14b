/**
 * `creds3 help [command]`: the program's help, or one command's with its examples. An unknown
 * command is a usage error that names the closest one.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { UsageError } from "../lib/errors.ts";

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between two words. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = candidate.startsWith(word) && word.length > 0
      ? 0.5
      : editDistance(word, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length * 0.4)) ? best : undefined;
}

/** The `help` command. */
export function helpCommand() {
  return new Command("help")
    .description("Show the help of creds3 or of one command, with examples")
    .argument("[command]", "the command to explain")
    .addHelpText(
      "after",
      `
Examples:
  creds3 help
  creds3 help getall`,
    )
    .action((name, _options, command) => {
      const program = command.parent!;
      if (name === undefined) return program.help();
      const target = program.commands.find((c) => c.name() === name || c.aliases().includes(name));
      if (!target) {
        const suggestion = closest(name, program.commands.map((c) => c.name()));
        throw new UsageError(`Unknown command '${name}'`, {
          hint: suggestion
            ? `did you mean '${suggestion}'? Run 'creds3 help' for the list`
            : "run 'creds3 help' for the list of commands",
        });
      }
      target.help();
    });
}
