/**
 * The exporter interface: one pure function from secrets to text.
 *
 * @module
 */

/** Options that some formats use (the Kubernetes `Secret` metadata); others ignore them. */
export interface RenderOptions {
  /** Object name (the `k8s` format requires it). */
  name?: string;
  /** Object namespace (`k8s`). */
  namespace?: string;
  /** Object labels (`k8s`). */
  labels?: Record<string, string>;
  /** Object annotations (`k8s`). */
  annotations?: Record<string, string>;
  /**
   * Formats that set environment variables (`dotenv`, `shell`): variables to set even though
   * they can make programs run other code (see `dangerous_vars.ts`), which are refused otherwise.
   */
  allowVars?: readonly string[];
  /**
   * Keys whose values are the standard base64 text of bytes (binary secrets). Text formats
   * print that text; `k8s` puts the bytes themselves in the Secret's `data`.
   */
  binaryKeys?: readonly string[];
}

/**
 * Renders a flat map of secret name to value as text in one output format.
 *
 * Implementations are pure and deterministic: no I/O, keys sorted by UTF-16
 * code unit order, output ending in `"\n"` when it has any line. (The one
 * exception to determinism is randomness a format's syntax calls for: the
 * `github` format's heredoc delimiters.) A key or option the format cannot
 * represent is refused with an `ExportError`, never silently mangled.
 */
export interface Exporter {
  /** The format's name on the command line, e.g. `"json"`. */
  readonly name: string;
  /** One line for the help text. */
  readonly description: string;
  /** True when keys must be environment-variable names (`dotenv`, `shell`). */
  readonly envKeys: boolean;
  /**
   * Renders `secrets` as text.
   *
   * @param secrets Secret name (or output key) to plaintext value.
   * @param options Format-specific options.
   * @returns The complete document.
   */
  render(secrets: Readonly<Record<string, string>>, options?: RenderOptions): string;
}

/**
 * An exporter for a CI runner, whose document is not printed: it is appended to a file the
 * runner reads between steps (the file named by the environment variable `fileVariable`, or
 * the command's `-o FILE`), after the runner commands of {@linkcode commands} (masks) have
 * been printed on stdout.
 */
export interface RunnerExporter extends Exporter {
  /** The environment variable naming the file to append to, e.g. `"GITHUB_ENV"`. */
  readonly fileVariable: string;
  /**
   * Renders the commands the runner must read before the document is written, one per line.
   *
   * @param secrets The same keys and values as given to `render`.
   * @throws {ExportError} For what `render` refuses.
   */
  commands(secrets: Readonly<Record<string, string>>): string;
}

/**
 * Whether an exporter writes for a CI runner.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { githubExporter } from "./github.ts";
 * import { jsonExporter } from "./json.ts";
 * import { isRunnerExporter } from "./types.ts";
 *
 * assert.ok(isRunnerExporter(githubExporter));
 * assert.ok(!isRunnerExporter(jsonExporter));
 * ```
 */
export function isRunnerExporter(exporter: Exporter): exporter is RunnerExporter {
  return "fileVariable" in exporter && "commands" in exporter;
}
