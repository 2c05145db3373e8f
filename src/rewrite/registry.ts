// Every rewrite rule, in the order their edits apply. Wrappers appended later wrap the earlier
// ones, so the checks a webhook made first come last: the method check, then the signature.

import { rule as githubPayload } from "../../rules/github-payload.js";
import { rule as headMethod } from "../../rules/head-method.js";
import { rule as legacyHttpService } from "../../rules/legacy-http-service.js";
import { rule as respondResultOff } from "../../rules/respond-result-off.js";
import { rule as respondResultResponseMethods } from "../../rules/respond-result-response-methods.js";
import { rule as signatureHeader } from "../../rules/signature-header.js";
import { rule as twilioPayload } from "../../rules/twilio-payload.js";
import type { Rule } from "./types.js";

export const RULES: Rule[] = [legacyHttpService, twilioPayload, respondResultResponseMethods, respondResultOff, signatureHeader, headMethod, githubPayload];

/** Difference findings (src/migrate/differences.ts) that a rule's rewrite resolves. */
export const RESOLVES: Record<string, string[]> = {
  "respond-result-response-methods": ["respond-result-response-methods"],
  "respond-result-off": ["respond-result-off"],
  "signature-header": ["signature-header"],
  "legacy-http-service": ["service-clients"],
  "github-payload": ["github-payload"],
  "twilio-payload": ["twilio-payload"],
};

export const RULE_IDS: string[] = RULES.map((r) => r.meta.id);

export function selectRules(only?: string[], skip?: string[]): { rules: Rule[]; unknown: string[] } {
  const ids = new Set(RULES.map((r) => r.meta.id));
  const unknown = [...(only ?? []), ...(skip ?? [])].filter((id) => !ids.has(id));
  const rules = RULES.filter((r) => (!only || only.length === 0 || only.includes(r.meta.id)) && !(skip ?? []).includes(r.meta.id));
  return { rules, unknown };
}
