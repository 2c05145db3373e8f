// Comparing what the webhook did with what the endpoint did (pure). Each run becomes one JSON
// tree (status, headers, body, database, outbound calls) flattened to path → value; values that
// differ between the two runs of the original are noise (new ObjectIds, dates) and are masked.

import { EJSON, type Document } from "bson";
import type { OutboundCall } from "../runtime/functions/protocol.js";
import type { CaseOutcome } from "./types.js";

export interface Observation {
  status: number;
  headers: Record<string, string[]>;
  body: Buffer;
  db: Record<string, Record<string, Document[]>>;
  outbound: OutboundCall[];
  /** How the request ended (ShimResponse.outcome): `ok` when the function ran to an answer. */
  outcome?: string;
  /** The function's error, when it failed. */
  failure?: { message: string; line?: number };
}

export interface Difference {
  /** Dotted path: `status`, `headers.content-type`, `body.result.id`, `db.shop.orders.0.total`, `outbound.0.args`. */
  path: string;
  original: string;
  migrated: string;
}

/** Transport headers that say nothing about behaviour. */
const IGNORED_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "date", "content-length", "server", "x-powered-by"]);

function normalise(o: Observation): unknown {
  const headers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(o.headers)) if (!IGNORED_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
  return {
    status: o.status,
    headers,
    body: bodyTree(o.body),
    db: JSON.parse(EJSON.stringify(o.db, { relaxed: false })),
    outbound: o.outbound.map(outboundCall),
  };
}

/**
 * Errors the platform raises before or around a function (not found, auth, validation ...) carry
 * texts and codes App Services does not document for either side; verify compares their status
 * only. Errors of the function itself (its exception message, the time limit) are compared whole.
 */
const FUNCTION_ERROR_CODES = new Set(["FunctionExecutionError", "ExecutionTimeLimitExceeded"]);

function isPlatformError(v: unknown): boolean {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.error_code === "string" && "error" in o && !FUNCTION_ERROR_CODES.has(o.error_code);
}

/**
 * One outbound call in a form where the same effect compares equal however it was made: a legacy
 * HTTP service's action and the same `context.http` action are one call; a Twilio message is one
 * message whether the service client or Twilio's Messages API sent it.
 */
function outboundCall(c: Observation["outbound"][number]): unknown {
  const kind = c.kind.startsWith("http-service.") ? `http.${c.kind.slice("http-service.".length)}` : c.kind;
  const service = kind.startsWith("http.") || kind === "twilio.send" ? null : (c.service ?? null);
  return { kind, service, args: safeParse(c.args), sent: c.sent };
}

/** A JSON (or EJSON) body as its canonical-EJSON tree; anything else as text or base64. */
function bodyTree(body: Buffer): unknown {
  if (body.length === 0) return { empty: true };
  const text = body.toString("utf8");
  try {
    const parsed = JSON.parse(text) as unknown;
    if (isPlatformError(parsed)) return { platformError: true };
    return { json: JSON.parse(EJSON.stringify(EJSON.parse(text, { relaxed: false }), { relaxed: false })) };
  } catch {
    return Buffer.from(text, "utf8").equals(body) ? { text } : { base64: body.toString("base64") };
  }
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

function flatten(v: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (v !== null && typeof v === "object") {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) out.set(prefix, Array.isArray(v) ? "[]" : "{}");
    for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  out.set(prefix, JSON.stringify(v));
  return out;
}

export interface Comparison {
  equal: boolean;
  differences: Difference[];
  /** Paths masked as noise (they differ between two runs of the original). */
  noise: string[];
}

export function compareRuns(original1: Observation, original2: Observation, migrated: Observation, moreOriginals: Observation[] = []): Comparison {
  const a = flatten(normalise(original1));
  const m = flatten(normalise(migrated));
  const noise = new Set<string>();
  for (const again of [original2, ...moreOriginals]) {
    const b = flatten(normalise(again));
    for (const p of new Set([...a.keys(), ...b.keys()])) if (a.get(p) !== b.get(p)) noise.add(p);
  }
  const differences: Difference[] = [];
  for (const p of [...new Set([...a.keys(), ...m.keys()])].sort()) {
    if (isMasked(p, noise)) continue;
    const x = a.get(p);
    const y = m.get(p);
    if (x !== y) differences.push({ path: p, original: x ?? "(absent)", migrated: y ?? "(absent)" });
  }
  return { equal: differences.length === 0, differences, noise: [...noise].sort() };
}

/** A path is noise when it or a parent differs between the two original runs. */
function isMasked(p: string, noise: Set<string>): boolean {
  if (noise.has(p)) return true;
  for (let i = p.lastIndexOf("."); i > 0; i = p.lastIndexOf(".", i - 1)) if (noise.has(p.slice(0, i))) return true;
  return false;
}

/**
 * Platform refusals of a request's credentials (runtime/webhook.ts, runtime/endpoint.ts). Webhooks
 * and endpoints document different answers for them, so two such refusals that differ are a
 * caller change, not a difference of the migrated function (which ran on neither side).
 */
const CREDENTIAL_REFUSALS: ReadonlySet<string> = new Set(["missing-credentials", "partial-credentials", "invalid-credentials", "double-credentials"]);

/**
 * What one case proves. Only a case where the function ran to an answer on both sides and nothing
 * differs is evidence (`equal`); the same failure on both sides, or the same platform answer
 * before any function ran, compare equal without saying anything about the migrated code.
 */
export function classify(cmp: Comparison, original: Observation, migrated: Observation): { outcome: CaseOutcome; reason?: string } {
  const how = original.outcome ?? "ok";
  if (!cmp.equal) {
    const after = migrated.outcome ?? "ok";
    if (CREDENTIAL_REFUSALS.has(how) && CREDENTIAL_REFUSALS.has(after)) {
      return {
        outcome: "callerChange",
        reason: `authentication error: the webhook answers ${how} (${original.status}), the endpoint ${after} (${migrated.status})`,
      };
    }
    return { outcome: "different" };
  }
  if (how === "ok") return { outcome: "equal" };
  if (how === "function-error" || how === "timeout") {
    const f = original.failure;
    const what = how === "timeout" ? "execution time limit exceeded" : (f?.message ?? "the function failed");
    return { outcome: "bothFailed", reason: f?.line !== undefined ? `${what} (line ${f.line})` : what };
  }
  return { outcome: "emulatorDefault", reason: `${how} (${original.status})` };
}
