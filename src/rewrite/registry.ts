// Every rule, one line each (a rule is one unit: src/rewrite/rules/<id>.ts and <id>.md). The order
// is the order of their difference findings in the report, of their statements at the start of a
// function's body, and of their parts in its compat block (compat.ts).

import { rule as respondResultResponseMethods } from "./rules/respond-result-response-methods.js";
import { rule as respondResultOff } from "./rules/respond-result-off.js";
import { rule as signatureHeader } from "./rules/signature-header.js";
import { rule as credentialsInBody } from "./rules/credentials-in-body.js";
import { rule as userScript } from "./rules/user-script.js";
import { rule as githubPayload } from "./rules/github-payload.js";
import { rule as twilioPayload } from "./rules/twilio-payload.js";
import { rule as githubSettings } from "./rules/github-settings.js";
import { rule as twilioSettings } from "./rules/twilio-settings.js";
import { rule as legacyHttpService } from "./rules/legacy-http-service.js";
import { rule as headMethod } from "./rules/head-method.js";
import type { Rule } from "./types.js";

export const RULES: Rule[] = [
  respondResultResponseMethods,
  respondResultOff,
  signatureHeader,
  credentialsInBody,
  userScript,
  githubPayload,
  twilioPayload,
  githubSettings,
  twilioSettings,
  legacyHttpService,
  headMethod,
];

export const RULE_IDS: string[] = RULES.map((r) => r.meta.id);

export function selectRules(only?: string[], skip?: string[]): { rules: Rule[]; unknown: string[] } {
  const ids = new Set(RULES.map((r) => r.meta.id));
  const unknown = [...(only ?? []), ...(skip ?? [])].filter((id) => !ids.has(id));
  const rules = RULES.filter((r) => (!only || only.length === 0 || only.includes(r.meta.id)) && !(skip ?? []).includes(r.meta.id));
  return { rules, unknown };
}
