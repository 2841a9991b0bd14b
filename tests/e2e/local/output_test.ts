/**
 * What the command line prints, on the local store: `list` in columns as the terminal shows
 * them, names from the store with control characters escaped in `list` and in every message,
 * CSV name cells defused against formulas, `export -o -` on stdout, and a concurrency setting
 * checked only by the commands that read many secrets. All values are made up.
 */
import { currentPath } from "../../../lib/stores/directory/layout.ts";
import { dirname } from "../../../lib/core/paths.ts";
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { localBackend, withBackend } from "../../helpers/backends.ts";
import { cliArgv, cliEnv, cliWith, runCli, runCliBytes } from "../../helpers/cli.ts";
import { onPty } from "../../helpers/pty.ts";

Deno.test("output: list pads names by the cells a terminal gives them", async () => {
  await withBackend(localBackend, async (_, cli) => {
    for (const name of ["a", "x\u0301y", "中文", "𝐀𝐁"]) {
      strictEqual((await cli("put", name, "some-value")).code, 0);
    }
    strictEqual(
      (await cli("list")).stdout,
      [
        "a    -- version 1",
        "x\u0301y   -- version 1",
        "中文 -- version 1",
        "𝐀𝐁   -- version 1",
      ].map((line) => line + "\n").join(""),
    );
  });
});

Deno.test("output: names from the store reach the terminal with control characters escaped", async () => {
  await withBackend(localBackend, async (b, cli) => {
    strictEqual((await cli("put", "plain", "plain-value")).code, 0);
    // Another writer stored names that creds3 would refuse: an escape sequence that clears the
    // screen, a line feed, a right-to-left override.
    const stored = await b.read("plain", "1");
    const file = (name: string) => `${b.home}/store/${currentPath(name, "1").join("/")}`;
    for (const name of ["evil\x1b[2Jname", "line\nforged", "rtl\u202egpj.exe"]) {
      await Deno.mkdir(dirname(file(name)), { recursive: true, mode: 0o700 });
      await b.write(name, "1", stored);
    }
    const list = await cli("list");
    const escaped = ["evil\\x1b[2Jname", "line\\x0aforged", "plain", "rtl\\u202egpj.exe"];
    strictEqual(list.stdout, escaped.map((n) => `${n.padEnd(16)} -- version 1\n`).join(""));
    // A damaged object under such a name: the failure names it, escaped.
    await Deno.writeTextFile(file("evil\x1b[2Jname"), "not json");
    const all = await cli("getall");
    strictEqual(all.code, 1);
    match(all.stderr, /creds3: error: 'evil\\x1b\[2Jname' version 1: .*not a valid stored secret/);
    // A name typed with control characters, echoed in an error.
    const missing = await cli("get", "nope\x1b]0;title\x07");
    strictEqual(missing.code, 1);
    match(missing.stderr, /Credential 'nope\\x1b\]0;title\\x07' is not in/);
    // A deleted name is reported escaped too, and only the name's own files are gone.
    const deleted = await cli("delete", "line\nforged");
    strictEqual(deleted.code, 0, deleted.stderr);
    strictEqual(deleted.stderr, "Deleted 'line\\x0aforged' version 1\n");
    for (const r of [list, all, missing, deleted]) {
      // deno-lint-ignore no-control-regex
      ok(!/[\x00-\x09\x0b-\x1f\x7f\u202e]/.test(r.stdout + r.stderr), "a raw control character");
    }
    // Data is not escaped: the value of such a name comes out as stored.
    strictEqual((await cli("get", "rtl\u202egpj.exe")).stdout, "plain-value\n");
  });
});

Deno.test("output: keys, history and prune print names and comments escaped, as list does", async () => {
  await withBackend(localBackend, async (b, cli) => {
    strictEqual((await cli("put", "plain", "plain-value", "-c", "first")).code, 0);
    strictEqual((await cli("put", "中", "wide-value")).code, 0);
    // Another writer stored names, a version and a comment that creds3 would refuse.
    const stored = await b.read("plain", "1");
    const file = (name: string, version: string) =>
      `${b.home}/store/${currentPath(name, version).join("/")}`;
    const odd = [["evil\x1b[2Jname", "1"], ["evil\x1b[2Jname", "2"], ["rtl\u202egpj.exe", "1"]];
    for (const [name, version] of [...odd, ["plain", "v\x1b[0m"]]) {
      await Deno.mkdir(dirname(file(name, version)), { recursive: true, mode: 0o700 });
      await b.write(name, version, { ...stored, comment: "red \x1b[31m\nforged \u202e" });
    }
    const keys = await cli("keys");
    strictEqual(keys.stdout, "evil\\x1b[2Jname\nplain\nrtl\\u202egpj.exe\n中\n");
    const history = await cli("history", "plain");
    strictEqual(history.code, 0, history.stderr);
    deepStrictEqual(
      history.stdout.split("\n").map((line) =>
        line.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, "YYYY-MM-DDThh:mm:ssZ")
      ),
      [
        "VERSION   WRITTEN               TYPE  COMMENT",
        "1         YYYY-MM-DDThh:mm:ssZ  text  first",
        "v\\x1b[0m  YYYY-MM-DDThh:mm:ssZ  text  red \\x1b[31m\\x0aforged \\u202e",
        "",
      ],
    );
    // prune's report is list's line format, padded the same way.
    const pruned = await cli("prune", "*", "--keep", "1");
    strictEqual(pruned.code, 0, pruned.stderr);
    strictEqual(
      pruned.stdout,
      `${"evil\\x1b[2Jname".padEnd(15)} -- version 1\n${"plain".padEnd(15)} -- version 1\n`,
    );
    for (const r of [keys, history, pruned]) {
      // deno-lint-ignore no-control-regex
      ok(!/[\x00-\x09\x0b-\x1f\x7f\u202e]/.test(r.stdout + r.stderr), "a raw control character");
    }
    strictEqual(
      (await cli("list", "--latest")).stdout,
      [
        ["evil\\x1b[2Jname", "2"],
        ["plain", "v\\x1b[0m"],
        ["rtl\\u202egpj.exe", "1"],
        ["中", "1"],
      ].map(([name, version]) =>
        `${name.padEnd(16 - (name === "中" ? 1 : 0))} -- version ${version}\n`
      )
        .join(""),
    );
  });
});

