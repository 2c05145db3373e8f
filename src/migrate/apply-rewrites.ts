// Runs the rewrite rules over a converted webhook's source and folds what they return into the
// webhook's plan: the new function text, endpoint changes, Values, productions, findings, and the
// difference findings a rewrite resolved (they stop needing review).

import { finding } from "../app/findings.js";
import type { App, Webhook, WebhookConfig } from "../app/model.js";
import { rewriteSource } from "../rewrite/engine.js";
import type { Rule, RuleContext } from "../rewrite/types.js";
import type { WebhookPlan } from "../plan/types.js";

export interface RewriteSetup {
  rules: Rule[];
  callerChanges: boolean;
  /** false: decide what the rules change without writing the edits made on ts-morph's tree (engine.ts). */
  write: boolean;
}

// What rules know of the app's services, computed once per app (every webhook asks).
const servicesOf = new WeakMap<App, RuleContext["services"]>();
function ruleServices(app: App): RuleContext["services"] {
  let list = servicesOf.get(app);
  if (!list) {
    const withRules = new Set(app.files.filter((f) => /\/rules\/[^/]+\.json$/.test(f)).map((f) => f.slice(0, f.indexOf("/rules/"))));
    list = app.services.map((s) => ({ name: s.name, type: s.type, hasRules: withRules.has(s.dir), config: s.config?.value }));
    servicesOf.set(app, list);
  }
  return list;
}

export function applyRewrites(app: App, webhook: Webhook, cfg: WebhookConfig, wp: WebhookPlan, setup: RewriteSetup): void {
  const services = ruleServices(app);
  const outcome = rewriteSource(
    webhook.source!,
    wp.functionFile!,
    setup.rules,
    {
      service: webhook.service.name,
      serviceType: webhook.service.type,
      webhook: webhook.name,
      config: cfg,
      authMode: webhook.authMode ?? "system",
      functionName: wp.functionEntry!.name,
      endpoint: wp.endpoint!,
      services,
      callerChanges: setup.callerChanges,
    },
    webhook.sourceFacts,
    { write: setup.write },
  );
  wp.functionSource = outcome.text;
  const endpoint = { ...wp.endpoint!, ...outcome.endpointPatch };
  for (const k of outcome.endpointDrop) delete endpoint[k];
  wp.endpoint = endpoint;
  wp.values = outcome.values;
  wp.findings.push(...outcome.findings);
  const byId = new Map(setup.rules.map((r) => [r.meta.id, r]));
  for (const a of outcome.applied) {
    wp.produced.push({ rule: a.rule, risk: a.risk, file: wp.functionFile!, description: byId.get(a.rule)?.meta.description ?? a.rule });
    for (const code of byId.get(a.rule)?.resolves ?? []) {
      for (const f of wp.findings.filter((x) => x.code === code && x.needsReview)) {
        f.needsReview = false;
        f.severity = "info";
        f.message = `Handled by rule ${a.rule}: ${f.message}`;
        // The hint said what to do about the difference; the rule did it, so it must not ask again.
        f.hint = `Nothing to do: rule ${a.rule} keeps the webhook's behaviour in ${wp.functionFile} (its change is under Files).`;
      }
    }
  }
  for (const v of outcome.values) {
    wp.produced.push({
      rule: v.rule ?? "rewrite",
      risk: "safe",
      file: `values/${v.name}.json`,
      description: v.from_secret ? `Value ${v.name} reads Secret ${v.value}` : `Value ${v.name}`,
    });
  }
  for (const m of outcome.markers) {
    wp.findings.push(
      finding("warning", "marker", `Unresolved ${m.rule} marker: ${m.message}`, {
        file: wp.functionFile,
        line: m.line,
        column: 1,
        rule: m.rule,
        needsReview: true,
        hint: `Resolve it and delete the marker, or replace it with "// hookshift-ignore(${m.rule}): <reason>".`,
      }),
    );
  }
}
