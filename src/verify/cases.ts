// Test cases for one webhook, built from its config (pure). A case is one logical request; it is
// rendered once per protocol (render.ts), so a signed case carries X-Hook-Signature to the webhook
// and Endpoint-Signature to the endpoint: the caller-side change, not a behaviour difference.

import { EJSON } from "bson";
import type { Webhook } from "../app/model.js";

export type SecretMode = "none" | "wrong" | "right";
export type CredentialMode = "none" | "valid-headers" | "invalid-headers" | "valid-body";

export interface LogicalCase {
  name: string;
  method: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** undefined: no body. */
  body?: string;
  secret: SecretMode;
  credentials: CredentialMode;
}

/** A recorded request (`--requests` JSONL line). */
export interface RecordedRequest {
  method: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

export function casesFor(webhook: Webhook, recorded: RecordedRequest[] = []): LogicalCase[] {
  const cfg = webhook.config!;
  const type = webhook.service.type;
  const out: LogicalCase[] = [];
  const secretModes: SecretMode[] = type === "http" && cfg.validationMethod !== "NO_VALIDATION" ? ["none", "wrong", "right"] : ["none"];
  const okSecret: SecretMode = secretModes.includes("right") ? "right" : "none";
  const credModes: CredentialMode[] = webhook.authMode === "application" ? ["none", "invalid-headers", "valid-headers", "valid-body"] : ["none"];
  const okCreds: CredentialMode = credModes.includes("valid-headers") ? "valid-headers" : "none";
  const methods = type !== "http" ? ["POST"] : cfg.httpMethod === "ANY" ? ALL_METHODS : [cfg.httpMethod ?? "POST"];
  const base = (name: string, method: string): LogicalCase => ({ name, method, query: {}, headers: {}, secret: okSecret, credentials: okCreds });

  if (type === "github") {
    const event = JSON.stringify({ action: "published", ref: "refs/heads/main", repository: { full_name: "octo/repo" }, release: { tag_name: "v1.0.0" }, commits: [], pusher: { name: "octo" } });
    out.push({ ...base("github event", "POST"), headers: { "Content-Type": "application/json", "X-GitHub-Event": "push" }, body: event });
    return out;
  }
  if (type === "twilio") {
    const form = new URLSearchParams({ From: "+15558675309", To: "+18057166646", Body: "Hello! How are you?", MessageSid: "SM00000000000000000000000000000000", AccountSid: "AC00000000000000000000000000000000", NumMedia: "0" }).toString();
    out.push({ ...base("twilio message", "POST"), headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form });
    return out;
  }

  for (const method of methods) {
    out.push({ ...base(`${method} no body`, method) });
    if (method === "GET" || method === "HEAD") {
      out.push({ ...base(`${method} query parameters`, method), query: { id: "64a0000000000000000000aa", page: "2" } });
      continue;
    }
    out.push({ ...base(`${method} JSON body`, method), headers: { "Content-Type": "application/json" }, body: '{ "items": [ { "sku": "A-1", "qty": 2 } ], "customer": "c-1", "note": "spaces kept" }' });
    out.push({
      ...base(`${method} EJSON body`, method),
      headers: { "Content-Type": "application/json" },
      body: EJSON.stringify({ id: { $oid: "64a0000000000000000000bb" }, at: { $date: "2024-01-02T03:04:05.000Z" }, n: { $numberLong: "42" } }),
    });
    out.push({ ...base(`${method} form body`, method), headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "name=hookshift&count=3" });
  }
  if (type === "http" && cfg.httpMethod !== "ANY") {
    const other = cfg.httpMethod === "GET" ? "POST" : "GET";
    out.push({ ...base(`${other} (method not allowed)`, other) });
  }
  const main = methods[0]!;
  const body = main === "GET" || main === "HEAD" ? undefined : '{"probe":true}';
  const headers: Record<string, string> = body ? { "Content-Type": "application/json" } : {};
  for (const s of secretModes.filter((m) => m !== okSecret)) out.push({ ...base(`${main} secret ${s}`, main), secret: s, headers, body });
  for (const c of credModes.filter((m) => m !== okCreds)) out.push({ ...base(`${main} credentials ${c}`, main), credentials: c, headers: { "Content-Type": "application/json" }, body: '{"probe":true}' });
  recorded.forEach((r, i) => {
    out.push({ ...base(`recorded #${i + 1} ${r.method}`, r.method.toUpperCase()), query: r.query ?? {}, headers: r.headers ?? {}, body: r.body });
  });
  return out;
}
