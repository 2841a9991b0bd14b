/**
 * `creds3 import FILE [context ...]`: store the names and values of a file, each as its next
 * version unless its latest version already holds that value
 *
 * @module
 */
import { readInputText } from "../lib/cli/input.ts";
import { progressReporter } from "../lib/cli/progress.ts";
import { MAX_COMMENT_BYTES, validateComment } from "../lib/core/comment.ts";
import { parseContext } from "../lib/core/context.ts";
import { Creds3Error, UsageError } from "../lib/core/errors.ts";
import { validateName } from "../lib/core/names.ts";
import { applyImport, planImport } from "../lib/core/import.ts";
import { readImportFile } from "../plugins/importers/read.ts";
import { formatOfPath, IMPORT_FORMATS } from "../plugins/importers/registry.ts";
import { printMessage } from "./output.ts";
import { failureLines, reportReadFailures, withStore } from "./session.ts";
import { printProblems, printVersions } from "./import_report.ts";
import { commandConfig, defineCommand } from "./global_options.ts";
import { CONTEXT_OPERAND } from "./operands.ts";

/** The `import` command. */
export const importCommand = defineCommand({
  name: "import",
  description: "Store the secrets of a JSON, YAML, CSV, dotenv or shell file (see docs/IMPORT.md)",
  arguments: [
    { name: "<file>", description: "the file to read, or - for standard input (with -f)" },
    CONTEXT_OPERAND,
  ],
  options: [
    {
      flags: "-f, --format <format>",
      description: "the file's format (default: from its name: .json, .yaml, .yml, .csv, " +
        ".env, .sh)",
      choices: IMPORT_FORMATS,
    },
    {
      flags: "-c, --comment <text>",
      description:
        `a note stored with every version stored (one line, at most ${MAX_COMMENT_BYTES} bytes)`,
    },
    {
      flags: "--dry-run",
      description: "read and compare, print what would be stored, store nothing",
    },
    {
      flags: "--binary",
      description: "every value is the base64 text of bytes: store them as binary secrets",
    },
    { flags: "--prefix <prefix>", description: "put PREFIX before every name, e.g. 'app/prod/'" },
    {
      flags: "--skip-errors",
      description: "leave out names whose latest version cannot be read (reported on stderr)",
    },
  ],
  helpAfter: `
Reads the files getall and export write: a JSON object or YAML mapping of name
to value, CSV name,value records, dotenv KEY='value' lines or shell
export KEY='value' lines (docs/IMPORT.md). Each name is stored as its next
version, unless its latest version holds the same value already: importing a
file twice stores nothing the second time. The whole file is checked before
anything is stored: a malformed line, an invalid name, a name given twice or
a value that is not a string is reported by line (exit 2), and nothing is
stored. Values are never shown.

dotenv and shell files hold keys, not names: each key is stored as a name as
it is (DB_URL), so names survive only an export with --keep-names; add a
folder with --prefix. getall and export give a binary secret as its base64
text: import such values with --binary (all values of the file are then bytes).

Examples:
  creds3 getall -f json > backup.json && creds3 import backup.json -l file:/srv/new-store
  creds3 import .env --prefix app/prod/ env=prod --dry-run
  creds3 import secrets.yaml -c 'imported from the old vault'
  creds3 export 'tls/*' -f json | creds3 import - -f json --binary -l other-bucket`,
  async run(call) {
    const { file, context } = call.args;
    const { comment, dryRun, binary, prefix, skipErrors } = call.options;
    const ctx = parseContext(context);
    if (comment !== undefined) validateComment(comment);
    if (prefix !== undefined) checkPrefix(prefix);
    const source = file === "-" ? "standard input" : `'${file}'`;
    const format = call.options.format ?? (file === "-" ? undefined : formatOfPath(file));
    if (format === undefined) {
      const problem = file === "-"
        ? "The format of standard input must be given"
        : `Cannot tell the format of ${source} from its name`;
      throw new UsageError(problem, { reason: { type: "import-format-unknown" } });
    }
    const config = commandConfig(call.options);
    const text = await readInputText(file);
    const { entries, problems } = await readImportFile(text, format, { binary, prefix });
    if (problems.length > 0) {
      printProblems(source, problems);
      throw new UsageError(
        problems.length === 1
          ? `${source} line ${problems[0].line}: ${problems[0].message}`
          : `${source} has ${problems.length} problems`,
        { reason: { type: "import-file-invalid" } },
      );
    }
    await withStore(config, async ({ creds }) => {
      const plan = await planImport(creds, entries, {
        context: ctx,
        onProgress: progressReporter("comparing secrets"),
      });
      reportReadFailures(plan.failures, entries.length, {
        skipErrors,
        outcome: "nothing was stored",
      });
      const count = (action: string) => plan.items.filter((i) => i.action === action).length;
      const changes = plan.items.filter((i) => i.action !== "unchanged");
      const skipped = plan.failures.length > 0 ? `, ${plan.failures.length} skipped` : "";
      if (dryRun) {
        printVersions(
          changes,
          (i) => `Would store '${i.entry.name}' version ${i.version} (${i.action})`,
        );
        printMessage(
          `Dry run of ${source}: ${changes.length} to store (${count("new")} new), ` +
            `${count("unchanged")} unchanged${skipped}; nothing was stored`,
        );
        return;
      }
      const result = await applyImport(creds, plan.items, {
        context: ctx,
        comment,
        onProgress: progressReporter("storing secrets"),
      });
      printVersions(result.stored, (s) => `Stored '${s.name}' version ${s.version}`, 20);
      for (const text of failureLines(result.failures, "stored")) {
        printMessage(`creds3: error: ${text}`);
      }
      printMessage(
        `Imported ${source}: ${result.stored.length} stored, ${count("unchanged")} unchanged` +
          `${skipped}, ${result.failures.length} failed`,
      );
      if (result.failures.length > 0) {
        throw new Creds3Error(
          `${result.failures.length} of ${changes.length} secrets could not be stored`,
          {
            reason: { type: "secrets-not-stored", errors: result.failures.map((f) => f.error) },
          },
        );
      }
    });
  },
});

/**
 * Refuses a `--prefix` that no name can begin with (a leading `/`, an empty, `.` or `..`
 * segment, a `*`...), before the file is read: else every line of the file would be reported
 * for it.
 */
function checkPrefix(prefix: string): void {
  try {
    validateName(`${prefix}x`);
  } catch (e) {
    if (!(e instanceof UsageError) || prefix === "") throw e;
    const why = `${e.message[0].toLowerCase()}${e.message.slice(1)}`;
    throw new UsageError(`--prefix '${prefix}' cannot begin a name: ${why}`);
  }
}
