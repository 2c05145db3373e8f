// Rule: VERIFY_PAYLOAD callers sign with X-Hook-Signature; endpoints expect Endpoint-Signature.
// By default the endpoint keeps the callers' contract and checks the old header in code.

import { finding } from "../../app/findings.js";
import { hasCompat } from "../compat.js";
import { atBodyStart, ensureParams, exportedFunction, freshName } from "../exported-function.js";
import { noChange, type Rule, type RuleResult } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "signature-header";

export const rule: Rule = {
  meta: {
    id: ID,
    description:
      "Keeps VERIFY_PAYLOAD callers working: the function checks X-Hook-Signature against the webhook's secret (a Secret behind a from_secret Value) instead of the endpoint checking Endpoint-Signature.",
    risk: "semantic-change",
    docs: RULE_DOCS[ID]!,
  },
  resolves: [ID],
  detect({ serviceType, config, at }) {
    if (serviceType !== "http" || config.validationMethod !== "VERIFY_PAYLOAD") return [];
    return [
      finding(
        "warning",
        ID,
        "Payload signature header changes: webhook callers send X-Hook-Signature: sha256=<hex>; the endpoint checks Endpoint-Signature: sha256=<hex> (same HMAC-SHA256 of the raw body with the same secret)",
        {
          ...at(["options", "validationMethod"]),
          needsReview: true,
          hint: "Change every caller to send Endpoint-Signature when you switch it to the endpoint URL.",
        },
      ),
    ];
  },
  transform(text, ctx) {
    if (ctx.serviceType !== "http" || ctx.config.validationMethod !== "VERIFY_PAYLOAD" || ctx.callerChanges) return noChange();
    const value = `${ctx.functionName}_signing_secret`;
    const result: RuleResult = {
      edits: [],
      findings: [],
      endpointPatch: { validation_method: "NO_VALIDATION" },
      endpointDrop: ["secret_name"],
      values: ctx.endpoint.secret_name ? [{ name: value, value: ctx.endpoint.secret_name, from_secret: true }] : [],
    };
    if (hasCompat(text, ID)) return result;
    const why = `keep the webhook's callers: they sign the body with X-Hook-Signature: sha256=<hex HMAC-SHA256>, keyed with the Secret behind Value ${value}.`;
    const check = (req: string, res: string, key: string) => [
      `var ${key} = context.values.get(${JSON.stringify(value)});`,
      `if (!${key} || (${req}.headers["X-Hook-Signature"] || [])[0] !== "sha256=" + utils.crypto.hmac(${req}.body ? ${req}.body.text() : "", ${key}, "sha256", "hex")) {`,
      `  ${res}.setStatusCode(401);`,
      `  ${res}.setHeader("Content-Type", "application/json");`,
      `  ${res}.setBody(JSON.stringify({ error: "incoming webhook authentication failed", error_code: "IncomingWebhookAuthFailed" }));`,
      "  return;",
      "}",
    ];
    // The check comes before anything the function does: it can go first in its body.
    result.inFunction = (tree) => {
      const sf = tree();
      const fn = exportedFunction(sf);
      const params = fn && ensureParams(fn, 2);
      if (!fn || !params) return { edits: [], compat: { comment: why, before: check("request", "response", "secret") } };
      const [req, res] = params.names as [string, string];
      return { edits: [...params.edits, atBodyStart(fn, [`// hookshift:${ID} - ${why}`, ...check(req, res, freshName(sf, "hookshiftSecret"))], ctx.eol)] };
    };
    return result;
  },
};
