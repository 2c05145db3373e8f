// How much of a function source verify's cases ran (pure): V8's block coverage (byte ranges with
// execution counts, summed over every take) mapped onto the source's lines and branches.
//
// What counts, so a person can count it by hand:
// - A line counts when a syntax node starts on it (blank lines, comment-only lines and lines
//   holding only closing brackets do not). It is covered when any node starting on it ran: the
//   count at a position is the count of the innermost V8 range holding it.
// - Branches are the two ways of every `if` (with or without `else`) and `?:`, the two ways of
//   every `&&`, `||` and `??` (right side evaluated, or skipped), and each `case` / `default` with
//   statements. An `if` without `else` took its implicit else when it ran more often than its
//   `then`; a logical expression skipped its right side when it ran more often than that side.
// Totals come from the source alone, so a function that never ran shows 0 of all its lines.

import type * as TS from "typescript";
import { diffLines } from "diff";
import { parseSource } from "../app/source-facts.js";
import type { ScriptCoverage } from "../runtime/functions/protocol.js";
import { ts } from "../util/typescript.js";
import type { Count, LineState, SourceCoverage } from "./types.js";

interface Range {
  start: number;
  end: number;
  count: number;
}

/** Execution count at any offset, summed over every take of one script. */
class Counts {
  readonly #takes: Range[][];

  constructor(takes: ScriptCoverage[]) {
    // Innermost range first: sorted by length, the first range holding an offset is the innermost.
    this.#takes = takes.map((t) =>
      t.functions
        .flatMap((f) => f.ranges.map((r) => ({ start: r.startOffset, end: r.endOffset, count: r.count })))
        .sort((a, b) => a.end - a.start - (b.end - b.start)),
    );
  }

  at(offset: number): number {
    let sum = 0;
    for (const ranges of this.#takes) {
      const r = ranges.find((x) => x.start <= offset && offset < x.end);
      if (r) sum += r.count;
    }
    return sum;
  }
}

/** A branch: its line and whether the cases took it. */
interface Branch {
  line: number;
  taken: boolean;
}

export interface Measured {
  /** One state per line of the source (index 0 is line 1). */
  lines: LineState[];
  branches: Branch[];
}

const K = ts.SyntaxKind;
const LOGICAL = new Set<TS.SyntaxKind>([K.AmpersandAmpersandToken, K.BarBarToken, K.QuestionQuestionToken]);

// verify measures one source after every round and per case: parse it once.
let lastParse: { text: string; sf: TS.SourceFile } | undefined;
function parsed(text: string): TS.SourceFile {
  if (lastParse?.text !== text) lastParse = { text, sf: parseSource(text) };
  return lastParse.sf;
}

/** Lines and branches of `text`, marked by what the takes of its script ran. */
export function measure(text: string, takes: ScriptCoverage[]): Measured {
  const sf = parsed(text);
  const counts = new Counts(takes);
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const start = (n: TS.Node) => n.getStart(sf);
  const lines: LineState[] = text.split("\n").map(() => "none");
  const branches: Branch[] = [];
  const branch = (at: TS.Node, taken: boolean) => branches.push({ line: lineOf(start(at)) + 1, taken });

  const visit = (node: TS.Node): void => {
    if (node.kind === K.EndOfFileToken) return;
    const pos = start(node);
    const line = lineOf(pos);
    if (lines[line] !== "covered") lines[line] = counts.at(pos) > 0 ? "covered" : "uncovered";
    if (ts.isIfStatement(node)) {
      const thenCount = counts.at(start(node.thenStatement));
      branch(node.thenStatement, thenCount > 0);
      if (node.elseStatement) branch(node.elseStatement, counts.at(start(node.elseStatement)) > 0);
      else branch(node, counts.at(pos) > thenCount);
    } else if (ts.isConditionalExpression(node)) {
      branch(node.whenTrue, counts.at(start(node.whenTrue)) > 0);
      branch(node.whenFalse, counts.at(start(node.whenFalse)) > 0);
    } else if (ts.isBinaryExpression(node) && LOGICAL.has(node.operatorToken.kind)) {
      const right = counts.at(start(node.right));
      branch(node.right, right > 0);
      branch(node, counts.at(pos) > right);
    } else if ((ts.isCaseClause(node) || ts.isDefaultClause(node)) && node.statements.length > 0) {
      branch(node, counts.at(start(node.statements[0]!)) > 0);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(sf, visit);
  return { lines, branches };
}

/** The coverage figures of the lines `keep` accepts (1-based line numbers). */
export function summarise(m: Measured, keep: (line: number) => boolean = () => true): SourceCoverage {
  const lines: Count = { covered: 0, total: 0 };
  const uncoveredLines: number[] = [];
  m.lines.forEach((state, i) => {
    if (state === "none" || !keep(i + 1)) return;
    lines.total++;
    if (state === "covered") lines.covered++;
    else uncoveredLines.push(i + 1);
  });
  const kept = m.branches.filter((b) => keep(b.line));
  return { lines, branches: { covered: kept.filter((b) => b.taken).length, total: kept.length }, uncoveredLines };
}

/** Lines (1-based) of `migrated` that are not in `original`: what the rewrite rules added. */
export function addedLines(original: string, migrated: string): number[] {
  const added: number[] = [];
  let line = 1;
  for (const part of diffLines(original, migrated)) {
    const n = part.count ?? 0;
    if (part.added) for (let i = 0; i < n; i++) added.push(line + i);
    if (!part.removed) line += n;
  }
  return added;
}

/** `covered / total` in percent with one decimal; 100 for a source without counted lines. */
export function percent(c: Count): number {
  return c.total === 0 ? 100 : Math.round((c.covered / c.total) * 1000) / 10;
}
