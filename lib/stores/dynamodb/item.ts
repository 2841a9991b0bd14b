/**
 * A credstash item and creds3's stored version, both ways (see `docs/FORMAT.md`, "credstash
 * tables"). credstash writes `name` and `version` (the key), `key` and `contents` (base64),
 * `hmac` (the hex HMAC as a Binary of its ASCII bytes; older writers a String), `digest` and,
 * when given, `comment`. creds3 writes the same, and for a binary secret `value-encoding`,
 * which credstash ignores. An item holds no date: listings and histories of a table have none.
 *
 * @example A version's item and back
 * ```ts
 * import { fromItem, itemVersion, storedVersion, toItem } from "./item.ts";
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 *
 * strictEqual(itemVersion("10"), "0000000000000000010");
 * strictEqual(storedVersion("0000000000000000010"), "10");
 * const secret = { contents: "fm95", key: "a2V5", hmac: "00ff", digest: "SHA256" };
 * const item = toItem("api_key", "10", secret);
 * deepStrictEqual(item.hmac, { B: new TextEncoder().encode("00ff") });
 * deepStrictEqual(fromItem(item), secret);
 * ```
 *
 * @module
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { decodeUtf8 } from "../../core/encoding.ts";
import { IntegrityError } from "../../core/errors.ts";
import type { VersionEntry } from "../../core/names.ts";
import type { StoredSecret, VersionDetails } from "../../core/store.ts";

/** An item as the low-level DynamoDB API gives it. */
export type Item = Record<string, AttributeValue>;

/** The attribute names. */
export const ATTRIBUTE = {
  name: "name",
  version: "version",
  key: "key",
  contents: "contents",
  hmac: "hmac",
  digest: "digest",
  comment: "comment",
  /** `base64`: a binary secret (as the S3 store's `value-encoding` metadata). */
  encoding: "value-encoding",
} as const;

/** credstash pads versions to the digits of a 64-bit integer. */
const PADDED_DIGITS = 19;
/** The digest credstash reads when an item has none. */
const ABSENT_DIGEST = "SHA256";

/**
 * The item's version of creds3's `version`: an integer of at most 19 digits left-padded with
 * zeros to 19, as credstash writes it, so that the table's order is the numbers' order; any
 * other version as it is.
 */
export function itemVersion(version: string): string {
  return /^(0|[1-9][0-9]{0,18})$/.test(version) ? version.padStart(PADDED_DIGITS, "0") : version;
}

/** creds3's version of an item's: 19 digits are the integer without its padding; any other as it is. */
export function storedVersion(version: string): string {
  return /^[0-9]{19}$/.test(version) ? BigInt(version).toString() : version;
}

/** Whether an item's version is padded (an integer, in the table's order among the others). */
export function isPaddedVersion(version: string): boolean {
  return /^[0-9]{19}$/.test(version);
}

/** The key of one version's item. */
export function itemKey(name: string, version: string): Item {
  return { [ATTRIBUTE.name]: { S: name }, [ATTRIBUTE.version]: { S: itemVersion(version) } };
}

/** The item of a new version. */
export function toItem(name: string, version: string, secret: StoredSecret): Item {
  return {
    ...itemKey(name, version),
    [ATTRIBUTE.key]: { S: secret.key },
    [ATTRIBUTE.contents]: { S: secret.contents },
    // What credstash on Python 3 writes: the hex text's ASCII bytes as a Binary.
    [ATTRIBUTE.hmac]: { B: new TextEncoder().encode(secret.hmac) },
    [ATTRIBUTE.digest]: { S: secret.digest },
    ...(secret.comment === undefined ? {} : { [ATTRIBUTE.comment]: { S: secret.comment } }),
    ...(secret.binary ? { [ATTRIBUTE.encoding]: { S: "base64" } } : {}),
  };
}

/** The name and creds3 version of an item. */
export function entryOf(item: Item): VersionEntry {
  return {
    name: item[ATTRIBUTE.name]?.S ?? "",
    version: storedVersion(item[ATTRIBUTE.version]?.S ?? ""),
  };
}

/** What a version's history shows: its entry, comment and binary mark (no value). */
export function detailsOf(item: Item): VersionDetails {
  const entry = entryOf(item);
  const comment = textAttribute(item, ATTRIBUTE.comment, entry);
  return {
    ...entry,
    // credstash never writes an empty comment; one that another writer stored is none.
    ...(comment ? { comment } : {}),
    binary: isBinary(item, entry),
  };
}

/**
 * The stored fields of an item. A missing or mistyped `key`, `contents` or `hmac` is an
 * IntegrityError. A missing `digest` is SHA256: credstash's own reader takes it so, as do the
 * other readers of its tables, so such an item is a valid credstash item (on S3, where the
 * format always has one, a missing digest is tampering).
 */
export function fromItem(item: Item): StoredSecret {
  const entry = entryOf(item);
  const required = (attribute: string) => {
    const value = textAttribute(item, attribute, entry);
    if (value === undefined) {
      throw new IntegrityError(
        `Version ${entry.version} of '${entry.name}' has no '${attribute}' attribute: it was ` +
          "altered, or not written by credstash or creds3",
        { secret: entry },
      );
    }
    return value;
  };
  const { comment, binary } = detailsOf(item);
  return {
    contents: required(ATTRIBUTE.contents),
    key: required(ATTRIBUTE.key),
    hmac: hmacOf(item, entry) ?? required(ATTRIBUTE.hmac),
    digest: textAttribute(item, ATTRIBUTE.digest, entry) ?? ABSENT_DIGEST,
    ...(comment === undefined ? {} : { comment }),
    ...(binary ? { binary } : {}),
  };
}

/** The hex HMAC: a Binary of its ASCII bytes (credstash on Python 3) or a String (older). */
function hmacOf(item: Item, entry: VersionEntry): string | undefined {
  const value = item[ATTRIBUTE.hmac];
  if (value?.B === undefined) return undefined;
  const text = decodeUtf8(value.B);
  if (text === undefined) {
    throw new IntegrityError(
      `Version ${entry.version} of '${entry.name}' has an 'hmac' that is not hex text`,
      { secret: entry },
    );
  }
  return text;
}

/** A String attribute's text, undefined when absent; another type is an IntegrityError. */
function textAttribute(item: Item, attribute: string, entry: VersionEntry): string | undefined {
  const value = item[attribute];
  if (value === undefined) return undefined;
  if (value.S !== undefined) return value.S;
  throw new IntegrityError(
    `Version ${entry.version} of '${entry.name}' has a '${attribute}' attribute that is not ` +
      `a string (${Object.keys(value)[0] ?? "empty"})`,
    { secret: entry },
  );
}

function isBinary(item: Item, entry: VersionEntry): boolean {
  const encoding = textAttribute(item, ATTRIBUTE.encoding, entry);
  if (encoding !== undefined && encoding !== "base64") {
    throw new IntegrityError(
      `Version ${entry.version} of '${entry.name}' has an unknown '${ATTRIBUTE.encoding}' ` +
        "(only 'base64' is known)",
      { secret: entry },
    );
  }
  return encoding === "base64";
}
