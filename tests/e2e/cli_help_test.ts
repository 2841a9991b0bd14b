/**
 * The command line presents itself: `creds3 help <command>` works, and a mistyped command,
 * option or help topic gets the closest one as a hint.
 */
import { match, ok, strictEqual } from "node:assert/strict";
import { buildProgram } from "../../commands/mod.ts";
import { runCli } from "../helpers/cli.ts";

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
