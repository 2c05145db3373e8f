// The rewrite engine: let every applicable rule analyse a function source and return text edits,
// then apply all edits in one pass. Rules decide what they change from config, the reader's facts
// (source-facts.ts) and the compiler's tree (app/find-exported.ts); what they change inside the exported
// function they write with ts-morph over the reader's one TypeScript parse (wrapped with
// `createWrappedNode`: no second parse), in a rule's `inFunction` part, which only a run that writes
// the source calls: detection alone (scan) loads no ts-morph. What depends on the run-time path,
// rules hand over as compat parts, written as one block per function (compat.ts). Text no edit
// touches stays byte-identical. Overlapping edits are a finding, never a silent choice; a rule that
// throws becomes a finding for that webhook and the others still run.

import type { SourceFile } from "ts-morph";
import type * as TS from "typescript";
import { finding, type Finding } from "../app/findings.js";
import { positionAt } from "../app/json.js";
import type { EndpointEntry } from "../app/model.js";
import { analyseSource, parseSource, releaseTree, treeOf, type SourceFacts } from "../app/source-facts.js";
import type { Risk } from "../plan/types.js";
import { typescript } from "../util/compiler.js";
import { compatEdit, type CompatPart } from "./compat.js";
import { exportedFunctionHead, exportedFunctionNode } from "../app/find-exported.js";
import { morph } from "./ts-morph.js";
import { MARKER, type InFunctionChange, type Rule, type RuleContext, type RuleResult, type RuleSource, type TextEdit, type ValueFile } from "./types.js";

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
  /**
   * The rewritten source; undefined when the run only detects (`write: false`) and a rule's
   * `inFunction` part was left out: the source changes, but its text is not made.
   */
  text: string | undefined;
  applied: AppliedRule[];
  findings: Finding[];
  endpointPatch: Partial<EndpointEntry>;
  endpointDrop: (keyof EndpointEntry)[];
  values: ValueFile[];
  markers: Marker[];
}

// What `createSourceFile(..., setParentNodes: true)` runs after a parse (JSDoc nodes included);
// exported by the compiler at run time, absent from its typings. Read at the call, not on import:
// importing the engine loads no compiler, so a scan whose sources are all in its analysis cache
// (app/read/analysis-cache.ts) loads none.
function setParentRecursive(node: TS.Node, incremental: boolean): void {
  (typescript() as unknown as { setParentRecursive(node: TS.Node, incremental: boolean): void }).setParentRecursive(node, incremental);
}

/** `text`'s tree as the compiler made it: the reader's parse when `facts` came from it, else one parse here. */
function compilerTreeFor(text: string, facts?: SourceFacts): TS.SourceFile {
  let sf = facts ? treeOf(facts) : undefined;
  if (sf?.text !== text) sf = treeOf(analyseSource(text)) ?? parseSource(text);
  if (sf.text !== text) sf = parseSource(text);
  return sf;
}

/**
 * That tree as ts-morph nodes. The reader parses without parent pointers (its walks do not need
 * them); ts-morph does, so they are set once, in place.
 */
function morphTreeOf(sf: TS.SourceFile): SourceFile {
  if (sf.statements.length > 0 && !sf.statements[0]!.parent) setParentRecursive(sf, false);
  return morph().createWrappedNode(sf) as SourceFile;
}

function eolOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

/**
 * `facts`: the reader's facts of exactly this text, whose parse the rules then share (and release).
 * `write: false` (scan) decides everything a rule does but leaves out its `inFunction` part, so no
 * ts-morph loads: findings, endpoint fields, Values, what applied and the markers are a writing
 * run's. To keep them so, the part runs anyway where its edits could meet another's (another
 * rule's edit in the function's head, or a marker whose line its inserted lines would move): an
 * overlap finding and the markers' lines are then the same as migrate's.
 */
