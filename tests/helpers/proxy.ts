/**
 * A loopback HTTP/1.1 proxy for tests and benchmarks, put between an AWS SDK client and a test
 * server (moto, Ceph): adds latency, counts requests by operation, and injects faults.
 *
 * The client side is a raw `Deno.listen` TCP server with a minimal HTTP/1.1 parser, so a fault
 * can close a connection without any response (`Deno.serve` always answers). Requests go
 * upstream through `node:http`, not `fetch`: `fetch` replaces the `Host` header, which breaks
 * SigV4 on servers that check it (Ceph); `node:http` forwards it unchanged.
 *
 * ```ts
 * const proxy = await startProxy(await motoUrl(), { latencyMs: 20 });
 * // point the SDK client's endpoint at proxy.url, then:
 * proxy.counts(); // { "s3:PutObject": 1, "kms:GenerateDataKey": 1 }
 * proxy.setOptions({ faults: { rate: 1, kinds: ["kms-500"], ops: ["kms:Decrypt"] } });
 * await proxy.stop();
 * ```
 *
 * @module
 */

import http from "node:http";
import { classify, type ParsedRequest } from "./proxy_classify.ts";
import { concat, readRequest, writeResponse } from "./proxy_http1.ts";

export { classify } from "./proxy_classify.ts";

/**
 * Faults the proxy can inject:
 * - `s3-503` / `s3-500`: S3 XML error `503 SlowDown` / `500 InternalError` (S3 requests only);
 * - `kms-throttle` / `kms-500`: KMS JSON `400 ThrottlingException` / `500 KMSInternalException`
 *   (KMS requests only);
 * - `kms-access-denied` / `kms-incorrect-key`: KMS JSON `400 AccessDeniedException` (a
 *   permission denial, worded as AWS words it) / `400 IncorrectKeyException` (AWS's answer to a
 *   `Decrypt` whose `KeyId` is not the key the ciphertext was wrapped under);
 * - `ddb-unprocessed`: a DynamoDB `BatchWriteItem` of which only the first request goes upstream;
 *   the answer lists the others as `UnprocessedItems`, as DynamoDB does under throttling;
 * - `reset`: close the connection without a response, request not forwarded;
 * - `reset-after`: forward the request (it takes effect upstream), then close without a response;
 * - `hang`: send nothing for `hangMs`, then close (past a client's request timeout).
 */
export type FaultKind =
  | "s3-503"
  | "s3-500"
  | "s3-access-denied"
  | "kms-throttle"
  | "kms-500"
  | "kms-access-denied"
  | "kms-incorrect-key"
  | "ddb-unprocessed"
  | "reset"
  | "reset-after"
  | "hang";

/** Which requests get a fault, and which. */
export interface FaultOptions {
  /** Fraction of eligible requests that get a fault, 0..1 (1 = permanent). */
  rate: number;
  /** Kinds to choose from; a request only gets kinds that apply to its service. */
  kinds: FaultKind[];
  /** Seed of the deterministic choice (default 1). Reseeded on every `setOptions` with faults. */
  seed?: number;
  /** How long `hang` holds a request before closing (default 30 000 ms). */
  hangMs?: number;
  /** Only requests of these operations are eligible, e.g. `["kms:Decrypt"]` (default: all). */
  ops?: string[];
}

/** Proxy behaviour; all of it can be changed at run time with `setOptions`. */
export interface ProxyOptions {
  /** Hold every request this long before answering or forwarding it. */
  latencyMs?: number;
  /** Fault injection; absent or `undefined` for none. */
  faults?: FaultOptions;
}

/** A running proxy. */
export interface Proxy {
  /** Base URL to use as the SDK endpoint, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** Close the listener and every connection (hanging ones too), and wait for them. */
  stop(): Promise<void>;
  /** Requests received per operation (`s3:GetObject`, `kms:Decrypt`, `sts:...`, `other`). */
  counts(): Record<string, number>;
  /** Faults injected per kind. */
  injected(): Record<string, number>;
  /** Zero both `counts()` and `injected()`. */
  resetCounts(): void;
  /** Change options; keys present in `options` replace the current ones. */
  setOptions(options: ProxyOptions): void;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "expect",
]);

