// Appends entries to a JSON array file without touching a byte of what is already there.
// jsonc-parser's `modify` reformats neighbouring elements when the file's style is unusual, and
// re-serialising the whole file would churn every existing entry, so this inserts text instead,
// in the indentation and line endings the file already uses.

import { parseTree } from "jsonc-parser";

export interface AppendResult {
  ok: boolean;
  text: string;
}

/** New file text for `entries` alone, in the export style (4 spaces, trailing newline). */
export function newArrayFile(entries: unknown[]): string {
  return JSON.stringify(entries, null, 4) + "\n";
}

export function appendToArray(text: string, entries: unknown[]): AppendResult {
  if (entries.length === 0) return { ok: true, text };
  const tree = parseTree(text, [], { allowTrailingComma: true });
  if (tree?.type !== "array") return { ok: false, text };
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const children = tree.children ?? [];
  const open = tree.offset;
  const close = tree.offset + tree.length - 1;

  if (children.length === 0) {
    const unit = "    ";
    const outer = lineIndent(text, open);
    const body = entries.map((e) => outer + unit + serialise(e, unit, outer + unit, eol)).join("," + eol);
    return { ok: true, text: text.slice(0, open + 1) + eol + body + eol + outer + text.slice(close) };
  }

  const first = children[0]!;
  const last = children[children.length - 1]!;
  const elementIndent = lineIndent(text, first.offset) ?? "";
  const unit = innerUnit(text, first.offset, first.offset + first.length, elementIndent) ?? (elementIndent || "    ");
  let insertAt = last.offset + last.length;
  // Keep a trailing comma where the file had one: insert after it.
  const between = text.slice(insertAt, close);
  const comma = between.indexOf(",");
  const hadTrailingComma = comma >= 0 && between.slice(0, comma).trim() === "";
  if (hadTrailingComma) insertAt += comma + 1;
  // A one-line array (`[{...}, {...}]`) gets compact entries on the same line.
  const sameLine = !text.slice(open, first.offset).includes("\n");
  const sep = sameLine ? " " : eol + elementIndent;
  const body = entries.map((e) => (sameLine ? JSON.stringify(e) : serialise(e, unit, elementIndent, eol))).join("," + sep);
  const inserted = (hadTrailingComma ? "" : ",") + sep + body + (hadTrailingComma ? "," : "");
  return { ok: true, text: text.slice(0, insertAt) + inserted + text.slice(insertAt) };
}

/** JSON.stringify with the file's indent unit, each following line prefixed by `indent`. */
function serialise(value: unknown, unit: string, indent: string, eol: string): string {
  return JSON.stringify(value, null, unit)
    .split("\n")
    .join(eol + indent);
}

/** Whitespace before `offset` on its line, or "" when other text precedes it there. */
function lineIndent(text: string, offset: number): string {
  let i = offset;
  while (i > 0 && (text[i - 1] === " " || text[i - 1] === "\t")) i--;
  if (i === 0 || text[i - 1] === "\n") return text.slice(i, offset);
  return "";
}

/** The indent unit used inside an element: its first nested line's indent minus the element's. */
function innerUnit(text: string, start: number, end: number, elementIndent: string): string | undefined {
  const inner = text.slice(start, end);
  const m = /\n([ \t]+)\S/.exec(inner);
  if (!m) return undefined;
  const ws = m[1]!;
  return ws.startsWith(elementIndent) && ws.length > elementIndent.length ? ws.slice(elementIndent.length) : undefined;
}
