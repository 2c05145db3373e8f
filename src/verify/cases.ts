// Test cases for one webhook, built from its config (pure). A case is one logical request; it is
// rendered once per protocol (render.ts), so a signed case carries X-Hook-Signature to the webhook
// and Endpoint-Signature to the endpoint: the caller-side change, not a behaviour difference.

import { EJSON } from "bson";
import type { Webhook } from "../app/model.js";

type SecretMode = "none" | "wrong" | "right";
type CredentialMode = "none" | "valid-headers" | "invalid-headers" | "valid-body";

export interface LogicalCase {
  name: string;
  method: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** undefined: no body. */
  body?: string;
  secret: SecretMode;
  credentials: CredentialMode;
  /** Documents the database holds for this case (canonical EJSON `{ db: { coll: [docs] } }`), added to `--seed`. */
  seed?: string;
  /** A source case's field values (source-cases.ts), so a later round can start from a case that reached a line. */
  values?: ReadonlyMap<string, unknown>;
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

/** The case every other case starts from: no query, headers or body, with the secret and credentials that pass. */
export function baseCase(webhook: Webhook, name = "", method = "POST"): LogicalCase {
  const cfg = webhook.config!;
  const validated = webhook.service.type === "http" && cfg.validationMethod !== "NO_VALIDATION";
  return {
    name,
    method,
    query: {},
    headers: {},
    secret: validated ? "right" : "none",
    credentials: webhook.authMode === "application" ? "valid-headers" : "none",
  };
}

/** Events GitHub sends (https://docs.github.com/en/webhooks/webhook-events-and-payloads): push, pull_request, ping. */
const GITHUB_EVENTS: [string, Record<string, unknown>][] = [
  [
    "push",
    {
      ref: "refs/heads/main",
      before: "0000000000000000000000000000000000000000",
      after: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
      repository: { id: 1296269, name: "repo", full_name: "octo/repo", default_branch: "main", owner: { login: "octo" } },
      pusher: { name: "octo", email: "octo@example.com" },
      sender: { login: "octo" },
      head_commit: { id: "6113728f27ae82c7b1a177c8d03f9e96e0adf246", message: "Fix the docs", author: { name: "Octo", email: "octo@example.com" } },
      commits: [
        {
          id: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
          message: "Fix the docs",
          author: { name: "Octo", email: "octo@example.com" },
          added: [],
          removed: [],
          modified: ["README.md"],
        },
      ],
    },
  ],
  [
    "pull_request",
    {
      action: "opened",
      number: 7,
      pull_request: {
        number: 7,
        title: "Add a feature",
        state: "open",
        merged: false,
        user: { login: "octo" },
        head: { ref: "feature" },
        base: { ref: "main" },
      },
      repository: { id: 1296269, name: "repo", full_name: "octo/repo", owner: { login: "octo" } },
      sender: { login: "octo" },
    },
  ],
  [
    "ping",
    { zen: "Keep it logically awesome.", hook_id: 30, hook: { type: "Repository", events: ["push", "pull_request"] }, repository: { full_name: "octo/repo" } },
  ],
];

/** An incoming SMS as Twilio posts it (https://www.twilio.com/docs/messaging/guides/webhook-request). */
const TWILIO_SMS = {
  MessageSid: "SM00000000000000000000000000000000",
  SmsSid: "SM00000000000000000000000000000000",
  AccountSid: "AC00000000000000000000000000000000",
  MessagingServiceSid: "MG00000000000000000000000000000000",
  From: "+15558675309",
  To: "+18057166646",
  Body: "Hello! How are you?",
  NumMedia: "0",
  FromCity: "SAN FRANCISCO",
  FromState: "CA",
  FromCountry: "US",
};

/**
 * What a GitHub or Twilio webhook's source cases start from: a realistic event whose fields the
 * source's own reads then overlay (undefined for HTTP services, whose payload is the request).
 */
export function payloadTemplate(webhook: Webhook): { body: Record<string, unknown>; headers: Record<string, string> } | undefined {
  if (webhook.service.type === "github") return { body: GITHUB_EVENTS[0]![1], headers: { "X-GitHub-Event": GITHUB_EVENTS[0]![0] } };
  if (webhook.service.type === "twilio") return { body: TWILIO_SMS, headers: {} };
  return undefined;
}

export function casesFor(webhook: Webhook, recorded: RecordedRequest[] = []): LogicalCase[] {
  const cfg = webhook.config!;
  const type = webhook.service.type;
  const out: LogicalCase[] = [];
  const secretModes: SecretMode[] = type === "http" && cfg.validationMethod !== "NO_VALIDATION" ? ["none", "wrong", "right"] : ["none"];
  const credModes: CredentialMode[] = webhook.authMode === "application" ? ["none", "invalid-headers", "valid-headers", "valid-body"] : ["none"];
  const methods = type !== "http" ? ["POST"] : cfg.httpMethod === "ANY" ? ALL_METHODS : [cfg.httpMethod ?? "POST"];
  const base = (name: string, method: string): LogicalCase => baseCase(webhook, name, method);
  const withRecorded = (cases: LogicalCase[]) => {
    recorded.forEach((r, i) => {
      cases.push({ ...base(`recorded #${i + 1} ${r.method}`, r.method.toUpperCase()), query: r.query ?? {}, headers: r.headers ?? {}, body: r.body });
    });
    return cases;
  };

  if (type === "github") {
    for (const [event, payload] of GITHUB_EVENTS) {
      out.push({
        ...base(`github ${event} event`, "POST"),
        headers: { "Content-Type": "application/json", "X-GitHub-Event": event, "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958" },
        body: JSON.stringify(payload),
      });
    }
    return withRecorded(out);
  }
  if (type === "twilio") {
    out.push({
      ...base("twilio message", "POST"),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(TWILIO_SMS).toString(),
    });
    const media = { ...TWILIO_SMS, Body: "", NumMedia: "1", MediaUrl0: "https://api.twilio.com/media/ME0", MediaContentType0: "image/jpeg" };
    out.push({
      ...base("twilio message with media", "POST"),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(media).toString(),
    });
    return withRecorded(out);
  }

  for (const method of methods) {
    out.push({ ...base(`${method} no body`, method) });
    if (method === "GET" || method === "HEAD") {
      out.push({ ...base(`${method} query parameters`, method), query: { id: "64a0000000000000000000aa", page: "2" } });
      continue;
    }
    out.push({
      ...base(`${method} JSON body`, method),
      headers: { "Content-Type": "application/json" },
      body: '{ "items": [ { "sku": "A-1", "qty": 2 } ], "customer": "c-1", "note": "spaces kept" }',
    });
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
  const okSecret = base("", main).secret;
  const okCreds = base("", main).credentials;
  for (const s of secretModes.filter((m) => m !== okSecret)) out.push({ ...base(`${main} secret ${s}`, main), secret: s, headers, body });
  for (const c of credModes.filter((m) => m !== okCreds))
    out.push({ ...base(`${main} credentials ${c}`, main), credentials: c, headers: { "Content-Type": "application/json" }, body: '{"probe":true}' });
  return withRecorded(out);
}
