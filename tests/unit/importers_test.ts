/**
 * The import readers: every format creds3 writes reads back to exactly the names and values
 * written (the tricky values, formula-like CSV names, seeded random values), what the dotenv
 * reader accepts is read the same by the `dotenv` package and by sh, and every malformed file
 * is refused naming its line, never quoting a value. All secrets are made up.
 */
import { deepStrictEqual, equal, match, ok, rejects } from "node:assert/strict";
import { parse as parseDotenv } from "dotenv";
import { exporter } from "../../plugins/mod.ts";
import { csvNameCell } from "../../plugins/csv_cells.ts";
import { type ImportFile, readImportFile } from "../../plugins/importers/read.ts";
import { formatOfPath, IMPORT_FORMATS, loadImporter } from "../../plugins/importers/registry.ts";
import { FileSyntaxError } from "../../plugins/importers/types.ts";
import { DOTENV_REFUSED, TRICKY } from "../data/tricky_values.ts";
import { printValues, type Secrets, shellRead } from "../helpers/format_parsers.ts";

/** Values beyond the shared table: characters some readers take as line breaks, BOMs. */
const EXTRA: readonly (readonly [string, string])[] = [
  ["nel ls ps", "a\u0085b\u2028c\u2029d"],
  ["bom first", "\ufeffstarts with a BOM"],
  ["noncharacters", "\ufffe\uffff"],
  ["nul inside", "nul\0inside"],
];
const VALUES = [...TRICKY, ...EXTRA];

/** Names as the tricky labels, in folders (names that keep their form in json, yaml, csv). */
const BY_NAME: Secrets = Object.fromEntries(VALUES.map(([label, value]) => [`t/${label}`, value]));

/** Environment-style keys for dotenv and shell. */
function envSecrets(skip: (label: string, value: string) => boolean): Secrets {
  return Object.fromEntries(
    VALUES.flatMap(([label, value], i) =>
      skip(label, value) ? [] : [[`SECRET_${String(i).padStart(2, "0")}`, value]]
    ),
  );
}
const DOTENV_OK = envSecrets((label, value) => DOTENV_REFUSED.has(label) || /[\0\r]/.test(value));
const SHELL_OK = envSecrets((_, value) => value.includes("\0"));

/** The entries of a file that must have no problem, as a record. */
function record(file: ImportFile): Secrets {
  deepStrictEqual(file.problems, []);
  return Object.fromEntries(file.entries.map((e) => [e.name, e.value]));
}

async function roundTrip(format: string, secrets: Secrets): Promise<void> {
  const text = exporter(format).render(secrets);
  deepStrictEqual(record(await readImportFile(text, format)), secrets, format);
}

Deno.test("import: json, yaml and csv read back every tricky value and name written", async () => {
  for (const format of ["json", "yaml", "csv"]) await roundTrip(format, BY_NAME);
});

Deno.test("import: dotenv and shell read back every value their writers accept", async () => {
  ok(Object.keys(DOTENV_OK).length >= TRICKY.length - DOTENV_REFUSED.size);
  await roundTrip("dotenv", DOTENV_OK);
  // shell carries what dotenv cannot: carriage returns, both quotes at once.
  ok(Object.values(SHELL_OK).some((v) => v.includes("\r") && v.includes("\n")));
  await roundTrip("shell", SHELL_OK);
});

Deno.test("import: an empty store's documents hold no names; an empty JSON file is refused", async () => {
  for (const format of IMPORT_FORMATS) {
    deepStrictEqual(record(await readImportFile(exporter(format).render({}), format)), {});
  }
  for (const format of ["yaml", "csv", "dotenv", "shell"]) {
    deepStrictEqual(record(await readImportFile("", format)), {});
  }
  deepStrictEqual((await readImportFile("", "json")).problems, [
    { line: 1, message: "the file is not a JSON object of names to values" },
  ]);
});

