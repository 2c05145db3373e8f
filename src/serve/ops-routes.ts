// The paths serve answers itself, before any App Services route: every App Services URL starts
// with /app/ (endpoints) or /api/ (webhooks and the client API), so these root paths can never
// be an endpoint's route (docs/deploy.md, "Operations").
//   GET /healthz  the process is up and serving (200)
//   GET /readyz   the database answers a ping and the server is not shutting down (200, else 503)
//   GET /metrics  Prometheus text format

import type http from "node:http";
import type { Registry } from "prom-client";
import type { Store } from "../runtime/store/types.js";

const OPS_PATHS = { health: "/healthz", ready: "/readyz", metrics: "/metrics" } as const;

export interface OpsState {
  store: Store;
  registry: Registry;
  /** True once shutdown began: not ready, so a load balancer sends no new requests. */
  draining: () => boolean;
  /** How long /readyz waits for the ping. */
  pingTimeoutMs: number;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

/** Whether the store answers within `ms`; the reason when not. */
export async function pingStore(store: Store, ms: number): Promise<{ ok: true } | { ok: false; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** The `reserved` hook of startHttpServer: true when the request was one of OPS_PATHS. */
export function opsRoutes(state: OpsState): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? "/";
    const path = url.split("?")[0];
    if (path !== OPS_PATHS.health && path !== OPS_PATHS.ready && path !== OPS_PATHS.metrics) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      json(res, 405, { error: "method not allowed" });
      return true;
    }
    // The request's body (if any) is not read: drop it so the connection can be reused.
    req.resume();
    if (path === OPS_PATHS.health) json(res, 200, { status: "ok" });
    else if (path === OPS_PATHS.ready) {
      if (state.draining()) json(res, 503, { status: "shutting down" });
      else
        void pingStore(state.store, state.pingTimeoutMs).then((r) =>
          r.ok ? json(res, 200, { status: "ready" }) : json(res, 503, { status: "not ready", reason: `database unreachable: ${r.reason}` }),
        );
    } else
      void state.registry.metrics().then(
        (text) => {
          res.statusCode = 200;
          res.setHeader("Content-Type", state.registry.contentType);
          res.end(text);
        },
        (e: Error) => json(res, 500, { error: e.message }),
      );
    return true;
  };
}
