// The rewrite engine: let every applicable rule analyse a function source and return text edits,
// then apply all edits in one pass. Rules read the facts of the reader's one TypeScript parse
// (source-facts.ts); a rule that needs more asks for a ts-morph tree, built in memory at most once
// per source and only then. Text no edit touches stays byte-identical. Overlapping edits are a
// finding, never a silent choice; a rule that throws becomes a finding for that webhook and the
// others still run.

import { createRequire } from "node:module";
import type { Project, SourceFile } from "ts-morph";
import { finding, type Finding } from "../app/findings.js";
import { positionAt } from "../app/json.js";
import type { EndpointEntry } from "../app/model.js";
import type { Risk } from "../migrate/types.js";
import { MARKER, type Rule, type RuleContext, type TextEdit, type ValueFile } from "./types.js";

export interface AppliedRule {
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

// Creating a Project per file costs more than the parse itself, and removing each file again
// makes ts-morph forget every wrapped node one by one (as slow as the parse). So files go into
// one project under fresh names and the whole project is dropped every PROJECT_FILES files:
// half the time of remove-after-use, with memory bounded by that many small trees.
const PROJECT_FILES = 50;
let project: Project | undefined;
let filesInProject = 0;
// ts-morph loads on the first tree a rule asks for: today's rules all decide from the reader's
// parse (source-facts.ts), and loading ts-morph would cost about 0.2 s of every run.
let tsMorph: typeof import("ts-morph") | undefined;
function sourceFileFor(text: string): SourceFile {
  tsMorph ??= createRequire(import.meta.url)("ts-morph") as typeof import("ts-morph");
  const { Project, ScriptKind } = tsMorph;
  if (!project || filesInProject >= PROJECT_FILES) {
    project = new Project({ useInMemoryFileSystem: true, compilerOptions: { allowJs: true, noLib: true }, skipAddingFilesFromTsConfig: true });
    filesInProject = 0;
  }
  filesInProject++;
  return project.createSourceFile(`function${filesInProject}.js`, text, { scriptKind: ScriptKind.JS });
}

export function eolOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

export function rewriteSource(text: string, file: string, rules: Rule[], ctx: Omit<RuleContext, "eol">): RewriteOutcome {
  const outcome: RewriteOutcome = { text, applied: [], findings: [], endpointPatch: {}, endpointDrop: [], values: [], markers: [] };
  if (rules.length === 0) {
    outcome.markers = markersIn(text);
    return outcome;
  }
  let sf: SourceFile | undefined;
  const tree = () => (sf ??= sourceFileFor(text));
  const fullCtx: RuleContext = { ...ctx, eol: eolOf(text) };
  const edits: (TextEdit & { rule: string; order: number })[] = [];
  rules.forEach((rule, order) => {
    try {
      const r = rule.transform(text, fullCtx, tree);
      outcome.findings.push(...r.findings.map((f) => ({ ...f, rule: f.rule ?? rule.meta.id, file: f.file ?? file })));
      if (r.edits.length > 0 || r.endpointPatch || r.values?.length) outcome.applied.push({ rule: rule.meta.id, risk: rule.meta.risk });
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

  // Apply in one pass, from the start; insertions at one point keep the rules' order.
  edits.sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
  let out = "";
  let cursor = 0;
  let last: (typeof edits)[number] | undefined;
  for (const e of edits) {
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
  const re = new RegExp(`//\\s*${MARKER}\\(([\\w/-]+)\\):\\s*(.*)`, "g");
  for (const m of text.matchAll(re)) out.push({ rule: m[1]!, message: m[2]!.trim(), line: positionAt(text, m.index!).line });
  return out;
}
