/**
 * Typed commands: {@linkcode defineCommand} reads a command's option flags and argument names
 * as TypeScript types, so that `run(call)` gets `call.options` and `call.args` typed from the
 * spec. A misspelled option is a type error; an option that takes a value is `string` when it
 * has a `default` or is `mandatory`, else `string | undefined`, narrowed to its `choices` when
 * they are a typed list; a repeatable (`collect`) option has the type its `collect` returns; a
 * flag is `boolean`. `<name>` is `string`, `[name]` is `string | undefined` and `[name...]` is
 * `readonly string[]`. The spec is returned as it is: typing costs nothing at run time.
 *
 * @example A command that reads its options and arguments, typed
 * ```ts
 * import { defineCommand } from "./define.ts";
 * import { parse } from "./parse.ts";
 * import { strictEqual } from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const greet = defineCommand({
 *   name: "greet",
 *   description: "greet someone",
 *   arguments: [{ name: "<who>", description: "whom" }, { name: "[more...]", description: "and" }],
 *   options: [
 *     { flags: "-g, --greeting <text>", description: "the word", default: "hello" },
 *     { flags: "--shout", description: "in capitals" },
 *   ],
 *   run(call) {
 *     const { greeting, shout } = call.options; // string, boolean
 *     const text = `${greeting} ${[call.args.who, ...call.args.more].join(", ")}`;
 *     lines.push(shout ? text.toUpperCase() : text);
 *     // @ts-expect-error: there is no --greting
 *     call.options.greting;
 *   },
 * });
 * const parsed = parse({
 *   name: "tool",
 *   version: "1.0.0",
 *   description: "does things",
 *   options: [],
 *   commands: [greet],
 * }, ["greet", "ann", "bob", "--shout"]);
 * if (parsed.kind === "call") await parsed.call.command.run(parsed.call);
 * strictEqual(lines[0], "HELLO ANN, BOB");
 * ```
 *
 * @module
 */
import type { ArgumentSpec, Call, CommandSpec, OptionSpec } from "./spec.ts";

/** `role-session-name` as `roleSessionName`. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;

/** The long flag without its dashes and value: `-v, --version <version>` gives `version`. */
type LongName<F extends string> = F extends `-${string}, --${infer Rest}` ? BeforeValue<Rest>
  : F extends `--${infer Rest}` ? BeforeValue<Rest>
  : never;
type BeforeValue<S extends string> = S extends `${infer Name} <${string}>` ? Name : S;

/** The key of an option's value in `call.options`: `--create-key` is `createKey`. */
export type OptionKey<F extends string> = Camel<LongName<F>>;

/** The union of a typed `choices` list, else `string`. */
type Choice<S> = S extends { choices: readonly (infer C extends string)[] } ? C : string;

/** The type of one option's value. */
export type OptionValue<S extends OptionSpec> = S["flags"] extends `${string} <${string}>`
  ? S extends { collect: (value: string, previous: never) => infer R } ? R | undefined
  : Choice<S> | (S extends { default: string } | { mandatory: true } ? never : undefined)
  : boolean;

type Flat<T> = { [K in keyof T]: T[K] };

/** The options' values by key. */
export type OptionValues<O extends readonly OptionSpec[]> = Flat<
  { readonly [S in O[number] as OptionKey<S["flags"]>]: OptionValue<S> }
>;

/** An argument's name: `<name>`, `[name]` and `[name...]` give `name`. */
type ArgumentName<N extends string> = N extends `<${infer Name}>` ? Name
  : N extends `[${infer Name}...]` ? Name
  : N extends `[${infer Name}]` ? Name
  : never;

/** The type of one argument's value. */
export type ArgumentValue<S extends ArgumentSpec> = S["name"] extends `[${string}...]`
  ? readonly string[]
  : Choice<S> | (S["name"] extends `<${string}>` ? never : undefined);

/** The arguments' values by name. */
export type ArgumentValues<A extends readonly ArgumentSpec[]> = Flat<
  { readonly [S in A[number] as ArgumentName<S["name"]>]: ArgumentValue<S> }
>;

/** The command's own options over the program's global ones. */
export type Merged<G, O> = Flat<Omit<G, keyof O> & O>;

/** Each spec as given, with a property the spec type does not have made an error. */
type Exact<T, Spec> = { [I in keyof T]: T[I] & { [K in Exclude<keyof T[I], keyof Spec>]: never } };

/** A command whose `run` gets a typed call; `G` is the type of the program's global options. */
export interface CommandDefinition<
  O extends readonly OptionSpec[],
  A extends readonly ArgumentSpec[],
  G extends object,
> extends Omit<CommandSpec, "options" | "arguments" | "run"> {
  options?: Exact<O, OptionSpec>;
  arguments?: Exact<A, ArgumentSpec>;
  run(call: Call<Merged<G, OptionValues<O>>, ArgumentValues<A>>): Promise<void> | void;
}

/** A command of a program that has no global options (see {@linkcode commandsWith}). */
export function defineCommand<
  const O extends readonly OptionSpec[] = [],
  const A extends readonly ArgumentSpec[] = [],
>(definition: CommandDefinition<O, A, Record<never, never>>): CommandSpec {
  return asSpec(definition);
}

/** The `defineCommand` of a program whose global options are `globals`. */
export function commandsWith<const G extends readonly OptionSpec[]>(
  _globals: G,
): <const O extends readonly OptionSpec[] = [], const A extends readonly ArgumentSpec[] = []>(
  definition: CommandDefinition<O, A, OptionValues<G>>,
) => CommandSpec {
  return asSpec;
}

/**
 * The definition as the parser's spec. The one unchecked step: the parser builds `options`
 * and `args` from these same specs, so they have the types derived above.
 */
function asSpec(definition: object): CommandSpec {
  return definition as CommandSpec;
}
