/**
 * Unit tests of a credstash item and creds3's version (`lib/stores/dynamodb/item.ts`), and of
 * the condition of an in-place key replacement (`replace_key.ts`).
 */
import { deepStrictEqual, match, strictEqual, throws } from "node:assert/strict";
import { IntegrityError } from "../../lib/core/errors.ts";
import {
  detailsOf,
  entryOf,
  fromItem,
  type Item,
  itemVersion,
  storedVersion,
  toItem,
} from "../../lib/stores/dynamodb/item.ts";
import { replaceKeyCondition } from "../../lib/stores/dynamodb/replace_key.ts";

Deno.test("dynamodb item: integer versions are padded to 19 digits, both ways; others are as they are", () => {
  const both: [string, string][] = [
    ["1", "0000000000000000001"],
    ["10", "0000000000000000010"],
    ["0", "0000000000000000000"],
    ["1234567890123456789", "1234567890123456789"],
  ];
  for (const [version, item] of both) {
    strictEqual(itemVersion(version), item);
    strictEqual(storedVersion(item), version);
  }
  // Not padded: text, a second spelling of a number, more than 19 digits.
  for (const version of ["beta", "1.2", "01", "12345678901234567890", "000000000000000beta"]) {
    strictEqual(itemVersion(version), version);
    strictEqual(storedVersion(version), version);
  }
  // The padded order is the numbers' order.
  const numbers = ["9", "10", "2", "100", "1"];
  deepStrictEqual(numbers.map(itemVersion).sort().map(storedVersion), ["1", "2", "9", "10", "100"]);
});

const hex = "7b3b48dc80187ffc092bf75b917cee98551fd2b99020f3d79754eff9878ef85f";

/** An item as credstash writes it: wrapped key `a2V5`, the hmac a Binary of the text of `hex`. */
function credstashItem(name: string, version: string, contents: string, digest: string): Item {
  return {
    name: { S: name },
    version: { S: version },
    key: { S: "a2V5" },
    contents: { S: contents },
    hmac: { B: new TextEncoder().encode(hex) },
    digest: { S: digest },
  };
}

Deno.test("dynamodb item: written as credstash writes it, the hmac a Binary of its hex", () => {
  const secret = { contents: "KQ/sxw==", key: "a2V5", hmac: hex, digest: "SHA256" };
  deepStrictEqual(
    toItem("db/password", "2", secret),
    credstashItem("db/password", "0000000000000000002", "KQ/sxw==", "SHA256"),
  );
  const marked = toItem("f", "1", { ...secret, comment: "note ✓", binary: true });
  deepStrictEqual(marked.comment, { S: "note ✓" });
  deepStrictEqual(marked["value-encoding"], { S: "base64" });
  deepStrictEqual(fromItem(marked), { ...secret, comment: "note ✓", binary: true });
});

Deno.test("dynamodb item: read in every shape credstash and older writers store", () => {
  const base = credstashItem("api_key", "0000000000000000010", "fm95", "SHA512");
  deepStrictEqual(entryOf(base), { name: "api_key", version: "10" });
  deepStrictEqual(fromItem(base), { contents: "fm95", key: "a2V5", hmac: hex, digest: "SHA512" });
  // The hmac as a String (an older writer), and no digest (SHA256, as credstash reads it).
  const { digest: _, ...noDigest } = base;
  deepStrictEqual(fromItem({ ...noDigest, hmac: { S: hex } }), {
    contents: "fm95",
    key: "a2V5",
    hmac: hex,
    digest: "SHA256",
  });
  deepStrictEqual(detailsOf({ ...base, comment: { S: "rotated by ops" } }), {
    name: "api_key",
    version: "10",
    comment: "rotated by ops",
    binary: false,
  });
  // An empty comment (another writer's) is none.
  strictEqual(detailsOf({ ...base, comment: { S: "" } }).comment, undefined);
});

Deno.test("dynamodb item: a missing or mistyped field is an integrity error naming it", () => {
  const base: Item = {
    name: { S: "n" },
    version: { S: "0000000000000000003" },
    key: { S: "a2V5" },
    contents: { S: "fm95" },
    hmac: { S: hex },
  };
  const bad: [Item, RegExp][] = [
    [{ ...base, key: undefined as never }, /Version 3 of 'n' has no 'key' attribute/],
    [{ ...base, contents: { N: "1" } }, /'contents' attribute that is not a string \(N\)/],
    [{ ...base, hmac: { N: "1" } }, /'hmac' attribute that is not a string \(N\)/],
    [{ ...base, hmac: { B: new Uint8Array([0xff]) } }, /'hmac' that is not hex text/],
    [{ ...base, comment: { L: [] } }, /'comment' attribute that is not a string \(L\)/],
    [{ ...base, "value-encoding": { S: "rot13" } }, /unknown 'value-encoding'/],
  ];
  for (const [item, message] of bad) {
    const clean = Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined));
    throws(() => fromItem(clean), (e) => e instanceof IntegrityError && message.test(e.message));
  }
});

Deno.test("dynamodb item: the condition of a key replacement covers every stored field", () => {
  const plain = replaceKeyCondition({ contents: "c", key: "k", hmac: hex, digest: "SHA256" });
  match(plain.expression, /#oldKey = :oldKey AND #contents = :contents/);
  match(plain.expression, /\(#hmac = :hmacBinary OR #hmac = :hmacText\)/);
  match(plain.expression, /\(#digest = :digest OR attribute_not_exists\(#digest\)\)/);
  match(plain.expression, /\(attribute_not_exists\(#comment\) OR #comment = :noComment\)/);
  match(plain.expression, /attribute_not_exists\(#encoding\)/);
  deepStrictEqual(plain.values[":hmacBinary"], { B: new TextEncoder().encode(hex) });
  const marked = replaceKeyCondition({
    contents: "c",
    key: "k",
    hmac: hex,
    digest: "SHA512",
    comment: "note",
    binary: true,
  });
  match(marked.expression, /#digest = :digest AND #comment = :comment AND #encoding = :base64$/);
  // Every name and value the expression uses is given, and none more (DynamoDB refuses both).
  for (const condition of [plain, marked]) {
    deepStrictEqual(
      Object.keys(condition.names).sort(),
      [...new Set(condition.expression.match(/#\w+/g))].sort(),
    );
    deepStrictEqual(
      Object.keys(condition.values).sort(),
      [...new Set(condition.expression.match(/:\w+/g))].sort(),
    );
  }
});
