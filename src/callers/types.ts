// The model of a `callers` run: what the reports say about each migrated webhook, and what was
// found in the client code. docs/callers.md documents the JSON form (`callers --json`).

/** A caller-side change that applies to a webhook (from its report's findings, or its Secret). */
export interface CallerChange {
  /** The report's finding code (`head-method`, `signature-header` …) or `secret-query-param`. */
  code: string;
  /** One line for the console. */
  text: string;
  /** The report's full message and hint, when the change comes from a finding. */
  message?: string;
  hint?: string;
}

/** One webhook of a migrated app, as `callers` needs it. */
export interface KnownWebhook {
  /** `S/W`. */
  id: string;
  service: string;
  name: string;
  status: string;
  httpMethod?: string;
  /** The endpoint URL from the report (may hold `<region>.<cloud>` or `<app-id>` placeholders). */
  newUrl?: string;
  /** The endpoint's route (`/S/W`), when the webhook was converted. */
  route?: string;
  callerChanges: CallerChange[];
}

/** One migrated app: its report and its webhooks. */
export interface KnownApp {
  /** report.json as the user would type its path. */
  report: string;
  /** The client app id, undefined when the export had none (`<app-id>` in the report's URLs). */
  appId?: string;
  name?: string;
  /** Nothing was written by the migration (report `blocked`) or it was a dry run. */
  notWritten?: "blocked" | "dry-run";
  webhooks: KnownWebhook[];
}

/**
 * What a match is:
 * - `url`: a whole old webhook URL (scheme, host, path) of a known webhook: rewritable when its
 *   host is a MongoDB webhook host and its new URL is known;
 * - `path`: the webhook path without scheme and host (the host is added elsewhere): for review;
 * - `parts`: `incoming_webhook` or an app id near a service name, the URL built from parts: for review;
 * - `host`: a webhook host without the webhook path: for review;
 * - `unknown-webhook`: a webhook URL of a known app whose webhook the report does not hold: for review;
 * - `other-app`: a webhook URL of an app no report covers: listed, not counted.
 */
type MatchKind = "url" | "path" | "parts" | "host" | "unknown-webhook" | "other-app";

interface SecretInfo {
  /** `literal`: the value is in the text (never shown); `runtime`: `secret=` is followed by code that adds it; `empty`. */
  value: "literal" | "runtime" | "empty";
}

export interface CallerMatch {
  /** Path as the user would type it (the folder argument joined with the file's path under it). */
  file: string;
  /** 1-based line and column (UTF-16 code units, as editors count). */
  line: number;
  column: number;
  kind: MatchKind;
  /** App id and `S/W` when known. */
  appId?: string;
  webhook?: string;
  /** The old URL as found (its secret value redacted). */
  oldUrl?: string;
  /** The URL it becomes (same query string, secret value redacted), when known. */
  newUrl?: string;
  /** `global`, `regional` (with `region`), `client-api` (stitch/realm.mongodb.com), `other`, or `none` (a path). */
  host?: "global" | "regional" | "client-api" | "other" | "none";
  region?: string;
  secret?: SecretInfo;
  /** True when `--write` replaces this URL. */
  rewrite: boolean;
  /** Why it is listed for review or not rewritten. */
  reason?: string;
  /** The line as it is (trimmed, at most 160 characters, secret values redacted), for review items. */
  excerpt?: string;
  callerChanges: CallerChange[];
  /** Byte range of the replaced text and its replacement (internal; not in --json). */
  edit?: { start: number; end: number; text: string };
}

export interface CallerError {
  file?: string;
  message: string;
  hint?: string;
}
