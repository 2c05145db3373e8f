// HTTP-level pieces both pipelines share: the request as the shim sees it, header naming, query
// parsing, credentials, error bodies, and return-value encodings (EJSON / the Data API's JSON).

import { createHmac, timingSafeEqual } from "node:crypto";
import { Binary, BSONRegExp, Decimal128, Double, EJSON, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from "bson";
import { binaryBytes } from "./bson-values.js";
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
    pushOwn(out, key, rawHeaders[i + 1]!);
  }
  return out;
}

/**
 * Appends to the list under `key` as an own property: a name a request chose (`__proto__`,
 * `constructor`, `toString`) must never reach an inherited one (found by bench/fuzz.mjs).
 */
function pushOwn(o: Record<string, string[]>, key: string, value: string): void {
  if (Object.hasOwn(o, key)) o[key]!.push(value);
  else setOwn(o, key, [value]);
}

/** `o[key] = value` as an own data property, even for `__proto__` (whose assignment sets the prototype). */
function setOwn<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

/** First value of a header, by case-insensitive name. */
export function header(rawHeaders: string[], name: string): string | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === lower) return rawHeaders[i + 1];
  return undefined;
}

/**
 * Query parameters: first occurrence of each (what `query` holds) and every occurrence.
 * https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/#endpoint-request-object
 */
export function parseQuery(raw: string): { first: Record<string, string>; all: Record<string, string[]> } {
  const first: Record<string, string> = {};
  const all: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (!Object.hasOwn(first, k)) setOwn(first, k, v);
    pushOwn(all, k, v);
  }
  return { first, all };
}

/**
 * rawQueryString with every `secret` parameter removed
 * (https://www.mongodb.com/docs/atlas/app-services/functions/context/#context-request).
 */
export function withoutSecret(raw: string): string {
  // Names decode as parseQuery decodes them (URLSearchParams: lenient, never throws; it drops a
  // leading "?" of the whole string only, hence the "&" before every other pair).
  return raw
    .split("&")
    .filter((p, i) => p !== "" && [...new URLSearchParams((i === 0 ? "" : "&") + p.split("=")[0]!).keys()][0] !== "secret")
    .join("&");
}

/**
 * The first `%` in a query string that does not start a `%XX` escape (RFC 3986, section 2.1), as
 * "`<parameter>`", or undefined when every escape is well formed. server.ts answers such a
 * request 400 (docs/parity.md).
 */
export function malformedQuery(raw: string): string | undefined {
  const at = raw.search(/%(?![0-9A-Fa-f]{2})/);
  if (at < 0) return undefined;
  const start = raw.lastIndexOf("&", at) + 1;
  const end = raw.indexOf("&", at);
  const pair = raw.slice(start, end < 0 ? undefined : end);
  const eq = pair.indexOf("=");
  const where = eq >= 0 && start + eq < at ? "value of" : "name of";
  const name = eq >= 0 ? pair.slice(0, eq) : pair;
  return `invalid %-escape in the ${where} parameter "${name.length > 40 ? name.slice(0, 40) + "…" : name}"`;
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

/**
 * Application credentials from headers or from a JSON body's top-level fields
 * (https://www.mongodb.com/docs/atlas/app-services/services/configure/service-webhooks/,
 * https://www.mongodb.com/docs/atlas/app-services/data-api/authenticate/).
 */
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

/**
 * Credentials in a webhook's JSON body: only the top-level fields application authentication reads
 * there, spelled as the webhook docs spell them (`email` with `password`, `api-key`,
 * `jwtTokenString`), with string values; a complete set or nothing. A lone `email`, `password`,
 * a `key` or `secret` is the caller's own data, not credentials
 * (https://www.mongodb.com/docs/atlas/app-services/services/configure/service-webhooks/).
 */
export function credentialsInBody(body: Record<string, unknown>): Credentials | undefined {
  const str = (k: string) => (Object.hasOwn(body, k) && typeof body[k] === "string" ? (body[k] as string) : undefined);
  const email = str("email");
  const password = str("password");
  if (email !== undefined && password !== undefined) return { kind: "local-userpass", email, password };
  const key = str("api-key");
  if (key !== undefined) return { kind: "api-key", key };
  const token = str("jwtTokenString");
  if (token !== undefined) return { kind: "custom-token", token };
  return undefined;
}

/** Lower-cased header map for credential lookup. */
export function lowerHeaders(rawHeaders: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!Object.hasOwn(out, name)) setOwn(out, name, rawHeaders[i + 1]!);
  }
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
 * The Data API's JSON form of a BSON value
 * (https://www.mongodb.com/docs/atlas/app-services/data-api/data-formats/):
 * Date → ISO string, ObjectId → hex, numbers plain, Decimal128 → string, Binary → {Subtype, Data},
 * Regex → {Pattern, Options}, Timestamp → {T, I}, MinKey/MaxKey → {}.
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
  if (v instanceof Binary) return { Subtype: v.sub_type, Data: Buffer.from(binaryBytes(v)).toString("base64") };
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
