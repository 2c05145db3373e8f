// Rule: VERIFY_PAYLOAD callers sign with X-Hook-Signature; endpoints expect Endpoint-Signature.
// By default the endpoint keeps the callers' contract and checks the old header in code.

import { appendWrapper, hasCompat } from "../src/rewrite/compat.js";
import { noChange, type Rule } from "../src/rewrite/types.js";

const ID = "signature-header";

export const rule: Rule = {
  meta: {
    id: ID,
    description: "Keeps VERIFY_PAYLOAD callers working: the function checks X-Hook-Signature against the webhook's secret (a Secret behind a from_secret Value) instead of the endpoint checking Endpoint-Signature.",
    risk: "semantic-change",
    docs: [
      "Webhook callers with **VERIFY_PAYLOAD** send `X-Hook-Signature: sha256=<hex HMAC-SHA256 of the body>`; an endpoint",
      "with the same validation expects `Endpoint-Signature` (same HMAC). Unchanged callers would be rejected.",
      "",
      "By default the rule keeps the callers' contract: the endpoint gets `validation_method: NO_VALIDATION` (no",
      "`secret_name`), a Value `<function>_signing_secret` reads the Secret that holds the webhook's secret, and a wrapper",
      "around `exports` checks `X-Hook-Signature` before the handler runs, answering 401 like the webhook did. The HMAC is",
      "computed over the UTF-8 text of the body (`request.body.text()`), which equals the raw bytes for UTF-8 bodies.",
      "",
      "With `migrate --caller-changes` the rule does nothing: the endpoint keeps `VERIFY_PAYLOAD` and the report's caller",
      "map lists the header callers must switch to.",
    ].join("\n"),
  },
  transform(text, ctx) {
    if (ctx.serviceType !== "http" || ctx.config.validationMethod !== "VERIFY_PAYLOAD" || ctx.callerChanges) return noChange();
    const value = `${ctx.functionName}_signing_secret`;
    const result = {
      edits: [] as ReturnType<typeof appendWrapper>[],
      findings: [],
      endpointPatch: { validation_method: "NO_VALIDATION" },
      endpointDrop: ["secret_name" as const],
      values: ctx.endpoint.secret_name ? [{ name: value, value: ctx.endpoint.secret_name, from_secret: true }] : [],
    };
    if (hasCompat(text, ID)) return result;
    result.edits.push(
      appendWrapper(
        text,
        ID,
        ["keep the webhook's callers: they sign the body with", `X-Hook-Signature: sha256=<hex HMAC-SHA256>, keyed with the Secret behind Value ${value}.`],
        [
          "exports = (function (handler) {",
          "  return function (request, response) {",
          `    var secret = context.values.get(${JSON.stringify(value)});`,
          '    var sent = (request.headers["X-Hook-Signature"] || [])[0];',
          '    var body = request.body ? request.body.text() : "";',
          '    if (!secret || sent !== "sha256=" + utils.crypto.hmac(body, secret, "sha256", "hex")) {',
          "      response.setStatusCode(401);",
          '      response.setHeader("Content-Type", "application/json");',
          '      response.setBody(JSON.stringify({ error: "incoming webhook authentication failed", error_code: "IncomingWebhookAuthFailed" }));',
          "      return;",
          "    }",
          "    return handler.apply(this, arguments);",
          "  };",
          "})(exports);",
        ],
        ctx.eol,
      ),
    );
    return result;
  },
};
