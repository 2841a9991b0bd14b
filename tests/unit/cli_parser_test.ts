/**
 * The command-line parser (lib/cli/parse.ts) on a small program of its own: option syntaxes, global
 * options before and after the command, short-flag conflicts, `--`, pass-through, defaults,
 * choices, mandatory and repeatable options, argument counts, and the errors for each bad input.
 */
import { deepStrictEqual, match, ok, strictEqual, throws } from "node:assert/strict";
import { type Call, type OptionSpec, parse, type ProgramSpec } from "../../lib/cli/mod.ts";
import { UsageError } from "../../lib/core/errors.ts";
import { errorHint } from "../../commands/errors.ts";

/** An argument spec described by its bare name: `<name>` is "name". */
const described = (name: string) => ({ name, description: name.replace(/[<>[\].]/g, "") });

/** The program's own options, given before or after the command. */
const GLOBAL: OptionSpec[] = [
  { flags: "-r, --region <region>", description: "region" },
  { flags: "-n, --arn <arn>", description: "role" },
  { flags: "--debug", description: "debug" },
];

const program: ProgramSpec = {
  name: "tool",
  version: "9.9.9",
  description: "a test program",
  options: GLOBAL,
  commands: [
    {
      name: "put",
      description: "store",
      arguments: ["<name>", "[value]", "[context...]"].map(described),
      options: [
        { flags: "-v, --version <version>", description: "version", default: "1" },
        { flags: "-a, --autoversion", description: "next version" },
        { flags: "-d, --digest <digest>", description: "digest", choices: ["SHA256", "SHA512"] },
      ],
      secretArguments: { hint: "values starting with '-' go after '--'" },
      run() {},
    },
    {
      name: "get",
      description: "print",
      arguments: [{ name: "<name>", description: "name" }],
      options: [{ flags: "-n, --noline", description: "no newline" }],
      run() {},
    },
    {
      name: "export",
      description: "export",
      arguments: [{ name: "[pattern]", description: "pattern" }],
      options: [
        { flags: "-f, --format <format>", description: "format", mandatory: true },
        {
          flags: "--label <key=value>",
          description: "label",
          collect: (value, previous) => [...(previous as string[] | undefined ?? []), value],
        },
        { flags: "--keep-names", description: "keep names" },
      ],
      run() {},
    },
    {
      name: "exec",
      description: "run",
      arguments: [{ name: "[pattern]", description: "pattern" }],
      passThrough: true,
      run() {},
    },
    {
      name: "shell",
      description: "completion",
      arguments: [{ name: "<shell>", description: "shell", choices: ["bash", "zsh"] }],
      run() {},
    },
  ],
};

function call(...argv: string[]): Call {
  const parsed = parse(program, argv);
  if (parsed.kind !== "call") throw new Error(`expected a call, got ${parsed.kind}`);
  return parsed.call;
}

function usageError(argv: string[], message: RegExp, hint?: RegExp): UsageError {
  let caught: unknown;
  throws(() => parse(program, argv), (e) => (caught = e) instanceof UsageError);
  const error = caught as UsageError;
  match(error.message, message, argv.join(" "));
  if (hint) match(errorHint(error) ?? "", hint, argv.join(" "));
  return error;
}

Deno.test("cli parser: long, short, combined and inline option syntaxes", () => {
  for (
    const argv of [
      ["put", "--version", "3", "--autoversion", "db", "v"],
      ["put", "--version=3", "-a", "db", "v"],
      ["put", "-av", "3", "db", "v"],
      ["put", "db", "-a", "v", "-v", "3"],
    ]
  ) {
    const c = call(...argv);
    strictEqual(c.string("version"), "3", argv.join(" "));
    strictEqual(c.flag("autoversion"), true, argv.join(" "));
    strictEqual(c.arg("name"), "db");
    strictEqual(c.arg("value"), "v");
  }
});

Deno.test("cli parser: defaults, optional and variadic arguments", () => {
  const c = call("put", "db");
  strictEqual(c.string("version"), "1");
  strictEqual(c.flag("autoversion"), false);
  strictEqual(c.arg("value"), undefined);
  deepStrictEqual(c.list("context"), []);
  deepStrictEqual(call("put", "db", "v", "a=1", "b=2").list("context"), ["a=1", "b=2"]);
  strictEqual(call("put", "db", "-").arg("value"), "-");
});

Deno.test("cli parser: global options before and after the command; the command's short flag wins", () => {
  const before = call("-r", "eu-west-1", "-n", "arn:role", "get", "db");
  strictEqual(before.string("region"), "eu-west-1");
  strictEqual(before.string("arn"), "arn:role");
  strictEqual(before.flag("noline"), false);
  const after = call("get", "db", "-n", "--arn", "arn:role", "--region=us-east-2");
  strictEqual(after.flag("noline"), true);
  strictEqual(after.string("arn"), "arn:role");
  strictEqual(after.string("region"), "us-east-2");
  // After the command a global option overrides the same option given before it.
  strictEqual(call("-r", "a", "get", "db", "-r", "b").string("region"), "b");
});