Deno.test("import: the parsers read the tricky values as names, and keep a byte order mark out", async () => {
  const names: Secrets = Object.fromEntries(VALUES.map(([label, value]) => [value, label]));
  for (const format of ["json", "yaml", "csv"]) {
    const importer = await loadImporter(format);
    const parsed = importer.parse(exporter(format).render(names));
    deepStrictEqual(Object.fromEntries(parsed.map((e) => [e.name, e.value])), names, format);
  }
  const bom = await readImportFile('\ufeff{"a": "\ufeffb"}', "json");
  deepStrictEqual(record(bom), { a: "\ufeffb" });
});

Deno.test("import: csv removes exactly the quote that defuses a formula-like name", async () => {
  const names = ["=SUM(A1)", "+1", "-x", "@x", "\tx", "\rx", "'x", "''x", "'", "a'b", "plain"];
  const csv = await loadImporter("csv");
  for (const name of names) {
    const text = `${exporter("csv").render({ [name]: "v" })}`;
    deepStrictEqual(csv.parse(text).map((e) => e.name), [name], JSON.stringify(name));
  }
  // Cells no writer of ours defused are read as they are.
  deepStrictEqual(csv.parse("-x,1\n@y,2\n'z,3").map((e) => e.name), ["-x", "@y", "'z"]);
  equal(csvNameCell("-x"), "'-x");
});

Deno.test("import: csv takes LF or CRLF line ends, skips empty lines, keeps quoted CR and LF", async () => {
  const csv = await loadImporter("csv");
  deepStrictEqual(csv.parse('a,1\n\nb,"x\r\ny\rz"\r\n\r\nc,\n'), [
    { name: "a", value: "1", line: 1 },
    { name: "b", value: "x\r\ny\rz", line: 3 },
    { name: "c", value: "", line: 6 },
  ]);
});

Deno.test("import: values from a seeded generator survive every format that accepts them", async () => {
  const pieces = ["a", " ", "'", '"', "$", "`", "\\", "n", "\n", "\r", "#", "=", ",", "\t", "é"];
  let seed = 11;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n;
  };
  for (const format of ["json", "yaml", "csv", "dotenv", "shell"]) {
    const secrets: Secrets = {};
    for (let i = 0; i < 300; i++) {
      const value = Array.from({ length: next(9) }, () => pieces[next(pieces.length)]).join("");
      try {
        exporter(format).render({ K: value });
        secrets[`K${String(i).padStart(3, "0")}`] = value;
      } catch {
        // A value the format cannot write is not a value its files hold.
      }
    }
    ok(Object.keys(secrets).length > 100, `${format}: ${Object.keys(secrets).length} values`);
    await roundTrip(format, secrets);
  }
});

// --- dotenv: only what dotenv and sh read alike ----------------------------------------------------

/** Lines the dotenv reader accepts, with the value it gives. */
const DOTENV_ACCEPTED: readonly (readonly [string, string])[] = [
  ["A=plain", "plain"],
  ["A=", ""],
  ["A= # only a comment", ""],
  ["A=url://u:p@host:5432/db?ssl=1", "url://u:p@host:5432/db?ssl=1"],
  ["A=x # comment", "x"],
  ["A=x\t", "x"],
  ["  A=indented", "indented"],
  ["export A=exported", "exported"],
  ["export\tA='tab after export'", "tab after export"],
  ["A='single $x `y` \\n \"q\"'", 'single $x `y` \\n "q"'],
  ["A='two\nlines'", "two\nlines"],
  ["A='C:\\dir\\' # 'ends with a backslash'", "C:\\dir\\"],
  [`A="it's fine"`, "it's fine"],
  [`A="it's C:\\tmp"`, "it's C:\\tmp"],
  [`A="two\nlines"`, "two\nlines"],
  ["A='x'   # comment", "x"],
];