export function rewriteSource(
  text: string,
  file: string,
  rules: Rule[],
  ctx: Omit<RuleContext, "eol">,
  facts?: SourceFacts,
  { write = true }: { write?: boolean } = {},
): RewriteOutcome {
  const outcome: RewriteOutcome = { text, applied: [], findings: [], endpointPatch: {}, endpointDrop: [], values: [], markers: [] };
  if (rules.length === 0) {
    if (facts) releaseTree(facts);
    outcome.markers = markersIn(text);
    return outcome;
  }
  let plain: TS.SourceFile | undefined;
  const compilerTree = () => (plain ??= compilerTreeFor(text, facts));
  let sf: SourceFile | undefined;
  const tree = () => (sf ??= morphTreeOf(compilerTree()));
  // What scan's analysis cache kept of the exported function (source-facts.ts), so a cached source
  // is decided without a tree; else the tree says.
  const known = facts?.exportedFunction;
  const source: RuleSource = {
    exportedParams: () => (known !== undefined ? known?.params : exportedFunctionNode(compilerTree())?.parameters.length),
  };
  const fullCtx: RuleContext = { ...ctx, eol: eolOf(text) };
  // Each rule's result, in the rules' order; `failed` once it threw (it then changes nothing).
  const results: { rule: Rule; r?: RuleResult; inside?: InFunctionChange; failed?: { error: unknown } }[] = [];
  for (const rule of rules) {
    if (!rule.transform) continue;
    try {
      results.push({ rule, r: rule.transform(text, fullCtx, source) });
    } catch (e) {
      results.push({ rule, failed: { error: e } });
    }
  }

  // The parts on ts-morph's tree. Left out when only detecting and nothing they write could meet
  // another edit (theirs stay in the function's head: app/find-exported.ts) or move a marker's line:
  // the source then changes, and how is migrate's to write.
  const head = () => (known !== undefined ? known?.head : exportedFunctionHead(compilerTree()));
  const meets = (e: TextEdit) => e.text.includes(MARKER) || (head() !== undefined && e.start < head()!.end && e.end > head()!.start);
  const inside = results.filter((x) => x.r?.inFunction);
  const writeInFunction = write || (inside.length > 0 && (text.includes(MARKER) || results.some((x) => x.r?.edits.some(meets))));
  if (writeInFunction) {
    for (const x of inside) {
      try {
        x.inside = x.r!.inFunction!(tree);
      } catch (e) {
        // A rule whose edit inside the function fails keeps none of its other changes either (its
        // endpoint fields, its Values): they go with that edit.
        x.failed = { error: e };
      }
    }
  }

  const edits: (TextEdit & { rule: string; order: number })[] = [];
  const compat: { rule: string; part: CompatPart }[] = [];
  results.forEach(({ rule, r, inside, failed }, order) => {
    if (failed || !r) {
      const e = failed?.error;
      outcome.findings.push(
        finding("error", "rule-failed", `Rule ${rule.meta.id} failed on this source: ${e instanceof Error ? e.message : String(e)}; it changed nothing`, {
          file,
          rule: rule.meta.id,
          needsReview: true,
          hint: "Please report this with the function source; review this difference by hand.",
        }),
      );
      return;
    }
    const part = r.compat ?? inside?.compat;
    if (part) compat.push({ rule: rule.meta.id, part });
    outcome.findings.push(...r.findings.map((f) => ({ ...f, rule: f.rule ?? rule.meta.id, file: f.file ?? file })));
    if (r.edits.length > 0 || r.compat || r.inFunction || r.endpointPatch || r.values?.length)
      outcome.applied.push({ rule: rule.meta.id, risk: rule.meta.risk });
    edits.push(...[...r.edits, ...(inside?.edits ?? [])].map((e) => ({ ...e, rule: rule.meta.id, order })));
    Object.assign(outcome.endpointPatch, r.endpointPatch ?? {});
    outcome.endpointDrop.push(...(r.endpointDrop ?? []));
    outcome.values.push(...(r.values ?? []).map((v) => ({ ...v, rule: rule.meta.id })));
  });
  if (!writeInFunction && inside.length > 0) {
    if (facts) releaseTree(facts);
    outcome.text = undefined;
    return outcome;
  }

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
