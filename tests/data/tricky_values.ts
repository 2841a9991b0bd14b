/**
 * The table of tricky secret values that every exporter and every command that writes secrets
 * out (`export`, `exec`) must carry unchanged. Shared by tests/unit/plugins_test.ts and
 * tests/e2e/export_exec_test.ts. All values are made up.
 *
 * @module
 */

/** Printable ASCII except `'`, plus line feeds: 4 KiB that every format must carry. */
export const BIG = Array.from({ length: 4096 }, (_, i) => {
  const code = 0x20 + (i * 7) % 95;
  return code === 0x27 ? "\n" : String.fromCharCode(code);
}).join("");

/** Tricky values; each must round-trip through every exporter (dotenv: see DOTENV_REFUSED). */
export const TRICKY: readonly (readonly [string, string])[] = [
  ["empty", ""],
  ["one space", " "],
  ["inner and outer spaces", "  two  words  "],
  ["both quotes", `it's "quoted"`],
  ["single quote only", "it's fine"],
  ["double quote only", 'say "hi"'],
  ["dollar var", "$HOME and $1"],
  ["dollar brace", "${X}"],
  ["hcl interpolation", '${"injected"}'],
  ["hcl directive", "%{ if true }yes%{ endif }"],
  ["percent escapes", "100%25 off%0A%0D%3A"],
  ["backticks", "`id -u` $(id -u)"],
  ["backslashes", "C:\\Users\\me\\"],
  ["lone backslash", "\\"],
  ["quote and backslashes", "it's C:\\path\\to"],
  ["literal backslash n", "a\\nb\\r\\t"],
  ["real newline", "line 1\nline 2\n"],
  ["crlf", "line 1\r\nline 2"],
  ["hash", "# not a comment"],
  ["equals", "a=b=c"],
  ["colon", "key: value"],
  ["leading dash", "-rf"],
  ["bang", "!important"],
  ["unicode", "héllo wörld 中文 🎉🔑"],
  ["true", "true"],
  ["null", "null"],
  ["number", "1e3"],
  ["octal-ish", "0777"],
  ["tabs", "\ta\tb\t"],
  ["tab then newline", "\tindented\nsecond"],
  ["newline then tab", "\n\tx"],
  ["line of spaces", " \n"],
  ["control chars", "bell\u0007 esc\u001b del\u007f ff\f"],
  ["big", BIG],
];

/** Values no dotenv file can give back identically to both `dotenv` and `sh` (see plugins/dotenv.ts). */
export const DOTENV_REFUSED = new Set(["both quotes", "crlf"]);
