// One node:http server with both URL families: the old webhook URLs with webhook semantics and
// the endpoint URLs with endpoint semantics. Hostile input never takes it down: a malformed
// request gets 400, a body over the limit 413, a slow client times out, and an unexpected error
// answers 500 for that request only.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { handleEndpoint, endpointPrefix } from "./endpoint.js";
import { errorResponse, type ShimRequest, type ShimResponse } from "./http.js";
import type { PipelineDeps } from "./pipeline.js";
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

export async function startShimServer(deps: PipelineDeps, opts: { host: string; port: number; log: (line: string) => void }): Promise<ShimServer> {
  const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 15_000, keepAliveTimeout: 5_000 }, (req, res) => {
    void serve(req, res, deps, opts.log);
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

async function serve(req: http.IncomingMessage, res: http.ServerResponse, deps: PipelineDeps, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const send = (r: ShimResponse) => {
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
    const body = await readBody(req, deps.sem.maxBodyBytes);
    if (body === "too-large") {
      send(errorResponse({ status: 413, code: "ReadSizeLimitExceeded", message: `request body exceeds ${deps.sem.maxBodyBytes} bytes` }, undefined, "too-large"));
      req.destroy();
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
    send(await dispatch(shimReq, deps));
  } catch (e) {
    send(errorResponse({ status: 500, code: "InternalServerError", message: "internal shim error" }, `internal shim error: ${e instanceof Error ? e.message : String(e)}`, "shim-error"));
  }
}

/** The request URL for the log, with the value of any `secret` parameter hidden. */
export function loggedUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split("&")
    .map((p) => (/^secret(=|$)/i.test(p) ? "secret=«redacted»" : p));
  return `${url.slice(0, q)}?${parts.join("&")}`;
}

/** The body, `undefined` when there is none, or "too-large" past the limit (App Services: 18 MB). */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined | "too-large"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve("too-large");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit && !done) {
        done = true;
        resolve("too-large");
      } else if (!done) chunks.push(c);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(size === 0 ? undefined : Buffer.concat(chunks));
    });
    req.on("error", (e) => {
      if (!done) reject(e);
    });
  });
}
