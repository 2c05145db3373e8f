// The rewrite of one file: its bytes with each exact old URL replaced by the endpoint URL, every
// other byte (line endings, encoding, the query strings) as it was; and the unified diff a
// --dry-run prints, with secret values redacted. Pure.

import type { Redactor } from "../report/redact.js";
import { twoFilesPatch } from "../report/patch.js";
import { redactQuery } from "./url-patterns.js";

export interface ByteEdit {
  start: number;
  end: number;
  text: string;
}

/** `buf` with the edits applied (they must not overlap; any order). */
export function applyEdits(buf: Buffer, edits: ByteEdit[]): Buffer {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const parts: Buffer[] = [];
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw new Error(`overlapping edits at byte ${e.start}`);
    parts.push(buf.subarray(at, e.start), Buffer.from(e.text, "utf8"));
    at = e.end;
  }
  parts.push(buf.subarray(at));
  return Buffer.concat(parts);
}

/**
 * Unified diff of a rewrite (`a/<path>` → `b/<path>`, git style). Secret values are redacted in
 * both texts first: every `secret=` value of a query string, and the values seen anywhere.
 */
export function rewriteDiff(path: string, before: Buffer, after: Buffer, redactor: Redactor): string {
  const clean = (b: Buffer) => redactor.value(redactQuery(b.toString("utf8")));
  const patch = twoFilesPatch(`a/${path}`, `b/${path}`, clean(before), clean(after));
  return `diff --git a/${path} b/${path}\n` + patch.replace(/^={10,}\n/m, "");
}