/** Start a proxy on 127.0.0.1 (free port) forwarding to `target` (e.g. moto's URL). */
export function startProxy(target: string, options: ProxyOptions = {}): Promise<Proxy> {
  const upstream = new URL(target);
  const basePath = upstream.pathname.replace(/\/+$/, "");
  const agent = new http.Agent({ keepAlive: true });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const stopping = new AbortController();
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();
  let current: ProxyOptions = {};
  let random = mulberry32(1);
  let counts: Record<string, number> = {};
  let injected: Record<string, number> = {};

  const setOptions = (next: ProxyOptions) => {
    if ("latencyMs" in next) current = { ...current, latencyMs: next.latencyMs };
    if ("faults" in next) {
      current = { ...current, faults: next.faults };
      random = mulberry32(next.faults?.seed ?? 1);
    }
  };
  setOptions(options);

  const chooseFault = (op: string): FaultKind | undefined => {
    const faults = current.faults;
    if (!faults || faults.rate <= 0) return undefined;
    if (faults.ops && !faults.ops.includes(op)) return undefined;
    const kinds = faults.kinds.filter((kind) => applies(kind, op));
    if (kinds.length === 0) return undefined;
    if (random() >= faults.rate) return undefined;
    return kinds[Math.floor(random() * kinds.length)];
  };

  const forward = (request: ParsedRequest): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of request.headers) {
        const lower = name.toLowerCase();
        if (HOP_BY_HOP.has(lower) || lower === "content-length") continue;
        const existing = headers[lower];
        headers[lower] = existing === undefined
          ? value
          : [...(Array.isArray(existing) ? existing : [existing]), value];
      }
      if (request.body.length > 0 || !["GET", "HEAD", "DELETE"].includes(request.method)) {
        headers["content-length"] = String(request.body.length);
      }
      const outgoing = http.request({
        host: upstream.hostname,
        port: upstream.port || 80,
        method: request.method,
        path: basePath + request.target,
        headers,
        agent,
      }, (response) => {
        const chunks: Uint8Array[] = [];
        response.on("data", (chunk: Uint8Array) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const pairs: [string, string][] = [];
          const raw = response.rawHeaders;
          for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
          resolve({
            status: response.statusCode ?? 502,
            reason: response.statusMessage ?? "",
            headers: pairs,
            body: concat(chunks),
          });
        });
      });
      outgoing.on("error", reject);
      outgoing.end(request.body.length > 0 ? request.body : undefined);
    });

  const handle = async (conn: Deno.Conn, request: ParsedRequest): Promise<boolean> => {
    const op = classify(request);
    counts[op] = (counts[op] ?? 0) + 1;
    if (current.latencyMs) await sleep(current.latencyMs, stopping.signal);
    const fault = chooseFault(op);
    if (fault) injected[fault] = (injected[fault] ?? 0) + 1;
    switch (fault) {
      case "reset":
        return false;
      case "reset-after":
        await forward(request).catch(() => {});
        return false;
      case "hang":
        await sleep(current.faults?.hangMs ?? 30_000, stopping.signal);
        return false;
      case "ddb-unprocessed":
        await writeResponse(conn, await partlyProcessed(request, forward), false);
        return true;
      case undefined:
        break;
      default:
        await writeResponse(conn, faultResponse(fault), request.method === "HEAD");
        return true;
    }
    let response: Upstream;
    try {
      response = await forward(request);
    } catch (error) {
      response = {
        status: 502,
        reason: "Bad Gateway",
        headers: [["content-type", "text/plain"]],
        body: new TextEncoder().encode(`creds3 test proxy: upstream failed: ${error}`),
      };
    }
    response.headers = response.headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()));
    await writeResponse(conn, response, request.method === "HEAD");
    return true;
  };

  const serve = async (conn: Deno.Conn) => {
    conns.add(conn);
    // A response goes out in two writes (head, body): without TCP_NODELAY, Nagle holds the body
    // until the client's delayed ACK of the head, about 40 ms on Linux loopback, on every request.
    (conn as Deno.TcpConn).setNoDelay?.(true);
    try {
      while (!stopping.signal.aborted) {
        const request = await readRequest(conn);
        if (!request) break;
        const keepOpen = await handle(conn, request);
        if (!keepOpen || request.close) break;
      }
    } catch {
      // A client that went away, a malformed request or stop(): just close.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // Already closed by stop().
      }
    }
  };

  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        const task = serve(conn);
        tasks.add(task);
        task.finally(() => tasks.delete(task));
      }
    } catch {
      // Listener closed.
    }
  })();

  let stopped: Promise<void> | undefined;
  return Promise.resolve({
    url: `http://127.0.0.1:${port}`,
    port,
    counts: () => ({ ...counts }),
    injected: () => ({ ...injected }),
    resetCounts() {
      counts = {};
      injected = {};
    },
    setOptions,
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        try {
          listener.close();
        } catch {
          // Already closed.
        }
        for (const conn of conns) {
          try {
            conn.close();
          } catch {
            // Already closed.
          }
        }
        await accepting;
        await Promise.allSettled([...tasks]);
        agent.destroy();
      })();
      return stopped;
    },
  });
}

