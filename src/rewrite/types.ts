// The contract of a source-rewrite rule. A rule is pure: it gets one parsed function source and
// what hookshift knows about the webhook, and returns text edits, findings, and the config the
// rewritten source needs (endpoint fields, Values). It never reads or writes files.

import type { SourceFile } from "ts-morph";
import type { Finding } from "../app/findings.js";
import type { AuthMode, EndpointEntry, WebhookConfig } from "../app/model.js";
import type { SourceFacts } from "../app/source-facts.js";
import type { Risk } from "../plan/types.js";
import type { CompatPart } from "./compat.js";

interface RuleMeta {
  id: string;
  /** One sentence: what the rule changes and why. */
  description: string;
  risk: Risk;
  /** Longer explanation for `hookshift rules --explain` and docs/rules.md (Markdown). */
  docs: string;
}

export interface RuleContext {
  service: string;
  serviceType: string;
  webhook: string;
  config: WebhookConfig;
  authMode: AuthMode;
  functionName: string;
  /** The endpoint entry as the mapping made it (before any rule's patch). */
  endpoint: EndpointEntry;
  /** The app's services, for telling legacy HTTP clients from the database. */
  services: { name: string; type: string; hasRules: boolean; config?: Record<string, unknown> }[];
  /** `--caller-changes`: keep endpoint-native contracts and list caller changes instead. */
  callerChanges: boolean;
  /** The source's line ending, for inserted text. */
  eol: string;
}

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface ValueFile {
  name: string;
  value: string;
  from_secret: boolean;
  /** The rule that needs it (set by the engine). */
  rule?: string;
}

export interface RuleResult {
  edits: TextEdit[];
  findings: Finding[];
  endpointPatch?: Partial<EndpointEntry>;
  /** Endpoint fields to remove (e.g. secret_name when the check moves into code). */
  endpointDrop?: (keyof EndpointEntry)[];
  values?: ValueFile[];
  /** The rule's run-time part, which the engine writes with the others' into one block (compat.ts). */
  compat?: CompatPart;
  /**
   * The rule's change inside the exported function, made on ts-morph's tree (`tree()`: the reader's
   * parse, wrapped on the first call; exported-function.ts). The engine calls it only when it writes
   * the source (migrate), not when a run only detects (scan: no ts-morph to load). It always changes
   * the source (edits, or a compat part where the function cannot take them), and adds no findings,
   * endpoint fields or Values: those are decided before it, so detection sees them. A rule hands
   * its compat part here or in its result, not both. When it throws, the rule changes nothing.
   */
  inFunction?(tree: () => SourceFile): InFunctionChange;
}

export interface InFunctionChange {
  edits: TextEdit[];
  compat?: CompatPart;
}

/** What a rule reads of a source besides its text and facts, on the compiler's tree (no ts-morph). */
export interface RuleSource {
  /** The exported function's parameter count; undefined when no rule may write into it (app/find-exported.ts). */
  exportedParams(): number | undefined;
}

/** What a rule's detection sees of one webhook (src/migrate/differences.ts builds it). */
export interface DetectContext {
  serviceType: string;
  config: WebhookConfig;
  authMode?: AuthMode;
  /** The app's services. */
  services: { name: string; type: string }[];
  /** The source's facts; undefined when it has no source or could not be parsed. */
  facts?: SourceFacts;
  /** The webhook's source file, for findings about the code. */
  sourceFile?: string;
  /** The webhook's config file (or folder), for findings about the config. */
  configFile: string;
  /** `configFile` with the position of a JSON path in it, where known. */
  at(path: (string | number)[]): { file: string; line?: number; column?: number };
}

/**
 * One unit per rule (src/rewrite/rules/<id>.ts, its page <id>.md beside it): the behaviour
 * difference it detects, and how it fixes it; a rule without `transform` only reports.
 */
export interface Rule {
  meta: RuleMeta;
  /** The difference findings of this webhook the rule is about (whether or not its fix runs). */
  detect?(d: DetectContext): Finding[];
  /** Codes of `detect`'s findings that the fix resolves once it has changed the source. */
  resolves?: string[];
  /**
   * What the rule does to this webhook's source, decided from config and source (`analyseSource(text)`
   * its facts, `source` what the compiler's tree says of its exported function); absent for a rule
   * that only reports a difference. Edits inside the exported function go in the result's
   * `inFunction`, the one part that needs ts-morph.
   */
  transform?(text: string, ctx: RuleContext, source: RuleSource): RuleResult;
}

/** The single greppable prefix of manual-work markers, and their ignore form. */
export const MARKER = "hookshift-todo";
export const IGNORE = "hookshift-ignore";

export const noChange = (): RuleResult => ({ edits: [], findings: [] });
