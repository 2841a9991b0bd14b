/**
 * moto (S3 + KMS + STS + DynamoDB in one Python process) for tests: start/stop a server, find
 * the shared one, and create buckets, KMS keys and tables in it with the real AWS SDK clients.
 *
 * Env contract: `CREDS3_TEST_MOTO_URL` (set by `scripts/test.ts`) names a running moto that
 * all test files share; without it, {@linkcode motoUrl} starts one per test process, with
 * `CREDS3_TEST_MOTO_PYTHON` (the Python `scripts/test.ts` found moto in) or `python3`.
 *
 * @module
 */

import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

/** A running moto server. */
export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  port: number;
  /** Kill the process and wait for it to exit. */
  stop(): Promise<void>;
  /** Drop all state (buckets, keys, ...) via `POST /moto-api/reset`. */
  reset(): Promise<void>;
}

/** Credentials and region moto accepts (it does not check signatures). */
export const TEST_REGION = "us-east-1";
export const TEST_ACCESS_KEY_ID = "test";
export const TEST_SECRET_ACCESS_KEY = "test";

const START_TIMEOUT_MS = 30_000;
const STDERR_TAIL_BYTES = 8192;

// Runs moto's server, exiting when the parent (this Deno process) goes away, so a killed test
// run never leaves an orphaned moto behind.
const BOOTSTRAP_HEAD = `
import os, sys, threading, time
parent = os.getppid()
def watch():
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)
threading.Thread(target=watch, daemon=True).start()
# S3 makes a conditional PutObject (If-None-Match: *) atomic; moto checks, then writes, on
# threads of its own, so two racing writers can both be told they created the object. One lock
# around PutObject gives moto the atomicity of the protocol it stands in for.
from moto.s3.responses import S3Response
if not hasattr(S3Response, "put_object"):
    sys.exit("moto: S3Response.put_object not found, cannot make conditional writes atomic")
_put_lock = threading.Lock()
_put_object = S3Response.put_object
def _locked_put_object(self, *args, **kwargs):
    with _put_lock:
        return _put_object(self, *args, **kwargs)
S3Response.put_object = _locked_put_object
# S3 copies an object only if its ETag matches x-amz-copy-source-if-match (412 otherwise); moto
# checks only x-amz-copy-source-if-none-match. The check, under the same lock as the writes,
# gives moto the conditional copy that key rotation relies on.
if not hasattr(S3Response, "copy_object"):
    sys.exit("moto: S3Response.copy_object not found, cannot make conditional copies")
from urllib.parse import unquote as _unquote, urlparse as _urlparse
from moto.s3.exceptions import PreconditionFailed as _PreconditionFailed
_copy_object = S3Response.copy_object
def _checked_copy_object(self, *args, **kwargs):
    with _put_lock:
        wanted = self.headers.get("x-amz-copy-source-if-match")
        if wanted is not None:
            source = self.headers.get("x-amz-copy-source")
            if isinstance(source, bytes):
                source = source.decode("utf-8")
            bucket, key = _unquote(_urlparse(source).path).lstrip("/").split("/", 1)
            found = self.backend.get_object(bucket, key)
            if found is not None and wanted.strip('"') != found.etag.strip('"'):
                raise _PreconditionFailed("x-amz-copy-source-If-Match")
        return _copy_object(self, *args, **kwargs)
S3Response.copy_object = _checked_copy_object
`;

