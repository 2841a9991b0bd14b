/**
 * Noticing AWS requests that take long: a middleware on a client calls back while a request
 * (all of its attempts) waits for an answer, first after a few seconds, then at intervals, so
 * that a person at a terminal learns what a silent command is waiting for.
 *
 * @module
 */

/** A request that has waited long for its answer. */
export interface SlowRequest {
  /** `S3`, `KMS`, `STS` or `DynamoDB`. */
  service: string;
  /** The operation, e.g. `GetObject`. */
  operation: string;
  /** Where the request goes, e.g. `https://kms.eu-west-1.amazonaws.com`. */
  endpoint: string;
  /** How long it has waited so far, in milliseconds. */
  waitedMs: number;
}

/** Called for each request that waits longer than the first delay, and again at intervals. */
export type SlowRequestListener = (request: SlowRequest) => void;

/** When a waiting request is reported: after `firstMs`, then every `everyMs`. */
export interface SlowRequestTimes {
  firstMs: number;
  everyMs: number;
}

/** The default times: after 3 s, then every 10 s. */
export const SLOW_REQUEST_TIMES: SlowRequestTimes = { firstMs: 3000, everyMs: 10_000 };

interface BuildArgs {
  request: unknown;
}

type Handler = (args: BuildArgs) => Promise<unknown>;

/** The part of an SDK client's middleware stack used here. */
interface MiddlewareStack {
  add(
    middleware: (next: Handler, context: { commandName?: string }) => Handler,
    options: { step: "build"; name: string },
  ): void;
}

function endpointOf(request: unknown): string {
  const r = request as { protocol?: string; hostname?: string; port?: number };
  if (!r?.hostname) return "its endpoint";
  return `${r.protocol ?? "https:"}//${r.hostname}${r.port ? `:${r.port}` : ""}`;
}

/**
 * Adds to `client` a middleware that calls `listener` while a request of `service` waits
 * longer than `times.firstMs`, then every `times.everyMs`, until it is answered or fails.
 */
export function watchSlowRequests(
  client: { middlewareStack: unknown },
  service: string,
  listener: SlowRequestListener,
  times: SlowRequestTimes = SLOW_REQUEST_TIMES,
): void {
  (client.middlewareStack as MiddlewareStack).add((next, context) => async (args) => {
    const started = Date.now();
    const report = () =>
      listener({
        service,
        operation: (context.commandName ?? "request").replace(/Command$/, ""),
        endpoint: endpointOf(args.request),
        waitedMs: Date.now() - started,
      });
    let timer = setTimeout(function tick() {
      report();
      timer = setTimeout(tick, times.everyMs);
    }, times.firstMs);
    try {
      return await next(args);
    } finally {
      clearTimeout(timer);
    }
  }, { step: "build", name: "creds3SlowRequests" });
}