Deno.test("cli parser: '--' ends options; with pass-through the rest is the command to run", () => {
  const put = call("put", "db", "--", "-starts-with-dash", "a=1");
  strictEqual(put.arg("value"), "-starts-with-dash");
  deepStrictEqual(put.list("context"), ["a=1"]);
  const exec = call("exec", "app/*", "--", "sh", "-c", "echo --help");
  strictEqual(exec.arg("pattern"), "app/*");
  deepStrictEqual(exec.rest, ["sh", "-c", "echo --help"]);
  strictEqual(call("exec", "app/*").rest, undefined);
});

Deno.test("cli parser: repeatable options collect, mandatory ones are required", () => {
  deepStrictEqual(
    call("export", "-f", "k8s", "--label", "a=1", "--label=b=2").options.label,
    ["a=1", "b=2"],
  );
  usageError(["export", "app/*"], /^Option '-f, --format <format>' is required$/);
});

Deno.test("cli parser: help and version", () => {
  for (const argv of [["--help"], ["-h"], ["-r", "x", "--help"]]) {
    const parsed = parse(program, argv);
    strictEqual(parsed.kind, "help");
    if (parsed.kind === "help") match(parsed.text, /^Usage: tool \[options\] <command>/);
  }
  for (const argv of [["get", "--help"], ["get", "db", "-h"], ["put", "-ah"]]) {
    const parsed = parse(program, argv);
    strictEqual(parsed.kind, "help", argv.join(" "));
    if (parsed.kind === "help") match(parsed.text, new RegExp(`^Usage: tool ${argv[0]} `));
  }
  deepStrictEqual(parse(program, ["-V"]), { kind: "version", text: "9.9.9" });
  deepStrictEqual(parse(program, ["--version"]), { kind: "version", text: "9.9.9" });
  // After the command, --version is the command's own option.
  strictEqual(call("put", "--version", "2", "db", "v").string("version"), "2");
});

Deno.test("cli parser: every bad input is a usage error naming the problem", () => {
  usageError([], /^No command given$/, /tool help/);
  usageError(["gte", "db"], /^Unknown command 'gte'$/, /^did you mean 'get'\?$/);
  usageError(["get", "db", "--nolien"], /^Unknown option '--nolien'$/, /did you mean '--noline'/);
  usageError(["--regin", "x", "get"], /^Unknown option '--regin'$/, /did you mean '--region'/);
  usageError(["get", "db", "-x"], /^Unknown option '-x'$/);
  usageError(["get"], /^Missing argument 'name'$/, /usage: tool get \[options\] <name>/);
  usageError(["get", "a", "b"], /^Too many arguments for 'get': it takes at most 1, 2 given$/);
  usageError(["get", "db", "--region"], /^Option '-r, --region <region>' needs a value$/);
  usageError(["get", "db", "--noline=yes"], /^Option '--noline' takes no value$/);
  usageError(
    ["shell", "fish"],
    /^Argument 'shell' value 'fish' is invalid\. Allowed choices are bash, zsh$/,
  );
});

Deno.test("cli parser: with secret arguments, unknown options and bad values are not echoed", () => {
  const unknown = usageError(["put", "db", "-made-up-secret"], /^Unknown option \(not shown/);
  ok(!`${unknown.message}${errorHint(unknown)}`.includes("made-up"), unknown.message);
  match(errorHint(unknown) ?? "", /values starting with '-' go after '--'/);
  const typo = usageError(["put", "--autoversio", "db", "v"], /^Unknown option \(not shown/);
  match(errorHint(typo) ?? "", /^did you mean '--autoversion'\? Else: values starting/);
  const digest = usageError(["put", "db", "-d", "-made-up"], /argument \(not shown/);
  ok(!digest.message.includes("made-up"), digest.message);
  match(digest.message, /Allowed choices are SHA256, SHA512$/);
  // An attached value (`-vS3cret`) may itself be a secret that starts with '-v'.
  const attached = usageError(["put", "db", "-vmade-up"], /not attached to the flag$/);
  ok(!`${attached.message}${errorHint(attached)}`.includes("made-up"), attached.message);
  // A cluster is checked whole: `-hmade-up` is not a request for help.
  usageError(["put", "db", "-hmade-up"], /^Unknown option \(not shown/);
  strictEqual(call("export", "-fjson").string("format"), "json");
  // Elsewhere the bad value is named.
  usageError(["get", "db", "-y"], /^Unknown option '-y'$/);
});
