// One node:http server with both URL families: the old webhook URLs with webhook semantics and
// the endpoint URLs with endpoint semantics. Hostile input never takes it down: a malformed
// request gets 400, a body over the limit 413, a slow client times out, and an unexpected error
// answers 500 for that request only. The request bodies held at once are bounded (503 past
// `maxInflightBodyBytes`), and a request whose client goes away before the answer cancels its
// function call (FunctionRuntime.call's signal).

import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { handleEndpoint, endpointPrefix, matchEndpoint } from "./endpoint.js";
import { errorResponse, malformedQuery, type ShimRequest, type ShimResponse } from "./http.js";
import type { PipelineDeps, Runner } from "./pipeline.js";
import { DEFAULT_LIMITS, type RuntimeLimits } from "./limits.js";
import { handleWebhook, matchWebhookPath, webhookPath } from "./webhook.js";

export interface RouteRow {
  kind: "webhook" | "endpoint";
  method: string;
  path: string;
  target: string;
}

/** Every URL the shim answers, for the table it prints when ready. */
export function routeTable(deps: PipelineDeps): RouteRow[] {
  const { served } = deps;
  const rows: RouteRow[] = served.webhooks.map((w) => ({
    kind: "webhook",
    method: w.service.type === "http" ? (w.config?.httpMethod ?? "POST") : "POST",
    path: webhookPath(served.appId, w.service.name, w.name),
    target: `${w.service.name}/${w.name} (${w.service.type} webhook)`,
  }));
  for (const e of served.endpoints) {
    rows.push({
      kind: "endpoint",
      method: String(e.entry.http_method),
      path: endpointPrefix(served.appId) + e.entry.route,
      target: `${e.entry.function_name}${e.entry.disabled ? " (disabled)" : ""}`,
    });
  }
  return rows;
}

/** Which URL families a server answers: `shim` both; `serve` endpoints, webhooks with `--webhooks`. */
export interface DispatchOptions {
  webhooks?: boolean;
}

/** Routes one request to its pipeline. Exported for verify, which calls it without a socket. */
export async function dispatch(req: ShimRequest, deps: PipelineDeps, opts: DispatchOptions = {}): Promise<ShimResponse> {
  // A %-escape that is not `%` and two hex digits (RFC 3986, section 2.1) in the query string:
  // a malformed request, whatever the route (inferred, docs/parity.md).
  const bad = malformedQuery(req.rawQuery);
  if (bad) return errorResponse({ status: 400, code: "InvalidParameter", message: "malformed query string" }, `malformed query string: ${bad}`, "bad-request");
  const res = await route(req, deps, opts.webhooks !== false);
  // HEAD answers carry no body (HTTP); node:http would drop it on the wire anyway.
  return req.method === "HEAD" ? { ...res, body: Buffer.alloc(0) } : res;
}

/**
 * What a request reached, for logs and metrics: the endpoint route (the configured one, so a
 * label's values stay bounded) or the webhook, and the function it runs.
 */
function describeTarget(
  req: Pick<ShimRequest, "method" | "path">,
  deps: PipelineDeps,
  opts: DispatchOptions = {},
): { kind: "webhook" | "endpoint" | "none"; route: string; functionName?: string } {
  const w = matchWebhookPath(req.path);
  if (w) {
    const hook =
      opts.webhooks !== false && w.appId === deps.served.appId
        ? deps.served.webhooks.find((x) => x.service.name === w.service && x.name === w.name)
        : undefined;
    return hook
      ? { kind: "webhook", route: `${hook.service.name}/${hook.name}`, functionName: `${hook.service.name}/${hook.name}` }
      : { kind: "none", route: "unmatched" };
  }
  const prefix = endpointPrefix(deps.served.appId);
  if (!req.path.startsWith(prefix + "/")) return { kind: "none", route: "unmatched" };
  let route: string;
  try {
    route = decodeURIComponent(req.path.slice(prefix.length));
  } catch {
    return { kind: "none", route: "unmatched" };
  }
  const { found } = matchEndpoint(deps.served.endpoints, route, req.method, deps.sem.endpointHeadAsGet);
  return found ? { kind: "endpoint", route: found.entry.route, functionName: found.entry.function_name } : { kind: "none", route: "unmatched" };
}

async function route(req: ShimRequest, deps: PipelineDeps, webhooks: boolean): Promise<ShimResponse> {
  if (matchWebhookPath(req.path))
    return webhooks ? handleWebhook(req, deps) : errorResponse(deps.sem.errors.webhookNotFound, "webhook URLs are served with --webhooks", "not-found");
  if (req.path.startsWith(endpointPrefix(deps.served.appId) + "/")) return handleEndpoint(req, deps);
  if (req.path.startsWith("/app/") && req.path.includes("/endpoint/")) return errorResponse(deps.sem.errors.endpointNotFound, "unknown app id", "not-found");
  return errorResponse(deps.sem.errors.endpointNotFound, "no webhook or endpoint at this path", "not-found");
}

export interface ShimServer {
  url: string;
  close(): Promise<void>;
}

