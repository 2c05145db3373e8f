// Rule: legacy HTTP service clients → context.http (same actions, same arguments;
// https://www.mongodb.com/docs/atlas/app-services/services/replace-with-npm-modules/).

import { analyseSource } from "../src/app/source-facts.js";
import { finding } from "../src/app/findings.js";
import { positionAt } from "../src/app/json.js";
import { IGNORE, MARKER, type Rule, type RuleResult, type TextEdit } from "../src/rewrite/types.js";

const ID = "legacy-http-service";

export const rule: Rule = {
  meta: {
    id: ID,
    description: 'Replaces context.services.get("<HTTP service>") with context.http, which takes the same actions and arguments.',
    risk: "safe",
    docs: [
      "The HTTP service's client (`context.services.get(\"<svc>\").get/post/put/patch/delete/head(args)`) was deprecated",
      "with the webhooks; `context.http` has the same actions with the same argument shape (https://www.mongodb.com/docs/atlas/app-services/services/replace-with-npm-modules/). The rule",
      "replaces the `context.services.get(\"<svc>\")` expression with `context.http` wherever `<svc>` names one of the",
      "app's HTTP services, so `const http = context.services.get(\"api\"); http.post(...)` keeps working too.",
      "",
      "The service's rules (conditions on `%%args`, e.g. allowed hosts) do not apply to `context.http`: when the service has",
      "rules, a finding says so. A call whose service name is not a string literal cannot be proven to be an HTTP client:",
      `the rule leaves it and puts a \`// ${MARKER}(${ID})\` marker above it; \`// ${IGNORE}(${ID}): <reason>\` silences it.`,
    ].join("\n"),
  },
  transform(text, ctx) {
    const http = new Map(ctx.services.filter((s) => s.type === "http").map((s) => [s.name, s]));
    const out: RuleResult = { edits: [], findings: [] };
    if (http.size === 0) return out;
    const warned = new Set<string>();
    // The calls come from the parse the reader made for the syntax check: no second parse.
    for (const call of analyseSource(text).serviceCalls) {
      if (call.name !== undefined) {
        const svc = http.get(call.name);
        if (!svc) continue;
        out.edits.push({ start: call.start, end: call.end, text: "context.http" });
        if (svc.hasRules && !warned.has(svc.name)) {
          warned.add(svc.name);
          out.findings.push(
            finding("warning", "service-rules-dropped", `Calls through HTTP service ${svc.name} now use context.http, to which the service's rules (conditions on %%args) do not apply`, {
              ...positionAt(text, call.start),
              needsReview: true,
              hint: "Check the service's rules/ (allowed hosts, methods) and enforce them in code if the function relies on them.",
            }),
          );
        }
        continue;
      }
      // A computed service name: maybe an HTTP client, maybe the database. Leave it, mark it once.
      const lineStart = text.lastIndexOf("\n", call.statementStart - 1) + 1;
      const before = text.slice(text.lastIndexOf("\n", Math.max(0, lineStart - 2)) + 1, lineStart);
      if (before.includes(`${MARKER}(${ID})`) || before.includes(`${IGNORE}(${ID})`)) continue;
      const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
      const edit: TextEdit = {
        start: lineStart,
        end: lineStart,
        text: `${indent}// ${MARKER}(${ID}): context.services.get(${call.argText}) may be a legacy HTTP service client; use context.http if it is${ctx.eol}`,
      };
      if (!out.edits.some((e) => e.start === edit.start)) out.edits.push(edit);
    }
    return out;
  },
};
