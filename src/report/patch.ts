// Unified diffs with `diff` (jsdiff), faster on large files with small changes. The endpoint and
// function manifests of an app with thousands of webhooks are tens of thousands of lines that
// gain entries at one place; jsdiff's edit-distance search over the whole of such a pair cost a
// quarter of a second per file. Lines both texts share at the start and at the end cannot be part
// of a change, so only the middle goes through jsdiff (with the context lines around it kept), and
// the hunks' line numbers are moved back to where the middle starts. The patch text is jsdiff's
// own formatting either way.

import { createTwoFilesPatch, formatPatch, structuredPatch } from "diff";

const CONTEXT = 3;
/** Below this many lines a plain createTwoFilesPatch is as fast; the trimming only pays above it. */
const TRIM_FROM_LINES = 200;

/** `createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: 3 })`. */
export function twoFilesPatch(oldName: string, newName: string, before: string, after: string): string {
  const a = splitLines(before);
  const b = splitLines(after);
  if (a.length + b.length < TRIM_FROM_LINES) return createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: CONTEXT });
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  // Keep the context lines jsdiff would show around the change.
  const skipHead = Math.max(0, head - CONTEXT);
  const skipTail = Math.max(0, tail - CONTEXT);
  const patch = structuredPatch(
    oldName,
    newName,
    a.slice(skipHead, a.length - skipTail).join(""),
    b.slice(skipHead, b.length - skipTail).join(""),
    undefined,
    undefined,
    { context: CONTEXT },
  );
  for (const h of patch.hunks) {
    h.oldStart += skipHead;
    h.newStart += skipHead;
  }
  return formatPatch(patch);
}

/** Lines with their line endings, the last one possibly without. */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", start)) {
    out.push(text.slice(start, i + 1));
    start = i + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}
