/**
 * The condition under which a version's wrapped data key is replaced in place: every field
 * stored now is the one that was read, in either of the forms credstash stores it (the hmac as
 * a Binary or a String, no digest for SHA256, no comment or an empty one).
 *
 * @example
 * ```ts
 * import { replaceKeyCondition } from "./replace_key.ts";
 * import { match } from "node:assert/strict";
 *
 * const condition = replaceKeyCondition({ contents: "fm95", key: "a2V5", hmac: "00", digest: "SHA512" });
 * match(condition.expression, /#digest = :digest/);
 * ```
 *
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { StoredSecret } from "../../core/store.ts";
import { ATTRIBUTE } from "./item.ts";

/** A condition expression with its attribute names and values. */
export interface Condition {
  expression: string;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

/** The condition that the item holds exactly the fields `expected` (as `fromItem` reads them). */
export function replaceKeyCondition(expected: StoredSecret): Condition {
  const names: Record<string, string> = {
    "#oldKey": ATTRIBUTE.key,
    "#contents": ATTRIBUTE.contents,
    "#hmac": ATTRIBUTE.hmac,
    "#digest": ATTRIBUTE.digest,
    "#comment": ATTRIBUTE.comment,
    "#encoding": ATTRIBUTE.encoding,
  };
  const values: Record<string, AttributeValue> = {
    ":oldKey": { S: expected.key },
    ":contents": { S: expected.contents },
    ":hmacBinary": { B: new TextEncoder().encode(expected.hmac) },
    ":hmacText": { S: expected.hmac },
    ":digest": { S: expected.digest },
  };
  const parts = [
    "#oldKey = :oldKey",
    "#contents = :contents",
    "(#hmac = :hmacBinary OR #hmac = :hmacText)",
    expected.digest === "SHA256"
      ? "(#digest = :digest OR attribute_not_exists(#digest))"
      : "#digest = :digest",
  ];
  if (expected.comment === undefined) {
    values[":noComment"] = { S: "" };
    parts.push("(attribute_not_exists(#comment) OR #comment = :noComment)");
  } else {
    values[":comment"] = { S: expected.comment };
    parts.push("#comment = :comment");
  }
  if (expected.binary) {
    values[":base64"] = { S: "base64" };
    parts.push("#encoding = :base64");
  } else {
    parts.push("attribute_not_exists(#encoding)");
  }
  return { expression: parts.join(" AND "), names, values };
}
