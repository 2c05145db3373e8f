// The incoming-webhook pipeline: URL → method → validation → user → can_evaluate → payload per
// service type → handler(payload, response) → response rules.
// https://www.mongodb.com/docs/atlas/app-services/services/configure/service-webhooks/,
// https://www.mongodb.com/docs/atlas/app-services/services/webhook-requests-and-responses/#webhook-response-object

import { createHmac } from "node:crypto";
import { Binary, EJSON } from "bson";
import type { Webhook } from "../app/model.js";
import type { RequestSpec } from "./functions/protocol.js";
import {
  constantTimeEqual,
  credentialsIn,
  credentialsInBody,
  errorResponse,
  header,
  headersOf,
  lowerHeaders,
  parseQuery,
  signature,
  withoutSecret,
  type ShimRequest,
  type ShimResponse,
} from "./http.js";
import {
  callHandler,
  canEvaluate,
  fixedUser,
  fromFailedCall,
  fromResponseObject,
  scriptUser,
  withCustomData,
  type PipelineDeps,
  type UserResolution,
} from "./pipeline.js";
import { SYSTEM_USER, WEBHOOK_CREATING_PROVIDERS } from "./users.js";

const WEBHOOK_PATH = /^\/api\/client\/v2\.0\/app\/([^/]+)\/service\/([^/]+)\/incoming_webhook\/([^/]+)\/?$/;

export function matchWebhookPath(path: string): { appId: string; service: string; name: string } | undefined {
  const m = WEBHOOK_PATH.exec(path);
  if (!m) return undefined;
  try {
    return { appId: decodeURIComponent(m[1]!), service: decodeURIComponent(m[2]!), name: decodeURIComponent(m[3]!) };
  } catch {
    return undefined;
  }
}

export function webhookPath(appId: string, service: string, name: string): string {
  return `/api/client/v2.0/app/${encodeURIComponent(appId)}/service/${encodeURIComponent(service)}/incoming_webhook/${encodeURIComponent(name)}`;
}

export async function handleWebhook(req: ShimRequest, deps: PipelineDeps): Promise<ShimResponse> {
  const { sem, served } = deps;
  const m = matchWebhookPath(req.path);
  const webhook = m && m.appId === served.appId ? served.webhooks.find((w) => w.service.name === m.service && w.name === m.name) : undefined;
  if (!webhook?.config || webhook.source === undefined) return errorResponse(sem.errors.webhookNotFound, undefined, "not-found");
  const cfg = webhook.config;
  const type = webhook.service.type;

  if (type === "http" && cfg.httpMethod !== "ANY" && cfg.httpMethod !== req.method) {
    return errorResponse(sem.errors.methodNotAllowed, `this webhook accepts ${cfg.httpMethod} only`, "method-not-allowed");
  }
  const query = parseQuery(req.rawQuery);
  const invalid = validate(req, webhook, query.first, deps);
  if (invalid) return invalid;

  const request = { ...requestSpec(req, deps), ...webhookRequestFacts(req, webhook) };
  const payload = buildPayload(req, webhook, query.first, deps);
  if (payload === undefined) return errorResponse(sem.errors.functionError, "the request body is not the JSON GitHub sends", "bad-payload");

  const who = await resolveUser(req, webhook, payload, request, deps);
  if (!who.ok) return who.response;
  const user = cfg.runAsAuthedUser && cfg.fetchCustomUserData ? await withCustomData(deps, who.user) : who.user;
  const denied = await canEvaluate(deps, cfg.canEvaluate, user, request);
  if (denied) return denied;

  const r = await callHandler(deps, { source: webhook.source, sourceFile: webhook.sourcePath }, payload, { user, system: who.system }, request);
  if (!r.ok) return fromFailedCall(deps, r);
  const notes = [...who.notes, ...r.logs];

  // Any response method replaces the default behaviour; the return value is then dropped
  // (https://www.mongodb.com/docs/atlas/app-services/services/configure/service-webhooks/).
  if (r.response.methodsCalled) return { ...fromResponseObject(r, r.response.statusCode ?? 200, true), logs: notes };
  if (type === "twilio" && cfg.respondResult && r.value !== undefined && !r.returnedResponse) {
    // The Twilio service texted the returned value back to the sender; the shim answers the TwiML
    // that has Twilio do that (inferred, docs/parity.md).
    return { status: 200, headers: { "Content-Type": ["text/xml"] }, body: Buffer.from(twimlReply(r.value)), outcome: "ok", logs: notes, outbound: r.outbound };
  }
  if (cfg.respondResult && r.value !== undefined && !r.returnedResponse) {
    // Webhooks answer canonical EJSON (observed: {"Processed":{"$numberInt":"900"}}).
    return { status: 200, headers: { "Content-Type": ["application/json"] }, body: Buffer.from(r.value), outcome: "ok", logs: notes, outbound: r.outbound };
  }
  return { status: sem.webhookNoResultStatus, headers: {}, body: Buffer.alloc(0), outcome: "ok", logs: notes, outbound: r.outbound };
}

