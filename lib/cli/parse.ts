/**
 * A small declarative command-line parser: the program, its commands, their arguments and
 * options are data; {@linkcode parse} turns `argv` into a {@linkcode Call} or a help or version
 * text, and {@linkcode helpText} renders the help. Bad input is a {@linkcode UsageError} that
 * names the problem and, for a mistyped command or option, the closest one.
 *
 * It loads nothing but this module: a command line that starts in a few milliseconds is the
 * point (an npm parser costs Deno its Node compatibility layer, about 50 ms per start).
 *
 * @example Parsing a command with an option and a variadic argument
 * ```ts
 * import { parse, type ProgramSpec } from "./parse.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * const program: ProgramSpec = {
 *   name: "tool",
 *   version: "1.0.0",
 *   description: "does things",
 *   options: [{ flags: "-r, --region <region>", description: "the region" }],
 *   commands: [{
 *     name: "get",
 *     description: "print one",
 *     arguments: [
 *       { name: "<name>", description: "what to print" },
 *       { name: "[context...]", description: "key=value pairs" },
 *     ],
 *     options: [{ flags: "-n, --noline", description: "no newline" }],
 *     run() {},
 *   }],
 * };
 * const parsed = parse(program, ["-r", "eu-west-1", "get", "db", "env=prod", "-n"]);
 * if (parsed.kind !== "call") throw new Error("expected a call");
 * strictEqual(parsed.call.arg("name"), "db");
 * deepStrictEqual(parsed.call.list("context"), ["env=prod"]);
 * strictEqual(parsed.call.flag("noline"), true);
 * strictEqual(parsed.call.string("region"), "eu-west-1");
 * ```
 *
 * @module
 */

import { UsageError } from "../core/errors.ts";

/** An option of the program or of a command. */
export interface OptionSpec {
  /** `-v, --version <version>`, `--debug`, `--label <key=value>`: a long flag is required. */
  flags: string;
  /** One line. */
  description: string;
  /** The value when the option is not given. */
  default?: string;
  /** The only values the option accepts. */
  choices?: readonly string[];
  /** The option must be given. */
  mandatory?: boolean;
  /** Makes the option repeatable: each value is folded into the previous result. */
  collect?: (value: string, previous: unknown) => unknown;
}

/** A positional argument: `<name>` is required, `[name]` optional, `[name...]` takes the rest. */
export interface ArgumentSpec {
  name: string;
  /** One line. */
  description: string;
  /** The only values the argument accepts. */
  choices?: readonly string[];
}

/** A command: what it takes and what it does. */
export interface CommandSpec {
  name: string;
  /** One line. */
  description: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  /** The usage after the command name, when the generated one does not tell the whole story. */
  usage?: string;
  /** Text after the generated help: notes and examples. */
  helpAfter?: string;
  /** Everything after the first `--` is the call's `rest` (a command to run), not arguments. */
  passThrough?: boolean;
  /**
   * Arguments may be secret values: an unknown option or an option's invalid value is not
   * echoed in errors, and `hint` says how to pass a value that starts with `-`.
   */
  secretArguments?: { hint: string };
  run(call: Call): Promise<void> | void;
}

/** The program: its global options (accepted before and after the command) and commands. */
export interface ProgramSpec {
  name: string;
  version: string;
  /** One line. */
  description: string;
  options: readonly OptionSpec[];
  commands: readonly CommandSpec[];
  /** Text after the generated overview. */
  helpAfter?: string;
}

/** What the command line asks for. */
export type Parsed =
  | { kind: "call"; call: Call }
  | { kind: "help"; text: string }
  | { kind: "version"; text: string };

/** An option with its flags taken apart. */
export interface ParsedOption {
  spec: OptionSpec;
  short?: string;
  long: string;
  /** The value's placeholder (`<region>`), if the option takes a value. */
  value?: string;
  /** The key of the option's value in {@linkcode Call.options}: `--create-key` is `createKey`. */
  key: string;
  /** The flags as shown: the short one is left out when the command uses it for its own. */
  flags: string;
  /** A program option, also accepted after the command. */
  global: boolean;
}

/** A command's arguments and options, as given on the command line. */
export class Call {
  constructor(
    readonly program: ProgramSpec,
    readonly command: CommandSpec,
    private readonly values: ReadonlyMap<string, string | string[]>,
    /** Option values by key: the command's and the program's, defaults included. */
    readonly options: Readonly<Record<string, unknown>>,
    /** With `passThrough`, what follows the first `--` (undefined without a `--`). */
    readonly rest?: readonly string[],
  ) {}

