// Rule: Twilio webhooks and Twilio service clients. Rebuild { From, To, Body, … } from Twilio's
// form-encoded POST; replace the deprecated service client's send with Twilio's Messages API over
// context.http; and answer TwiML where the Twilio service texted the returned value back.

import { analyseSource } from "../src/app/source-facts.js";
import { finding } from "../src/app/findings.js";
import { appendWrapper, hasCompat } from "../src/rewrite/compat.js";
import { noChange, type Rule, type RuleResult, type ValueFile } from "../src/rewrite/types.js";

const ID = "twilio-payload";

export const rule: Rule = {
  meta: {
    id: ID,
    description: "Twilio: the function gets Twilio's form fields again, sends through Twilio's Messages API (context.http) instead of the deprecated service client, and replies with TwiML where the service texted the result back.",
    risk: "semantic-change",
    docs: [
      "A Twilio-service webhook handed the function `{ From, To, Body, … }`. Twilio POSTs",
      "`application/x-www-form-urlencoded` (the docs' `JSON.parse` example would fail on real traffic), so the wrapper",
      "parses `request.body.text()` with Node's `querystring` (supported in Functions) and passes the fields under the",
      "same names.",
      "",
      "`context.services.get(\"<twilio service>\").send({ to, from, body })` is replaced by `hookshiftTwilio.send(...)`, a",
      "short helper in the same file that POSTs to Twilio's Messages API with `context.http`, authenticated with the",
      "account SID (Value `<function>_twilio_sid`, from the service's `config.sid`) and the auth token (Value",
      "`<function>_twilio_token`, behind the Secret the service's `secret_config.auth_token` names). This needs no npm",
      "dependency, unlike the `twilio` package the docs suggest, and keeps the call visible to `verify`: the shim records",
      "Messages API calls like the service's `send` and never sends them.",
      "",
      "With Respond With Result on, the Twilio service texted the returned value back to the sender. An endpoint cannot,",
      "so the wrapper answers the TwiML Twilio documents for messaging webhooks",
      "(`<Response><Message>…</Message></Response>`, `text/xml`), which makes Twilio send the same reply.",
    ].join("\n"),
  },
  transform(text, ctx) {
    const twilio = new Map(ctx.services.filter((s) => s.type === "twilio").map((s) => [s.name, s]));
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
    const lines: string[] = [];
    if (used.size > 0) {
      values.push({ name: sidValue, value: cfg.config?.sid ?? "", from_secret: false });
      if (cfg.secret_config?.auth_token) values.push({ name: tokenValue, value: cfg.secret_config.auth_token, from_secret: true });
      else out.findings.push(finding("warning", "twilio-token", `Service ${svc?.name ?? "?"} names no auth token Secret; create Value ${tokenValue} by hand`, { needsReview: true }));
      lines.push(
        "var hookshiftTwilio = {",
        "  // The Twilio service's send({ to, from, body }), through Twilio's Messages API.",
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
      );
    }
    if (isWebhook) {
      lines.push(
        "exports = (function (handler) {",
        "  return function (request, response) {",
        '    var fields = require("querystring").parse(request.body ? request.body.text() : "");',
        "    var result = handler.call(this, Object.assign({}, fields), response);",
      );
      if (ctx.config.respondResult) {
        lines.push(
          "    // The Twilio service texted the returned value back; TwiML makes Twilio do the same.",
          "    var reply = function (value) {",
          "      if (value === undefined || value === null) return value;",
          '      var text = String(typeof value === "string" ? value : JSON.stringify(value));',
          '      var xml = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");',
          '      response.setHeader("Content-Type", "text/xml");',
          '      response.setBody("<?xml version=\\"1.0\\" encoding=\\"UTF-8\\"?><Response><Message>" + xml + "</Message></Response>");',
          "      return value;",
          "    };",
          '    return result && typeof result.then === "function" ? result.then(reply) : reply(result);',
        );
      } else lines.push("    return result;");
      lines.push("  };", "})(exports);");
    }
    out.edits.push(appendWrapper(text, ID, ["Twilio posts form fields and the Twilio service client is deprecated:", "rebuild { From, To, Body, ... } and send through Twilio's Messages API."], lines, ctx.eol));
    out.values = values;
    return out;
  },
};
