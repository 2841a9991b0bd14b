import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { openEnvelope, sealEnvelope } from "../../lib/core/envelope.ts";
import type { Digest } from "../../lib/core/envelope.ts";
import { fromBase64 } from "../../lib/core/encoding.ts";
import { IntegrityError } from "../../lib/core/errors.ts";

interface Vector {
  id: number;
  data_key_b64: string;
  digest: Digest;
  plaintext: string;
  contents: string;
  hmac: string;
}

const { vectors } = JSON.parse(
  await Deno.readTextFile(new URL("../data/envelope-vectors.json", import.meta.url)),
) as { vectors: Vector[] };

Deno.test("vector file holds all 48 vectors and every digest", () => {
  strictEqual(vectors.length, 48);
  deepStrictEqual(
    [...new Set(vectors.map((v) => v.digest))].sort(),
    ["MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512"],
  );
});

for (const v of vectors) {
  Deno.test(`vector ${v.id} (${v.digest}) opens to its plaintext`, async () => {
    const plain = await openEnvelope(v, fromBase64(v.data_key_b64));
    strictEqual(new TextDecoder().decode(plain), v.plaintext);
  });

  Deno.test(`vector ${v.id} (${v.digest}) seals to the same contents and hmac`, async () => {
    const sealed = await sealEnvelope(
      new TextEncoder().encode(v.plaintext),
      fromBase64(v.data_key_b64),
      v.digest,
    );
    deepStrictEqual(sealed, { contents: v.contents, hmac: v.hmac, digest: v.digest });
  });
}

Deno.test("a flipped ciphertext bit is an integrity error", async () => {
  const v = vectors.find((x) => x.plaintext.length > 8)!;
  const body = fromBase64(v.contents);
  body[0] ^= 1;
  const tampered = { ...v, contents: btoa(String.fromCharCode(...body)) };
  await rejects(openEnvelope(tampered, fromBase64(v.data_key_b64)), IntegrityError);
});

Deno.test("a changed hmac, a wrong key half and an unknown digest are refused", async () => {
  const v = vectors[2];
  const key = fromBase64(v.data_key_b64);
  const badHmac = v.hmac.slice(0, -1) + (v.hmac.endsWith("0") ? "1" : "0");
  await rejects(openEnvelope({ ...v, hmac: badHmac }, key), IntegrityError);
  const otherKey = key.slice();
  otherKey[40] ^= 0xff;
  await rejects(openEnvelope(v, otherKey), IntegrityError);
  await rejects(openEnvelope({ ...v, digest: "WHIRLPOOL" }, key), /Unknown digest 'WHIRLPOOL'/);
  await rejects(openEnvelope({ ...v, hmac: "zz" }, key), /not valid hex/);
  // An empty digest is not SHA256 (the original always writes the name): tampering.
  const sha256 = vectors.find((x) => x.digest === "SHA256")!;
  await rejects(
    openEnvelope({ ...sha256, digest: "" }, fromBase64(sha256.data_key_b64)),
    (e) => e instanceof IntegrityError && /stored digest is empty/.test(e.message),
  );
  await rejects(openEnvelope({ ...v, contents: "%%%" }, key), /not valid base64/);
});
