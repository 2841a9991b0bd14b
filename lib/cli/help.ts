/**
 * The help text of a program (its overview) or of one command, generated from the specs:
 * usage, description, arguments, options (a command's own, then the global ones), and the
 * notes and examples the spec adds. Two columns, the second wrapped to the width.
 *
 * @example A command's help
 * ```ts
 * import { helpText } from "./help.ts";
 * import { ok } from "node:assert/strict";
 *
 * const get = {
 *   name: "get",
 *   description: "print one",
 *   arguments: [{ name: "<name>", description: "what to print" }],
 *   run() {},
 * };
 * const text = helpText({
 *   name: "tool",
 *   version: "1.0.0",
 *   description: "does things",
 *   options: [{ flags: "-r, --region <region>", description: "the region", default: "here" }],
 *   commands: [get],
 * }, get, 80);
 * ok(text.startsWith("Usage: tool get [options] <name>\n"));
 * ok(text.includes("  -r, --region <region>  the region (default: here)\n"));
 * ```
 *
 * @module
 */
import { optionsOf, parseArgument, type ParsedOption } from "./flags.ts";
import type { CommandSpec, ProgramSpec } from "./spec.ts";

/** The usage after the command name: `[options] <credential> [context...]`. */
export function usageOf(command: CommandSpec): string {
  return command.usage ??
    ["[options]", ...(command.arguments ?? []).map((a) => a.name)].join(" ");
}

/** Columns of help text: the terminal's width when stdout is one, else 80. */
function helpWidth(): number {
  try {
    if (Deno.stdout.isTerminal()) return Math.max(60, Math.min(120, Deno.consoleSize().columns));
  } catch {
    // No console size: the default.
  }
  return 80;
}

/** Two columns, the second wrapped at `width`; a long first column puts the text below. */
function table(rows: readonly [string, string][], width: number): string {
  const first = Math.min(32, Math.max(...rows.map(([term]) => term.length)) + 2);
  const wrapAt = Math.max(30, width - 2 - first);
  return rows.map(([term, text]) => {
    const lines = wrap(text, wrapAt);
    const pad = " ".repeat(2 + first);
    const head = term.length + 2 <= first
      ? `  ${term.padEnd(first)}${lines[0] ?? ""}`
      : `  ${term}\n${pad}${lines[0] ?? ""}`;
    return [head.trimEnd(), ...lines.slice(1).map((l) => pad + l)].join("\n");
  }).join("\n");
}

/** Splits `text` into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function optionText(option: ParsedOption): string {
  const { spec } = option;
  const notes = [];
  if (spec.choices) notes.push(`one of: ${spec.choices.join(", ")}`);
  if (spec.default !== undefined) notes.push(`default: ${spec.default}`);
  if (spec.mandatory) notes.push("required");
  if (notes.length === 0) return spec.description;
  // "version to store (never overwritten)" becomes "... (never overwritten; default: 1)".
  return spec.description.endsWith(")")
    ? `${spec.description.slice(0, -1)}; ${notes.join("; ")})`
    : `${spec.description} (${notes.join("; ")})`;
}

function optionRows(options: readonly ParsedOption[]): [string, string][] {
  return options.map((o) => [o.flags, optionText(o)]);
}

/** The help of the program (its overview) or of one command. */
export function helpText(program: ProgramSpec, command?: CommandSpec, width = helpWidth()): string {
  const sections: string[] = [];
  if (!command) {
    sections.push(
      `Usage: ${program.name} [options] <command> [arguments]`,
      wrap(program.description, width).join("\n"),
      `Commands:\n${
        table(
          program.commands.map((c) => [
            `${c.name} ${(c.arguments ?? []).map((a) => a.name).join(" ")}`.trimEnd(),
            c.description,
          ]),
          width,
        )
      }`,
      `Options:\n${table(optionRows(optionsOf(program)), width)}`,
    );
    if (program.helpAfter) sections.push(program.helpAfter.trim());
    return sections.join("\n\n") + "\n";
  }
  const options = optionsOf(program, command);
  sections.push(
    `Usage: ${program.name} ${command.name} ${usageOf(command)}`,
    wrap(command.description, width).join("\n"),
  );
  const args = command.arguments ?? [];
  if (args.length > 0) {
    sections.push(
      `Arguments:\n${table(args.map((a) => [parseArgument(a).name, a.description]), width)}`,
    );
  }
  sections.push(`Options:\n${table(optionRows(options.filter((o) => !o.global)), width)}`);
  sections.push(`Global options:\n${table(optionRows(options.filter((o) => o.global)), width)}`);
  if (command.helpAfter) sections.push(command.helpAfter.trim());
  return sections.join("\n\n") + "\n";
}