/** An upstream or synthesized response. */
export interface Upstream {
  status: number;
  reason: string;
  headers: [string, string][];
  body: Uint8Array;
}

function applies(kind: FaultKind, op: string): boolean {
  if (kind.startsWith("s3-")) return op.startsWith("s3:");
  if (kind.startsWith("kms-")) return op.startsWith("kms:");
  if (kind === "ddb-unprocessed") return op === "dynamodb:BatchWriteItem";
  return true;
}

type WriteRequests = Record<string, unknown[]>;

/**
 * A `BatchWriteItem` of which the first request is sent upstream and the others are answered
 * as unprocessed. (moto does not check signatures: the changed body goes through.)
 */
async function partlyProcessed(
  request: ParsedRequest,
  forward: (request: ParsedRequest) => Promise<Upstream>,
): Promise<Upstream> {
  const input = JSON.parse(new TextDecoder().decode(request.body));
  const items = input.RequestItems as WriteRequests;
  const sent: WriteRequests = {};
  const left: WriteRequests = {};
  let first = true;
  for (const [table, requests] of Object.entries(items)) {
    for (const one of requests) {
      const part = first ? sent : left;
      (part[table] ??= []).push(one);
      first = false;
    }
  }
  const response = await forward({
    ...request,
    body: new TextEncoder().encode(JSON.stringify({ ...input, RequestItems: sent })),
  });
  if (response.status !== 200) return response;
  return {
    ...response,
    headers: response.headers.filter(([name]) =>
      !HOP_BY_HOP.has(name.toLowerCase()) && !/^(content-length|x-amz-crc32)$/i.test(name)
    ),
    body: new TextEncoder().encode(JSON.stringify({ UnprocessedItems: left })),
  };
}

function faultResponse(kind: FaultKind): Upstream {
  const s3 = (status: number, reason: string, code: string, message: string): Upstream => ({
    status,
    reason,
    headers: [["content-type", "application/xml"], ["x-amz-request-id", "creds3-proxy-fault"]],
    body: new TextEncoder().encode(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
        `<Message>${message}</Message><RequestId>creds3-proxy-fault</RequestId></Error>`,
    ),
  });
  const kms = (status: number, reason: string, type: string, message: string): Upstream => ({
    status,
    reason,
    headers: [
      ["content-type", "application/x-amz-json-1.1"],
      ["x-amzn-ErrorType", type],
      ["x-amzn-RequestId", "creds3-proxy-fault"],
    ],
    body: new TextEncoder().encode(JSON.stringify({ __type: type, message })),
  });
  switch (kind) {
    case "s3-503":
      return s3(503, "Slow Down", "SlowDown", "Please reduce your request rate.");
    case "s3-500":
      return s3(500, "Internal Server Error", "InternalError", "We encountered an internal error.");
    case "s3-access-denied":
      return s3(403, "Forbidden", "AccessDenied", "Access Denied");
    case "kms-throttle":
      return kms(400, "Bad Request", "ThrottlingException", "Rate exceeded");
    case "kms-access-denied":
      return kms(
        400,
        "Bad Request",
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/app-reader/session is not authorized to " +
          "perform: kms:Decrypt on this resource because no identity-based policy allows the " +
          "kms:Decrypt action",
      );
    case "kms-incorrect-key":
      return kms(
        400,
        "Bad Request",
        "IncorrectKeyException",
        "The key ID in the request does not identify a CMK that can perform this operation.",
      );
    default:
      return kms(500, "Internal Server Error", "KMSInternalException", "Internal error");
  }
}

/** Deterministic PRNG (mulberry32): same seed, same sequence. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