// Takes the server's own overhead off every request; moto's S3, KMS and STS code answers as
// before. Three costs, about 3.5 ms of CPU per request together, against about 0.8 ms left:
// - the dispatcher finds the service of a request by listing and stat-ing moto's ~180 package
//   directories on every request: its answer for a host is the same every time, so it is
//   remembered;
// - werkzeug's server closes the connection after every response (a new TCP connection and a
//   new thread per request): here connections stay open (HTTP/1.1 keep-alive) when the request
//   body has a Content-Length, whose unread rest is read after the response so that the next
//   request starts at the right byte; chunked request bodies still close the connection;
// - one log line per request on stderr: only errors are logged.
// Keep-alive replaces werkzeug's drain of unread input (a 10 ms wait for more bytes, which on a
// kept-alive connection would swallow the next request); it is enabled only if that drain is
// where this werkzeug version has it, else connections close as before.
const BOOTSTRAP_FAST = `
import inspect, selectors, types
import werkzeug.serving as _serving
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wsgi import LimitedStream
from moto.moto_server.werkzeug_app import DomainDispatcherApplication
import moto.server as _moto_server

_backend_for_host = DomainDispatcherApplication.get_backend_for_host
_backends = {}
def _remembered_backend_for_host(self, host):
    if host not in _backends:
        _backends[host] = _backend_for_host(self, host)
    return _backends[host]
DomainDispatcherApplication.get_backend_for_host = _remembered_backend_for_host

try:
    _run_wsgi = inspect.getsource(WSGIRequestHandler.run_wsgi)
except (OSError, TypeError):
    _run_wsgi = ""
_keep_alive = (
    getattr(_serving, "selectors", None) is selectors
    and _run_wsgi.count("selectors.DefaultSelector()") == 1
    and '"Connection", "close"' in _run_wsgi
)
_request = threading.local()

class _Selector:
    # werkzeug's drain of unread input after a response: skipped on kept-alive connections,
    # whose body is read to its Content-Length instead.
    def __init__(self):
        self._real = None if getattr(_request, "keep_alive", False) else selectors.DefaultSelector()
    def register(self, *args, **kwargs):
        if self._real is not None:
            self._real.register(*args, **kwargs)
    def select(self, timeout=None):
        return self._real.select(timeout) if self._real is not None else []
    def close(self):
        if self._real is not None:
            self._real.close()

class _Handler(WSGIRequestHandler):
    # A response goes out in two writes (head, body): without TCP_NODELAY, Nagle holds the body
    # until the client's delayed ACK of the head, about 40 ms, on a kept-alive connection.
    disable_nagle_algorithm = True
    _body = None

    def log_request(self, code="-", size="-"):
        pass

    def make_environ(self):
        environ = super().make_environ()
        self._body = None
        if _keep_alive and not environ.get("wsgi.input_terminated"):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = -1
            if length >= 0:
                self._body = LimitedStream(environ["wsgi.input"], length)
                environ["wsgi.input"] = self._body
        _request.keep_alive = self._body is not None
        return environ

    def send_header(self, keyword, value):
        if self._body is not None and keyword.lower() == "connection" and value.lower() == "close":
            return
        super().send_header(keyword, value)

    def run_wsgi(self):
        self._body = None
        try:
            super().run_wsgi()
        finally:
            _request.keep_alive = False
        if self._body is None:
            self.close_connection = True
            return
        try:
            self._body.exhaust()
        except Exception:
            self.close_connection = True

if _keep_alive:
    _serving.selectors = types.SimpleNamespace(
        DefaultSelector=_Selector, EVENT_READ=selectors.EVENT_READ)
_run_simple = _moto_server.run_simple
def _run_simple_with_handler(*args, **kwargs):
    kwargs.setdefault("request_handler", _Handler)
    return _run_simple(*args, **kwargs)
_moto_server.run_simple = _run_simple_with_handler
`;

const BOOTSTRAP_MAIN = `
from moto.server import main
sys.argv = ["moto_server"] + sys.argv[1:]
main()
`;

/** Options of {@linkcode startMoto}. */
export interface MotoOptions {
  /**
   * Serve requests with less overhead around moto (default `true`): the dispatcher's answer per
   * host remembered, HTTP/1.1 keep-alive, no per-request log line. Same S3/KMS/STS behaviour;
   * about 0.8 ms of server CPU per GetObject or Decrypt instead of about 3.5-4 ms, so that
   * concurrent clients are no longer held back by moto alone. `false` runs `moto.server` as it
   * comes (with the PutObject lock, like the fast mode).
   */
  fast?: boolean;
  /** The Python with moto's server (default `python3`; see scripts/moto_python.ts). */
  python?: string;
}

/** A free TCP port on 127.0.0.1 (bound, then released; a tiny race is possible). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * Start a moto server on a free loopback port and wait until it answers `GET /moto-api/`.
 * Throws with the tail of moto's stderr if it exits or does not answer within 30 s.
 */
export async function startMoto(options: MotoOptions = {}): Promise<MotoServer> {
  const bootstrap = BOOTSTRAP_HEAD + (options.fast ?? true ? BOOTSTRAP_FAST : "") +
    BOOTSTRAP_MAIN;
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startMotoOnce(freePort(), bootstrap, options.python ?? "python3");
    } catch (error) {
      lastError = error as Error;
      // Only a lost race for the port is worth another try.
      if (!/address already in use/i.test(lastError.message)) throw lastError;
    }
  }
  throw lastError;
}

