/**
 * Minimal HTTP/1.1 server-side framing for the test proxy: read one request from a TCP
 * connection (Content-Length or chunked body, `Expect: 100-continue`), write one response.
 * Header bytes are kept as Latin-1 so nothing is re-encoded on the way through.
 *
 * @module
 */

import type { ParsedRequest } from "./proxy_classify.ts";
import type { Upstream } from "./proxy.ts";

const MAX_HEAD_BYTES = 64 * 1024;
const buffers = new WeakMap<Deno.Conn, Uint8Array>();

/** Read the next request on `conn`; `undefined` when the client closed between requests. */
export async function readRequest(conn: Deno.Conn): Promise<ParsedRequest | undefined> {
  const reader = new ConnReader(conn);
  const head = await reader.readHead();
  if (head === undefined) return undefined;
  const [requestLine, ...lines] = head.split("\r\n");
  const [method, target, version] = requestLine.split(" ");
  if (!method || !target || !version?.startsWith("HTTP/1.")) {
    throw new Error(`malformed request line: ${requestLine}`);
  }
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const get = (name: string) => headers.find(([n]) => n.toLowerCase() === name)?.[1];

  if (get("expect")?.toLowerCase() === "100-continue") {
    await writeAll(conn, latin1("HTTP/1.1 100 Continue\r\n\r\n"));
  }
  let body: Uint8Array = new Uint8Array(0);
  if (get("transfer-encoding")?.toLowerCase().includes("chunked")) {
    body = await reader.readChunked();
  } else if (get("content-length")) {
    body = await reader.readExactly(Number(get("content-length")));
  }
  reader.save();
  const connection = get("connection")?.toLowerCase() ?? "";
  const close = connection.includes("close") ||
    (version === "HTTP/1.0" && !connection.includes("keep-alive"));
  return { method, target, headers, body, close };
}

/** Write `response` with a Content-Length (kept from upstream for HEAD). */
export async function writeResponse(
  conn: Deno.Conn,
  response: Upstream,
  isHead: boolean,
): Promise<void> {
  const noBody = isHead || response.status === 204 || response.status === 304 ||
    response.status < 200;
  let head = `HTTP/1.1 ${response.status} ${response.reason || "Status"}\r\n`;
  for (const [name, value] of response.headers) {
    if (name.toLowerCase() === "content-length" && !isHead) continue;
    head += `${name}: ${value}\r\n`;
  }
  if (!noBody) head += `content-length: ${response.body.length}\r\n`;
  head += "connection: keep-alive\r\n\r\n";
  await writeAll(conn, latin1(head));
  if (!noBody && response.body.length > 0) await writeAll(conn, response.body);
}

class ConnReader {
  #conn: Deno.Conn;
  #buf: Uint8Array;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.#buf = buffers.get(conn) ?? new Uint8Array(0);
  }

  /** Keep bytes read past this request (a pipelined next request) for the next reader. */
  save(): void {
    buffers.set(this.#conn, this.#buf);
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.#conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = next;
    return true;
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.slice(n);
    return out;
  }

  async readHead(): Promise<string | undefined> {
    let from = 0;
    while (true) {
      const end = indexOfCrlfCrlf(this.#buf, from);
      if (end >= 0) {
        const head = fromLatin1(this.#take(end));
        this.#take(4);
        return head.replace(/^(\r\n)+/, "");
      }
      if (this.#buf.length > MAX_HEAD_BYTES) throw new Error("request head too large");
      from = Math.max(0, this.#buf.length - 3);
      if (!(await this.#fill())) {
        if (this.#buf.length === 0) return undefined;
        throw new Error("connection closed inside a request head");
      }
    }
  }

  async readExactly(n: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`bad content-length ${n}`);
    while (this.#buf.length < n) {
      if (!(await this.#fill())) throw new Error("connection closed inside a request body");
    }
    return this.#take(n);
  }

  async readLine(): Promise<string> {
    while (true) {
      const at = indexOfCrlf(this.#buf);
      if (at >= 0) {
        const line = fromLatin1(this.#take(at));
        this.#take(2);
        return line;
      }
      if (!(await this.#fill())) throw new Error("connection closed inside a chunked body");
    }
  }

  async readChunked(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    while (true) {
      const size = parseInt((await this.readLine()).split(";")[0].trim(), 16);
      if (Number.isNaN(size)) throw new Error("bad chunk size");
      if (size === 0) {
        while ((await this.readLine()) !== "") {
          // Trailers are dropped.
        }
        break;
      }
      parts.push(await this.readExactly(size));
      await this.readExactly(2);
    }
    return concat(parts);
  }
}

/** The bytes of `chunks`, one after another. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function indexOfCrlfCrlf(buf: Uint8Array, from: number): number {
  for (let i = from; i + 3 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

function indexOfCrlf(buf: Uint8Array): number {
  for (let i = 0; i + 1 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10) return i;
  }
  return -1;
}

function fromLatin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return out;
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}