/** Bytes of request bodies read and not yet answered, against their bound. */
interface BodyBudget {
  used: number;
  limit: number;
}

/** One answered (or abandoned) request, for the request log and metrics. Its URL has secrets hidden (loggedUrl). */
export interface RequestEvent {
  requestId: string;
  method: string;
  url: string;
  kind: "webhook" | "endpoint" | "none";
  route: string;
  functionName?: string;
  status: number;
  outcome: string;
  durationMs: number;
  /** The client closed the connection before the answer; nothing was sent. */
  cancelled: boolean;
  /** A failed function call's message (it may quote anything the function held: redact before logging). */
  failure?: string;
}

export interface HttpServerOptions {
  host: string;
  port: number;
  /** Connection limits; unset ones come from DEFAULT_LIMITS. */
  limits?: Partial<Pick<RuntimeLimits, "maxHeaderBytes" | "requestTimeoutMs" | "headersTimeoutMs" | "keepAliveTimeoutMs" | "maxInflightBodyBytes">>;
  dispatch?: DispatchOptions;
  /** Called once per request after its answer (or its cancellation). */
  onRequest?: (e: RequestEvent) => void;
  /**
   * Paths the server answers itself before routing (serve's /healthz, /readyz, /metrics): return
   * true when the request was handled. App Services' URLs all start with /app/ or /api/.
   */
  reserved?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

export interface HttpServer extends ShimServer {
  /** Requests read and not yet answered. */
  inflight(): number;
  /**
   * Graceful stop: no new connections, kept-alive ones close after their current answer, and the
   * requests in flight finish until `deadlineMs`; then every connection closes. Resolves with
   * whether every request finished in time.
   */
  drain(deadlineMs: number): Promise<boolean>;
}

/** The shim's server: both URL families, one text line a request on `log`. */
export async function startShimServer(
  deps: PipelineDeps,
  opts: { host: string; port: number; log: (line: string) => void; maxInflightBodyBytes?: number },
): Promise<ShimServer> {
  return startHttpServer(deps, {
    host: opts.host,
    port: opts.port,
    limits: opts.maxInflightBodyBytes !== undefined ? { maxInflightBodyBytes: opts.maxInflightBodyBytes } : {},
    onRequest: (e) =>
      opts.log(
        e.cancelled
          ? `${e.method} ${e.url} → cancelled: the client closed the connection (${e.durationMs} ms)`
          : `${e.method} ${e.url} → ${e.status} ${e.outcome} (${e.durationMs} ms)`,
      ),
  });
}

/** The request pipeline over node:http that `shim` and `serve` share. */
export async function startHttpServer(deps: PipelineDeps, opts: HttpServerOptions): Promise<HttpServer> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const budget: BodyBudget = { used: 0, limit: limits.maxInflightBodyBytes };
  // `active`: the responses not yet finished, so a stop can make each close its connection.
  const state = { draining: false, idle: [] as (() => void)[], active: new Set<http.ServerResponse>() };
  const ctx: ServeContext = { deps, budget, dispatch: opts.dispatch ?? {}, onRequest: opts.onRequest, state };
  const server = http.createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
    },
    (req, res) => {
      // While draining, a kept-alive connection carries this answer and closes.
      if (state.draining) res.shouldKeepAlive = false;
      // Counted before the reserved paths: a stop also waits for a login (a scrypt hash) in flight.
      state.active.add(res);
      res.once("close", () => {
        state.active.delete(res);
        if (state.active.size === 0) for (const f of state.idle.splice(0)) f();
      });
      if (opts.reserved?.(req, res)) return;
      void serve(req, res, ctx);
    },
  );
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    // Malformed request lines and headers never reach a handler: answer 400 (431 for headers over
    // the limit, RFC 6585 section 5) and close.
    const status = err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const closed = new Promise<void>((resolve) => server.once("close", () => resolve()));
  return {
    url: `http://${host}:${addr.port}`,
    inflight: () => state.active.size,
    close: async () => {
      server.close();
      server.closeAllConnections();
      await closed;
    },
    drain: async (deadlineMs) => {
      state.draining = true;
      // The requests in flight answer with "Connection: close": a kept-alive client that reused
      // the connection after an answer saying keep-alive would meet a reset once the stop closes it.
      for (const res of state.active) if (!res.headersSent) res.shouldKeepAlive = false;
      server.close();
      server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const finished =
        state.active.size === 0 ||
        (await new Promise<boolean>((resolve) => {
          state.idle.push(() => resolve(true));
          timer = setTimeout(() => resolve(false), deadlineMs);
        }));
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
      return finished;
    },
  };
}

interface ServeContext {
  deps: PipelineDeps;
  budget: BodyBudget;
  dispatch: DispatchOptions;
  onRequest?: (e: RequestEvent) => void;
  state: { draining: boolean };
}

/** A caller's X-Request-Id when it is a plain token, else a new one. */
function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

