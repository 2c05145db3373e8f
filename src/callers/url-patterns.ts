// The shapes of old webhook URLs in client code, and the endpoint URL each becomes.
//
// Webhook URL: `https://<host>/api/client/v2.0/app/<client app id>/service/<service>/incoming_webhook/<webhook>`
// (https://www.mongodb.com/docs/atlas/app-services/services/convert-webhooks-to-endpoints/). Its host
// varied over the years: webhooks.mongodb-stitch.com and webhooks.mongodb-realm.com, each with
// regional forms `<region>.<cloud>.webhooks.mongodb-realm.com` for apps deployed in one region
// (as public client code shows, e.g. `us-east-1.aws.webhooks.mongodb-realm.com`), and the client API
// hosts stitch.mongodb.com / realm.mongodb.com (regional forms too). Endpoint base URL: global apps
// `https://data.mongodb-api.com/app/<client app id>/endpoint`, local apps
// `https://<region>.<cloud>.data.mongodb-api.com/app/<client app id>/endpoint`
// (https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/#endpoint-base-url).
//
// Every pattern here runs on a file's bytes read as Latin-1 (one character per byte), so a match's
// index is its byte offset: a rewrite splices bytes and leaves every other byte as it was.

import { REDACTED } from "../report/redact.js";
import type { KnownWebhook } from "./types.js";

/** The webhook path, with or without scheme and host. Groups: scheme, host, app id, service, webhook. */
export const WEBHOOK_URL =
  /(?:(https?):\/\/([A-Za-z0-9.-]+(?::\d+)?))?\/api\/client\/v2\.0\/app\/([A-Za-z0-9_-]+)\/service\/([A-Za-z0-9_.~%-]+)\/incoming_webhook\/([A-Za-z0-9_.~%-]+)/g;

/**
 * The query string after a webhook URL: up to whitespace, a quote, or what starts code in a string
 * (`${`, `{`, `#{`, `$VAR`): the text that is surely part of the same literal.
 */
export const QUERY = /\?[^\s"'`<>\\#${}()[\]|^]*/y;

/** Characters right after a webhook name that mean the name continues in code (`…/incoming_webhook/get${x}`). */
export const CONTINUES_IN_CODE = /[${]/;

/** `incoming_webhook`, wherever it is not part of a whole URL: a URL built from parts. */
export const INCOMING_WEBHOOK = /incoming_webhook/g;

/** A webhook host on its own (a base URL, a host setting). */
export const WEBHOOK_HOST_ANYWHERE = /(?:[a-z0-9-]+\.(?:aws|gcp|azure)\.)?webhooks\.mongodb-(?:realm|stitch)\.com/gi;

const WEBHOOK_HOST = /^(?:([a-z0-9-]+)\.(aws|gcp|azure)\.)?webhooks\.mongodb-(?:realm|stitch)\.com$/i;
const CLIENT_API_HOST = /^(?:([a-z0-9-]+)\.(aws|gcp|azure)\.)?(?:stitch|realm)\.mongodb\.com$/i;

/** The bytes `prefilter` looks for before a file is searched at all. */
export const FIXED_NEEDLES = ["incoming_webhook", "webhooks.mongodb-"];

export interface HostInfo {
  kind: "global" | "regional" | "client-api" | "other" | "none";
  /** `<region>.<cloud>`, e.g. `us-east-1.aws`, for a regional host. */
  region?: string;
}

export function classifyHost(host: string | undefined): HostInfo {
  if (!host) return { kind: "none" };
  const web = WEBHOOK_HOST.exec(host);
  if (web) return web[1] ? { kind: "regional", region: `${web[1]}.${web[2]}`.toLowerCase() } : { kind: "global" };
  const api = CLIENT_API_HOST.exec(host);
  if (api) return api[1] ? { kind: "regional", region: `${api[1]}.${api[2]}`.toLowerCase() } : { kind: "client-api" };
  return { kind: "other" };
}

/** A URL segment as a name: percent-decoded when it decodes. */
export function segmentName(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const REPORT_ENDPOINT = /^https:\/\/((?:<region>\.<cloud>\.|[a-z0-9-]+\.(?:aws|gcp|azure)\.)?data\.mongodb-api\.com)(\/app\/)([^/]+)(\/endpoint\/.*)$/;

/**
 * The endpoint URL (without query) a found webhook URL becomes: the report's new URL, with the app
 * id found when the report had none, on the regional endpoint host when the old host was regional
 * and the report's host is the global one or a placeholder. `reason` when it cannot be known.
 */
export function endpointUrlFor(webhook: KnownWebhook, foundAppId: string, host: HostInfo): { url?: string; reason?: string } {
  if (!webhook.newUrl) return { reason: `the report has no endpoint for ${webhook.id} (status ${webhook.status})` };
  const m = REPORT_ENDPOINT.exec(webhook.newUrl);
  if (!m) return { url: webhook.newUrl.replace("<app-id>", foundAppId) };
  let base = m[1]!;
  const appId = m[3] === "<app-id>" ? foundAppId : m[3]!;
  if (host.kind === "regional" && (base === "data.mongodb-api.com" || base.startsWith("<region>"))) base = `${host.region}.data.mongodb-api.com`;
  const url = `https://${base}${m[2]}${appId}${m[4]}`;
  if (url.includes("<region>")) {
    return { url, reason: "the report does not say where the app is deployed (<region>.<cloud> in its endpoint URL); use your app's region" };
  }
  return { url };
}

/** Whether a query string carries `secret=`, and how its value is given. */
export function secretOf(query: string, after: string): { value: "literal" | "runtime" | "empty" } | undefined {
  const m = /[?&]secret=([^&]*)/.exec(query);
  if (!m) return undefined;
  if (m[1]!.length > 0) return { value: "literal" };
  // `?secret=' + password`, `?secret=${s}`, `?secret={secret}`: the value is added by code.
  return /^["'`]?\s*[+.]|^[${]|^#\{/.test(after) ? { value: "runtime" } : { value: "empty" };
}

/** The literal values of `secret=` in a query (to redact them wherever else they show). */
export function secretValues(query: string): string[] {
  const out: string[] = [];
  for (const m of query.matchAll(/[?&]secret=([^&]+)/g)) out.push(m[1]!);
  return out;
}

/** The query string with its `secret=` values replaced by «redacted». */
export function redactQuery(text: string): string {
  return text.replace(/([?&]secret=)([^&\s"'`#${}]+)/gi, (_, k: string) => k + REDACTED);
}
