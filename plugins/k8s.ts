/**
 * Kubernetes exporter: a `v1` `Secret` manifest in YAML.
 *
 * @module
 */

import { fromBase64, toBase64 } from "../lib/core/encoding.ts";
import { ExportError } from "../lib/core/errors.ts";
import type { Exporter, RenderOptions } from "./types.ts";
import { stringifyYaml, type YamlTree } from "./yaml.ts";

const DNS1123_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
const QUALIFIED_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A DNS-1123 subdomain: lower-case alphanumerics, `-` and `.`, at most 253, alphanumeric at both ends. */
function isSubdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

/** A Kubernetes qualified name (label and annotation keys): `[prefix/]name`. */
function isQualifiedName(key: string): boolean {
  const slash = key.indexOf("/");
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && !isSubdomain(prefix)) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** The validated metadata, in the order written. */
function metadata(options: RenderOptions): [string, YamlTree][] {
  const { name, namespace, labels, annotations } = options;
  if (name === undefined || name === "") {
    throw new ExportError("The k8s format needs a name for the Secret", {
      reason: { type: "option-missing", format: "k8s", option: "name" },
    });
  }
  if (!isSubdomain(name)) {
    throw new ExportError(
      `Secret name '${name}' is not a valid Kubernetes name (lower-case letters, digits, '-' and '.', at most 253 characters, starting and ending with a letter or digit)`,
    );
  }
  const fields: [string, YamlTree][] = [["name", name]];
  if (namespace !== undefined) {
    if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
      throw new ExportError(
        `Namespace '${namespace}' is not a valid Kubernetes namespace (lower-case letters, digits and '-', at most 63 characters, starting and ending with a letter or digit)`,
      );
    }
    fields.push(["namespace", namespace]);
  }
  if (labels !== undefined && Object.keys(labels).length > 0) {
    for (const [key, value] of Object.entries(labels)) {
      if (!isQualifiedName(key)) {
        throw new ExportError(`Label key '${key}' is not a valid Kubernetes label key`);
      }
      if (value !== "" && (value.length > 63 || !QUALIFIED_NAME.test(value))) {
        throw new ExportError(
          `Value of label '${key}' is not a valid Kubernetes label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`,
        );
      }
    }
    fields.push(["labels", Object.keys(labels).sort().map((key) => [key, labels[key]] as const)]);
  }
  if (annotations !== undefined && Object.keys(annotations).length > 0) {
    for (const key of Object.keys(annotations)) {
      if (!isQualifiedName(key)) {
        throw new ExportError(`Annotation key '${key}' is not a valid Kubernetes annotation key`);
      }
    }
    fields.push([
      "annotations",
      Object.keys(annotations).sort().map((key) => [key, annotations[key]] as const),
    ]);
  }
  return fields;
}

/** Base64 of the bytes of a binary secret's value (its base64 text), checked. */
function binaryData(key: string, value: string): string {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(value);
  } catch {
    throw new ExportError(`The value of binary key '${key}' is not standard base64`);
  }
  try {
    return toBase64(bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * Renders secrets as a Kubernetes `v1` `Secret` of type `Opaque`, values
 * base64-encoded under `data`, ready for `kubectl apply -f -`. The value of a
 * key in `options.binaryKeys` is the base64 text of bytes: `data` holds those
 * bytes, so the mounted file is the original file.
 *
 * `options.name` is required and must be a DNS-1123 subdomain; `namespace`
 * must be a DNS-1123 label; label and annotation keys must be qualified names
 * and label values valid label values. Data keys must match `[-._a-zA-Z0-9]+`
 * (at most 253 characters, not `.`, `..` or starting with `..`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { k8sExporter } from "./k8s.ts";
 *
 * const text = k8sExporter.render({ token: "abc" }, { name: "app-secrets" });
 * assert.ok(text.includes('token: "YWJj"'));
 * ```
 */
export const k8sExporter: Exporter = {
  name: "k8s",
  description: "Kubernetes v1 Secret manifest (YAML, base64 data)",
  envKeys: false,
  render(secrets, options = {}) {
    const meta = metadata(options);
    const keys = Object.keys(secrets).sort();
    const binary = new Set(options.binaryKeys ?? []);
    for (const key of keys) {
      if (
        key.length > 253 || !DATA_KEY.test(key) || key === "." || key === ".." ||
        key.startsWith("..")
      ) {
        throw new ExportError(
          `Key '${key}' is not a valid Kubernetes Secret key (letters, digits, '-', '_' and '.', at most 253 characters)`,
          { reason: { type: "key-invalid", key } },
        );
      }
    }
    return stringifyYaml([
      ["apiVersion", "v1"],
      ["kind", "Secret"],
      ["metadata", meta],
      ["type", "Opaque"],
      [
        "data",
        keys.map((key) =>
          [
            key,
            binary.has(key)
              ? binaryData(key, secrets[key])
              : toBase64(new TextEncoder().encode(secrets[key])),
          ] as const
        ),
      ],
    ]);
  },
};