Deno.test("import: every dotenv line it accepts gives the value the dotenv package and sh give", async () => {
  const dotenv = await loadImporter("dotenv");
  const dir = await Deno.makeTempDir({ prefix: "creds3_import_" });
  try {
    for (const [line, value] of DOTENV_ACCEPTED) {
      const text = `${line}\n`;
      deepStrictEqual(dotenv.parse(text).map((e) => e.value), [value], line);
      deepStrictEqual(parseDotenv(text), { A: value }, `dotenv package: ${line}`);
      await Deno.writeTextFile(`${dir}/.env`, text);
      const script = `set -a; . "${dir}/.env"; set +a; ${printValues(["A"])}`;
      for (const shell of ["sh", "bash"]) {
        deepStrictEqual(await shellRead(shell, script, ["A"]), { A: value }, `${shell}: ${line}`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// --- refusals -------------------------------------------------------------------------------------

/** A made-up secret put in every malformed file: no message may show it. */
const MARK = "s3cr3t-MARK";

/** Files that must be refused: [format, text, line, message]. */
const MALFORMED: readonly (readonly [string, string, number, RegExp])[] = [
  ["json", `{"a": "${MARK}",\n"b": "${MARK}"`, 2, /expected ',' or '}'/],
  ["json", `{"a": "${MARK}",}`, 1, /expected a name in quotes/],
  ["json", `{"a": "${MARK}\n"}`, 1, /control character in a string/],
  ["json", `{"a": "\\x${MARK}"}`, 1, /invalid escape/],
  ["json", `{"a": "\\u12"}`, 1, /four hex digits/],
  ["json", `{\n"a": "${MARK}"\n}\n{}`, 4, /text after the JSON object/],
  ["json", `["${MARK}"]`, 1, /not a JSON object/],
  ["json", `{"a": ${MARK}}`, 1, /expected a value/],
  ["json", `{"a": "${MARK}`, 1, /a string is not closed/],
  ["json", `{"a" "${MARK}"}`, 1, /expected ':'/],
  ["json", `{"a": 01}`, 1, /expected ',' or '}'/],
  ["json", `{"a": [1, 2,]}`, 1, /expected a value/],
  ["json", `{"a": ${"[".repeat(300)}${"]".repeat(300)}}`, 1, /nested too deeply/],
  // The YAML reader finds a missing quote where the text ends.
  ["yaml", `a: "${MARK}\n`, 2, /closing quote/],
  ["yaml", `a: "${MARK}"\n---\nb: "x"\n`, 2, /more than one YAML document/],
  ["yaml", `- ${MARK}\n`, 1, /not a mapping/],
  ["yaml", `x: "1"\n1: ${MARK}\n`, 2, /key is not a string/],
  ["yaml", `a: "\\q${MARK}"\n`, 1, /invalid escape/],
  ["yaml", `a: !custom ${MARK}\n`, 1, /tag is unknown/],
  ["yaml", `a: b\n  c: ${MARK}\n`, 1, /check the indentation/],
  ["csv", `a,"${MARK}`, 1, /quoted field is not closed/],
  ["csv", `a,1\nb,${MARK},c\n`, 2, /3 fields/],
  ["csv", `a,1\n${MARK}\n`, 2, /1 fields/],
  ["csv", `a,x"${MARK}\n`, 1, /holds a quote/],
  ["csv", `a,"${MARK}"x\n`, 1, /after the closing quote/],
  ["csv", `a,${MARK}\rb,2\n`, 1, /carriage return outside quotes/],
  ["dotenv", `A=1\n${MARK}\n`, 2, /not a KEY=value line/],
  ["dotenv", `A=1\nB = ${MARK}\n`, 2, /space before '='/],
  ["dotenv", `A= ${MARK}\n`, 1, /space after '='/],
  ["dotenv", `A='${MARK}\n\n`, 1, /single quote is not closed/],
  ["dotenv", `A="${MARK}\n`, 1, /double quote is not closed/],
  ["dotenv", `A=1\nB="${MARK} $HOME"\n`, 2, /'\$' or '`' in double quotes/],
  ["dotenv", `A="${MARK}\\n"\n`, 1, /backslash escape/],
  ["dotenv", `A="${MARK}\\"x"\n`, 1, /backslash escape/],
  ["dotenv", `A=\`${MARK}\`\n`, 1, /backticks/],
  ["dotenv", `A=${MARK} two\n`, 1, /without quotes that holds a space/],
  ["dotenv", `A=${MARK}$X\n`, 1, /without quotes/],
  ["dotenv", `A=${MARK}#x\n`, 1, /without quotes/],
  ["dotenv", `A=~/${MARK}\n`, 1, /starts with ~/],
  ["dotenv", `A='${MARK}'#x\n`, 1, /text after the value/],
  ["dotenv", `A='${MARK}'x\n`, 1, /text after the value/],
  ["dotenv", `A=1\r\nB='${MARK}'\r\n`, 1, /carriage return/],
  ["dotenv", `A='x'\nB='${MARK}\0'\n`, 2, /NUL character/],
  ["dotenv", `A.B=${MARK}\n`, 1, /not an environment variable name/],
  ["dotenv", `1A=${MARK}\n`, 1, /not a KEY=value line/],
  ["shell", `export A=${MARK}\n`, 1, /not in single quotes/],
  ["shell", `export A='${MARK}'"x"\n`, 1, /only single-quoted text/],
  ["shell", `export A='${MARK}\n`, 1, /not closed/],
  ["shell", `export A='1'\r\n`, 1, /carriage return after the value/],
];

Deno.test("import: a malformed file is refused naming its line, never quoting its text", async () => {
  for (const [format, text, line, message] of MALFORMED) {
    const file = await readImportFile(text, format);
    const what = `${format}: ${JSON.stringify(text.slice(0, 60))}`;
    deepStrictEqual(file.entries, [], what);
    equal(file.problems.length, 1, what);
    const [problem] = file.problems;
    equal(problem.line, line, `${what}: ${problem.message}`);
    match(problem.message, message, what);
    ok(!problem.message.includes(MARK.slice(0, 6)), `${what} shows a value: ${problem.message}`);
  }
});

Deno.test("import: names are checked, given once, and values are strings of valid Unicode", async () => {
  const json = await readImportFile(
    [
      "{",
      '  "ok": "1",',
      '  "port": 8080,',
      '  "flag": true,',
      '  "none": null,',
      '  "nested": {"a": "x"},',
      '  "list": ["x"],',
      '  "bad*name": "x",',
      '  "ok": "2",',
      '  "lone": "\\ud800",',
      '  "db/../up": "x"',
      "}",
    ].join("\n"),
    "json",
  );
  deepStrictEqual(json.entries, [{ name: "ok", value: "1", line: 2 }]);
  deepStrictEqual(json.problems.map((p) => `${p.line}: ${p.message}`), [
    "3: 'port': the value is a number, not a string",
    "4: 'flag': the value is true, not a string",
    "5: 'none': the value is null, not a string",
    "6: 'nested': the value is an object, not a string",
    "7: 'list': the value is an array, not a string",
    "8: 'bad*name': credential name contains '*', which is the wildcard",
    "9: 'ok' is given again (first on line 2)",
    "10: 'lone': the value is not valid Unicode (a lone surrogate)",
    "11: 'db/../up': credential name has an empty, '.' or '..' segment",
  ]);
  const yaml = await readImportFile(
    'a: "1"\nport: 8080\nyes_word: yes\nempty:\nmap: {b: "x"}\nlist: [x]\nbin: !!binary AAAA\n' +
      "ref: &r x\nalias: *r\na: again\n",
    "yaml",
  );
  deepStrictEqual(yaml.problems.map((p) => `${p.line}: ${p.message}`), [
    "2: 'port': the value is a number, not a string",
    "4: 'empty': the value is null (empty), not a string",
    "5: 'map': the value is a map, not a string",
    "6: 'list': the value is a list, not a string",
    "7: 'bin': the value is binary data (!!binary), not a string",
    "10: 'a' is given again (first on line 1)",
  ]);
  // YAML 1.2: `yes` is a string; an alias to a string is that string.
  deepStrictEqual(yaml.entries.map((e) => [e.name, e.value]), [
    ["a", "1"],
    ["yes_word", "yes"],
    ["ref", "x"],
    ["alias", "x"],
  ]);
  const dotenv = await readImportFile("A=1\nB=2\nA=3\n", "dotenv");
  deepStrictEqual(dotenv.problems, [{ line: 3, message: "'A' is given again (first on line 1)" }]);
  const csv = await readImportFile("a,1\n,2\n", "csv");
  deepStrictEqual(csv.problems, [{ line: 2, message: "'': credential name is empty" }]);
});

Deno.test("import: --prefix goes before every name, and the names with it are checked", async () => {
  const file = await readImportFile("DB_URL='x'\nAPI_KEY='y'\n", "dotenv", { prefix: "app/prod/" });
  deepStrictEqual(record(file), { "app/prod/DB_URL": "x", "app/prod/API_KEY": "y" });
  const bad = await readImportFile("A='x'\n", "dotenv", { prefix: "/" });
  deepStrictEqual(bad.problems, [
    { line: 1, message: "'/A': credential name starts or ends with '/'" },
  ]);
});

Deno.test("import: binary values are standard base64, kept in canonical form", async () => {
  const file = await readImportFile(
    '{"a": "AP8=", "b": "AB==", "c": "not base64!", "d": ""}',
    "json",
    {
      binary: true,
    },
  );
  deepStrictEqual(file.entries.map((e) => [e.name, e.value, e.binary]), [
    ["a", "AP8=", true],
    ["b", "AA==", true],
    ["d", "", true],
  ]);
  deepStrictEqual(file.problems, [
    { line: 1, message: "'c': the value is not standard base64 text" },
  ]);
});

Deno.test("import: formats come from file names; unknown formats are refused", async () => {
  const cases: [string, string | undefined][] = [
    ["backup.json", "json"],
    ["a/b.YAML", "yaml"],
    ["x.yml", "yaml"],
    ["C:\\dir\\s.csv", "csv"],
    [".env", "dotenv"],
    ["prod.env", "dotenv"],
    ["vars.sh", "shell"],
    [".env.local", undefined],
    ["secrets.txt", undefined],
    ["json", undefined],
  ];
  for (const [path, format] of cases) equal(formatOfPath(path), format, path);
  await rejects(loadImporter("xml"), /Unknown import format 'xml' \(valid formats: json, yaml/);
  ok(new FileSyntaxError(3, "x") instanceof Error);
});

Deno.test("import: the JSON reader accepts exactly what JSON.parse accepts, with the same strings", async () => {
  const json = await loadImporter("json");
  const values = [
    '"plain"',
    '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t"',
    '"\\u00e9\\ud83d\\ude00\\u0000"',
    '"\u00e9 raw \ud83d\ude00 \u2028"',
    "0",
    "-0",
    "1.5e+3",
    "1E-2",
    "-12.25",
    "1.",
    ".5",
    "01",
    "1e",
    "+1",
    "true",
    "false",
    "null",
    "tru",
    "nul",
    "[]",
    '[1, [2, {}], {"a": ["b"]}]',
    "[1,,2]",
    '{"a" : "b" , "c":{}}',
    '{"a":}',
    '"\\a"',
    '"\\u00G0"',
    '"tab\there"',
    "'single'",
    '\u00a0"nbsp"',
    '"x"\u000b',
  ];
  const shapes = (v: string) => [
    `{"k": ${v}}`,
    `{\r\n\t"k" :${v} \n}`,
    `{"a": "1", "k": ${v}, "z": "2"}`,
  ];
  for (const value of values) {
    for (const text of shapes(value)) {
      let expected: Record<string, unknown> | undefined;
      try {
        expected = JSON.parse(text);
      } catch {
        expected = undefined;
      }
      let got: Record<string, unknown> | undefined;
      try {
        got = Object.fromEntries(
          json.parse(text).map((e) => [e.name, typeof e.value === "string" ? e.value : "(other)"]),
        );
      } catch (error) {
        ok(error instanceof FileSyntaxError, String(error));
        got = undefined;
      }
      if (expected === undefined) {
        equal(got, undefined, `accepted what JSON.parse refuses: ${text}`);
        continue;
      }
      ok(got !== undefined, `refused what JSON.parse accepts: ${text}`);
      for (const [key, parsed] of Object.entries(expected)) {
        equal(got[key], typeof parsed === "string" ? parsed : "(other)", text);
      }
    }
  }
});
