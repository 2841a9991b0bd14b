/**
 * The {@linkcode Call} the parser hands to a command: its arguments and options as given.
 *
 * @module
 */
import type { Call, CommandSpec, ProgramSpec } from "./spec.ts";

/** A {@linkcode Call} made by the parser. */
export class ParsedCall implements Call {
  constructor(
    readonly program: ProgramSpec,
    readonly command: CommandSpec,
    readonly args: Readonly<Record<string, string | string[] | undefined>>,
    readonly options: Readonly<Record<string, unknown>>,
    readonly rest?: readonly string[],
  ) {}

  arg(name: string): string | undefined {
    const value = this.args[name];
    if (Array.isArray(value)) throw new Error(`Argument '${name}' is variadic`);
    return value;
  }

  list(name: string): string[] {
    const value = this.args[name] ?? [];
    if (!Array.isArray(value)) throw new Error(`Argument '${name}' is not variadic`);
    return value;
  }

  string(key: string): string | undefined {
    const value = this.options[key];
    if (value !== undefined && typeof value !== "string") {
      throw new Error(`Option '${key}' is not a string`);
    }
    return value;
  }

  flag(key: string): boolean {
    return this.options[key] === true;
  }
}