  /** The value of a single positional argument. */
  arg(name: string): string | undefined {
    const value = this.values.get(name);
    if (Array.isArray(value)) throw new Error(`Argument '${name}' is variadic`);
    return value;
  }

  /** The values of a variadic positional argument (empty when none is given). */
  list(name: string): string[] {
    const value = this.values.get(name) ?? [];
    if (!Array.isArray(value)) throw new Error(`Argument '${name}' is not variadic`);
    return value;
  }

  /** The value of an option that takes one. */
  string(key: string): string | undefined {
    const value = this.options[key];
    if (value !== undefined && typeof value !== "string") {
      throw new Error(`Option '${key}' is not a string`);
    }
    return value;
  }

  /** Whether a flag is given. */
  flag(key: string): boolean {
    return this.options[key] === true;
  }
}

/** Takes `-v, --version <version>` apart. */
function parseFlags(spec: OptionSpec, global: boolean): ParsedOption {
  const match = /^(?:(-[A-Za-z]), )?(--[a-z][a-z0-9-]*)(?: (<[^>]+>))?$/.exec(spec.flags);
  if (!match) throw new Error(`Bad option flags '${spec.flags}'`);
  const [, short, long, value] = match;
  const key = long.slice(2).replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return { spec, short, long, value, key, flags: spec.flags, global };
}

/** Takes `<name>`, `[name]` and `[name...]` apart. */
function parseArgument(spec: ArgumentSpec) {
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

/** Parses `argv` (the arguments after the program name). Throws {@linkcode UsageError}. */
export function parse(program: ProgramSpec, argv: readonly string[]): Parsed {
  const top = optionsOf(program);
  const values: Record<string, unknown> = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--" || !token.startsWith("-") || token === "-") break;
    const taken = takeOption(argv, i, top, values, {
      help: `${program.name} help`,
      scope: program.name,
    });
    if (taken.option.long === "--help") return { kind: "help", text: helpText(program) };
    if (taken.option.long === "--version") return { kind: "version", text: program.version };
    i = taken.next;
  }
  const name = argv[i] === "--" ? argv[i + 1] : argv[i];
  if (name === undefined) {
    throw new UsageError("No command given", {
      reason: { type: "no-command", program: program.name },
    });
  }
  const command = program.commands.find((c) => c.name === name);
  if (!command) {
    throw new UsageError(`Unknown command '${name}'`, {
      reason: {
        type: "unknown-command",
        program: program.name,
        suggestion: closest(name, program.commands.map((c) => c.name)),
      },
    });
  }
  return parseCommand(program, command, argv.slice(i + (argv[i] === "--" ? 2 : 1)), values);
}

function parseCommand(
  program: ProgramSpec,
  command: CommandSpec,
  argv: readonly string[],
  programValues: Record<string, unknown>,
): Parsed {
  const options = optionsOf(program, command);
  const values: Record<string, unknown> = {};
  const positional: string[] = [];
  let rest: string[] | undefined;
  const context = {
    help: `${program.name} help ${command.name}`,
    scope: `${program.name} ${command.name}`,
    secret: command.secretArguments,
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") {
      if (command.passThrough) rest = argv.slice(i + 1);
      else positional.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-") {
      positional.push(token);
      continue;
    }
    const taken = takeOption(argv, i, options, values, context);
    if (taken.option.long === "--help") {
      return { kind: "help", text: helpText(program, command) };
    }
    i = taken.next;
  }

  const merged: Record<string, unknown> = {};
  for (const option of options) {
    const given = values[option.key] ?? (option.global ? programValues[option.key] : undefined);
    if (given !== undefined) merged[option.key] = given;
    else if (option.spec.default !== undefined) merged[option.key] = option.spec.default;
    else if (option.spec.mandatory) {
      throw new UsageError(`Option '${option.flags}' is required`, {
        reason: { type: "option-required", help: context.help },
      });
    }
  }

  const args = (command.arguments ?? []).map(parseArgument);
  const assigned = new Map<string, string | string[]>();
  let next = 0;
  for (const arg of args) {
    if (arg.variadic) {
      assigned.set(arg.name, positional.slice(next));
      next = positional.length;
    } else if (next < positional.length) {
      assigned.set(arg.name, positional[next++]);
    } else if (arg.required) {
      throw new UsageError(`Missing argument '${arg.name}'`, {
        reason: {
          type: "bad-arguments",
          usage: `${program.name} ${command.name} ${usageOf(command)}`,
        },
      });
    }
    const value = assigned.get(arg.name);
    if (arg.spec.choices && typeof value === "string" && !arg.spec.choices.includes(value)) {
      throw new UsageError(
        `Argument '${arg.name}' value '${value}' is invalid. Allowed choices are ${
          arg.spec.choices.join(", ")
        }`,
      );
    }
  }
  if (next < positional.length) {
    const most = args.length;
    throw new UsageError(
      `Too many arguments for '${command.name}': it takes ${
        most === 0 ? "none" : `at most ${most}`
      }, ${positional.length} given`,
      {
        reason: {
          type: "bad-arguments",
          usage: `${program.name} ${command.name} ${usageOf(command)}`,
        },
      },
    );
  }
  return { kind: "call", call: new Call(program, command, assigned, merged, rest) };
}

