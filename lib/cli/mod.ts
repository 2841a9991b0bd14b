/**
 * The command line as data: specs of the program, its commands, arguments and options
 * (`spec.ts`), and what is made from them: the parsed call (`parse.ts`), the help
 * (`help.ts`), suggestions for typos (`suggest.ts`) and shell completions
 * (`completion_tree.ts`, `completions.ts`). The terminal helpers beside them (prompts, input,
 * atomic files, progress, running a command) are imported from their own modules.
 *
 * @example Parse a command line, or print the help it asks for
 * ```ts
 * import { helpText, parse, type ProgramSpec } from "./mod.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 *
 * const program: ProgramSpec = {
 *   name: "tool",
 *   version: "1.0.0",
 *   description: "does things",
 *   options: [],
 *   commands: [{
 *     name: "hello",
 *     description: "say hello",
 *     arguments: [{ name: "[who]", description: "whom to greet" }],
 *     run() {},
 *   }],
 * };
 * const parsed = parse(program, ["hello", "world"]);
 * strictEqual(parsed.kind === "call" && parsed.call.arg("who"), "world");
 * ok(helpText(program, undefined, 80).includes("  hello [who]  say hello"));
 * ```
 *
 * @module
 */
export type { ArgumentSpec, Call, CommandSpec, OptionSpec, Parsed, ProgramSpec } from "./spec.ts";
export { parse } from "./parse.ts";
export { optionsOf, type ParsedOption } from "./flags.ts";
export { helpText, usageOf } from "./help.ts";
export { closest, editDistance } from "./suggest.ts";
export {
  type CompletionCommand,
  type CompletionOption,
  type CompletionTree,
  completionTree,
} from "./completion_tree.ts";
export { completionScript, type Shell, SHELLS } from "./completions.ts";
export {
  type ArgumentValues,
  type CommandDefinition,
  commandsWith,
  defineCommand,
  type OptionValues,
} from "./define.ts";
