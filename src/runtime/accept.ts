// The endpoint's response encoding from the request's `Accept` header. App Services documents
// that `Accept: application/json` or `Accept: application/ejson` picks the response format, and
// that a request without a valid Accept header gets the format the configuration names
// ("Choose a Response Data Format",
// https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/#choose-a-response-data-format).
//
// The header is parsed as RFC 9110 section 12.5.1 defines it (media ranges, `q` weights, `*/*` and
// `type/*` wildcards), and the two formats are weighed by the most specific range that matches
// each. The configured `return_type` wins unless the caller prefers the other format with a
// strictly higher weight: `application/json, text/plain, */*` (axios, and browsers' fetch with
// `*/*`) accepts EJSON as much as JSON, so an EJSON endpoint stays EJSON (inferred: App Services
// documents only the single-type headers; docs/parity.md).

export type Encoding = "JSON" | "EJSON";

export interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** The media ranges of an Accept header, in order; malformed elements are skipped. */
export function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  for (const element of splitOutsideQuotes(header, ",")) {
    const [range = "", ...params] = splitOutsideQuotes(element, ";").map((p) => p.trim());
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\/([!#$%&'*+.^_`|~0-9A-Za-z-]+)$/.exec(range);
    if (!m) continue;
    const type = m[1]!.toLowerCase();
    const subtype = m[2]!.toLowerCase();
    if (type === "*" && subtype !== "*") continue;
    let q = 1;
    for (const p of params) {
      const eq = p.indexOf("=");
      if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== "q") continue;
      const v = p.slice(eq + 1).trim();
      // RFC 9110 section 12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
      q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(v) ? Number(v) : NaN;
      break;
    }
    if (Number.isNaN(q)) continue;
    out.push({ type, subtype, q });
  }
  return out;
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted && c === "\\" && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === sep && !quoted) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/**
 * The weight the header gives one media type: that of the most specific matching range
 * (`type/subtype` over `type/*` over `*\/*`), 0 when none matches.
 */
export function weightOf(ranges: MediaRange[], type: string, subtype: string): number {
  let best = -1;
  let q = 0;
  for (const r of ranges) {
    const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === "*" ? 1 : r.type === "*" ? 0 : -1;
    if (specificity > best) {
      best = specificity;
      q = r.q;
    }
  }
  return best < 0 ? 0 : q;
}

/**
 * The encoding for an endpoint's return value: the caller's preferred one of
 * application/json and application/ejson when it weighs one strictly above the other, else
 * `return_type` (a missing return_type reads as EJSON, docs/parity.md). `explicit` says whether the
 * header named the chosen type itself (not through a wildcard), which sets the Content-Type.
 */
export function negotiateEncoding(accept: string | undefined, returnType: unknown): { encoding: Encoding; explicit: boolean } {
  const configured: Encoding = returnType === "JSON" ? "JSON" : "EJSON";
  const ranges = accept === undefined ? [] : parseAccept(accept);
  const json = weightOf(ranges, "application", "json");
  const ejson = weightOf(ranges, "application", "ejson");
  const named = (subtype: string) => ranges.some((r) => r.type === "application" && r.subtype === subtype && r.q > 0);
  let encoding = configured;
  if (json > ejson) encoding = "JSON";
  else if (ejson > json) encoding = "EJSON";
  return { encoding, explicit: named(encoding === "JSON" ? "json" : "ejson") };
}