async function serve(req: http.IncomingMessage, res: http.ServerResponse, ctx: ServeContext): Promise<void> {
  const { deps, budget } = ctx;
  const started = performance.now();
  const requestId = requestIdOf(req);
  // The client went away before the answer (its socket closed): cancel the function call. The
  // body bytes this request holds are released when its response closes, either way.
  const cancel = new AbortController();
  let held = 0;
  const take = (bytes: number): boolean => {
    if (budget.used + bytes > budget.limit) return false;
    budget.used += bytes;
    held += bytes;
    return true;
  };
  res.once("close", () => {
    budget.used -= held;
    held = 0;
    if (!res.writableFinished) cancel.abort();
  });
  const runner: Runner = { call: (r, o) => deps.runner.call(r, { ...o, signal: cancel.signal }) };
  let target: ReturnType<typeof describeTarget> = { kind: "none", route: "unmatched" };
  const report = (r: ShimResponse, cancelled: boolean) =>
    ctx.onRequest?.({
      requestId,
      method: req.method ?? "GET",
      url: loggedUrl(req.url ?? "/"),
      ...target,
      status: r.status,
      outcome: r.outcome,
      durationMs: Math.round(performance.now() - started),
      cancelled,
      ...(r.failure ? { failure: r.failure.message } : {}),
    });
  const send = (r: ShimResponse) => {
    if (cancel.signal.aborted) {
      report(r, true);
      return;
    }
    if (res.headersSent) return;
    res.statusCode = r.status;
    for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
    res.setHeader("Content-Length", r.body.length);
    res.end(r.body);
    report(r, false);
  };
  try {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://shim.local");
    } catch {
      send(errorResponse({ status: 400, code: "InvalidParameter", message: "malformed request URL" }, undefined, "bad-request"));
      return;
    }
    target = describeTarget({ method: req.method ?? "GET", path: url.pathname }, deps, ctx.dispatch);
    const body = await readBody(req, deps.sem.maxBodyBytes, take);
    if (body === "too-large") {
      send(
        errorResponse({ status: 413, code: "ReadSizeLimitExceeded", message: `request body exceeds ${deps.sem.maxBodyBytes} bytes` }, undefined, "too-large"),
      );
      req.destroy();
      return;
    }
    if (body === "busy") {
      const mb = Math.round((budget.limit / 1024 / 1024) * 10) / 10;
      const busy = errorResponse(
        { status: 503, code: "ServiceUnavailable", message: "too many request bodies in flight" },
        `the shim holds ${mb} MB of request bodies at most (--max-inflight-body-mb); try again when earlier requests have been answered`,
        "busy",
      );
      // The answer waits until the rest of the body has been read and dropped (nothing of it is
      // kept): cut off, a client still sending sees a reset instead of this 503.
      const answer = () => send({ ...busy, headers: { ...busy.headers, "Retry-After": ["1"], Connection: ["close"] } });
      if (req.readableEnded) answer();
      else {
        req.once("end", answer);
        req.resume();
      }
      return;
    }
    const shimReq: ShimRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      rawQuery: url.search.startsWith("?") ? url.search.slice(1) : url.search,
      rawHeaders: req.rawHeaders,
      body,
      remoteAddress: req.socket.remoteAddress ?? "127.0.0.1",
    };
    send(await dispatch(shimReq, { ...deps, runner }, ctx.dispatch));
  } catch (e) {
    send(
      errorResponse(
        { status: 500, code: "InternalServerError", message: "internal shim error" },
        `internal shim error: ${e instanceof Error ? e.message : String(e)}`,
        "shim-error",
      ),
    );
  }
}

/**
 * The request URL for the log, with the value of any `secret` parameter hidden. Parameters are
 * recognised by their decoded name, decoded as the query parser decodes it (`%73ecret`,
 * `s%65cret` and `secret` are one parameter), in any letter case.
 */
export function loggedUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split("&")
    .map((p) => {
      const name = p.split("=")[0]!;
      return [...new URLSearchParams(name).keys()][0]?.toLowerCase() === "secret" ? `${name}=«redacted»` : p;
    });
  return `${url.slice(0, q)}?${parts.join("&")}`;
}

/**
 * The body, `undefined` when there is none, "too-large" past the limit (App Services: 18 MB), or
 * "busy" when `take` refuses its bytes (the server's bound on bodies in flight).
 */
function readBody(req: http.IncomingMessage, limit: number, take: (bytes: number) => boolean): Promise<Buffer | undefined | "too-large" | "busy"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve("too-large");
  // A declared length is claimed up front; bytes past what was claimed are claimed as they come.
  let claimed = Number.isFinite(declared) && declared > 0 ? declared : 0;
  if (claimed > 0 && !take(claimed)) return Promise.resolve("busy");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        resolve("too-large");
      } else if (size > claimed && !take(size - claimed)) {
        done = true;
        chunks.length = 0;
        resolve("busy");
      } else {
        claimed = Math.max(claimed, size);
        chunks.push(c);
      }
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(size === 0 ? undefined : Buffer.concat(chunks));
    });
    req.on("error", (e) => {
      if (!done) reject(e);
    });
    req.on("close", () => {
      if (!done) reject(new Error("the client closed the connection"));
      done = true;
    });
  });
}
