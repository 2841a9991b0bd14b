/**
 * The command line presents itself: every command and option has a one-line description, every
 * command's help shows examples, `creds3 help <command>` works, and a mistyped command or
 * option gets the closest one as a hint.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { buildProgram } from "../commands/mod.ts";
import { closest, editDistance, helpText, optionsOf } from "../lib/cli/mod.ts";
import { runCli } from "./helpers/cli.ts";

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

Deno.test("help: 'creds3 help <command>' equals '<command> --help', for every command", async () => {
  const program = buildProgram();
  for (const name of program.commands.map((c) => c.name)) {
    const viaHelp = await runCli(["help", name]);
    strictEqual(viaHelp.code, 0, viaHelp.stderr);
    match(viaHelp.stdout, new RegExp(`^Usage: creds3 ${name} `));
    match(viaHelp.stdout, /\nExamples:\n/);
    strictEqual(viaHelp.stderr, "");
    const viaFlag = await runCli([name, "--help"]);
    strictEqual(viaFlag.code, 0);
    strictEqual(viaFlag.stdout, viaHelp.stdout);
  }
  const top = await runCli(["help"]);
  strictEqual(top.code, 0);
  match(top.stdout, /^Usage: creds3 /);
  for (const name of program.commands.map((c) => c.name)) {
    match(top.stdout, new RegExp(`\\n  ${name} `), `the overview lists '${name}'`);
  }
});

Deno.test("help: an unknown help topic is a usage error naming the closest command", async () => {
  const r = await runCli(["help", "getal"]);
  strictEqual(r.code, 2);
  strictEqual(r.stdout, "");
  strictEqual(
    r.stderr,
    "creds3: error: Unknown command 'getal'\n" +
      "creds3: hint: did you mean 'getall'? Run 'creds3 help' for the list\n",
  );
  const far = await runCli(["help", "kubernetes"]);
  strictEqual(far.code, 2);
  match(far.stderr, /hint: run 'creds3 help' for the list of commands/);
});

Deno.test("help: mistyped commands and options get the closest one as a hint", async () => {
  const cases: [string[], string][] = [
    [["lsit"], "creds3: error: Unknown command 'lsit'\ncreds3: hint: did you mean 'list'?\n"],
    [["put", "--autoversio", "x", "y"], "did you mean '--autoversion'?"],
    [["getall", "--formt", "json"], "did you mean '--format'?"],
    [["list", "--locaton", "file:/tmp/x"], "did you mean '--location'?"],
    [["--regin", "eu-west-1", "list"], "did you mean '--region'?"],
  ];
  for (const [args, expected] of cases) {
    const r = await runCli(args);
    strictEqual(r.code, 2, `creds3 ${args.join(" ")}: ${r.stderr}`);
    strictEqual(r.stdout, "");
    ok(r.stderr.includes(expected), `creds3 ${args.join(" ")}: ${r.stderr}`);
    match(r.stderr, /^creds3: error: /);
  }
});

Deno.test("help: suggestion distance", () => {
  strictEqual(editDistance("lsit", "list"), 1);
  strictEqual(editDistance("", "abc"), 3);
  strictEqual(closest("delet", ["delete", "list"]), "delete");
  strictEqual(closest("zzz", ["delete", "list"]), undefined);
  strictEqual(closest("comp", ["completions", "put"]), "completions");
});
