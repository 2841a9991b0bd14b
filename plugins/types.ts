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
   * Keys whose values are the standard base64 text of bytes (binary secrets). Text formats
   * print that text; `k8s` puts the bytes themselves in the Secret's `data`.
   */
  binaryKeys?: readonly string[];
}

/**
 * Renders a flat map of secret name to value as text in one output format.
 *
 * Implementations are pure and deterministic: no I/O, keys sorted by UTF-16
 * code unit order, output ending in `"\n"` when it has any line. A key or
 * option the format cannot represent is refused with an `ExportError`, never
 * silently mangled.
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
