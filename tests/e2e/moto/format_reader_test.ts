/**
 * Objects with a comment or a binary value stay readable by the Python creds3. The original is
 * not installable on the test machines (PyPI is not reachable), so a format-faithful reader
 * written from docs/FORMAT.md in Python (boto3 and `cryptography`, tests/helpers/format_reader.py)
 * reads what creds3 stored on moto, as the original reads an object: GetObject, the `key`,
 * `hmac` and `digest` metadata, KMS Decrypt with the context, the HMAC check, AES-CTR.
 */
import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { toBase64 } from "../../../lib/core/encoding.ts";
import { type MotoBackend, motoBackend } from "../../helpers/backends.ts";
import { runCli } from "../../helpers/cli.ts";
import { formatReader } from "../../helpers/python_tools.ts";

const PREFIX = "team/";

/** What the Python reader prints for one version (its value), or its failure. */
function pythonRead(b: MotoBackend, name: string, version: string, context: string[] = []) {
  return formatReader(b.url, b.bucket, `${PREFIX}${name}/${version}`, context);
}

Deno.test("format reader (Python): reads a commented and a binary object that creds3 stored", async () => {
  const b = await motoBackend({ prefix: PREFIX, label: "creds3-pyreader" });
  const dir = await Deno.makeTempDir({ prefix: "creds3-pyreader-" });
  try {
    const cli = async (...args: string[]) => {
      const r = await runCli(args, { env: b.env });
      strictEqual(r.code, 0, r.stderr);
    };
    await cli("put", "db/password", "s3cr3t ✓ value", "env=prod", "-c", "rotated — ticket #42 ✓");
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255, 10, 0xc3, 0x28]);
    await Deno.writeFile(`${dir}/keystore.p12`, bytes);
    await cli("put", "tls/keystore", `@${dir}/keystore.p12`, "--binary", "-d", "SHA512");
    // The objects do carry the extra metadata the reader ignores.
    deepStrictEqual(Object.keys((await b.raw("db/password", "1")).metadata as object).sort(), [
      "comment-base64",
      "digest",
      "hmac",
      "key",
    ]);
    deepStrictEqual(Object.keys((await b.raw("tls/keystore", "1")).metadata as object).sort(), [
      "digest",
      "hmac",
      "key",
      "value-encoding",
    ]);
    const commented = await pythonRead(b, "db/password", "1", ["env=prod"]);
    strictEqual(commented.stderr, "");
    strictEqual(commented.code, 0);
    strictEqual(commented.stdout, "s3cr3t ✓ value");
    // A binary secret reads as the base64 text of its bytes.
    const binary = await pythonRead(b, "tls/keystore", "1");
    strictEqual(binary.code, 0, binary.stderr);
    strictEqual(binary.stdout, toBase64(bytes));
    // Controls: the reader does check the context and the HMAC.
    const wrongContext = await pythonRead(b, "db/password", "1", ["env=dev"]);
    strictEqual(wrongContext.code, 1);
    match(wrongContext.stderr, /InvalidCiphertextException/);
    const raw = await b.raw("tls/keystore", "1");
    const meta = raw.metadata as Record<string, string>;
    const hmac = (meta.hmac[0] === "0" ? "1" : "0") + meta.hmac.slice(1);
    await b.writeRaw("tls/keystore", "1", { ...raw, metadata: { ...meta, hmac } });
    const tampered = await pythonRead(b, "tls/keystore", "1");
    strictEqual(tampered.code, 1);
    strictEqual(tampered.stdout, "");
    match(tampered.stderr, /HMAC does not match/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await b.cleanup();
  }
});
