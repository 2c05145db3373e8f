// Rule: HEAD webhooks. Endpoints have no HEAD method, so the endpoint is a GET endpoint (the
// shim serves HEAD requests from it, docs/parity.md); the function turns away every other method
// as the webhook did.

import { appendWrapper, hasCompat } from "../src/rewrite/compat.js";
import { noChange, type Rule } from "../src/rewrite/types.js";

const ID = "head-method";

export const rule: Rule = {
  meta: {
    id: ID,
    description: "A HEAD webhook becomes a GET endpoint; the function answers 405 to anything but HEAD, as the webhook did.",
    risk: "semantic-change",
    docs: [
      "Endpoints accept `GET POST PUT PATCH DELETE *` but not `HEAD`, so the conversion maps a HEAD webhook to a GET",
      "endpoint. HTTP servers answer HEAD from a GET route (without a body); whether App Services does is undocumented,",
      "so the report keeps a review finding for it. What would change for sure is that GET requests now run the",
      "function. The rule wraps `exports` once so that any method other than HEAD gets the 405 the webhook gave.",
    ].join("\n"),
  },
  transform(text, ctx) {
    if (ctx.serviceType !== "http" || ctx.config.httpMethod !== "HEAD" || hasCompat(text, ID)) return noChange();
    const edit = appendWrapper(
      text,
      ID,
      ["the webhook answered HEAD only; this GET endpoint turns other methods away as it did."],
      [
        "exports = (function (handler) {",
        "  return function (request, response) {",
        '    if (context.request.httpMethod !== "HEAD") {',
        "      response.setStatusCode(405);",
        '      response.setHeader("Content-Type", "application/json");',
        '      response.setBody(JSON.stringify({ error: "method not allowed", error_code: "InvalidParameter" }));',
        "      return;",
        "    }",
        "    return handler.apply(this, arguments);",
        "  };",
        "})(exports);",
      ],
      ctx.eol,
    );
    return { edits: [edit], findings: [] };
  },
};
