// The known behaviour differences between a webhook and the endpoint the conversion makes of it
// (https://www.mongodb.com/docs/atlas/app-services/services/convert-webhooks-to-endpoints/#differences-webhooks-converted-endpoints,
// and the undocumented points in docs/parity.md), each decided per webhook from its config and
// source. Each rule of src/rewrite/rules/ detects its own difference; the config mapping's facts
// are here. The source is copied verbatim at this stage, so every difference that applies is
// reported, and the ones that change what callers see are marked for review (a rule's fix, once
// applied, resolves its own: src/migrate/apply-rewrites.ts).

import { finding, type Finding } from "../app/findings.js";
import { locateIn } from "../app/json.js";
import type { Service, Webhook, WebhookConfig } from "../app/model.js";
import { RULES } from "./map-webhook.js";
import { analyseSource } from "../app/source-facts.js";
import { RULES as REWRITE_RULES } from "../rewrite/registry.js";

export const DIFFERENCE_RULE = "differences";

export function differenceFindings(webhook: Webhook, cfg: WebhookConfig, services: Service[]): Finding[] {
  const out: Finding[] = [];
  const file = webhook.configFile?.path ?? webhook.dir;
  const add = (f: Finding) => out.push({ rule: DIFFERENCE_RULE, ...f });
  const cf = webhook.configFile;
  const facts = webhook.source !== undefined ? analyseSource(webhook.source, webhook.sourceFacts) : undefined;
  // Each rule detects the difference it is about (src/rewrite/rules/<id>.ts), fix or no fix.
  const d = {
    serviceType: webhook.service.type,
    config: cfg,
    authMode: webhook.authMode,
    services,
    facts,
    sourceFile: webhook.sourcePath,
    configFile: file,
    at: (p: (string | number)[]) => (cf ? { file, ...locateIn(cf, p) } : { file }),
  };
  for (const rule of REWRITE_RULES) for (const f of rule.detect?.(d) ?? []) add(f);

  // Facts every converted webhook shares (the config mapping's, src/migrate/map-webhook.ts): reported, not for review.
  add(
    finding("info", "return-type-ejson", 'return_type is "EJSON": webhooks answered in canonical EJSON, so callers keep the same body encoding', {
      file,
      rule: RULES.endpoint,
    }),
  );
  add(
    finding("info", "url-change", "Callers reach the endpoint at a new URL (see the URL map); the webhook URL keeps answering until the webhook is removed", {
      file,
    }),
  );
  add(
    finding("info", "public-function", "The new function is public (private: false), as App Services' conversion made it: SDK clients can call it directly", {
      file,
      rule: RULES.function,
      hint: 'Set "private": true if clients must not call it; the endpoint still can.',
    }),
  );
  if (cfg.canEvaluate) {
    add(
      finding("info", "can-evaluate-moved", "can_evaluate moves from the webhook to the function, where App Services evaluates it on every call", {
        ...d.at(["can_evaluate"]),
        rule: RULES.function,
      }),
    );
  }
  return out;
}
