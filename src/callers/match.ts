// Finds the old webhook URLs of the known apps in one file's bytes. Pure: bytes in, matches out.
//
// Speed: most files of a client tree hold no webhook URL, so a file is first searched for a few
// fixed byte strings (`incoming_webhook`, `webhooks.mongodb-`, the app ids) with Buffer.indexOf;
// only a file that has one is read as text, and lines and columns are counted only for what
// matched. The text is the bytes read as Latin-1, one character per byte: indexes are byte
// offsets (rewrite.ts splices bytes), and the patterns, all ASCII, match as they would in UTF-8.

import { trieSource } from "../report/redact.js";
import type { CallerMatch, KnownApp, KnownWebhook } from "./types.js";
import {
  classifyHost,
  CONTINUES_IN_CODE,
  endpointUrlFor,
  FIXED_NEEDLES,
  INCOMING_WEBHOOK,
  QUERY,
  redactQuery,
  secretOf,
  secretValues,
  segmentName,
  WEBHOOK_HOST_ANYWHERE,
  WEBHOOK_URL,
} from "./url-patterns.js";

/** How far from an app id a service name makes a URL built from parts (characters either side). */
const NEAR = 200;
/** Below this many needles Buffer.indexOf per needle is faster than one regular expression. */
const INDEXOF_NEEDLES = 12;
const EXCERPT = 160;

/** What the matcher knows of the apps, built once per run. */
export class MatchIndex {
  readonly byAppId = new Map<string, { app: KnownApp; webhooks: Map<string, KnownWebhook>; services: RegExp | undefined }>();
  /** Apps whose export had no app id: matched on service and webhook name under any app id. */
  readonly withoutId: { app: KnownApp; webhooks: Map<string, KnownWebhook> }[] = [];
  readonly #needles: Buffer[];
  readonly #needleRe: RegExp | undefined;
  readonly #appIdRe: RegExp | undefined;

