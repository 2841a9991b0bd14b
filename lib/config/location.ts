/**
 * Store locations: `bucket`, `bucket/prefix` or `s3://bucket/prefix` for S3; `file:PATH`, or a
 * path starting with `/`, `./`, `../` or `~/`, for a local directory; `dynamodb:TABLE` for a
 * credstash table in DynamoDB.
 *
 * @module
 */
import { UsageError } from "../core/errors.ts";

/** An S3 location: a bucket and a prefix that is empty or ends with `/`. */
export interface S3Location {
  kind: "s3";
  bucket: string;
  prefix: string;
}

/** A local directory location. */
export interface DirectoryLocation {
  kind: "directory";
  path: string;
}

/** A credstash table in DynamoDB. */
export interface DynamoDbLocation {
  kind: "dynamodb";
  table: string;
}

/** Where the secrets are. */
export type Location = S3Location | DirectoryLocation | DynamoDbLocation;

/** The table credstash uses when given none. */
export const CREDSTASH_TABLE = "credential-store";

const TABLE = /^[A-Za-z0-9_.-]{3,255}$/;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Checks an S3 bucket name against the S3 naming rules. */
export function validateBucket(bucket: string): string {
  if (!BUCKET.test(bucket) || bucket.includes("..") || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new UsageError(
      `'${bucket}' is not a valid S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-', ` +
        "starting and ending with a letter or digit)",
    );
  }
  return bucket;
}

/**
 * Parses a location. `home` expands a leading `~/`.
 *
 * @example
 * ```ts
 * import { parseLocation } from "./location.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * deepStrictEqual(parseLocation("my-bucket/app/prod"), {
 *   kind: "s3",
 *   bucket: "my-bucket",
 *   prefix: "app/prod/",
 * });
 * deepStrictEqual(parseLocation("file:./store"), { kind: "directory", path: "./store" });
 * deepStrictEqual(parseLocation("dynamodb:credential-store"), {
 *   kind: "dynamodb",
 *   table: "credential-store",
 * });
 * ```
 */
export function parseLocation(text: string, home?: string): Location {
  if (text.trim() === "") throw new UsageError("Location is empty");
  if (text.startsWith("dynamodb:")) return { kind: "dynamodb", table: tableName(text) };
  if (text.startsWith("file:")) {
    const path = text.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (path === "") throw new UsageError(`Location '${text}' names no directory`);
    return { kind: "directory", path: expandHome(path, home) };
  }
  if (/^(\/|\.\.?(\/|$)|~(\/|$))/.test(text) || /^[A-Za-z]:[\\/]/.test(text)) {
    return { kind: "directory", path: expandHome(text, home) };
  }
  const rest = text.startsWith("s3://") ? text.slice("s3://".length) : text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) {
    throw new UsageError(`Location '${text}' is neither s3://BUCKET[/PREFIX] nor file:PATH`);
  }
  const slash = rest.indexOf("/");
  const bucket = validateBucket(slash < 0 ? rest : rest.slice(0, slash));
  let prefix = slash < 0 ? "" : rest.slice(slash + 1);
  if (prefix !== "" && !prefix.endsWith("/")) prefix += "/";
  if (prefix.startsWith("/") || prefix.includes("//")) {
    throw new UsageError(`Location '${text}' has an empty prefix segment`);
  }
  return { kind: "s3", bucket, prefix };
}

/** The table of a `dynamodb:TABLE` location, checked against DynamoDB's naming rules. */
function tableName(text: string): string {
  const table = text.slice("dynamodb:".length);
  if (table === "") {
    throw new UsageError(
      `Location '${text}' names no table (credstash's is dynamodb:${CREDSTASH_TABLE})`,
    );
  }
  if (!TABLE.test(table)) {
    throw new UsageError(
      `'${table}' is not a valid DynamoDB table name (3 to 255 letters, digits, '_', '-' and '.')`,
    );
  }
  return table;
}

function expandHome(path: string, home?: string): string {
  if (path === "~" || path.startsWith("~/")) {
    if (!home) throw new UsageError(`Cannot expand '~' in '${path}': HOME is not set`);
    return home + path.slice(1);
  }
  return path;
}

/** The location as a user would type it. */
export function formatLocation(location: Location): string {
  switch (location.kind) {
    case "s3":
      return `s3://${location.bucket}/${location.prefix}`;
    case "directory":
      return `file:${location.path}`;
    case "dynamodb":
      return `dynamodb:${location.table}`;
  }
}
