/**
 * A small declarative command-line parser: the program, its commands, their arguments and
 * options are data (`spec.ts`); {@linkcode parse} turns `argv` into a `Call` or a help or
 * version text. Bad input is a {@linkcode UsageError} that names the problem and, for a
 * mistyped command or option, the closest one.
 *
 * It loads nothing outside `lib/cli` but the error classes: a command line that starts in a few
 * milliseconds is the point (an npm parser costs Deno its Node compatibility layer, about 50 ms
 * per start).
 *
 * @example Parsing a command with an option and a variadic argument
 * ```ts
 * import { parse } from "./parse.ts";
 * import type { ProgramSpec } from "./spec.ts";
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
import { ParsedCall } from "./call.ts";
import { optionsOf, parseArgument, type ParsedOption } from "./flags.ts";
import { helpText, usageOf } from "./help.ts";
import type { CommandSpec, Parsed, ProgramSpec } from "./spec.ts";
import { closest } from "./suggest.ts";

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
    if (option.long === "--help") continue;
    const given = values[option.key] ?? (option.global ? programValues[option.key] : undefined);
    if (given !== undefined) merged[option.key] = given;
    else if (option.value === undefined) merged[option.key] = false;
    else if (option.spec.default !== undefined) merged[option.key] = option.spec.default;
    else if (option.spec.mandatory) {
      throw new UsageError(`Option '${option.flags}' is required`, {
        reason: { type: "option-required", help: context.help },
      });
    }
  }

  const args = (command.arguments ?? []).map(parseArgument);
  const assigned: Record<string, string | string[] | undefined> = {};
  let next = 0;
  for (const arg of args) {
    if (arg.variadic) {
      assigned[arg.name] = positional.slice(next);
      next = positional.length;
    } else if (next < positional.length) {
      assigned[arg.name] = positional[next++];
    } else if (arg.required) {
      throw new UsageError(`Missing argument '${arg.name}'`, {
        reason: {
          type: "bad-arguments",
          usage: `${program.name} ${command.name} ${usageOf(command)}`,
        },
      });
    }
    const value = assigned[arg.name];
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
  return { kind: "call", call: new ParsedCall(program, command, assigned, merged, rest) };
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
