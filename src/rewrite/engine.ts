// The rewrite engine: let every applicable rule analyse a function source and return text edits,
// then apply all edits in one pass. Rules find what they change with ts-morph over the reader's one
// TypeScript parse (the tree its syntax check made, wrapped with `createWrappedNode`: no second
// parse), or read that parse's facts (source-facts.ts). What depends on the run-time path, rules
// hand over as compat parts, written as one block per function (compat.ts). Text no edit touches
// stays byte-identical. Overlapping edits are a finding, never a silent choice; a rule that throws
// becomes a finding for that webhook and the others still run.

import type { SourceFile } from "ts-morph";
import { finding, type Finding } from "../app/findings.js";
import { positionAt } from "../app/json.js";
import type { EndpointEntry } from "../app/model.js";
import { analyseSource, parseSource, releaseTree, treeOf, type SourceFacts } from "../app/source-facts.js";
import type { Risk } from "../plan/types.js";
import { ts } from "../util/typescript.js";
import { compatEdit, type CompatPart } from "./compat.js";
import { morph } from "./ts-morph.js";
import { MARKER, type Rule, type RuleContext, type TextEdit, type ValueFile } from "./types.js";

interface AppliedRule {
  rule: string;
  risk: Risk;
}

export interface Marker {
  rule: string;
  message: string;
  line: number;
}

export interface RewriteOutcome {
  text: string;
  applied: AppliedRule[];
  findings: Finding[];
  endpointPatch: Partial<EndpointEntry>;
  endpointDrop: (keyof EndpointEntry)[];
  values: ValueFile[];
  markers: Marker[];
}

// What `createSourceFile(..., setParentNodes: true)` runs after a parse (JSDoc nodes included);
// exported by the compiler at run time, absent from its typings.
const setParentRecursive = (ts as unknown as { setParentRecursive(node: import("typescript").Node, incremental: boolean): void }).setParentRecursive;

/**
 * `text`'s tree as ts-morph nodes: the reader's parse when `facts` came from it, else one parse
 * here. The reader parses without parent pointers (its walks do not need them); ts-morph does, so
 * they are set once, in place.
 */
function sourceFileFor(text: string, facts?: SourceFacts): SourceFile {
  let sf = facts ? treeOf(facts) : undefined;
  if (sf?.text !== text) sf = treeOf(analyseSource(text)) ?? parseSource(text);
  if (sf.text !== text) sf = parseSource(text);
  if (sf.statements.length > 0 && !sf.statements[0]!.parent) setParentRecursive(sf, false);
  return morph().createWrappedNode(sf) as SourceFile;
}

function eolOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

/** `facts`: the reader's facts of exactly this text, whose parse the rules then share (and release). */
export function rewriteSource(text: string, file: string, rules: Rule[], ctx: Omit<RuleContext, "eol">, facts?: SourceFacts): RewriteOutcome {
  const outcome: RewriteOutcome = { text, applied: [], findings: [], endpointPatch: {}, endpointDrop: [], values: [], markers: [] };
  if (rules.length === 0) {
    if (facts) releaseTree(facts);
    outcome.markers = markersIn(text);
    return outcome;
  }
  let sf: SourceFile | undefined;
  const tree = () => (sf ??= sourceFileFor(text, facts));
  const fullCtx: RuleContext = { ...ctx, eol: eolOf(text) };
  const edits: (TextEdit & { rule: string; order: number })[] = [];
  const compat: { rule: string; part: CompatPart }[] = [];
  rules.forEach((rule, order) => {
    if (!rule.transform) return;
    try {
      const r = rule.transform(text, fullCtx, tree);
      if (r.compat) compat.push({ rule: rule.meta.id, part: r.compat });
      outcome.findings.push(...r.findings.map((f) => ({ ...f, rule: f.rule ?? rule.meta.id, file: f.file ?? file })));
      if (r.edits.length > 0 || r.compat || r.endpointPatch || r.values?.length) outcome.applied.push({ rule: rule.meta.id, risk: rule.meta.risk });
      edits.push(...r.edits.map((e) => ({ ...e, rule: rule.meta.id, order })));
      Object.assign(outcome.endpointPatch, r.endpointPatch ?? {});
      outcome.endpointDrop.push(...(r.endpointDrop ?? []));
      outcome.values.push(...(r.values ?? []).map((v) => ({ ...v, rule: rule.meta.id })));
    } catch (e) {
      outcome.findings.push(
        finding("error", "rule-failed", `Rule ${rule.meta.id} failed on this source: ${e instanceof Error ? e.message : String(e)}; it changed nothing`, {
          file,
          rule: rule.meta.id,
          needsReview: true,
          hint: "Please report this with the function source; review this difference by hand.",
        }),
      );
    }
  });

  // The reader's tree has had its last use: nothing after the rewrite walks it.
  if (facts) releaseTree(facts);

  // Every rule's run-time part in one block after the source, after any text a rule appends.
  if (compat.length > 0) edits.push({ ...compatEdit(text, compat, fullCtx.eol), rule: compat.map((c) => c.rule).join("+"), order: rules.length });

  // Apply in one pass, from the start; insertions at one point keep the rules' order.
  edits.sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
  let out = "";
  let cursor = 0;
  let last: (typeof edits)[number] | undefined;
  for (const e of edits) {
    // Two rules adding the same missing parameter make the same edit: apply it once.
    if (last && e.start === last.start && e.end === last.end && e.text === last.text) continue;
    if (e.start < cursor) {
      outcome.findings.push(
        finding("warning", "overlapping-edits", `Rules ${last?.rule} and ${e.rule} want to change the same text; ${e.rule}'s edit was not applied`, {
          file,
          ...positionAt(text, e.start),
          rule: e.rule,
          needsReview: true,
          hint: "Apply that change by hand, or run migrate with --skip-rules for one of them.",
        }),
      );
      continue;
    }
    out += text.slice(cursor, e.start) + e.text;
    cursor = e.end;
    last = e;
  }
  out += text.slice(cursor);
  outcome.text = out;
  outcome.markers = markersIn(out);
  return outcome;
}

/** Unresolved markers: `// hookshift-todo(<rule>): <message>` lines. */
export function markersIn(text: string): Marker[] {
  const out: Marker[] = [];
  // Most sources hold none: one substring search instead of the pattern's scan at every "//".
  if (!text.includes(MARKER)) return out;
  const re = new RegExp(`//\\s*${MARKER}\\(([\\w/-]+)\\):\\s*(.*)`, "g");
  for (const m of text.matchAll(re)) out.push({ rule: m[1]!, message: m[2]!.trim(), line: positionAt(text, m.index!).line });
  return out;
}
