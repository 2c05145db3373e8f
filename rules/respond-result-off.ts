// Rule: keep the webhook's status and empty body when Respond With Result is off and the
// function sets no status or body (the endpoint's default is 204; a header alone does not count;
// docs/parity.md).

import { appendWrapper, hasCompat, trackedWrapperLines } from "../src/rewrite/compat.js";
import { noChange, type Rule } from "../src/rewrite/types.js";

const ID = "respond-result-off";

export const rule: Rule = {
  meta: {
    id: ID,
    description: "With Respond With Result off, a webhook that set no response answered 200 with no body; the endpoint answers 204, so the function sets 200 in that case.",
    risk: "semantic-change",
    docs: [
      "With **Respond With Result** off, an HTTPS endpoint answers **204 No Content** when the function sets no response",
      "(App Services' config reference). What the webhook answered is undocumented; hookshift's shim answers 200 with an",
      "empty body, the status App Services' conversion page describes (docs/parity.md, `--webhook-no-result-status`).",
      "",
      "Applies to HTTP-service webhooks with Respond With Result off. The rule wraps `exports` once: when the function",
      "set neither a status nor a body, the wrapper sets status 200, so callers see the status they saw before. Headers",
      "alone do not count: a webhook that only set a header still answered 200, where the endpoint would answer 204. A",
      "function that sets its own status or body is left to do so.",
    ].join("\n"),
  },
  transform(text, ctx) {
    if (ctx.config.respondResult || hasCompat(text, ID)) return noChange();
    const edit = appendWrapper(
      text,
      ID,
      ["keep the webhook's status with Respond With Result off:", "200 when the function set no status or body (an endpoint would answer 204)."],
      // Only a status or a body counts: after a header alone the webhook still answered 200 (docs/parity.md).
      trackedWrapperLines(["if (!used) response.setStatusCode(200);"], ["setStatusCode", "setBody"]),
      ctx.eol,
    );
    return { edits: [edit], findings: [] };
  },
};
