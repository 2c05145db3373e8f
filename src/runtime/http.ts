// HTTP-level pieces both pipelines share: the request as the shim sees it, header naming, query
// parsing, credentials, error bodies, and return-value encodings (EJSON / the Data API's JSON).

import { createHmac, timingSafeEqual } from "node:crypto";
import { Binary, BSONRegExp, Decimal128, Double, EJSON, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from "bson";
import type { OutboundCall } from "./functions/protocol.js";
import type { ErrorSpec, Semantics } from "./semantics.js";
import type { Credentials } from "./users.js";

export interface ShimRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string without the leading "?". */
  rawQuery: string;
  /** Node's rawHeaders: [name, value, name, value ...] as sent. */
  rawHeaders: string[];
  /** undefined when the request has no body. */
  body: Buffer | undefined;
  remoteAddress: string;
}

export interface ShimResponse {
  status: number;
  headers: Record<string, string[]>;
  body: Buffer;
  /** One-word outcome for the request log and verify (`ok`, `auth-failed`, `function-error` ...). */
  outcome: string;
  /** A failed function call: its error, and the line of the called source that threw, when known. */
  failure?: { message: string; line?: number };
  logs: string[];
  outbound: OutboundCall[];
}

/** Go's CanonicalMIMEHeaderKey, which App Services' backend applies to header names. */
export function canonicalHeaderName(name: string): string {
  return name
    .split("-")
    .map((p) => (p.length ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p))
    .join("-");
}

export function headersOf(rawHeaders: string[], mode: Semantics["headerCase"]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const keyOf = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const sent = rawHeaders[i]!;
    const lower = sent.toLowerCase();
    const key = keyOf.get(lower) ?? (mode === "canonical" ? canonicalHeaderName(sent) : sent);
    keyOf.set(lower, key);
    (out[key] ??= []).push(rawHeaders[i + 1]!);
  }
  return out;
}

/** First value of a header, by case-insensitive name. */
export function header(rawHeaders: string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === lower) return rawHeaders[i + 1];
  return undefined;
}

/** Query parameters: first occurrence of each (what `query` holds, §5.1) and every occurrence. */
export function parseQuery(raw: string): { first: Record<string, string>; all: Record<string, string[]> } {
  const first: Record<string, string> = {};
  const all: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (!(k in first)) first[k] = v;
    (all[k] ??= []).push(v);
  }
  return { first, all };
}

/** rawQueryString with every `secret` parameter removed (domain.md §3.4, context.txt example). */
export function withoutSecret(raw: string): string {
  return raw
    .split("&")
    .filter((p) => p !== "" && decodeURIComponent(p.split("=")[0]!.replace(/\+/g, " ")) !== "secret")
    .join("&");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `sha256=<hex HMAC-SHA256(secret, body)>`, the signature of both X-Hook-Signature and Endpoint-Signature. */
export function signature(secret: string, body: Buffer | string): string {
  return "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
}

const CREDENTIAL_FIELDS = ["email", "password", "api-key", "apiKey", "jwtTokenString"];

/** Application credentials from headers or from a JSON body's top-level fields (§3.3, §5.5). */
export function credentialsIn(source: Record<string, unknown>): Credentials | undefined {
  const get = (k: string) => {
    const v = source[k] ?? source[k.toLowerCase()];
    return Array.isArray(v) ? String(v[0]) : typeof v === "string" ? v : undefined;
  };
  const email = get("email");
  const password = get("password");
  if (email !== undefined && password !== undefined) return { kind: "local-userpass", email, password };
  const key = get("api-key") ?? get("apiKey");
  if (key !== undefined) return { kind: "api-key", key };
  const token = get("jwtTokenString");
  if (token !== undefined) return { kind: "custom-token", token };
  return undefined;
}

export function hasCredentialFields(source: Record<string, unknown>): boolean {
  return CREDENTIAL_FIELDS.some((k) => k in source || k.toLowerCase() in source);
}

/** Lower-cased header map for credential lookup. */
export function lowerHeaders(rawHeaders: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out[rawHeaders[i]!.toLowerCase()] ??= rawHeaders[i + 1]!;
  return out;
}

export function errorResponse(spec: ErrorSpec, message: string | undefined, outcome: string, extra: Partial<ShimResponse> = {}): ShimResponse {
  const body = { error: message ?? spec.message, error_code: spec.code, link: "http://localhost/hookshift-shim/logs" };
  return {
    status: spec.status,
    headers: { "Content-Type": ["application/json"] },
    body: Buffer.from(JSON.stringify(body)),
    outcome,
    logs: [],
    outbound: [],
    ...extra,
  };
}

/**
 * The Data API's JSON form of a BSON value (domain.md §5.3 table): Date → ISO string, ObjectId →
 * hex, numbers plain, Decimal128 → string, Binary → {Subtype, Data}, Regex → {Pattern, Options},
 * Timestamp → {T, I}, MinKey/MaxKey → {}.
 */
export function toDataApiJson(v: unknown): unknown {
  if (v === null || v === undefined || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof ObjectId) return v.toHexString();
  if (v instanceof Int32 || v instanceof Double) return v.valueOf();
  if (v instanceof Long) return v.toNumber();
  if (v instanceof Decimal128) return v.toString();
  if (v instanceof Binary) return { Subtype: v.sub_type, Data: Buffer.from(v.buffer).toString("base64") };
  if (v instanceof BSONRegExp) return { Pattern: v.pattern, Options: v.options };
  if (v instanceof RegExp) return { Pattern: v.source, Options: v.flags };
  if (v instanceof Timestamp) return { T: v.t, I: v.i };
  if (v instanceof MinKey || v instanceof MaxKey) return {};
  if (Array.isArray(v)) return v.map(toDataApiJson);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toDataApiJson(x)]));
  return String(v);
}

/** Re-encodes a canonical EJSON text as the Data API's JSON. */
export function ejsonToJson(canonical: string): string {
  return JSON.stringify(toDataApiJson(EJSON.parse(canonical, { relaxed: false })));
}
