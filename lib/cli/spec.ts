/**
 * What a command line is made of, as data: the program, its commands, their arguments and
 * options. The parser (`parse.ts`), the help (`help.ts`) and the shell completions
 * (`completion_tree.ts`) are all made from these specs, and `define.ts` types a command's
 * {@linkcode Call} from them.
 *
 * @example A program with one command
 * ```ts
 * import type { ProgramSpec } from "./spec.ts";
 *
 * const program: ProgramSpec = {
 *   name: "tool",
 *   version: "1.0.0",
 *   description: "does things",
 *   options: [{ flags: "-r, --region <region>", description: "the region" }],
 *   commands: [{
 *     name: "get",
 *     description: "print one",
 *     arguments: [{ name: "<name>", description: "what to print" }],
 *     options: [{ flags: "-n, --noline", description: "no newline" }],
 *     run(call) {
 *       console.log(call.arg("name"), call.flag("noline"), call.string("region"));
 *     },
 *   }],
 * };
 * ```
 *
 * @module
 */

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
  /**
   * Makes the option repeatable: each value is folded into the previous result (undefined
   * for the first). A method, so that a collector may declare the type of its result.
   */
  collect?(value: string, previous: unknown): unknown;
}

/** A positional argument: `<name>` is required, `[name]` optional, `[name...]` takes the rest. */
export interface ArgumentSpec {
  name: string;
  /** One line. */
  description: string;
  /** The only values the argument accepts. */
  choices?: readonly string[];
  /** Completed from the program's command names (checked by the command, not the parser). */
  completeCommands?: boolean;
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

/**
 * A command's arguments and options, as given on the command line. `O` and `A` are the types
 * of `options` and `args`: loose here, derived from the command's specs by `define.ts`.
 */
export interface Call<
  O extends object = Readonly<Record<string, unknown>>,
  A extends object = Readonly<Record<string, string | readonly string[] | undefined>>,
> {
  readonly program: ProgramSpec;
  readonly command: CommandSpec;
  /**
   * Option values by key (`--create-key` is `createKey`): the command's and the program's,
   * defaults included; a flag is `true` or `false`.
   */
  readonly options: O;
  /** Argument values by name: undefined for an optional one not given, `[]` for `[name...]`. */
  readonly args: A;
  /** With `passThrough`, what follows the first `--` (undefined without a `--`). */
  readonly rest?: readonly string[];
  /** The value of a single positional argument. */
  arg(name: keyof A & string): string | undefined;
  /** The values of a variadic positional argument (empty when none is given). */
  list(name: keyof A & string): string[];
  /** The value of an option that takes one. */
  string(key: keyof O & string): string | undefined;
  /** Whether a flag is given. */
  flag(key: keyof O & string): boolean;
}
