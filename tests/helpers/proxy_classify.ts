/**
 * Name the AWS operation of a raw request, for the test proxy's counters and fault filters:
 * `kms:<Op>` from `X-Amz-Target: TrentService.<Op>`, `dynamodb:<Op>` from
 * `X-Amz-Target: DynamoDB_20120810.<Op>`, `sts:<Op>` from `Action=` in the form body
 * or query, `s3:<Op>` from method, path-style path and sub-resource query, else `other`.
 * S3 requests it cannot name are `s3:Other`.
 *
 * @module
 */

/** A request as the proxy read it off the wire. */
export interface ParsedRequest {
  method: string;
  /** Origin-form target: path and query, as sent. */
  target: string;
  headers: [string, string][];
  body: Uint8Array;
  /** The client asked to close the connection after this request. */
  close: boolean;
}

/**
 * The operation name of `request`, e.g. `s3:GetObject`, `kms:Decrypt`, `dynamodb:Query`,
 * `sts:GetCallerIdentity`.
 */
export function classify(request: Pick<ParsedRequest, "method" | "target" | "headers" | "body">) {
  const header = (name: string) =>
    request.headers.find(([n]) => n.toLowerCase() === name)?.[1] ?? "";
  const target = header("x-amz-target");
  if (target) {
    const [service, op] = target.split(".");
    if (service === "TrentService") return `kms:${op}`;
    return service.startsWith("DynamoDB_") ? `dynamodb:${op}` : `other`;
  }
  const url = new URL(request.target, "http://proxy.invalid");
  if (url.pathname.startsWith("/moto-api")) return "other";
  const action = url.searchParams.get("Action") ??
    (header("content-type").includes("x-www-form-urlencoded")
      ? new URLSearchParams(new TextDecoder().decode(request.body)).get("Action")
      : null);
  if (action) return `sts:${action}`;
  return `s3:${s3Operation(request.method, url, header)}`;
}

function s3Operation(method: string, url: URL, header: (name: string) => string): string {
  const path = url.pathname.slice(1);
  const slash = path.indexOf("/");
  const bucket = slash < 0 ? path : path.slice(0, slash);
  const hasKey = slash >= 0 && slash < path.length - 1;
  const q = url.searchParams;
  // The v3 SDK names many operations itself (`?x-id=GetObject`).
  const named = q.get("x-id");
  if (named) return named;
  // Query parameters that select a variant of an operation rather than a sub-resource.
  const plain = [...q.keys()].every((k) =>
    k.startsWith("response-") || k === "x-id" || k === "versionId" || k.startsWith("X-Amz-")
  );
  if (!bucket) return method === "GET" ? "ListBuckets" : "Other";
  if (!hasKey) {
    switch (method) {
      case "GET":
        if (q.get("list-type") === "2") return "ListObjectsV2";
        if (q.has("versions")) return "ListObjectVersions";
        if (q.has("versioning")) return "GetBucketVersioning";
        if (q.has("location")) return "GetBucketLocation";
        if (q.has("uploads")) return "ListMultipartUploads";
        return plain ? "ListObjects" : "Other";
      case "HEAD":
        return "HeadBucket";
      case "PUT":
        if (q.has("versioning")) return "PutBucketVersioning";
        return plain ? "CreateBucket" : "Other";
      case "DELETE":
        return plain ? "DeleteBucket" : "Other";
      case "POST":
        return q.has("delete") ? "DeleteObjects" : "Other";
    }
    return "Other";
  }
  switch (method) {
    case "GET":
      if (q.has("uploadId")) return "ListParts";
      return plain || q.has("partNumber") ? "GetObject" : "Other";
    case "HEAD":
      return "HeadObject";
    case "PUT":
      if (q.has("uploadId")) return header("x-amz-copy-source") ? "UploadPartCopy" : "UploadPart";
      if (!plain) return "Other";
      return header("x-amz-copy-source") ? "CopyObject" : "PutObject";
    case "DELETE":
      if (q.has("uploadId")) return "AbortMultipartUpload";
      return plain ? "DeleteObject" : "Other";
    case "POST":
      if (q.has("uploads")) return "CreateMultipartUpload";
      if (q.has("uploadId")) return "CompleteMultipartUpload";
      return "Other";
  }
  return "Other";
}
