/**
 * YAML exporter, and the strict YAML writer the `k8s` exporter shares.
 *
 * Every value is quoted or written as a literal block, so no reader sees a
 * number, boolean, null or date where a string was stored, whether it follows
 * YAML 1.2 (the `yaml` package, Go's `yaml.v3`) or YAML 1.1 (PyYAML, Go's
 * `yaml.v2`, which also read `yes`, `on`, `0777`, `1_000` and `1:20` as
 * non-strings). Keys stay plain only when they cannot be misread either way.
 *
 * @module
 */

import { Document, Pair, Scalar, YAMLMap } from "yaml";
import type { Exporter } from "./types.ts";

/** A YAML tree of strings and ordered maps (an array of key/value pairs keeps the order given). */
export type YamlTree = string | ReadonlyArray<readonly [string, YamlTree]>;

const SAFE_PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;
// Words that a YAML 1.1 or 1.2 reader resolves to a boolean or null.
const YAML_WORDS = /^(?:y|yes|n|no|true|false|on|off|null)$/i;
// Characters the writer would leave raw inside double quotes although YAML forbids them there
// (DEL and C1 controls, U+FFFE, U+FFFF; PyYAML rejects the file) or a YAML 1.1 reader folds
// them into a space (NEL, LS, PS), plus the BOM. Strings holding them are double-quoted and the
// characters written as `\xHH` / `\uHHHH` escapes.
const RAW_UNSAFE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;

function escapeRaw(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
}

// Long implicit keys are not allowed by YAML; leave those to the quoting path.
const MAX_PLAIN_KEY = 128;

function keyNode(key: string): Scalar {
  const node = new Scalar(key);
  const plain = key.length <= MAX_PLAIN_KEY && SAFE_PLAIN_KEY.test(key) && !YAML_WORDS.test(key);
  node.type = plain ? Scalar.PLAIN : Scalar.QUOTE_DOUBLE;
  return node;
}

/**
 * Whether a literal block reads back exactly in every reader. Readers find a block's
 * indentation from its first line that is not empty; libyaml (PyYAML's C loader, Ruby, `yq`)
 * refuses a tab there, and PyYAML takes a line of spaces there for indentation. So that line
 * must start with neither, and exist.
 */
function blockSafe(value: string): boolean {
  const first = value.split("\n").find((line) => line !== "");
  return first !== undefined && !/^[ \t]/.test(first);
}

function valueNode(value: YamlTree): Scalar | YAMLMap {
  if (typeof value === "string") {
    const node = new Scalar(value);
    // Multi-line values read best as literal blocks; the writer falls back to a
    // quoted scalar when a block cannot hold the value exactly (a carriage
    // return or other control character, trailing blank lines with spaces), and
    // so does this when a reader would misread the block (see blockSafe).
    const block = value.includes("\n") && !RAW_UNSAFE.test(value) && blockSafe(value);
    node.type = block ? Scalar.BLOCK_LITERAL : Scalar.QUOTE_DOUBLE;
    return node;
  }
  const map = new YAMLMap();
  for (const [key, child] of value) map.items.push(new Pair(keyNode(key), valueNode(child)));
  return map;
}

/**
 * Writes a tree of strings and ordered maps as one YAML document, in the
 * order given, with no line folding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stringifyYaml } from "./yaml.ts";
 *
 * assert.equal(stringifyYaml([["enabled", "true"]]), 'enabled: "true"\n');
 * ```
 */
export function stringifyYaml(tree: YamlTree): string {
  const doc = new Document();
  doc.contents = valueNode(tree);
  const text = doc.toString({
    lineWidth: 0,
    doubleQuotedMinMultiLineLength: Number.MAX_SAFE_INTEGER,
  });
  // Only double-quoted scalars can hold these characters here (plain keys are ASCII), and
  // a backslash before one is always itself escaped, so each can be replaced in place.
  return text.replace(new RegExp(RAW_UNSAFE.source, "g"), escapeRaw);
}

/**
 * Renders secrets as a YAML mapping of name to value, keys sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { yamlExporter } from "./yaml.ts";
 *
 * assert.equal(yamlExporter.render({ port: "8080" }), 'port: "8080"\n');
 * ```
 */
export const yamlExporter: Exporter = {
  name: "yaml",
  description: "YAML mapping of name to value",
  envKeys: false,
  render(secrets) {
    return stringifyYaml(Object.keys(secrets).sort().map((key) => [key, secrets[key]] as const));
  },
};
