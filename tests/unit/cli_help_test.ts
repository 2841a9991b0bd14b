/**
 * The help the command line presents, built from the command specs: every command and option
 * has a one-line description, every command's help shows examples, lines fit the width, and
 * the closest command or option is found for a mistyped one.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { buildProgram } from "../../commands/mod.ts";
import { closest, editDistance, helpText, optionsOf } from "../../lib/cli/mod.ts";

const oneLine = (text: string) => text.trim() !== "" && !text.includes("\n");

Deno.test("help: every command and option has a one-line description", () => {
  const program = buildProgram();
  ok(oneLine(program.description));
  const problems: string[] = [];
  for (const option of program.options) {
    if (!oneLine(option.description)) problems.push(`creds3 ${option.flags}`);
  }
  for (const command of program.commands) {
    if (!oneLine(command.description)) problems.push(`command '${command.name}'`);
    for (const option of command.options ?? []) {
      if (!oneLine(option.description)) problems.push(`${command.name} ${option.flags}`);
    }
    for (const argument of command.arguments ?? []) {
      if (!oneLine(argument.description)) problems.push(`${command.name} ${argument.name}`);
    }
  }
  deepStrictEqual(problems, [], "without a one-line description");
});

Deno.test("help: every command's help shows examples that run creds3 itself", () => {
  const program = buildProgram();
  const names = program.commands.map((c) => c.name);
  for (const command of program.commands) {
    const text = helpText(program, command, 80);
    const examples = text.split(/\nExamples:\n/)[1];
    ok(examples, `'${command.name}' help has an Examples: section`);
    const lines = examples.split("\n").filter((l) => l.startsWith("  "));
    ok(lines.length > 0, `'${command.name}' has at least one example`);
    ok(
      lines.some((l) => new RegExp(`\\bcreds3 ${command.name}\\b`).test(l)),
      `an example of '${command.name}' uses it: ${lines.join(" | ")}`,
    );
    for (const line of lines) {
      // Every `creds3 X` in an example names a real command.
      for (const m of line.matchAll(/\bcreds3 ([a-z]+)/g)) ok(names.includes(m[1]), line);
    }
  }
});

Deno.test("help: every option of a command is in its help, global ones under their own heading", () => {
  const program = buildProgram();
  for (const command of program.commands) {
    const text = helpText(program, command, 80);
    const [own, globals] = text.split("\nGlobal options:\n");
    ok(globals, `'${command.name}' help has a Global options: section`);
    for (const option of optionsOf(program, command)) {
      ok(
        (option.global ? globals : own).includes(`  ${option.flags}`),
        `${command.name} ${option.flags}`,
      );
    }
  }
});

Deno.test("help: lines fit the width, and the overview lists every command", () => {
  const program = buildProgram();
  for (const command of [undefined, ...program.commands]) {
    const text = helpText(program, command, 80);
    // Only examples (commands are not wrapped) may be wider.
    const long = text.split("\n").filter((l) => l.length > 80 && !l.startsWith("  creds3 "));
    deepStrictEqual(long, [], command?.name ?? "overview");
  }
});

Deno.test("help: suggestion distance", () => {
  strictEqual(editDistance("lsit", "list"), 1);
  strictEqual(editDistance("", "abc"), 3);
  strictEqual(closest("delet", ["delete", "list"]), "delete");
  strictEqual(closest("zzz", ["delete", "list"]), undefined);
  strictEqual(closest("comp", ["completions", "put"]), "completions");
});