async function startMotoOnce(
  port: number,
  bootstrap: string,
  python: string,
): Promise<MotoServer> {
  const child = new Deno.Command(python, {
    args: ["-c", bootstrap, "-H", "127.0.0.1", "-p", String(port)],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { PYTHONUNBUFFERED: "1" },
  }).spawn();
  // Lets a test process started with a lazily created moto exit; `stop()` still awaits it.
  child.unref();

  let tail = "";
  const decoder = new TextDecoder();
  const drained = (async () => {
    try {
      for await (const chunk of child.stderr) {
        tail = (tail + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL_BYTES);
      }
    } catch {
      // The stream errors when the process is killed; nothing to keep.
    }
  })();

  let exited: Deno.CommandStatus | undefined;
  const status = child.status.then((s) => (exited = s));
  const url = `http://127.0.0.1:${port}`;

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch {
          // Already gone.
        }
      }, 5000);
      await status;
      clearTimeout(timer);
    }
    await drained;
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (true) {
    if (exited) {
      await drained;
      throw new Error(motoDiedMessage(port, exited, tail));
    }
    if (await answers(`${url}/moto-api/`)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `moto did not answer on ${url}/moto-api/ within ${START_TIMEOUT_MS / 1000} s` +
          (tail ? `; its stderr ends with:\n${tail.trim()}` : ""),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    port,
    stop,
    async reset() {
      const response = await fetch(`${url}/moto-api/reset`, { method: "POST" });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
  };
}

function motoDiedMessage(port: number, status: Deno.CommandStatus, tail: string): string {
  const trimmed = tail.trim();
  if (/No module named ['"]?moto|ModuleNotFoundError.*moto/.test(trimmed)) {
    return "moto is not installed: run 'deno task test' (it sets moto up), or pip install 'moto[server]'" +
      (trimmed ? `\n${trimmed.split("\n").slice(-3).join("\n")}` : "");
  }
  if (/No module named ['"]?(flask|werkzeug)/i.test(trimmed)) {
    return "moto's server extras are not installed: pip install 'moto[server]'\n" + trimmed;
  }
  return `moto exited with code ${status.code} before answering on port ${port}` +
    (trimmed ? `; its stderr ends with:\n${trimmed}` : " (no stderr)");
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

let lazy: Promise<MotoServer> | undefined;

/**
 * The URL of the moto server tests should use: `CREDS3_TEST_MOTO_URL` when set (the test
 * runner starts one shared server), else a server started on first call for this test process
 * and stopped when the process unloads.
 */
export async function motoUrl(): Promise<string> {
  const shared = Deno.env.get("CREDS3_TEST_MOTO_URL");
  if (shared) return shared.replace(/\/+$/, "");
  if (!lazy) {
    lazy = startMoto({ python: Deno.env.get("CREDS3_TEST_MOTO_PYTHON") });
    lazy.then(
      (server) => globalThis.addEventListener("unload", () => void server.stop()),
      () => {},
    );
  }
  return (await lazy).url;
}

/** `prefix-<random>`: lowercase, digits and dashes, valid as a bucket name and in an alias. */
export function uniqueName(prefix: string): string {
  const random = crypto.getRandomValues(new Uint8Array(6));
  const hex = Array.from(random, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${prefix}-${Date.now().toString(36)}-${hex}`;
}

/** SDK client settings for a test endpoint (credentials, region, path style, checksums). */
export function clientConfig(url: string) {
  return {
    endpoint: url,
    region: TEST_REGION,
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET_ACCESS_KEY },
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED" as const,
    responseChecksumValidation: "WHEN_REQUIRED" as const,
  };
}

/** An S3 client for a test endpoint. */
export function s3Client(url: string): S3Client {
  return new S3Client(clientConfig(url));
}

/** A KMS client for a test endpoint. */
export function kmsClient(url: string): KMSClient {
  const { forcePathStyle: _, ...config } = clientConfig(url);
  return new KMSClient(config);
}

/** A DynamoDB client for a test endpoint. */
export function dynamodbClient(url: string): DynamoDBClient {
  const { forcePathStyle: _, ...config } = clientConfig(url);
  return new DynamoDBClient(config);
}

/**
 * Create table `name` as credstash's `setup` creates it: `name` (S) the hash key, `version` (S)
 * the range key, 1 read and 1 write capacity unit.
 */
export async function createCredstashTable(url: string, name: string): Promise<void> {
  const ddb = dynamodbClient(url);
  try {
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [
          { AttributeName: "name", KeyType: "HASH" },
          { AttributeName: "version", KeyType: "RANGE" },
        ],
        AttributeDefinitions: [
          { AttributeName: "name", AttributeType: "S" },
          { AttributeName: "version", AttributeType: "S" },
        ],
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
    );
  } finally {
    ddb.destroy();
  }
}

/** Create a symmetric KMS key with `alias` pointing at it; returns the key id. */
export async function createKmsKey(url: string, alias = "alias/creds3"): Promise<string> {
  const kms = kmsClient(url);
  try {
    const created = await kms.send(new CreateKeyCommand({ Description: `creds3 test ${alias}` }));
    const keyId = created.KeyMetadata?.KeyId;
    if (!keyId) throw new Error("CreateKey returned no key id");
    await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
    return keyId;
  } finally {
    kms.destroy();
  }
}

/** Create bucket `name` at the S3 endpoint `url`. */
export async function createBucket(url: string, name: string): Promise<void> {
  const s3 = s3Client(url);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    s3.destroy();
  }
}

let emptyFile: string | undefined;

/**
 * Environment for a spawned CLI talking to test servers: test credentials and region,
 * S3/KMS/STS/DynamoDB endpoints, and the developer's own AWS config files replaced by an empty
 * file.
 */
export function awsEnv(s3Url: string, kmsUrl: string = s3Url): Record<string, string> {
  emptyFile ??= Deno.makeTempFileSync({ prefix: "creds3-empty-aws-config-" });
  return {
    AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
    AWS_REGION: TEST_REGION,
    AWS_ENDPOINT_URL_S3: s3Url,
    AWS_ENDPOINT_URL_KMS: kmsUrl,
    AWS_ENDPOINT_URL_STS: kmsUrl,
    // DynamoDB (credstash tables) is on moto, with KMS.
    AWS_ENDPOINT_URL_DYNAMODB: kmsUrl,
    AWS_CONFIG_FILE: emptyFile,
    AWS_SHARED_CREDENTIALS_FILE: emptyFile,
    AWS_EC2_METADATA_DISABLED: "true",
  };
}
