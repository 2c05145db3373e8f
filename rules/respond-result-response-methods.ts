// Rule: keep the webhook's Respond With Result behaviour when the function also calls response
// methods (the one difference App Services documents:
// https://www.mongodb.com/docs/atlas/app-services/services/convert-webhooks-to-endpoints/#differences-webhooks-converted-endpoints).

import { analyseSource } from "../src/app/source-facts.js";
import { appendWrapper, hasCompat, trackedWrapperLines } from "../src/rewrite/compat.js";
import { noChange, type Rule } from "../src/rewrite/types.js";

const ID = "respond-result-response-methods";

export const rule: Rule = {
  meta: {
    id: ID,
    description: "Webhooks with Respond With Result drop the return value once a response method ran; the endpoint would send it, so the function sets an empty body in that case.",
    risk: "semantic-change",
    docs: [
      "A webhook with **Respond With Result** on answers with the function's return value, unless the function called any of",
      "`setStatusCode`, `setHeader`, `addHeader` or `setBody`: then the return value is dropped. An HTTPS endpoint sends the",
      "return value as the body unless `setBody` was called, so `response.setStatusCode(201); return {...}` answers 201 with",
      "no body as a webhook and 201 with the object as an endpoint (App Services' conversion page documents this).",
      "",
      "Applies to HTTP-service webhooks with Respond With Result on whose source both calls a response method and returns a",
      "value anywhere (including inside `.then` callbacks and after early returns). The rule wraps `exports` once: the",
      "wrapper passes the handler a response object that records which methods ran, and when one ran without `setBody`,",
      "sets an empty body, which the endpoint sends instead of the return value. Nothing else about the function changes.",
    ].join("\n"),
  },
  transform(text, ctx) {
    if (!ctx.config.respondResult || hasCompat(text, ID)) return noChange();
    const facts = analyseSource(text);
    if (facts.responseMethods.length === 0 || !facts.returnsValue) return noChange();
    const edit = appendWrapper(
      text,
      ID,
      ["keep the webhook's Respond With Result behaviour:", "once a response method ran, the return value is not the body (an endpoint would send it)."],
      trackedWrapperLines(['if (used && !bodySet) response.setBody("");']),
      ctx.eol,
    );
    return { edits: [edit], findings: [] };
  },
};
