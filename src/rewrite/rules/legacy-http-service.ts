// Rule: legacy HTTP service clients → context.http (same actions, same arguments;
// https://www.mongodb.com/docs/atlas/app-services/services/replace-with-npm-modules/).

import { finding } from "../../app/findings.js";
import { positionAt } from "../../app/json.js";
import { analyseSource } from "../../app/source-facts.js";
import { servicesOfType } from "../services.js";
import { IGNORE, MARKER, type Rule, type RuleResult, type TextEdit } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "legacy-http-service";

/**
 * Service types whose clients were deprecated together with webhooks
 * (https://www.mongodb.com/docs/atlas/app-services/services/replace-with-npm-modules/).
 */
const LEGACY_CLIENT_TYPES = new Set(["http", "twilio", "aws", "github", "gcm"]);

export const rule: Rule = {
  meta: {
    id: ID,
    description: 'Replaces context.services.get("<HTTP service>") with context.http, which takes the same actions and arguments.',
    risk: "safe",
    docs: RULE_DOCS[ID]!,
  },
  resolves: ["service-clients"],
  // Every legacy client an HTTP webhook's function uses is reported (info); this rule replaces the
  // HTTP ones, twilio-payload the Twilio ones.
  detect({ serviceType, services, facts, sourceFile }) {
    const legacy = (facts?.servicesUsed ?? []).filter((n) => services.some((s) => s.name === n && LEGACY_CLIENT_TYPES.has(s.type)));
    if (legacy.length === 0 || serviceType !== "http") return [];
    return [
      finding(
        "info",
        "service-clients",
        `The function uses the legacy service client${legacy.length > 1 ? "s" : ""} ${legacy.map((n) => `"${n}"`).join(", ")}, deprecated along with webhooks`,
        {
          file: sourceFile,
          hint: "Replace them with context.http or npm packages; the endpoint itself does not change what they do.",
        },
      ),
    ];
  },
  transform(text, ctx) {
    const http = servicesOfType(ctx.services, "http");
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
            finding(
              "warning",
              "service-rules-dropped",
              `Calls through HTTP service ${svc.name} now use context.http, to which the service's rules (conditions on %%args) do not apply`,
              {
                ...positionAt(text, call.start),
                needsReview: true,
                hint: "Check the service's rules/ (allowed hosts, methods) and enforce them in code if the function relies on them.",
              },
            ),
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
