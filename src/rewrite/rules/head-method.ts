// Rule: HEAD webhooks. Endpoints have no HEAD method, so the endpoint is a GET endpoint and the
// webhook's callers must send GET (a caller change the report lists; docs/parity.md). The compat block
// answers those GET requests the way the webhook answered HEAD: status and headers, no body.

import { hasCompat } from "../compat.js";
import { noChange, type Rule } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "head-method";

export const rule: Rule = {
  meta: {
    id: ID,
    description: "A HEAD webhook becomes a GET endpoint; the function answers GET the way the webhook answered HEAD: status and headers, no body.",
    risk: "semantic-change",
    docs: RULE_DOCS[ID]!,
  },
  transform(text, ctx) {
    if (ctx.serviceType !== "http" || ctx.config.httpMethod !== "HEAD" || hasCompat(text, ID)) return noChange();
    // After the handler, whichever way it ends: a run-time part.
    return {
      edits: [],
      findings: [],
      compat: {
        comment:
          "the webhook answered HEAD, which has no body; callers now send GET and get the same answer: the function's status and headers, an empty body.",
        after: ['response.setBody("");'],
      },
    };
  },
};
