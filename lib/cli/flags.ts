/**
 * Option flags and argument names taken apart (`-v, --version <version>`, `[context...]`), and
 * the options a command accepts: its own, then the program's global ones.
 *
 * @example The options of a command, globals after its own
 * ```ts
 * import { optionsOf } from "./flags.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const options = optionsOf({
 *   name: "tool",
 *   version: "1.0.0",
 *   description: "does things",
 *   options: [{ flags: "-n, --dry-run", description: "change nothing" }],
 *   commands: [],
 * }, {
 *   name: "get",
 *   description: "print one",
 *   options: [{ flags: "-n, --noline", description: "no newline" }],
 *   run() {},
 * });
 * // The command's -n wins; the global option keeps its long flag.
 * deepStrictEqual(options.map((o) => [o.flags, o.key]), [
 *   ["-n, --noline", "noline"],
 *   ["--dry-run", "dryRun"],
 *   ["-h, --help", "help"],
 * ]);
 * ```
 *
 * @module
 */
import type { ArgumentSpec, CommandSpec, OptionSpec, ProgramSpec } from "./spec.ts";

/** An option with its flags taken apart. */
export interface ParsedOption {
  spec: OptionSpec;
  short?: string;
  long: string;
  /** The value's placeholder (`<region>`), if the option takes a value. */
  value?: string;
  /** The key of the option's value in `Call.options`: `--create-key` is `createKey`. */
  key: string;
  /** The flags as shown: the short one is left out when the command uses it for its own. */
  flags: string;
  /** A program option, also accepted after the command. */
  global: boolean;
}

/** An argument with its name taken apart. */
export interface ParsedArgument {
  spec: ArgumentSpec;
  name: string;
  required: boolean;
  /** `[name...]`: takes the rest of the positional arguments. */
  variadic: boolean;
}

/** Takes `-v, --version <version>` apart. */
export function parseFlags(spec: OptionSpec, global: boolean): ParsedOption {
  const match = /^(?:(-[A-Za-z]), )?(--[a-z][a-z0-9-]*)(?: (<[^>]+>))?$/.exec(spec.flags);
  if (!match) throw new Error(`Bad option flags '${spec.flags}'`);
  const [, short, long, value] = match;
  const key = long.slice(2).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return { spec, short, long, value, key, flags: spec.flags, global };
}

/** Takes `<name>`, `[name]` and `[name...]` apart. */
export function parseArgument(spec: ArgumentSpec): ParsedArgument {
  const match = /^(?:<([a-z][\w-]*)>|\[([a-z][\w-]*)(\.\.\.)?\])$/.exec(spec.name);
  if (!match) throw new Error(`Bad argument '${spec.name}'`);
  return { spec, name: match[1] ?? match[2], required: !!match[1], variadic: !!match[3] };
}

const HELP: OptionSpec = { flags: "-h, --help", description: "show this help" };
const VERSION: OptionSpec = { flags: "-V, --version", description: "print the version" };

/**
 * The options `command` accepts (or the program's, without a command): its own, then the
 * global ones, whose short flag is left out where the command uses it; `--help` last.
 */
export function optionsOf(program: ProgramSpec, command?: CommandSpec): ParsedOption[] {
  if (!command) {
    return [VERSION, ...program.options, HELP].map((o) => parseFlags(o, o !== HELP));
  }
  const own = (command.options ?? []).map((o) => parseFlags(o, false));
  const taken = new Set(own.map((o) => o.short).filter(Boolean));
  const longs = new Set(own.map((o) => o.long));
  const globals = program.options.map((o) => parseFlags(o, true))
    .filter((o) => !longs.has(o.long))
    .map((o) =>
      o.short && taken.has(o.short)
        ? { ...o, short: undefined, flags: o.flags.replace(/^-[A-Za-z], /, "") }
        : o
    );
  return [...own, ...globals, parseFlags(HELP, false)];
}