  constructor(apps: KnownApp[]) {
    for (const app of apps) {
      const webhooks = new Map(app.webhooks.map((w) => [`${w.service}\u0000${w.name}`, w]));
      if (!app.appId) {
        this.withoutId.push({ app, webhooks });
        continue;
      }
      const known = this.byAppId.get(app.appId);
      if (known) {
        // Two reports of the same app (a fleet with two exports of it): their webhooks together.
        for (const [k, w] of webhooks) if (!known.webhooks.has(k)) known.webhooks.set(k, w);
        continue;
      }
      const names = [...new Set(app.webhooks.map((w) => w.service))];
      const services = names.length ? new RegExp(`(?<![\\w-])(?:${trieSource(names)})(?![\\w-])`) : undefined;
      this.byAppId.set(app.appId, { app, webhooks, services });
    }
    const ids = [...this.byAppId.keys()];
    this.#needles = [...FIXED_NEEDLES, ...ids].map((n) => Buffer.from(n, "latin1"));
    if (this.#needles.length > INDEXOF_NEEDLES) this.#needleRe = new RegExp(trieSource([...FIXED_NEEDLES, ...ids]));
    if (ids.length) this.#appIdRe = new RegExp(`(?<![\\w-])(?:${trieSource(ids)})(?![\\w-])`, "g");
  }

  /** True when the file may hold something to report: one of the needles is in it. */
  prefilter(buf: Buffer): boolean {
    if (this.#needleRe) return this.#needleRe.test(buf.toString("latin1"));
    for (const n of this.#needles) if (buf.indexOf(n) !== -1) return true;
    return false;
  }

  lookup(appId: string, service: string, name: string): { app?: KnownApp; webhook?: KnownWebhook } {
    const key = `${service}\u0000${name}`;
    const known = this.byAppId.get(appId);
    if (known) return { app: known.app, webhook: known.webhooks.get(key) };
    for (const k of this.withoutId) {
      const webhook = k.webhooks.get(key);
      if (webhook) return { app: k.app, webhook };
    }
    return {};
  }

  get appIds(): RegExp | undefined {
    return this.#appIdRe;
  }
}

/** A match before its file's path is known, plus the secret values it saw (to redact elsewhere). */
export interface FileMatches {
  matches: Omit<CallerMatch, "file">[];
  secrets: string[];
}

/** Lines and columns of byte offsets, counted once per file from the start. */
class Lines {
  #at = 0;
  #line = 1;
  #lineStart = 0;
  constructor(private readonly buf: Buffer) {}

  /** Offsets must come in increasing order. */
  locate(offset: number): { line: number; column: number; lineStart: number } {
    for (let i = this.buf.indexOf(10, this.#at); i !== -1 && i < offset; i = this.buf.indexOf(10, i + 1)) {
      this.#line++;
      this.#lineStart = i + 1;
    }
    this.#at = offset;
    // Editors count columns in characters: decode the line up to the offset.
    const column = this.buf.toString("utf8", this.#lineStart, offset).length + 1;
    return { line: this.#line, column, lineStart: this.#lineStart };
  }

  lineText(lineStart: number): string {
    let end = this.buf.indexOf(10, lineStart);
    if (end === -1) end = this.buf.length;
    let text = this.buf.toString("utf8", lineStart, end).replace(/\r$/, "").trim();
    if (text.length > EXCERPT) text = text.slice(0, EXCERPT - 1) + "…";
    return redactQuery(text);
  }
}

/** A match before its place (file, line, column) is known. */
type Found = Omit<CallerMatch, "file" | "line" | "column">;

interface Hit {
  start: number;
  end: number;
  /** For review items of one line, the one kept: the lowest (incoming_webhook, then a host, then an app id). */
  rank?: number;
  make: (where: { line: number; column: number; lineStart: number }) => Found | undefined;
}

export function matchFile(buf: Buffer, index: MatchIndex): FileMatches {
  const text = buf.toString("latin1");
  const hits: Hit[] = [];
  const secrets: string[] = [];
  const covered: [number, number][] = [];
  // `covered` is filled in text order and its ranges do not overlap: a binary search finds the one before `i`.
  const isCovered = (i: number) => {
    let lo = 0;
    let hi = covered.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [s, e] = covered[mid]!;
      if (i < s) hi = mid - 1;
      else if (i >= e) lo = mid + 1;
      else return true;
    }
    return false;
  };

  WEBHOOK_URL.lastIndex = 0;
  for (let m = WEBHOOK_URL.exec(text); m; m = WEBHOOK_URL.exec(text)) {
    const [whole, scheme, host, appId, svcSeg, rawName] = m as unknown as [string, string | undefined, string | undefined, string, string, string];
    // A full stop after a URL in prose ends the sentence, not the webhook name.
    const nameSeg = rawName.replace(/\.+$/, "");
    if (nameSeg === "") continue;
    const start = m.index;
    const nameEnd = start + whole.length - (rawName.length - nameSeg.length);
    QUERY.lastIndex = nameEnd;
    const q = QUERY.exec(text);
    const end = q ? QUERY.lastIndex : nameEnd;
    covered.push([start, end]);
    const query = q ? buf.toString("utf8", nameEnd, end) : "";
    const after = text.slice(end, end + 4);
    const secret = query ? secretOf(query, after) : undefined;
    secrets.push(...secretValues(query));
    const builtName = CONTINUES_IN_CODE.test(text.charAt(nameEnd));
    const service = segmentName(svcSeg);
    const name = segmentName(nameSeg);
    const hostInfo = classifyHost(host);
    const { app, webhook } = index.lookup(appId, service, name);
    const oldUrl = redactQuery(buf.toString("utf8", start, end));
    hits.push({
      start,
      end,
      make: () => {
        const base = {
          appId,
          webhook: `${service}/${name}`,
          oldUrl,
          host: hostInfo.kind,
          ...(hostInfo.region ? { region: hostInfo.region } : {}),
          ...(secret ? { secret } : {}),
        };
        if (!app) return { ...base, kind: "other-app" as const, rewrite: false, reason: `app ${appId} is in none of the reports`, callerChanges: [] };
        if (!webhook) {
          return {
            ...base,
            kind: "unknown-webhook" as const,
            rewrite: false,
            reason: `the report of app ${appId} has no webhook ${service}/${name} (renamed, removed, or a typo?)`,
            callerChanges: [],
          };
        }
        const target = endpointUrlFor(webhook, appId, hostInfo);
        const newUrl = target.url !== undefined ? target.url + redactQuery(query) : undefined;
        const changes = webhook.callerChanges;
        if (builtName) {
          return {
            ...base,
            kind: "parts" as const,
            ...(newUrl ? { newUrl } : {}),
            rewrite: false,
            reason: "the webhook name continues in code after the literal",
            callerChanges: changes,
          };
        }
        if (!scheme) {
          const path = target.url?.replace(/^https:\/\/[^/]+/, "");
          return {
            ...base,
            kind: "path" as const,
            ...(newUrl ? { newUrl } : {}),
            rewrite: false,
            reason: `the host is added elsewhere: the endpoint is on another host${path ? ` (path ${path})` : ""}`,
            callerChanges: changes,
          };
        }
        const knownHost = hostInfo.kind === "global" || hostInfo.kind === "regional" || hostInfo.kind === "client-api";
        const reason = target.reason ?? (knownHost ? undefined : `host ${host} is not a MongoDB webhook host (a proxy or a local shim?): change it by hand`);
        const rewrite = reason === undefined && target.url !== undefined;
        return {
          ...base,
          kind: "url" as const,
          ...(newUrl ? { newUrl } : {}),
          rewrite,
          ...(reason ? { reason } : {}),
          callerChanges: changes,
          ...(rewrite ? { edit: { start, end: nameEnd, text: target.url! } } : {}),
        };
      },
    });
  }

  // URLs built from parts: `incoming_webhook` outside a whole URL.
  INCOMING_WEBHOOK.lastIndex = 0;
  for (let m = INCOMING_WEBHOOK.exec(text); m; m = INCOMING_WEBHOOK.exec(text)) {
    if (isCovered(m.index)) continue;
    const at = m.index;
    hits.push({
      start: at,
      end: at + m[0].length,
      rank: 0,
      make: (w) => reviewItem(text, w.lineStart, index, "parts", () => "incoming_webhook outside a whole webhook URL: the URL is built from parts"),
    });
  }
  WEBHOOK_HOST_ANYWHERE.lastIndex = 0;
  for (let m = WEBHOOK_HOST_ANYWHERE.exec(text); m; m = WEBHOOK_HOST_ANYWHERE.exec(text)) {
    if (isCovered(m.index)) continue;
    const host = m[0];
    hits.push({
      start: m.index,
      end: m.index + host.length,
      rank: 1,
      make: (w) =>
        reviewItem(text, w.lineStart, index, "host", (line) =>
          line.includes("/api/client/v2.0/app/")
            ? `the start of a webhook URL on ${host}: the rest is built from parts`
            : `webhook host ${host} without a webhook path: the URL is built from parts`,
        ),
    });
  }
  // An app id near one of its service names.
  const ids = index.appIds;
  if (ids) {
    ids.lastIndex = 0;
    for (let m = ids.exec(text); m; m = ids.exec(text)) {
      if (isCovered(m.index)) continue;
      const id = m[0];
      // An endpoint URL (`/app/<id>/endpoint/…`) is where callers should be: nothing to review.
      if (text.startsWith("/endpoint", m.index + id.length) && text.slice(Math.max(0, m.index - 5), m.index) === "/app/") continue;
      const services = index.byAppId.get(id)?.services;
      const window = text.slice(Math.max(0, m.index - NEAR), m.index + id.length + NEAR);
      const svc = services?.exec(window)?.[0];
      if (!svc) continue;
      hits.push({
        start: m.index,
        end: m.index + id.length,
        rank: 2,
        make: () => ({
          kind: "parts",
          appId: id,
          rewrite: false,
          reason: `app id ${id} near its service name "${svc}": a webhook URL built from parts?`,
          callerChanges: [],
        }),
      });
    }
  }

  hits.sort((a, b) => a.start - b.start);
  const lines = new Lines(buf);
  const located: { hit: Hit; m: Found; line: number; column: number }[] = [];
  // One review item per line (`incoming_webhook/` and an app id on one line are one place): the best ranked.
  const reviewOfLine = new Map<number, number>();
  for (const h of hits) {
    const where = lines.locate(h.start);
    const m = h.make(where);
    if (!m) continue;
    if (m.kind !== "url" || !m.rewrite) m.excerpt = lines.lineText(where.lineStart);
    if (h.rank !== undefined) {
      const known = reviewOfLine.get(where.line);
      if (known !== undefined) {
        if (located[known]!.hit.rank! <= h.rank) continue;
        located[known] = { hit: h, m, line: where.line, column: where.column };
        continue;
      }
      reviewOfLine.set(where.line, located.length);
    }
    located.push({ hit: h, m, line: where.line, column: where.column });
  }
  const out = located.map((l) => ({ ...l.m, line: l.line, column: l.column }));
  return { matches: out, secrets };
}

/** A place to review: what the line says about the app and service, when it names them. */
function reviewItem(text: string, lineStart: number, index: MatchIndex, kind: "parts" | "host", reason: (line: string) => string): Found {
  let end = text.indexOf("\n", lineStart);
  if (end === -1) end = text.length;
  const line = text.slice(lineStart, end);
  const appId = /\/app\/([A-Za-z0-9_-]+)\//.exec(line)?.[1] ?? [...index.byAppId.keys()].find((id) => line.includes(id));
  return { kind, ...(appId ? { appId } : {}), rewrite: false, reason: reason(line), callerChanges: [] };
}
