// Rule: Twilio webhooks and Twilio service clients. Rebuild { From, To, Body, … } from Twilio's
// form-encoded POST; replace the deprecated service client's send with Twilio's Messages API over
// context.http; and answer TwiML where the Twilio service texted the returned value back.

import { finding } from "../../app/findings.js";
import { analyseSource } from "../../app/source-facts.js";
import { appendHelper, hasCompat, type CompatPart } from "../compat.js";
import { atBodyStart, ensureParams, exportedFunction } from "../exported-function.js";
import { servicesOfType } from "../services.js";
import { noChange, type Rule, type RuleResult, type ValueFile } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "twilio-payload";

export const rule: Rule = {
  meta: {
    id: ID,
    description:
      "Twilio: the function gets Twilio's form fields again, sends through Twilio's Messages API (context.http) instead of the deprecated service client, and replies with TwiML where the service texted the result back.",
    risk: "semantic-change",
    docs: RULE_DOCS[ID]!,
  },
  resolves: [ID],
  detect({ serviceType, sourceFile }) {
    if (serviceType !== "twilio") return [];
    return [
      finding(
        "warning",
        ID,
        "Twilio webhook: the function received { From, To, Body }; the endpoint passes the HTTP request whose body is Twilio's form-encoded POST, and with Respond With Result the Twilio service texted the result back, which an endpoint does not",
        {
          file: sourceFile,
          needsReview: true,
          hint: "Parse the form body (require('querystring').parse(request.body.text())) and replace context.services.get(...).send with the twilio npm package.",
        },
      ),
    ];
  },
  transform(text, ctx, source) {
    const twilio = servicesOfType(ctx.services, "twilio");
    const isWebhook = ctx.serviceType === "twilio";
    const out: RuleResult = { edits: [], findings: [] };
    const used = new Set<string>();
    // The calls come from the parse the reader made for the syntax check: no second parse.
    for (const call of twilio.size > 0 ? analyseSource(text).serviceCalls : []) {
      if (call.name === undefined || !twilio.has(call.name)) continue;
      used.add(call.name);
      out.edits.push({ start: call.start, end: call.end, text: "hookshiftTwilio" });
    }
    if (!isWebhook && used.size === 0) return noChange();
    if (hasCompat(text, ID)) return { ...out, edits: [] };
    const svc = twilio.get([...used][0] ?? ctx.service) ?? twilio.get(ctx.service);
    const sidValue = `${ctx.functionName}_twilio_sid`;
    const tokenValue = `${ctx.functionName}_twilio_token`;
    const cfg = (svc?.config ?? {}) as { config?: { sid?: string }; secret_config?: { auth_token?: string } };
    const values: ValueFile[] = [];
    if (used.size > 0) {
      values.push({ name: sidValue, value: cfg.config?.sid ?? "", from_secret: false });
      if (cfg.secret_config?.auth_token) values.push({ name: tokenValue, value: cfg.secret_config.auth_token, from_secret: true });
      else
        out.findings.push(
          finding("warning", "twilio-token", `Service ${svc?.name ?? "?"} names no auth token Secret; create Value ${tokenValue} by hand`, {
            needsReview: true,
          }),
        );
      out.edits.push(
        appendHelper(
          text,
          ID,
          ["the Twilio service client is deprecated: its send({ to, from, body }), through Twilio's Messages API."],
          [
            "var hookshiftTwilio = {",
            "  send: function (message) {",
            `    var sid = context.values.get(${JSON.stringify(sidValue)});`,
            "    return context.http.post({",
            '      scheme: "https",',
            '      host: "api.twilio.com",',
            '      path: "/2010-04-01/Accounts/" + sid + "/Messages.json",',
            "      username: sid,",
            `      password: context.values.get(${JSON.stringify(tokenValue)}),`,
            '      headers: { "Content-Type": ["application/x-www-form-urlencoded"] },',
            '      body: "To=" + encodeURIComponent(message.to || message.To) + "&From=" + encodeURIComponent(message.from || message.From) +',
            '        "&Body=" + encodeURIComponent(message.body || message.Body)',
            "    });",
            "  }",
            "};",
          ],
          ctx.eol,
        ),
      );
    }
    out.values = values;
    if (!isWebhook) return out;
    const why = "Twilio posts form fields; the function expects them as { From, To, Body, ... }.";
    const fields = (req: string) => `Object.assign({}, require("querystring").parse(${req}.body ? ${req}.body.text() : ""))`;
    // With Respond With Result the Twilio service texted the returned value back: TwiML makes
    // Twilio do the same, once the value is known (a run-time part).
    const reply: CompatPart | undefined = ctx.config.respondResult
      ? {
          comment: "the Twilio service texted the returned value back; a TwiML answer makes Twilio do the same.",
          after: [
            "if (value !== undefined && value !== null) {",
            '  var xml = String(typeof value === "string" ? value : JSON.stringify(value)).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");',
            '  res.setHeader("Content-Type", "text/xml");',
            '  res.setBody("<?xml version=\\"1.0\\" encoding=\\"UTF-8\\"?><Response><Message>" + xml + "</Message></Response>");',
            "}",
          ],
        }
      : undefined;
    if (source.exportedParams() === 0) return reply ? { ...out, compat: reply } : out;
    out.inFunction = (tree) => {
      const fn = exportedFunction(tree());
      const params = fn && ensureParams(fn, 1);
      if (!fn || !params) {
        const part: CompatPart = { comment: why, before: [`arg = ${fields("request")};`], setsArg: true };
        return { edits: [], compat: reply ? { ...part, comment: `${why} And ${reply.comment}`, after: reply.after } : part };
      }
      const req = params.names[0]!;
      return { edits: [...params.edits, atBodyStart(fn, [`// hookshift:${ID} - ${why}`, `${req} = ${fields(req)};`], ctx.eol)], compat: reply };
    };
    return out;
  },
};
