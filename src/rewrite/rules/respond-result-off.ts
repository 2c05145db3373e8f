// Rule: keep the webhook's status and empty body when Respond With Result is off and the
// function sets no status or body (the endpoint's default is 204; a header alone does not count;
// docs/parity.md).

import { finding } from "../../app/findings.js";
import { hasCompat } from "../compat.js";
import { ensureParams, exportedFunction, atBodyStart } from "../exported-function.js";
import { noChange, type Rule } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "respond-result-off";
const WHY = "the webhook answered 200 when the function set no status or body (an endpoint answers 204); a status the function sets still wins.";

export const rule: Rule = {
  meta: {
    id: ID,
    description:
      "With Respond With Result off, a webhook that set no response answered 200 with no body; the endpoint answers 204, so the function sets 200 first.",
    risk: "semantic-change",
    docs: RULE_DOCS[ID]!,
  },
  resolves: [ID],
  // The endpoint answers 204 (config reference) where the webhook's status was undocumented; the
  // conversion page claims 200 (docs/parity.md). Reported for HTTP-service webhooks.
  detect({ serviceType, config, facts, at }) {
    if (config.respondResult || serviceType !== "http") return [];
    const setsStatus = facts?.responseMethods.includes("setStatusCode") ?? false;
    return [
      finding(
        "warning",
        ID,
        "Respond With Result is off: the endpoint answers 204 No Content with an empty body when the function sets no response " +
          "(App Services' config reference); the webhook's status in that case is undocumented (the conversion page says 200)" +
          (setsStatus ? ". The function calls setStatusCode, which covers the paths that reach it." : "."),
        {
          ...at(["respond_result"]),
          needsReview: true,
          hint: "Check what your callers expect; call response.setStatusCode(200) in the function to pin the status.",
        },
      ),
    ];
  },
  transform(text, ctx) {
    if (ctx.config.respondResult || hasCompat(text, ID)) return noChange();
    // Setting 200 before anything else runs is the same as setting it when nothing else did: a
    // later setStatusCode replaces it, a body alone keeps it, and a header alone (200 on the
    // webhook, 204 on a bare endpoint) now gets it.
    return {
      edits: [],
      findings: [],
      inFunction(tree) {
        const fn = exportedFunction(tree());
        const params = fn && ensureParams(fn, 2);
        if (!fn || !params) return { edits: [], compat: { comment: WHY, before: ["response.setStatusCode(200);"] } };
        const res = params.names[1]!;
        return { edits: [...params.edits, atBodyStart(fn, [`// hookshift:${ID} - ${WHY}`, `${res}.setStatusCode(200);`], ctx.eol)] };
      },
    };
  },
};
