// Rule: GitHub webhooks. The function expected the parsed GitHub event; the endpoint passes the
// HTTP request. Rebuild the event from the body and keep the signature check the GitHub service
// made, against the webhook's secret (a Secret behind a from_secret Value).

import { finding } from "../../app/findings.js";
import { hasCompat } from "../compat.js";
import { atBodyStart, ensureParams, exportedFunction, freshName } from "../exported-function.js";
import { noChange, type Rule, type RuleResult } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "github-payload";

export const rule: Rule = {
  meta: {
    id: ID,
    description:
      "GitHub webhooks: the function gets the parsed event again (from the request body), after the X-Hub-Signature-256 / X-Hub-Signature check the GitHub service made.",
    risk: "semantic-change",
    docs: RULE_DOCS[ID]!,
  },
  resolves: [ID],
  detect({ serviceType, config, sourceFile }) {
    if (serviceType !== "github") return [];
    return [
      finding(
        "warning",
        ID,
        "GitHub webhook: the function received the parsed GitHub event; the endpoint passes the HTTP request ({ query, headers, body }) instead" +
          (config.secret ? ", and the GitHub service's signature check (X-Hub-Signature) is not carried over: the endpoint accepts unsigned requests" : ""),
        {
          file: sourceFile,
          needsReview: true,
          hint:
            "Parse the event with JSON.parse(request.body.text()) and check X-Hub-Signature-256 against the Secret in code; " +
            "set the GitHub payload URL to the endpoint URL with content type application/json.",
        },
      ),
    ];
  },
  transform(text, ctx, source) {
    if (ctx.serviceType !== "github") return noChange();
    const value = `${ctx.functionName}_github_secret`;
    const secret = ctx.config.secret !== undefined;
    // The caller-side step (GitHub's payload URL) is the github-settings rule's finding.
    const out: RuleResult = { edits: [], findings: [], values: secret ? [{ name: value, value: ctx.functionName, from_secret: true }] : [] };
    if (hasCompat(text, ID)) return out;
    const check = (req: string, res: string, body: string, key: string, sig: string) => [
      `var ${key} = context.values.get(${JSON.stringify(value)});`,
      `var ${sig} = ${req}.headers["X-Hub-Signature-256"] ? ["sha256", ${req}.headers["X-Hub-Signature-256"][0]] : ["sha1", (${req}.headers["X-Hub-Signature"] || [])[0]];`,
      `if (!${key} || ${sig}[1] !== ${sig}[0] + "=" + utils.crypto.hmac(${body}, ${key}, ${sig}[0], "hex")) {`,
      `  ${res}.setStatusCode(401);`,
      `  ${res}.setHeader("Content-Type", "application/json");`,
      `  ${res}.setBody(JSON.stringify({ error: "incoming webhook authentication failed", error_code: "IncomingWebhookAuthFailed" }));`,
      "  return;",
      "}",
    ];
    const why = `the endpoint passes the HTTP request; the function expects the parsed GitHub event${secret ? `, signed with the Secret behind Value ${value}` : ""}.`;
    // A function without parameters reads no event: nothing to parse, and no check to make.
    if (!secret && source.exportedParams() === 0) return out;
    out.inFunction = (tree) => {
      const sf = tree();
      const fn = exportedFunction(sf);
      const params = fn && ensureParams(fn, secret ? 2 : 1);
      if (!fn || !params) {
        // The function's first parameter cannot be reassigned (a pattern) or found: parse before it runs.
        const before = [
          'var body = request.body ? request.body.text() : "";',
          ...(secret ? check("request", "response", "body", "secret", "sig") : []),
          "arg = body ? JSON.parse(body) : {};",
        ];
        return { edits: [], compat: { comment: why, before, setsArg: true } };
      }
      const [req, res] = params.names as [string, string];
      const body = freshName(sf, "hookshiftBody");
      const lines = [
        `// hookshift:${ID} - ${why}`,
        `var ${body} = ${req}.body ? ${req}.body.text() : "";`,
        ...(secret ? check(req, res, body, freshName(sf, "hookshiftSecret"), freshName(sf, "hookshiftSignature")) : []),
        `${req} = ${body} ? JSON.parse(${body}) : {};`,
      ];
      return { edits: [...params.edits, atBodyStart(fn, lines, ctx.eol)] };
    };
    return out;
  },
};
