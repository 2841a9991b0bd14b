/**
 * What a GitHub Actions runner does with a step's output, written from GitHub's documented
 * rules and independent of `plugins/github.ts`: reading the `$GITHUB_ENV` file, reading the
 * workflow commands a step prints, and masking a log line.
 *
 * @module
 */
import { deepStrictEqual, equal } from "node:assert/strict";

/** One variable the environment file sets, in file order. */
export interface EnvEntry {
  name: string;
  value: string;
}

/** How the runner splits lines: LF, and on Windows also CR LF. */
function nextLine(
  text: string,
  from: number,
  windows: boolean,
): { line: string; end: number; next: number } | undefined {
  if (from >= text.length) return undefined;
  const lf = text.indexOf("\n", from);
  if (lf < 0) return { line: text.slice(from), end: text.length, next: text.length };
  const end = windows && lf > from && text[lf - 1] === "\r" ? lf - 1 : lf;
  return { line: text.slice(from, end), end, next: lf + 1 };
}

/**
 * Parses a `$GITHUB_ENV` file with the runner's rules: empty lines are skipped; a line whose
 * first `=` comes before any `<<` is `NAME=value`; a line whose first `<<` comes first starts a
 * block `NAME<<DELIMITER` whose value is the exact text up to the line end before the first
 * line equal to `DELIMITER`. Anything else, or a block without its closing line, throws.
 */
export function parseGithubEnv(text: string, options: { windows?: boolean } = {}): EnvEntry[] {
  const windows = options.windows ?? false;
  const entries: EnvEntry[] = [];
  let at = 0;
  for (let line = nextLine(text, at, windows); line; line = nextLine(text, at, windows)) {
    at = line.next;
    if (line.line === "") continue;
    const eq = line.line.indexOf("=");
    const heredoc = line.line.indexOf("<<");
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.line.slice(0, eq);
      if (name === "") throw new Error(`empty name in '${line.line}'`);
      entries.push({ name, value: line.line.slice(eq + 1) });
      continue;
    }
    if (heredoc < 0) throw new Error(`neither NAME=value nor NAME<<DELIMITER: '${line.line}'`);
    const name = line.line.slice(0, heredoc);
    const delimiter = line.line.slice(heredoc + 2);
    if (name === "" || delimiter === "") throw new Error(`empty name or delimiter: '${line.line}'`);
    const start = at;
    let end = start;
    for (;;) {
      const inner = nextLine(text, at, windows);
      if (inner === undefined) throw new Error(`no closing line '${delimiter}' for '${name}'`);
      at = inner.next;
      if (inner.line === delimiter) break;
      end = inner.end;
    }
    entries.push({ name, value: text.slice(start, end) });
  }
  return entries;
}

/** The variables an environment file leaves set (a later line wins, as in the runner). */
export function githubEnvRecord(entries: readonly EnvEntry[]): Record<string, string> {
  return Object.fromEntries(entries.map((e) => [e.name, e.value]));
}

/** One workflow command printed by a step. */
export interface WorkflowCommand {
  command: string;
  data: string;
}

/**
 * Reads a step's stdout as workflow commands `::name::data`, the data unescaped as the runner
 * does (`%0D` CR, `%0A` LF, then `%25` `%`). Any other line, or a raw CR, throws: the output
 * must hold only commands.
 */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  if (stdout === "") return [];
  if (!stdout.endsWith("\n")) throw new Error("stdout does not end with a line feed");
  return stdout.slice(0, -1).split("\n").map((line) => {
    const m = line.match(/^::([a-z-]+)::([^\r]*)$/);
    if (!m) throw new Error(`not a workflow command: ${JSON.stringify(line.slice(0, 20))}...`);
    const data = m[2].replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");
    return { command: m[1], data };
  });
}

/**
 * Masks one log line the way the runner's secret masker does: every occurrence of every mask
 * is found, overlapping or adjacent occurrences merge, and each run becomes `***`.
 */
export function maskLine(line: string, masks: readonly string[]): string {
  const covered = new Array<boolean>(line.length).fill(false);
  for (const mask of masks) {
    if (mask === "") continue;
    for (let i = line.indexOf(mask); i >= 0; i = line.indexOf(mask, i + 1)) {
      covered.fill(true, i, i + mask.length);
    }
  }
  let out = "";
  for (let i = 0; i < line.length; i++) {
    if (!covered[i]) out += line[i];
    else if (i === 0 || !covered[i - 1]) out += "***";
  }
  return out;
}

/** The lines a log shows for text a step prints (CR LF, CR and LF all end a line). */
export function logLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Empty or only whitespace: text the runner does not mask. */
function blank(text: string): boolean {
  return /^\p{White_Space}*$/u.test(text);
}

/**
 * Asserts that `stdout` holds only `::add-mask::` commands, one for each distinct non-blank value
 * and non-blank line of the secrets and nothing else, and that a log printing any of the values
 * shows `***` for each of its non-blank lines.
 */
export function assertMasks(stdout: string, secrets: Readonly<Record<string, string>>): void {
  const commands = parseWorkflowCommands(stdout);
  deepStrictEqual(
    new Set(commands.map((c) => c.command)),
    new Set(commands.length ? ["add-mask"] : []),
  );
  const masks = commands.map((c) => c.data);
  equal(new Set(masks).size, masks.length, "each mask is printed once");
  const expected = new Set<string>();
  for (const value of Object.values(secrets)) {
    for (const text of [value, ...logLines(value)]) if (!blank(text)) expected.add(text);
  }
  deepStrictEqual(new Set(masks), expected);
  for (const [key, value] of Object.entries(secrets)) {
    for (const line of logLines(value)) {
      if (!blank(line)) equal(maskLine(line, masks), "***", `a line of ${key} shows in the log`);
    }
  }
}
