// Rule: keep the webhook's Respond With Result behaviour when the function also calls response
// methods (the one difference App Services documents:
// https://www.mongodb.com/docs/atlas/app-services/services/convert-webhooks-to-endpoints/#differences-webhooks-converted-endpoints).

import { finding } from "../../app/findings.js";
import { analyseSource } from "../../app/source-facts.js";
import { hasCompat } from "../compat.js";
import { noChange, type Rule } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "respond-result-response-methods";

export const rule: Rule = {
  meta: {
    id: ID,
    description:
      "Webhooks with Respond With Result drop the return value once a response method ran; the endpoint would send it, so the function sets an empty body in that case.",
    risk: "semantic-change",
    docs: RULE_DOCS[ID]!,
  },
  resolves: [ID],
  // The one documented difference: with Respond With Result on, a function that both calls response
  // methods and returns a value answers differently.
  detect({ config, facts, sourceFile }) {
    if (!config.respondResult || !facts || facts.responseMethods.length === 0 || !facts.returnsValue) return [];
    const setsBody = facts.responseMethods.includes("setBody");
    return [
      finding(
        "warning",
        ID,
        `Respond With Result is on and the function both calls ${facts.responseMethods.join(", ")} and returns a value. ` +
          `The webhook dropped the return value once a response method ran; the endpoint sends it as the body unless setBody was called` +
          (setsBody ? " (paths that return without calling setBody change)." : "."),
        {
          file: sourceFile,
          ...facts.firstResponseCall,
          needsReview: true,
          hint: "Return nothing on the paths that call response methods, or call setBody there; hookshift's rewrite rules will do this.",
        },
      ),
    ];
  },
  transform(text, ctx) {
    if (!ctx.config.respondResult || hasCompat(text, ID)) return noChange();
    const facts = analyseSource(text);
    if (facts.responseMethods.length === 0 || !facts.returnsValue) return noChange();
    // Whether a response method ran before the function returned is a run-time question.
    return {
      edits: [],
      findings: [],
      compat: {
        comment: "Respond With Result: once a response method ran, the webhook dropped the return value; an endpoint would send it.",
        track: ["setStatusCode", "setHeader", "addHeader", "setBody"],
        after: ['if (used && !bodySet) response.setBody("");'],
      },
    };
  },
};
