// One logical case rendered for each protocol (pure). What differs between the two renderings is
// what callers must change (URL, signature header, secret value) and is listed as caller changes.

import type { EndpointEntry, Webhook } from "../app/model.js";
import { signature, type ShimRequest } from "../runtime/http.js";
import { endpointPrefix } from "../runtime/endpoint.js";
import { webhookPath } from "../runtime/webhook.js";
import type { LogicalCase } from "./cases.js";

export interface Credentials {
  email: string;
  password: string;
}

function rawHeaders(h: Record<string, string>): string[] {
  return Object.entries(h).flat();
}

function withCredentials(c: LogicalCase, creds: Credentials, headers: Record<string, string>): { headers: Record<string, string>; body?: string } {
  if (c.credentials === "valid-headers") return { headers: { ...headers, email: creds.email, password: creds.password }, body: c.body };
  if (c.credentials === "invalid-headers") return { headers: { ...headers, email: creds.email, password: "not-the-password" }, body: c.body };
  if (c.credentials === "valid-body") {
    let obj: Record<string, unknown> = {};
    try {
      obj = c.body ? (JSON.parse(c.body) as Record<string, unknown>) : {};
    } catch {
      obj = {};
    }
    return { headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify({ ...obj, email: creds.email, password: creds.password }) };
  }
  return { headers, body: c.body };
}

function secretFor(mode: LogicalCase["secret"], real: string | undefined): string | undefined {
  if (mode === "none") return undefined;
  return mode === "right" ? real : `${real ?? ""}-wrong`;
}

/** What a caller of the webhook sends: `?secret=`, `X-Hook-Signature`, or GitHub's signature. */
function signLikeWebhookCaller(
  c: LogicalCase,
  webhook: Webhook,
  query: Record<string, string>,
  headers: Record<string, string>,
  body: string | undefined,
): void {
  const cfg = webhook.config!;
  const secret = secretFor(c.secret, cfg.secret);
  if (secret !== undefined && cfg.validationMethod === "SECRET_AS_QUERY_PARAM") query.secret = secret;
  if (secret !== undefined && cfg.validationMethod === "VERIFY_PAYLOAD") headers["X-Hook-Signature"] = signature(secret, body ?? "");
  if (webhook.service.type === "github" && cfg.secret) headers["X-Hub-Signature-256"] = signature(cfg.secret, body ?? "");
}

export function renderForWebhook(c: LogicalCase, appId: string, webhook: Webhook, creds: Credentials): ShimRequest {
  const { headers, body } = withCredentials(c, creds, { ...c.headers });
  const query = { ...c.query };
  signLikeWebhookCaller(c, webhook, query, headers, body);
  return {
    method: c.method,
    path: webhookPath(appId, webhook.service.name, webhook.name),
    rawQuery: new URLSearchParams(query).toString(),
    rawHeaders: rawHeaders(headers),
    body: body === undefined ? undefined : Buffer.from(body),
    remoteAddress: "127.0.0.1",
  };
}

export function renderForEndpoint(
  c: LogicalCase,
  appId: string,
  webhook: Webhook,
  entry: EndpointEntry,
  secrets: Record<string, string>,
  creds: Credentials,
): ShimRequest {
  // Endpoints take credentials from headers only: a caller that sent them in the body sends the
  // same body and adds them as headers (a caller change, listed apart from differences).
  let { headers, body } = withCredentials(c, creds, { ...c.headers });
  if (c.credentials === "valid-body") headers = { ...headers, email: creds.email, password: creds.password };
  const query = { ...c.query };
  if (entry.validation_method === "SECRET_AS_QUERY_PARAM" || entry.validation_method === "VERIFY_PAYLOAD") {
    const secret = secretFor(c.secret, entry.secret_name ? secrets[entry.secret_name] : undefined);
    if (secret !== undefined && entry.validation_method === "SECRET_AS_QUERY_PARAM") query.secret = secret;
    if (secret !== undefined && entry.validation_method === "VERIFY_PAYLOAD") headers["Endpoint-Signature"] = signature(secret, body ?? "");
  } else {
    // The endpoint checks nothing itself; its code may keep the webhook's contract (rules
    // signature-header, github-payload), so the caller sends what it sent to the webhook.
    signLikeWebhookCaller(c, webhook, query, headers, body);
  }
  return {
    method: endpointMethodFor(c.method, webhook, entry),
    path: endpointPrefix(appId) + entry.route,
    rawQuery: new URLSearchParams(query).toString(),
    rawHeaders: rawHeaders(headers),
    body: body === undefined ? undefined : Buffer.from(body),
    remoteAddress: "127.0.0.1",
  };
}

/**
 * The method a caller sends to the endpoint: a HEAD webhook's callers send GET to its GET endpoint
 * (endpoints have no HEAD method; a caller change, docs/parity.md), every other method is kept.
 */
function endpointMethodFor(method: string, webhook: Webhook, entry: EndpointEntry): string {
  return method === "HEAD" && webhook.config?.httpMethod === "HEAD" && entry.http_method === "GET" ? "GET" : method;
}

/** What a caller of this webhook must change to call the endpoint instead. */
export function callerChanges(webhook: Webhook, entry: EndpointEntry, appId: string): string[] {
  const cfg = webhook.config!;
  const out = [`URL: ${webhookPath(appId, webhook.service.name, webhook.name)} → ${endpointPrefix(appId)}${entry.route}`];
  if (cfg.httpMethod === "HEAD" && entry.http_method === "GET") out.push("method: HEAD → GET (endpoints have no HEAD method)");
  if (entry.validation_method === "VERIFY_PAYLOAD" && cfg.validationMethod === "VERIFY_PAYLOAD")
    out.push("signature header: X-Hook-Signature → Endpoint-Signature (same HMAC)");
  if (entry.secret_name && cfg.secret !== undefined) out.push(`secret: the value of Secret ${entry.secret_name}`);
  if (webhook.authMode === "application") {
    out.push("credentials: in headers (or Authorization: Bearer); endpoints ignore them in the JSON body");
    out.push("authentication errors: no credentials → 400 InvalidParameter, an incomplete set → 400 MissingParameter, no matching user → 401 InvalidSession");
  }
  return out;
}
