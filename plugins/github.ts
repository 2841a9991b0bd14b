/**
 * GitHub Actions exporter: secrets for the later steps of a job, masked in the job's log.
 *
 * The output has two parts, which the `export` command writes in this order:
 *
 * 1. **Masks**, printed on stdout ({@linkcode GithubExporter.commands}): one `::add-mask::`
 *    workflow command for every value and, for a value of several lines, one for each line
 *    (the log is masked line by line). The data is escaped as the runner unescapes it: `%` as
 *    `%25`, CR as `%0D`, LF as `%0A`. A value or line that is empty or only whitespace gets no
 *    mask: the runner refuses those with a warning, and they cannot be told apart in a log.
 *    Identical masks are printed once.
 * 2. **The environment file** ({@linkcode GithubExporter.render}), appended to the file that
 *    `$GITHUB_ENV` names: one heredoc block per secret,
 *
 *    ```
 *    NAME<<DELIMITER
 *    the value, line feeds and all
 *    DELIMITER
 *    ```
 *
 *    The runner takes the value as the exact text between the line feed ending the first line
 *    and the line feed before the first line that equals `DELIMITER`. Each block has a fresh
 *    random delimiter that does not occur in its value, so no value can end its block early and
 *    set other variables.
 *
 * Keys must be environment-variable names, and variables that make programs run other code
 * (`dangerous_vars.ts`) are refused unless the `allowVars` option names them, as in dotenv:
 * every later step of the job runs with them. Also refused, naming the key: `NODE_OPTIONS` (the runner
 * refuses to set it from `$GITHUB_ENV`), a NUL character (no environment variable can hold
 * one), and a value ending in a carriage return (a Windows runner reads CR LF as one line end
 * and would drop it).
 *
 * @module
 */

import { refuseDangerousVariables } from "./dangerous_vars.ts";
import { validateEnvKey } from "./env_keys.ts";
import { ExportError } from "../lib/core/errors.ts";
import type { RunnerExporter } from "./types.ts";

/** Options of {@linkcode createGithubExporter}. */
export interface GithubExporterOptions {
  /**
   * Draws a heredoc delimiter (default: `CREDS3_` and 32 random hex digits). A delimiter that
   * occurs in the value is drawn again.
   */
  delimiter?: () => string;
}

/** The GitHub Actions exporter: masks for stdout, heredoc blocks for `$GITHUB_ENV`. */
export interface GithubExporter extends RunnerExporter {
  readonly fileVariable: "GITHUB_ENV";
}

const DRAWS = 16;
// The runner ignores a mask that is empty or only whitespace (.NET's IsNullOrWhiteSpace, the
// same set as Unicode's White_Space).
const BLANK = /^\p{White_Space}*$/u;

/** A delimiter with 128 random bits. */
function randomDelimiter(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `CREDS3_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Escapes the data of a workflow command: `%` as `%25`, CR as `%0D`, LF as `%0A`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeCommandData } from "./github.ts";
 *
 * assert.equal(escapeCommandData("50%\r\noff"), "50%25%0D%0Aoff");
 * ```
 */
export function escapeCommandData(data: string): string {
  return data.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** The texts to mask for one value: the whole value, then each of its lines; no blank ones. */
function maskTexts(value: string): string[] {
  const lines = /[\r\n]/.test(value) ? value.split(/\r\n|\r|\n/) : [];
  return [value, ...lines].filter((text) => !BLANK.test(text));
}

/** Checks every key and value the runner could not take as they are. */
function validate(secrets: Readonly<Record<string, string>>): string[] {
  const keys = Object.keys(secrets).sort();
  for (const key of keys) {
    validateEnvKey(key);
    if (key.toUpperCase() === "NODE_OPTIONS") {
      throw new ExportError(
        `Key '${key}' cannot be set through $GITHUB_ENV: the runner refuses NODE_OPTIONS`,
      );
    }
    const value = secrets[key];
    if (value.includes("\0")) {
      throw new ExportError(
        `Secret '${key}' contains a NUL character, which no environment variable can hold`,
      );
    }
    if (value.endsWith("\r")) {
      throw new ExportError(
        `Secret '${key}' ends with a carriage return, which a Windows runner drops from $GITHUB_ENV; use the json format`,
      );
    }
  }
  return keys;
}

/**
 * Makes the GitHub Actions exporter (see the module documentation); `export -f github` uses
 * {@linkcode githubExporter}, tests pass their own delimiters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGithubExporter } from "./github.ts";
 *
 * const github = createGithubExporter({ delimiter: () => "EOF_1" });
 * const secrets = { TOKEN: "t0k3n", CERT: "line 1\nline 2" };
 * assert.equal(
 *   github.commands(secrets),
 *   "::add-mask::line 1%0Aline 2\n::add-mask::line 1\n::add-mask::line 2\n::add-mask::t0k3n\n",
 * );
 * assert.equal(github.render(secrets), "CERT<<EOF_1\nline 1\nline 2\nEOF_1\nTOKEN<<EOF_1\nt0k3n\nEOF_1\n");
 * ```
 */
export function createGithubExporter(options: GithubExporterOptions = {}): GithubExporter {
  const draw = options.delimiter ?? randomDelimiter;
  const delimiterFor = (key: string, value: string): string => {
    for (let i = 0; i < DRAWS; i++) {
      const delimiter = draw();
      if (delimiter !== "" && !/[\r\n]/.test(delimiter) && !value.includes(delimiter)) {
        return delimiter;
      }
    }
    throw new Error(`No heredoc delimiter for secret '${key}' after ${DRAWS} draws`);
  };
  return {
    name: "github",
    description: "GitHub Actions: masks on stdout, NAME<<DELIMITER blocks appended to $GITHUB_ENV",
    envKeys: true,
    fileVariable: "GITHUB_ENV",
    commands(secrets) {
      const masks = new Set(validate(secrets).flatMap((key) => maskTexts(secrets[key])));
      return [...masks].map((text) => `::add-mask::${escapeCommandData(text)}\n`).join("");
    },
    render(secrets, options = {}) {
      const keys = validate(secrets);
      // Later steps of the job run with these variables: the same refusal as dotenv and shell.
      refuseDangerousVariables(keys, options.allowVars);
      return keys.map((key) => {
        const delimiter = delimiterFor(key, secrets[key]);
        return `${key}<<${delimiter}\n${secrets[key]}\n${delimiter}\n`;
      }).join("");
    },
  };
}

/** The GitHub Actions exporter with random delimiters. */
export const githubExporter: GithubExporter = createGithubExporter();