/**
 * Reads the option at `argv[i]` (`--long`, `--long=value`, `-s`, `-svalue`, `-abc`) into
 * `values`; returns the last option read and the index of the last token it used.
 */
function takeOption(
  argv: readonly string[],
  i: number,
  options: readonly ParsedOption[],
  values: Record<string, unknown>,
  context: { help: string; scope: string; secret?: { hint: string } },
): { option: ParsedOption; next: number } {
  const token = argv[i];
  const unknown = (flag: string): never => {
    const reason = {
      type: "unknown-option",
      help: context.help,
      suggestion: closest(flag, options.map((o) => o.long)),
      secretHint: context.secret?.hint,
    } as const;
    throw new UsageError(
      context.secret
        ? "Unknown option (not shown: it may be a secret value)"
        : `Unknown option '${flag}'`,
      { reason },
    );
  };
  const set = (option: ParsedOption, value: string | true) => {
    if (value !== true) checkChoice(option, value, context);
    const collect = option.spec.collect;
    values[option.key] = collect && value !== true ? collect(value, values[option.key]) : value;
  };
  const needsValue = (option: ParsedOption): never => {
    throw new UsageError(`Option '${option.flags}' needs a value`, {
      reason: { type: "option-needs-value", help: context.help },
    });
  };

  if (token.startsWith("--")) {
    const eq = token.indexOf("=");
    const flag = eq < 0 ? token : token.slice(0, eq);
    const option = options.find((o) => o.long === flag) ?? unknown(flag);
    if (option.value === undefined) {
      if (eq >= 0) throw new UsageError(`Option '${option.long}' takes no value`);
      set(option, true);
      return { option, next: i };
    }
    if (eq >= 0) {
      set(option, token.slice(eq + 1));
      return { option, next: i };
    }
    if (i + 1 >= argv.length) needsValue(option);
    set(option, argv[i + 1]);
    return { option, next: i + 1 };
  }

  // One or more short flags: `-a`, `-an`, `-v3`, `-v 3`. The whole cluster is checked before
  // any of it counts, so `-hx` is an unknown option, not a request for help.
  const cluster: ParsedOption[] = [];
  let attached: string | undefined;
  for (let j = 1; j < token.length; j++) {
    const flag = `-${token[j]}`;
    const option = options.find((o) => o.short === flag) ?? unknown(j === 1 ? token : flag);
    cluster.push(option);
    if (option.value !== undefined && j + 1 < token.length) {
      attached = token.slice(j + 1);
      break;
    }
  }
  const last = cluster[cluster.length - 1];
  if (attached !== undefined && context.secret) {
    // `-vS3cret` may be a value that starts with '-': never taken (or echoed) as an option value.
    throw new UsageError(
      `Option '${last.flags}' takes its value as the next argument here, not attached to the flag`,
      { reason: { type: "attached-value", secretHint: context.secret.hint } },
    );
  }
  const help = cluster.find((o) => o.long === "--help");
  if (help) return { option: help, next: i };
  for (const option of cluster.slice(0, -1)) set(option, true);
  if (last.value === undefined) {
    set(last, true);
    return { option: last, next: i };
  }
  if (attached !== undefined) {
    set(last, attached);
    return { option: last, next: i };
  }
  if (i + 1 >= argv.length) needsValue(last);
  set(last, argv[i + 1]);
  return { option: last, next: i + 1 };
}

function checkChoice(
  option: ParsedOption,
  value: string,
  context: { secret?: unknown },
): void {
  const choices = option.spec.choices;
  if (!choices || choices.includes(value)) return;
  const shown = context.secret ? "(not shown: it may be a secret value)" : `'${value}'`;
  throw new UsageError(
    `Option '${option.flags}' argument ${shown} is invalid. Allowed choices are ${
      choices.join(", ")
    }`,
  );
}

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
