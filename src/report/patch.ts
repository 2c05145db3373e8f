// Unified diffs with `diff` (jsdiff), faster on large files with small changes. The endpoint and
// function manifests of an app with thousands of webhooks are tens of thousands of lines that
// gain entries at one place; jsdiff's edit-distance search over the whole of such a pair cost a
// quarter of a second per file. Lines both texts share at the start and at the end cannot be part
// of a change, so only the middle goes through jsdiff (with the context lines around it kept), and
// the hunks' line numbers are moved back to where the middle starts. When the two middles share no
// line at all (a file added or removed whole, a manifest that was `[]`, one line replaced), the
// only edit is "remove the old middle, add the new one" and no search is needed: that one hunk is
// built here the way jsdiff builds it. The patch text is jsdiff's own formatting either way, and
// the tests hold these patches equal to jsdiff's.

import { createTwoFilesPatch, formatPatch, structuredPatch, type StructuredPatch } from "diff";

const CONTEXT = 3;
/** Below this many lines a plain createTwoFilesPatch is as fast; the trimming only pays above it. */
const TRIM_FROM_LINES = 200;

/** `createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: 3 })`. */
export function twoFilesPatch(oldName: string, newName: string, before: string, after: string): string {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const removed = a.slice(head, a.length - tail);
  const added = b.slice(head, b.length - tail);
  if (removed.length + added.length > 0 && shareNoLine(removed, added)) {
    const from = Math.max(0, head - CONTEXT);
    return formatPatch(oneChangePatch(oldName, newName, from, a.slice(from, head), removed, added, a.slice(a.length - tail, a.length - tail + CONTEXT)));
  }
  if (a.length + b.length < TRIM_FROM_LINES) return createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: CONTEXT });
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

function shareNoLine(x: string[], y: string[]): boolean {
  const [small, large] = x.length <= y.length ? [x, y] : [y, x];
  if (small.length === 0) return true;
  const seen = new Set(small);
  return !large.some((l) => seen.has(l));
}

/**
 * The hunk jsdiff makes of one change: the context lines before it (`before`, from 0-based line
 * `from`), every removed line, every added line, the context lines after it (all with their line
 * endings). As in jsdiff, a line without its newline is a file's last and gets the
 * "No newline" mark, and an empty old side starts at line 0.
 */
function oneChangePatch(
  oldName: string,
  newName: string,
  from: number,
  before: string[],
  removed: string[],
  added: string[],
  after: string[],
): StructuredPatch {
  const lines: string[] = [];
  const push = (sign: string, list: string[]) => {
    for (const l of list) {
      if (l.endsWith("\n")) lines.push(sign + l.slice(0, -1));
      else lines.push(sign + l, "\\ No newline at end of file");
    }
  };
  push(" ", before);
  push("-", removed);
  push("+", added);
  push(" ", after);
  const start = from + 1;
  return {
    oldFileName: oldName,
    newFileName: newName,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: [
      {
        oldStart: start,
        oldLines: before.length + removed.length + after.length,
        newStart: start,
        newLines: before.length + added.length + after.length,
        lines,
      },
    ],
  };
}

/**
 * Lines with their line endings, the last one possibly without. One push for both kinds of line:
 * with a separate push for a last line without its newline, which the first texts seen never
 * reach, V8's optimised code left that push without type feedback and fell back to the
 * interpreter on every such text (1,800 times in a 5,000-webhook report).
 */
function splitLines(text: string): string[] {
  const out: string[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline === -1 ? text.length : newline + 1;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}
