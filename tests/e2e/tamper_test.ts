/**
 * Tampering with stored secrets, on moto (S3 + KMS) and on the local directory store: a body,
 * `hmac`, `digest` or `key` altered or removed, a body copied from another version, or an
 * unknown digest is an integrity or key error naming the secret and version, with nothing on
 * stdout and exit 1, for `get` and for `getall`. What the HMAC cannot see (a whole object moved
 * between names that share an encryption context) is shown too, with the mitigation that
 * docs/SECURITY.md describes: the name in the encryption context.
 */
import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { type Fields, localAndMoto, withBackend } from "../helpers/backends.ts";

type Field = keyof Fields;

/** Changes one character in the middle of a field, keeping it valid base64 / hex. */
function flip(value: string): string {
  const at = Math.floor(value.length / 2);
  const c = value[at];
  return value.slice(0, at) + (c === "a" ? "b" : "a") + value.slice(at + 1);
}

function without(fields: Fields, field: Field): Partial<Fields> {
  const copy: Partial<Fields> = { ...fields };
  delete copy[field];
  return copy;
}

interface TamperCase {
  label: string;
  change(fields: Fields, other: Fields): Partial<Fields>;
  /** The error, after "'NAME' version 2: ". */
  error: Record<"moto" | "local", RegExp>;
}

const HMAC_MISMATCH = /HMAC does not match/;

/** `change` makes every read fail with `moto` on moto and with `local` (the same if not given) locally. */
function tampered(
  label: string,
  change: TamperCase["change"],
  moto: RegExp,
  local: RegExp = moto,
): TamperCase {
  return { label, change, error: { moto, local } };
}

/** `field` removed: the S3 stores miss it in the metadata, the directory store in the record. */
function removed(label: string, field: Field): TamperCase {
  return tampered(
    label,
    (f) => without(f, field),
    new RegExp(`has no '${field}' metadata`),
    new RegExp(`has no '${field}' field`),
  );
}

const UNKNOWN_DIGEST =
  /Unknown digest 'WHIRLPOOL' \(known: SHA, SHA224, SHA256, SHA384, SHA512, MD5\)/;

const cases: TamperCase[] = [
  tampered("body altered", (f) => ({ ...f, contents: flip(f.contents) }), HMAC_MISMATCH),
  tampered("body removed", (f) => without(f, "contents"), HMAC_MISMATCH, /has no 'contents' field/),
  tampered(
    "body copied from another version",
    (f, other) => ({ ...f, contents: other.contents }),
    HMAC_MISMATCH,
  ),
  tampered("hmac altered", (f) => ({ ...f, hmac: flip(f.hmac) }), HMAC_MISMATCH),
  removed("hmac removed", "hmac"),
  tampered(
    "digest altered to another known digest",
    (f) => ({ ...f, digest: "SHA512" }),
    HMAC_MISMATCH,
  ),
  removed("digest removed", "digest"),
  tampered("digest emptied", (f) => ({ ...f, digest: "" }), /stored digest is empty/),
  tampered("unknown digest name", (f) => ({ ...f, digest: "WHIRLPOOL" }), UNKNOWN_DIGEST),
  tampered(
    "wrapped data key altered",
    (f) => ({ ...f, key: flip(f.key) }),
    // moto's ciphertext starts with its key's id: a change there names another key.
    /KMS Decrypt failed: InvalidCiphertextException|wrapped under a different KMS key than/,
    /Cannot unwrap the data key with local master key/,
  ),
  tampered(
    "wrapped data key from another version",
    (f, other) => ({ ...f, key: other.key }),
    HMAC_MISMATCH,
  ),
  removed("wrapped data key removed", "key"),
  tampered(
    "wrapped data key not base64",
    (f) => ({ ...f, key: "%%%not-base64%%%" }),
    /stored data key is not valid base64/,
  ),
];

for (const [label, makeStore] of localAndMoto("creds3-tamper")) {
  Deno.test(`tamper (${label}): every altered or removed field is refused by name and version`, async (t) => {
    await withBackend(makeStore, async (store, cli) => {
      for (const [i, c] of cases.entries()) {
        await t.step(c.label, async () => {
          const name = `t/case${i}`;
          const values = [`first-value-${i}`, `second-value-${i}`];
          const puts = await Promise.all(
            values.map((v, n) => cli("put", "-v", `${n + 1}`, name, v)),
          );
          for (const put of puts) strictEqual(put.code, 0, put.stderr);
          const v1 = await store.read(name, "1");
          const v2 = await store.read(name, "2");
          await store.write(name, "2", c.change(v2, v1));
          const quoted = `'${name.replace("/", "\\/")}'`;
          // "'NAME' version 2: ..." or, from the store itself, "Version 2 of 'NAME' ...".
          const expected = new RegExp(
            `(${quoted} version 2: |Version 2 of ${quoted} ).*${
              c.error[store.label as "moto"].source
            }`,
          );
          const reads = [["get", name], ["get", name, "-v", "2"], ["getall"]];
          const results = await Promise.all(reads.map((args) => cli(...args)));
          for (const [n, r] of results.entries()) {
            const args = reads[n];
            strictEqual(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
            strictEqual(r.stdout, "", `${args.join(" ")}: nothing on stdout`);
            match(r.stderr, expected);
            for (const value of values) ok(!r.stderr.includes(value), r.stderr);
          }
          // The untouched version still reads; the tampered one is left as it was found.
          strictEqual((await cli("get", name, "-v", "1")).stdout, `${values[0]}\n`);
          await store.write(name, "2", v2);
          strictEqual((await cli("get", name)).stdout, `${values[1]}\n`);
        });
      }
    });
  });

  Deno.test(`tamper (${label}): objects moved between names; the name in the context stops it`, async () => {
    await withBackend(makeStore, async (store, cli) => {
      for (const args of [["put", "db/user", "user-value"], ["put", "db/admin", "admin-value"]]) {
        strictEqual((await cli(...args)).code, 0);
      }
      // Same (empty) context: the HMAC covers only the ciphertext, so a whole object moved to
      // another name opens there. This is the documented limit (docs/SECURITY.md).
      await store.write("db/user", "1", await store.read("db/admin", "1"));
      strictEqual((await cli("get", "db/user")).stdout, "admin-value\n");

      // With the name in the encryption context, the moved object's data key does not unwrap.
      for (const name of ["ctx/user", "ctx/admin"]) {
        const put = await cli("put", name, `${name}-bound`, `name=${name}`);
        strictEqual(put.code, 0, put.stderr);
      }
      await store.write("ctx/user", "1", await store.read("ctx/admin", "1"));
      const r = await cli("get", "ctx/user", "name=ctx/user");
      strictEqual(r.code, 1);
      strictEqual(r.stdout, "");
      match(
        r.stderr,
        store.label === "moto"
          ? /'ctx\/user' version 1: KMS Decrypt failed: InvalidCiphertextException/
          : /'ctx\/user' version 1: Cannot unwrap the data key/,
      );
      deepStrictEqual(
        (await cli("get", "ctx/admin", "name=ctx/admin")).stdout,
        "ctx/admin-bound\n",
      );
    });
  });
}
