// Rule: GitHub webhooks. The function expected the parsed GitHub event; the endpoint passes the
// HTTP request. Rebuild the event from the body and keep the signature check the GitHub service
// made, against the webhook's secret (a Secret behind a from_secret Value).

import { appendWrapper, hasCompat } from "../src/rewrite/compat.js";
import { noChange, type Rule, type RuleResult } from "../src/rewrite/types.js";

const ID = "github-payload";

export const rule: Rule = {
  meta: {
    id: ID,
    description: "GitHub webhooks: the function gets the parsed event again (from the request body), after the X-Hub-Signature-256 / X-Hub-Signature check the GitHub service made.",
    risk: "semantic-change",
    docs: [
      "A GitHub-service webhook handed the function the parsed GitHub event (`payload.commits`, `payload.action` ...). An",
      "endpoint hands it the HTTP request. The rule wraps `exports` once: the wrapper parses `request.body.text()` as JSON",
      "and calls the handler with the event and the response, so the function's code stays as it was;",
      "`context.request.requestHeaders` (e.g. `X-GitHub-Event`) works unchanged.",
      "",
      "When the webhook had a secret, the wrapper first checks `X-Hub-Signature-256` (HMAC-SHA256), else `X-Hub-Signature`",
      "(HMAC-SHA1, sent by older GitHub setups), keyed with the Secret behind the Value `<function>_github_secret`, and",
      "answers 401 when neither matches. GitHub signs the raw body; `text()` decodes it as UTF-8, which GitHub's JSON is.",
      "The function keeps running as system. In GitHub's webhook settings, set the payload URL to the endpoint URL and",
      "the content type to `application/json`; keep the secret.",
    ].join("\n"),
  },
  transform(text, ctx) {
    if (ctx.serviceType !== "github") return noChange();
    const value = `${ctx.functionName}_github_secret`;
    const secret = ctx.config.secret !== undefined;
    const out: RuleResult = {
      edits: [],
      // The caller-side step (GitHub's payload URL) is a review finding of every GitHub webhook
      // (src/migrate/differences.ts, "github-settings"), with or without this rule.
      findings: [],
      values: secret ? [{ name: value, value: ctx.functionName, from_secret: true }] : [],
    };
    if (hasCompat(text, ID)) return out;
    const check = secret
      ? [
          `    var secret = context.values.get(${JSON.stringify(value)});`,
          '    var s256 = (request.headers["X-Hub-Signature-256"] || [])[0];',
          '    var s1 = (request.headers["X-Hub-Signature"] || [])[0];',
          "    var signed = s256 !== undefined",
          '      ? s256 === "sha256=" + utils.crypto.hmac(body, secret, "sha256", "hex")',
          '      : s1 !== undefined && s1 === "sha1=" + utils.crypto.hmac(body, secret, "sha1", "hex");',
          "    if (!secret || !signed) {",
          "      response.setStatusCode(401);",
          '      response.setHeader("Content-Type", "application/json");',
          '      response.setBody(JSON.stringify({ error: "incoming webhook authentication failed", error_code: "IncomingWebhookAuthFailed" }));',
          "      return;",
          "    }",
        ]
      : [];
    out.edits.push(
      appendWrapper(
        text,
        ID,
        ["the function expects the parsed GitHub event, as the GitHub service gave it;", "the endpoint passes the HTTP request, so rebuild the event from its body."],
        [
          "exports = (function (handler) {",
          "  return function (request, response) {",
          '    var body = request.body ? request.body.text() : "";',
          ...check,
          "    var event;",
          "    try {",
          '      event = body ? JSON.parse(body) : {};',
          "    } catch (e) {",
          '      throw new Error("the request body is not the JSON GitHub sends");',
          "    }",
          "    return handler.call(this, event, response);",
          "  };",
          "})(exports);",
        ],
        ctx.eol,
      ),
    );
    return out;
  },
};
