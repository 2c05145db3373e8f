// Prometheus metrics for serve (prom-client), on a registry of its own so several servers in one
// process (tests) do not share counters. Labels stay bounded: the configured route (never the
// requested path), the method, the status and the function name.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RequestEvent } from "../runtime/server.js";

export interface PoolStats {
  workers: number;
  busy: number;
  queued: number;
}

export interface ServeMetrics {
  registry: Registry;
  observe(e: RequestEvent): void;
}

export function createMetrics(pool: () => PoolStats): ServeMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "hookshift_" });
  const requests = new Counter({
    name: "hookshift_http_requests_total",
    help: "Requests answered, by method, route (the configured endpoint route or webhook, else 'unmatched'), status and outcome",
    labelNames: ["method", "route", "status", "outcome"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "hookshift_http_request_duration_seconds",
    help: "Time from the request's arrival to its answer, by route",
    labelNames: ["route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const fnErrors = new Counter({
    name: "hookshift_function_errors_total",
    help: "Function calls that threw or were rejected (time-limit kills included), by function",
    labelNames: ["function"] as const,
    registers: [registry],
  });
  const timeouts = new Counter({
    name: "hookshift_function_time_limit_kills_total",
    help: "Function calls stopped at the time limit, by function",
    labelNames: ["function"] as const,
    registers: [registry],
  });
  const cancelled = new Counter({
    name: "hookshift_http_requests_cancelled_total",
    help: "Requests whose client closed the connection before the answer (their function call was cancelled)",
    registers: [registry],
  });
  // Read at scrape time: what the pool holds now.
  new Gauge({
    name: "hookshift_pool_workers",
    help: "Function worker threads",
    registers: [registry],
    collect() {
      this.set(pool().workers);
    },
  });
  new Gauge({
    name: "hookshift_pool_busy_workers",
    help: "Function worker threads running a call",
    registers: [registry],
    collect() {
      this.set(pool().busy);
    },
  });
  new Gauge({
    name: "hookshift_pool_queued_calls",
    help: "Function calls waiting for a free worker (above 0: the pool is saturated)",
    registers: [registry],
    collect() {
      this.set(pool().queued);
    },
  });
  return {
    registry,
    observe(e) {
      if (e.cancelled) {
        cancelled.inc();
        return;
      }
      requests.inc({ method: e.method, route: e.route, status: String(e.status), outcome: e.outcome });
      latency.observe({ route: e.route }, e.durationMs / 1000);
      const fn = e.functionName ?? "";
      if (e.outcome === "timeout") timeouts.inc({ function: fn });
      if (e.outcome === "timeout" || e.outcome === "function-error") fnErrors.inc({ function: fn });
    },
  };
}
