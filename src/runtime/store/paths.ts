// Dotted paths (`a.b.0.c`) read the way the server reads them: through documents, by index into
// arrays, and (for sort keys and `distinct`) into the documents of an array.

import { hasOwn, isDocument } from "./values.js";

export const isIndex = (seg: string): boolean => /^(0|[1-9]\d*)$/.test(seg);

/**
 * Every value a dotted path reaches, the way the server reads a path for sort keys and distinct:
 * through documents, into array elements that are documents, and by index for numeric segments.
 */
export function pathValues(node: unknown, segs: readonly string[], i = 0): unknown[] {
  if (i === segs.length) return [node];
  const seg = segs[i]!;
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    if (isIndex(seg) && Number(seg) < node.length) out.push(...pathValues(node[Number(seg)], segs, i + 1));
    for (const el of node) if (isDocument(el)) out.push(...pathValues(el, segs, i));
    return out;
  }
  if (isDocument(node) && hasOwn(node, seg)) return pathValues(node[seg], segs, i + 1);
  return [];
}
