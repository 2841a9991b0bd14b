/**
 * The typed command line: a command's `call.options` and `call.args` get their types from its
 * specs. Checked twice: by the type checker (`deno check` and `deno test` fail on a line below
 * whose type is not the one stated, and on a `@ts-expect-error` that is no longer an error),
 * and at run time, where the parser must produce values of those types.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { defineCommand as definePlain, parse, type ProgramSpec } from "../../lib/cli/mod.ts";
import type { GlobalOptions } from "../../lib/config/config.ts";
import type { Digest } from "../../lib/core/envelope.ts";
import { buildProgram } from "../../commands/mod.ts";
import { defineCommand, GLOBAL_OPTIONS, type GlobalValues } from "../../commands/global_options.ts";

/** `true` when `A` and `B` are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
/** Compiles only when `T` is `true`. */
function expectType<T extends true>(_proof?: T): void {}

// The check itself can fail: these two types differ.
// @ts-expect-error: string is not string | undefined
expectType<Equal<string, string | undefined>>();

const DIGESTS: readonly Digest[] = ["SHA256", "SHA512"];
const seen: unknown[] = [];

const putLike = defineCommand({
  name: "store",
  description: "store one",
  arguments: [
    { name: "<credential>", description: "name" },
    { name: "[value]", description: "value" },
    { name: "[context...]", description: "key=value pairs" },
  ],
  options: [
    { flags: "-v, --version <version>", description: "version", default: "1" },
    { flags: "-a, --autoversion", description: "next version" },
    { flags: "-d, --digest <digest>", description: "digest", choices: DIGESTS, default: "SHA256" },
    { flags: "-f, --format <format>", description: "format", mandatory: true },
    { flags: "--strip-prefix <prefix>", description: "prefix" },
    {
      flags: "--label <key=value>",
      description: "label",
      collect: (pair: string, previous: readonly string[] = []) => [...previous, pair],
    },
  ],
  run(call) {
    const { options, args } = call;
    expectType<Equal<typeof options.version, string>>();
    expectType<Equal<typeof options.autoversion, boolean>>();
    expectType<Equal<typeof options.digest, Digest>>();
    expectType<Equal<typeof options.format, string>>();
    expectType<Equal<typeof options.stripPrefix, string | undefined>>();
    expectType<Equal<typeof options.label, string[] | undefined>>();
    expectType<Equal<typeof args.credential, string>>();
    expectType<Equal<typeof args.value, string | undefined>>();
    expectType<Equal<typeof args.context, readonly string[]>>();
    // The global options are there too, typed the same way.
    expectType<Equal<typeof options.timeout, string | undefined>>();
    expectType<Equal<typeof options.pathStyle, boolean>>();
    // @ts-expect-error: a misspelled option is a type error
    options.verison;
    // @ts-expect-error: so is a misspelled global option
    options.timout;
    // @ts-expect-error: and a misspelled argument
    args.credentail;
    // @ts-expect-error: the accessors take only known names too
    call.string("formt");
    seen.push(
      options.version,
      options.autoversion,
      options.digest,
      options.format,
      options.stripPrefix,
      options.label,
      options.pathStyle,
      args.credential,
      args.value,
      args.context,
    );
  },
});

// A property the spec type does not have is refused, as in a plain spec.
definePlain({
  name: "x",
  description: "x",
  // @ts-expect-error: 'mandtory' is not an option property
  options: [{ flags: "--y <y>", description: "y", mandtory: true }],
  run() {},
});

// A command of a program without global options has only its own.
definePlain({
  name: "plain",
  description: "plain",
  options: [{ flags: "-n, --noline", description: "no newline" }],
  run(call) {
    expectType<Equal<typeof call.options, { readonly noline: boolean }>>();
    expectType<Equal<typeof call.args, Record<never, never>>>();
  },
});

Deno.test("cli types: the global options' values are what the configuration resolves", () => {
  // Same names both ways: a global option the configuration ignores, or a configuration field
  // no option sets, is a type error here.
  expectType<Equal<keyof GlobalValues, keyof GlobalOptions>>();
  const values: GlobalOptions = {} as GlobalValues;
  strictEqual(typeof values, "object");
  deepStrictEqual(buildProgram().options, GLOBAL_OPTIONS);
});

Deno.test("cli types: the parser produces values of the types the specs give", async () => {
  const program: ProgramSpec = { ...buildProgram(), commands: [putLike] };
  const parsed = parse(program, ["store", "db", "-f", "json", "--label", "a=1", "--label=b=2"]);
  if (parsed.kind !== "call") throw new Error(`expected a call, got ${parsed.kind}`);
  await parsed.call.command.run(parsed.call);
  deepStrictEqual(seen, [
    "1", // a default
    false, // a flag not given
    "SHA256",
    "json",
    undefined, // a value option not given
    ["a=1", "b=2"], // collected
    false, // a global flag not given
    "db",
    undefined, // an optional argument not given
    [], // a variadic argument not given
  ]);
});
