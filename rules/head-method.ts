// Rule: HEAD webhooks. Endpoints have no HEAD method, so the endpoint is a GET endpoint and the
// webhook's callers must send GET (a caller change the report lists; docs/parity.md). The wrapper
// answers those GET requests the way the webhook answered HEAD: status and headers, no body.

import { appendWrapper, hasCompat } from "../src/rewrite/compat.js";
import { noChange, type Rule } from "../src/rewrite/types.js";

const ID = "head-method";

export const rule: Rule = {
  meta: {
    id: ID,
    description: "A HEAD webhook becomes a GET endpoint; the function answers GET the way the webhook answered HEAD: status and headers, no body.",
    risk: "semantic-change",
    docs: [
      "Endpoints accept `GET POST PUT PATCH DELETE *` but not `HEAD`",
      "(https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/), so the conversion maps a HEAD",
      "webhook to a GET endpoint and its callers must send GET instead; the report lists that caller change, and the",
      "shim does not answer HEAD from a GET endpoint (`--endpoint-head-as-get` for the other reading). A HEAD answer",
      "has no body, so the rule wraps `exports` once to answer with the status and headers the function sets and an",
      "empty body: a caller that switches from HEAD to GET gets what it got before.",
    ].join("\n"),
  },
  transform(text, ctx) {
    if (ctx.serviceType !== "http" || ctx.config.httpMethod !== "HEAD" || hasCompat(text, ID)) return noChange();
    const edit = appendWrapper(
      text,
      ID,
      ["the webhook answered HEAD, which has no body; its callers now send GET and get the same", "answer: the status and headers the function sets, and an empty body."],
      [
        "exports = (function (handler) {",
        "  return async function (request, response) {",
        "    var result = await handler.apply(this, arguments);",
        '    response.setBody("");',
        "    return result;",
        "  };",
        "})(exports);",
      ],
      ctx.eol,
    );
    return { edits: [edit], findings: [] };
  },
};
