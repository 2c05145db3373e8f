// How an evaluation explains itself: each clause as one trace line, with values shown short and
// anything that could be a secret (a `%%values` entry, a credential header, a string equal to a
// secret) shown as `<redacted>`.

import { EJSON, type ObjectId, type UUID } from "bson";
import { bsonTag } from "../bson-values.js";
import { isDate, isDocument } from "./syntax.js";

const SENSITIVE_HEADER = /auth|secret|token|key|sig|pass|cookie|credential/i;

export function show(v: unknown, max = 120): string {
  let s: string;
  try {
    s = render(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function render(v: unknown): string {
  if (v === undefined) return "missing";
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v !== "object" || v === null) return JSON.stringify(v) ?? String(v);
  if (isDate(v)) return `Date(${Number.isNaN(v.getTime()) ? "invalid" : v.toISOString()})`;
  const t = bsonTag(v);
  if (t === "ObjectId") return `ObjectId("${(v as ObjectId).toHexString()}")`;
  if (t === "Binary" && (v as { sub_type: number }).sub_type === 4) {
    try {
      return `UUID("${(v as { toUUID(): UUID }).toUUID().toHexString(true)}")`;
    } catch {
      /* fall through */
    }
  }
  if (t !== undefined) return EJSON.stringify(v as never, { relaxed: true });
  if (Array.isArray(v)) return `[${v.map((e) => render(e)).join(",")}]`;
  if (isDocument(v))
    return `{${Object.entries(v)
      .map(([k, e]) => `${JSON.stringify(k)}:${render(e)}`)
      .join(",")}}`;
  return String(v);
}

export function stringLeaves(v: unknown, out: Set<string>, depth = 0): void {
  if (depth > 8) return;
  if (typeof v === "string") {
    if (v.length > 0) out.add(v);
  } else if (Array.isArray(v)) v.forEach((e) => stringLeaves(e, out, depth + 1));
  else if (isDocument(v)) Object.values(v).forEach((e) => stringLeaves(e, out, depth + 1));
}

export interface KeyInfo {
  /** How the key reads in the trace, e.g. `%%request.httpMethod`. */
  label: string;
  /** Hide values compared against this key (secrets, credential headers). */
  sensitive: boolean;
}

export function keyInfo(label: string, display = label): KeyInfo {
  const parts = label.slice(2).split(".");
  const sensitive =
    (parts[0] === "values" && parts.length > 1) ||
    (parts[0] === "environment" && parts[1] === "values" && parts.length > 2) ||
    (parts[0] === "request" && parts[1] === "requestHeaders" && SENSITIVE_HEADER.test(parts[2] ?? ""));
  return { label: display, sensitive };
}
