// The contract of a source-rewrite rule. A rule is pure: it gets one parsed function source and
// what hookshift knows about the webhook, and returns text edits, findings, and the config the
// rewritten source needs (endpoint fields, Values). It never reads or writes files.

import type { SourceFile } from "ts-morph";
import type { Finding } from "../app/findings.js";
import type { AuthMode, EndpointEntry, WebhookConfig } from "../app/model.js";
import type { Risk } from "../migrate/types.js";

export interface RuleMeta {
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
}

export interface Rule {
  meta: RuleMeta;
  /**
   * What the rule does to this webhook's source, decided from config and source. Prefer the facts
   * of `analyseSource(text)` (the reader's parse, no second one); `tree()` parses the source with
   * ts-morph on its first call only, for a rule that needs the full tree.
   */
  transform(text: string, ctx: RuleContext, tree: () => SourceFile): RuleResult;
}

/** The single greppable prefix of manual-work markers, and their ignore form. */
export const MARKER = "hookshift-todo";
export const IGNORE = "hookshift-ignore";

export const noChange = (): RuleResult => ({ edits: [], findings: [] });