/**
 * HTTP services: https://www.mongodb.com/docs/atlas/app-services/services/webhook-requests-and-responses/#webhook-request-validation.
 * GitHub's own signature check for GitHub services (undocumented by MongoDB; inferred, docs/parity.md).
 */
function validate(req: ShimRequest, webhook: Webhook, query: Record<string, string>, deps: PipelineDeps): ShimResponse | undefined {
  const cfg = webhook.config!;
  const fail = (why: string) => errorResponse(deps.sem.errors.webhookAuthFailed, undefined, "auth-failed", { logs: [why] });
  if (webhook.service.type === "github") {
    if (!cfg.secret) return undefined;
    const body = req.body ?? Buffer.alloc(0);
    const s256 = header(req.rawHeaders, "X-Hub-Signature-256");
    const s1 = header(req.rawHeaders, "X-Hub-Signature");
    if (s256 !== undefined) return constantTimeEqual(s256, signature(cfg.secret, body)) ? undefined : fail("X-Hub-Signature-256 does not match");
    if (s1 !== undefined) {
      const expected = "sha1=" + createHmac("sha1", cfg.secret).update(body).digest("hex");
      return constantTimeEqual(s1, expected) ? undefined : fail("X-Hub-Signature does not match");
    }
    return fail("no X-Hub-Signature-256 or X-Hub-Signature header");
  }
  if (webhook.service.type !== "http") return undefined;
  if (cfg.validationMethod === "SECRET_AS_QUERY_PARAM") {
    if (cfg.secret === undefined || query.secret === undefined || !constantTimeEqual(query.secret, cfg.secret))
      return fail("secret query parameter missing or wrong");
  } else if (cfg.validationMethod === "VERIFY_PAYLOAD") {
    const sent = header(req.rawHeaders, "X-Hook-Signature");
    if (cfg.secret === undefined || sent === undefined) return fail("X-Hook-Signature missing");
    const signed = deps.sem.webhookSignatureOver === "raw" ? (req.body ?? Buffer.alloc(0)) : ejsonOfBody(req.body);
    if (!constantTimeEqual(sent, signature(cfg.secret, signed))) return fail("X-Hook-Signature does not match");
  }
  return undefined;
}

function ejsonOfBody(body: Buffer | undefined): string {
  try {
    return EJSON.stringify(EJSON.parse(body?.toString("utf8") ?? ""));
  } catch {
    return body?.toString("utf8") ?? "";
  }
}

/**
 * `%%request.service` / `%%request.action` / `webhookUrl` of a webhook call. The expression docs
 * give `"service": "<Service Name>"`, `"action": "<Endpoint Function or Service Action Name>"`
 * (https://www.mongodb.com/docs/atlas/app-services/rules/expressions/#request-expansions) and
 * list `webhookUrl` in `context.request`
 * (https://www.mongodb.com/docs/atlas/app-services/functions/context/#context-request): the
 * service is the webhook's service, the action the webhook's name, and `webhookUrl` the full URL
 * the caller used, without its query (inferred, docs/parity.md).
 */
function webhookRequestFacts(req: ShimRequest, webhook: Pick<Webhook, "name" | "service">): Pick<RequestSpec, "service" | "action" | "webhookUrl"> {
  const host = header(req.rawHeaders, "Host") ?? "localhost";
  const forwarded = header(req.rawHeaders, "X-Forwarded-Proto")?.split(",")[0]?.trim().toLowerCase();
  const scheme = forwarded === "https" || forwarded === "http" ? forwarded : "http";
  return { service: webhook.service.name, action: webhook.name, webhookUrl: `${scheme}://${host}${req.path}` };
}