Deno.test("output: get refuses to write a binary secret to a terminal, and writes it to a pipe", async () => {
  await withBackend(localBackend, async (b, cli) => {
    // Bytes that would clear the screen, then bytes that are not text.
    const bytes = new Uint8Array([0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xff, 0x0a]);
    await Deno.writeFile(`${b.home}/blob.bin`, bytes);
    strictEqual((await cli("put", "tls/blob", `@${b.home}/blob.bin`, "--binary")).code, 0);
    strictEqual((await cli("put", "tls/text", "text-value")).code, 0);
    const onTerminal = (...args: string[]) =>
      onPty(cliArgv(args), cliEnv(b.env), [], { ttyStdout: true });

    const refused = await onTerminal("get", "tls/blob");
    strictEqual(refused.code, 2, refused.stderr);
    match(
      refused.stderr,
      /^creds3: error: 'tls\/blob' version 1 is a binary secret: its bytes are not written to a terminal\n/,
    );
    match(refused.stderr, /hint: redirect them to a file \(creds3 get NAME > FILE\) or a pipe/);
    ok(!refused.shown.includes("\x1b[2J"), "the bytes reached the terminal");
    strictEqual(refused.shown, "", "something was written to the terminal");
    // A text secret, and a binary one's base64 text, are written to a terminal as before.
    const text = await onTerminal("get", "tls/text");
    strictEqual(text.code, 0, text.stderr);
    strictEqual(text.shown, "text-value\r\n");
    const all = await onTerminal("get", "tls/*");
    strictEqual(all.code, 0, all.stderr);
    match(all.shown, /"tls\/blob": "G1sySgD\/Cg=="/);
    // To a pipe (or a file), the bytes themselves.
    const piped = await runCliBytes(["get", "tls/blob"], { env: b.env });
    strictEqual(piped.code, 0, piped.stderr);
    deepStrictEqual([...piped.stdout], [...bytes]);
  });
});

Deno.test("output: CSV defuses name cells that start a formula and leaves values alone", async () => {
  await withBackend(localBackend, async (_, cli) => {
    for (const [name, value] of [["=1+2", "=3"], ["@cmd", "-v"], ["+x", "+y"], ["ok", "=z"]]) {
      const put = await cli("put", name, "--", value);
      strictEqual(put.code, 0, put.stderr);
    }
    const expected = "'+x,+y\r\n'=1+2,=3\r\n'@cmd,-v\r\nok,=z\r\n";
    strictEqual((await cli("getall", "-f", "csv")).stdout, expected);
    strictEqual((await cli("export", "-f", "csv")).stdout, expected);
  });
});

Deno.test("output: export -o - writes to standard output and creates no file", async () => {
  await withBackend(localBackend, async (b) => {
    strictEqual((await runCli(["put", "app/k", "v-1"], { env: b.env })).code, 0);
    const r = await runCli(["export", "app/*", "-f", "json", "-o", "-"], {
      env: b.env,
      cwd: b.home,
    });
    strictEqual(r.code, 0, r.stderr);
    deepStrictEqual(JSON.parse(r.stdout), { "app/k": "v-1" });
    strictEqual(r.stderr, "");
    const files = [];
    for await (const e of Deno.readDir(b.home)) files.push(e.name);
    ok(!files.includes("-"), `a file named '-': ${files}`);
  });
});

Deno.test("output: an invalid CREDS3_CONCURRENCY fails only the commands that read many secrets", async () => {
  await withBackend(localBackend, async (b) => {
    const env = { ...b.env, CREDS3_CONCURRENCY: "abc" };
    const cli = cliWith(env);
    strictEqual((await cli("put", "one", "one-value")).code, 0);
    strictEqual((await cli("get", "one")).stdout, "one-value\n");
    strictEqual((await cli("list")).stdout, "one -- version 1\n");
    for (const args of [["getall"], ["get", "o*"], ["export", "-f", "json"]]) {
      const r = await cli(...args);
      strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      match(r.stderr, /Concurrency 'abc' is not a whole number from 1 to 1024/);
      strictEqual(r.stdout, "");
    }
    const flag = await runCli(["getall", "--concurrency", "2"], { env });
    strictEqual(flag.code, 0, flag.stderr);
    const help = await cli("help");
    match(help.stdout, /CREDS3_CONCURRENCY +for --concurrency/);
    strictEqual((await cli("delete", "one")).code, 0);
  });
});
