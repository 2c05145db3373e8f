// The runtime's resource limits and their defaults, in one place: `shim` and `serve` take their
// defaults (and their help text) from here, and the semantics, the function pool and the HTTP
// server read them from here, so no default is written twice.

export interface RuntimeLimits {
  /** Request body limit (App Services: 18 MB, https://www.mongodb.com/docs/atlas/app-services/reference/service-limitations/). */
  maxBodyBytes: number;
  /** Request line and headers together (Node's own default, 16 KiB). */
  maxHeaderBytes: number;
  /** Per-call function time limit (App Services: 300 s, https://www.mongodb.com/docs/atlas/app-services/functions/#function-constraints). */
  timeLimitMs: number;
  /** Per-worker function memory, JS heap plus Buffers (App Services: 350 MB, same page). */
  memoryLimitMb: number;
  /** Time to receive a whole request (node:http `requestTimeout`). */
  requestTimeoutMs: number;
  /** Time to receive a request's headers (node:http `headersTimeout`). */
  headersTimeoutMs: number;
  /** Idle time a kept-alive connection stays open (node:http `keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** Request bodies held at once before new ones get 503. */
  maxInflightBodyBytes: number;
}

export const DEFAULT_LIMITS: Readonly<RuntimeLimits> = Object.freeze({
  maxBodyBytes: 18 * 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  timeLimitMs: 300_000,
  memoryLimitMb: 350,
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxInflightBodyBytes: 256 * 1024 * 1024,
});
