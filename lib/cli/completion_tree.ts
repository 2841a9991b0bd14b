/**
 * What a shell completes, made from the same specs as the parser and the help: the program's
 * options and commands, each command's options (its own and the global ones) and the fixed
 * values of its first argument. `completions.ts` writes it out for each shell.
 *
 * @example The tree of a program with one command
 * ```ts
 * import { completionTree } from "./completion_tree.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const tree = completionTree({
 *   name: "tool",
 *   version: "1.0.0",
 *   description: "does things",
 *   options: [],
 *   commands: [{
 *     name: "save",
 *     description: "save one",
 *     options: [{ flags: "-o, --output <file>", description: "where" }],
 *     arguments: [{ name: "<kind>", description: "what", choices: ["a", "b"] }],
 *     run() {},
 *   }],
 * });
 * deepStrictEqual(tree.commands[0].options[0], {
 *   flags: ["-o", "--output"],
 *   description: "where",
 *   value: { choices: undefined, files: true },
 * });
 * deepStrictEqual(tree.commands[0].argumentChoices, ["a", "b"]);
 * ```
 *
 * @module
 */
import { optionsOf, type ParsedOption } from "./flags.ts";
import type { ProgramSpec } from "./spec.ts";

/** An option: its flags (`-a`, `--autoversion`), what it does, and whether it takes a value. */
export interface CompletionOption {
  flags: string[];
  description: string;
  /**
   * Present when the option takes a value: `choices` lists the allowed values, if fixed;
   * `files` says the value is a path (completed from file names).
   */
  value?: { choices?: readonly string[]; files?: boolean };
}

/** A command: its name, what it does, its options and the fixed choices of its first argument. */
export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  /** Values the first positional argument can take (e.g. shell names, command names). */
  argumentChoices?: readonly string[];
}

/** The program: its name, the options it takes before a command, and its commands. */
export interface CompletionTree {
  name: string;
  options: CompletionOption[];
  commands: CompletionCommand[];
}

/** Option values that name files: completed from file names. */
const PATH_VALUE = /<(file|path|dir|location|key|output)[^>]*>/i;

function completionOptions(options: readonly ParsedOption[]): CompletionOption[] {
  return options.map((o) => ({
    flags: [o.short, o.long].filter((f): f is string => f !== undefined),
    description: o.spec.description,
    ...(o.value ? { value: { choices: o.spec.choices, files: PATH_VALUE.test(o.value) } } : {}),
  }));
}

/** The completion tree of the program. */
export function completionTree(program: ProgramSpec): CompletionTree {
  const names = program.commands.map((c) => c.name);
  return {
    name: program.name,
    options: completionOptions(optionsOf(program)),
    commands: program.commands.map((c) => {
      const first = c.arguments?.[0];
      return {
        name: c.name,
        description: c.description,
        options: completionOptions(optionsOf(program, c)),
        argumentChoices: first?.completeCommands ? names : first?.choices,
      };
    }),
  };
}
