// Rule: keep the webhook's status and empty body when Respond With Result is off and the
// function sets no response (the endpoint's default is 204; docs/parity.md).

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
      "called no response method, the wrapper sets status 200, so callers see the status they saw before. A function that",
      "sets its own status or body is left to do so.",
    ].join("\n"),
  },
  transform(text, ctx) {
    if (ctx.config.respondResult || hasCompat(text, ID)) return noChange();
    const edit = appendWrapper(
      text,
      ID,
      ["keep the webhook's status with Respond With Result off:", "200 and no body when the function set no response (an endpoint would answer 204)."],
      trackedWrapperLines(["if (!used) response.setStatusCode(200);"]),
      ctx.eol,
    );
    return { edits: [edit], findings: [] };
  },
};
