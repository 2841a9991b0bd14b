/**
 * Independent readers of the export formats, for round-trip tests: a real `sh` (or bash, zsh),
 * Java's own `java.util.Properties.load`, HashiCorp's HCL parser compiled to JavaScript, and a
 * base64 decoder. (JSON, YAML, CSV and dotenv have npm parsers the tests import directly.)
 *
 * @module
 */
import { equal, ok } from "node:assert/strict";
import hcl from "hcl2-parser";
import { shellMissingError } from "./skip.ts";

/** Name to value. */
export type Secrets = Record<string, string>;

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** `printf` of each variable's value followed by NUL, for {@linkcode shellRead}. */
export function printValues(keys: readonly string[]): string {
  return `printf '%s\\0' ${keys.map((key) => `"$${key}"`).join(" ")}`;
}

/**
 * Runs `script` in `shell` with a clean environment (PATH only); the script must print each
 * key's value followed by NUL (see {@linkcode printValues}). Fails on any stderr output.
 */
export async function shellRead(
  shell: string,
  script: string,
  keys: readonly string[],
): Promise<Secrets> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(shell, {
      args: ["-c", script],
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw error instanceof Deno.errors.NotFound ? shellMissingError(shell) : error;
  }
  const stderr = new TextDecoder().decode(out.stderr);
  ok(out.success, `${shell} failed: ${stderr}`);
  equal(stderr, "", `${shell} wrote to stderr`);
  const values = decoder.decode(out.stdout).split("\0");
  equal(values.length, keys.length + 1, `${shell} printed ${values.length - 1} values`);
  return Object.fromEntries(keys.map((key, i) => [key, values[i]]));
}

/** Parses `env -0` output (NUL-terminated `KEY=value` entries). */
export function parseEnv0(bytes: Uint8Array): Secrets {
  const result: Secrets = {};
  const text = decoder.decode(bytes);
  ok(text === "" || text.endsWith("\0"), "env -0 output ends with NUL");
  for (const entry of text.split("\0").slice(0, -1)) {
    const eq = entry.indexOf("=");
    ok(eq > 0, `not KEY=value: ${JSON.stringify(entry.slice(0, 40))}`);
    result[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return result;
}

const PROPS_JAVA = `
import java.io.*;
import java.util.*;
public class Props {
  public static void main(String[] args) throws Exception {
    Properties p = new Properties();
    try (InputStream in = new FileInputStream(args[0])) { p.load(in); }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String k : new TreeSet<>(p.stringPropertyNames())) {
      out.write(k.getBytes("UTF-8")); out.write(0);
      out.write(p.getProperty(k).getBytes("UTF-8")); out.write(0);
    }
    System.out.write(out.toByteArray());
    System.out.flush();
  }
}
`;

/** Reads a properties document with Java's `Properties.load`; fails loudly without `java`. */
export async function javaProperties(text: string): Promise<Secrets> {
  const dir = await Deno.makeTempDir({ prefix: "creds3_props_" });
  try {
    await Deno.writeTextFile(`${dir}/Props.java`, PROPS_JAVA);
    await Deno.writeTextFile(`${dir}/in.properties`, text);
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command("java", {
        args: [`${dir}/Props.java`, `${dir}/in.properties`],
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (error) {
      throw new Error(
        "The properties round trip needs 'java' (JDK 11+, e.g. apt-get install " +
          `default-jdk-headless) as its independent parser, and it could not be run: ${error}`,
      );
    }
    ok(out.success, `java failed: ${new TextDecoder().decode(out.stderr)}`);
    const parts = decoder.decode(out.stdout).split("\0");
    const result: Secrets = {};
    for (let i = 0; i + 1 < parts.length; i += 2) result[parts[i]] = parts[i + 1];
    return result;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Reads a `.tfvars` document with HashiCorp's HCL parser. */
export function parseHcl(text: string): Secrets {
  const [value, error] = hcl.parseToObject(text) as [Secrets | null, unknown];
  equal(error, null, `HCL parse error: ${error}`);
  return value as Secrets;
}

/** Decodes standard base64 to UTF-8 text. */
export function decodeBase64(text: string): string {
  return decoder.decode(Uint8Array.from(atob(text), (c) => c.charCodeAt(0)));
}

const PYYAML_READ = `
import json, sys, yaml
loader = getattr(yaml, sys.argv[1], None)
if loader is None:
    sys.exit("PyYAML has no %s (for CSafeLoader, PyYAML must be built with libyaml)" % sys.argv[1])
doc = yaml.load(sys.stdin.buffer.read().decode("utf-8"), Loader=loader)
sys.stdout.write(json.dumps(doc))
`;

/**
 * Reads a YAML document with PyYAML: `CSafeLoader` is libyaml, the C reader that Ruby, `yq` and
 * others share; `SafeLoader` is PyYAML's own YAML 1.1 reader. Fails loudly without `python3` and
 * PyYAML (moto, which the tests need anyway, depends on it).
 */
export async function pyYaml(
  text: string,
  loader: "CSafeLoader" | "SafeLoader",
): Promise<unknown> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("python3", {
      args: ["-c", PYYAML_READ, loader],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    throw new Error(
      `The YAML round trip through PyYAML needs 'python3' with PyYAML, and it could not be run: ${error}`,
    );
  }
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  ok(out.success, `PyYAML (${loader}) failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(decoder.decode(out.stdout));
}
