// One node:http server with both URL families: the old webhook URLs with webhook semantics and
// the endpoint URLs with endpoint semantics. Hostile input never takes it down: a malformed
// request gets 400, a body over the limit 413, a slow client times out, and an unexpected error
// answers 500 for that request only. The request bodies held at once are bounded (503 past
// `maxInflightBodyBytes`), and a request whose client goes away before the answer cancels its
// function call (FunctionRuntime.call's signal).

import http from "node:http";
import type { AddressInfo } from "node:net";
import { handleEndpoint, endpointPrefix } from "./endpoint.js";
import { errorResponse, malformedQuery, type ShimRequest, type ShimResponse } from "./http.js";
import type { PipelineDeps, Runner } from "./pipeline.js";
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

/** Routes one request to its pipeline. Exported for verify, which calls it without a socket. */
export async function dispatch(req: ShimRequest, deps: PipelineDeps): Promise<ShimResponse> {
  // A %-escape that is not `%` and two hex digits (RFC 3986, section 2.1) in the query string:
  // a malformed request, whatever the route (inferred, docs/parity.md).
  const bad = malformedQuery(req.rawQuery);
  if (bad) return errorResponse({ status: 400, code: "InvalidParameter", message: "malformed query string" }, `malformed query string: ${bad}`, "bad-request");
  const res = await route(req, deps);
  // HEAD answers carry no body (HTTP); node:http would drop it on the wire anyway.
  return req.method === "HEAD" ? { ...res, body: Buffer.alloc(0) } : res;
}

async function route(req: ShimRequest, deps: PipelineDeps): Promise<ShimResponse> {
  if (matchWebhookPath(req.path)) return handleWebhook(req, deps);
  if (req.path.startsWith(endpointPrefix(deps.served.appId) + "/")) return handleEndpoint(req, deps);
  if (req.path.startsWith("/app/") && req.path.includes("/endpoint/")) return errorResponse(deps.sem.errors.endpointNotFound, "unknown app id", "not-found");
  return errorResponse(deps.sem.errors.endpointNotFound, "no webhook or endpoint at this path", "not-found");
}

export interface ShimServer {
  url: string;
  close(): Promise<void>;
}

/** Default bound of the request bodies the server holds at once (`shim --max-inflight-body-mb`). */
export const DEFAULT_MAX_INFLIGHT_BODY_BYTES = 256 * 1024 * 1024;

/** Bytes of request bodies read and not yet answered, against their bound. */
interface BodyBudget {
  used: number;
  limit: number;
}

export async function startShimServer(
  deps: PipelineDeps,
  opts: { host: string; port: number; log: (line: string) => void; maxInflightBodyBytes?: number },
): Promise<ShimServer> {
  const budget: BodyBudget = { used: 0, limit: opts.maxInflightBodyBytes ?? DEFAULT_MAX_INFLIGHT_BODY_BYTES };
  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 15_000, keepAliveTimeout: 5_000 }, (req, res) => {
    void serve(req, res, deps, opts.log, budget);
  });
  server.on("clientError", (_err, socket) => {
    // Malformed request lines and headers never reach a handler: answer 400 and close.
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(req: http.IncomingMessage, res: http.ServerResponse, deps: PipelineDeps, log: (line: string) => void, budget: BodyBudget): Promise<void> {
  const started = Date.now();
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
  const send = (r: ShimResponse) => {
    if (cancel.signal.aborted) {
      log(`${req.method} ${loggedUrl(req.url ?? "/")} → cancelled: the client closed the connection (${Date.now() - started} ms)`);
      return;
    }
    if (res.headersSent) return;
    res.statusCode = r.status;
    for (const [k, v] of Object.entries(r.headers)) res.setHeader(k, v);
    res.setHeader("Content-Length", r.body.length);
    res.end(r.body);
    log(`${req.method} ${loggedUrl(req.url ?? "/")} → ${r.status} ${r.outcome} (${Date.now() - started} ms)`);
  };
  try {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://shim.local");
    } catch {
      send(errorResponse({ status: 400, code: "InvalidParameter", message: "malformed request URL" }, undefined, "bad-request"));
      return;
    }
    const body = await readBody(req, deps.sem.maxBodyBytes, take);
    if (body === "too-large") {
      send(errorResponse({ status: 413, code: "ReadSizeLimitExceeded", message: `request body exceeds ${deps.sem.maxBodyBytes} bytes` }, undefined, "too-large"));
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
    send(await dispatch(shimReq, { ...deps, runner }));
  } catch (e) {
    send(errorResponse({ status: 500, code: "InternalServerError", message: "internal shim error" }, `internal shim error: ${e instanceof Error ? e.message : String(e)}`, "shim-error"));
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