export function requestSpec(req: ShimRequest, deps: PipelineDeps): RequestSpec {
  const raw = withoutSecret(req.rawQuery);
  const spec: RequestSpec = {
    remoteIPAddress: req.remoteAddress,
    requestHeaders: headersOf(req.rawHeaders, deps.sem.headerCase),
    webhookUrl: req.path,
    httpMethod: req.method,
    rawQueryString: deps.sem.rawQueryLeadingQuestionMark && raw ? `?${raw}` : raw,
  };
  const referrer = header(req.rawHeaders, "Referer");
  const agent = header(req.rawHeaders, "User-Agent");
  if (referrer !== undefined) spec.httpReferrer = referrer;
  if (agent !== undefined) spec.httpUserAgent = agent;
  return spec;
}

/**
 * HTTP `{query, headers, body}`; GitHub the parsed event; Twilio the form fields
 * (https://www.mongodb.com/docs/atlas/app-services/services/http/,
 * https://www.mongodb.com/docs/atlas/app-services/services/github/,
 * https://www.mongodb.com/docs/atlas/app-services/services/twilio/).
 */
function buildPayload(req: ShimRequest, webhook: Webhook, query: Record<string, string>, deps: PipelineDeps): unknown {
  const type = webhook.service.type;
  const text = req.body?.toString("utf8") ?? "";
  if (type === "github") {
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      return undefined;
    }
  }
  if (type === "twilio") return Object.fromEntries(new URLSearchParams(text));
  const q = { ...query };
  if (!deps.sem.querySecretVisible) delete q.secret;
  const payload: Record<string, unknown> = { query: q, headers: headersOf(req.rawHeaders, deps.sem.headerCase) };
  if (req.body !== undefined) payload.body = new Binary(req.body);
  else if (deps.sem.webhookEmptyBody === "empty-binary") payload.body = new Binary(Buffer.alloc(0));
  return payload;
}

/**
 * Authed user (credentials in headers xor body), fixed id, script, else system
 * (https://www.mongodb.com/docs/atlas/app-services/services/configure/service-webhooks/).
 */
async function resolveUser(req: ShimRequest, webhook: Webhook, payload: unknown, request: RequestSpec, deps: PipelineDeps): Promise<UserResolution> {
  const mode = webhook.authMode ?? "system";
  const cfg = webhook.config!;
  if (mode === "system") return { ok: true, user: SYSTEM_USER, system: true, notes: [] };
  if (mode === "user-id") return fixedUser(deps, cfg.runAsUserId);
  if (mode === "script") return scriptUser(deps, cfg.runAsUserIdScriptSource, payload, request);
  const inHeaders = credentialsIn(lowerHeaders(req.rawHeaders));
  let bodyFields: Record<string, unknown> = {};
  try {
    const parsed = req.body ? JSON.parse(req.body.toString("utf8")) : undefined;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) bodyFields = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: no credentials in the body.
  }
  // Only a complete set of the fields authentication reads counts as body credentials: a business
  // field called email (or password, key, secret) next to header credentials is the caller's data.
  const inBody = credentialsInBody(bodyFields);
  if (inHeaders && inBody) return { ok: false, response: errorResponse(deps.sem.errors.doubleCredentials, undefined, "double-credentials") };
  const creds = inHeaders ?? inBody;
  if (!creds) return { ok: false, response: errorResponse(deps.sem.errors.missingCredentials, undefined, "missing-credentials") };
  // create_user_on_auth: "if they don't match an already existing user (e.g. no other user has the
  // specified email address)" (https://www.mongodb.com/docs/atlas/app-services/reference/config/v20210101/http_endpoints/):
  // email/password and custom JWT credentials can create a user; an API key cannot (users.ts).
  const auth = await deps.users.authenticate(creds, cfg.createUserOnAuth, WEBHOOK_CREATING_PROVIDERS);
  if (!auth.ok) return { ok: false, response: errorResponse(deps.sem.errors.invalidCredentials, auth.message, "invalid-credentials") };
  return { ok: true, user: auth.user, system: false, notes: auth.created ? [`created user ${auth.user.id} (create_user_on_auth)`] : [] };
}

/** `<Response><Message>…</Message></Response>` for a returned value (a string as is, else JSON). */
function twimlReply(canonical: string): string {
  const v = EJSON.parse(canonical, { relaxed: true }) as unknown;
  const text = String(typeof v === "string" ? v : JSON.stringify(v));
  const xml = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${xml}</Message></Response>`;
}
