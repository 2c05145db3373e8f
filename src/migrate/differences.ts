// The known behaviour differences between a webhook and the endpoint the conversion makes of it
// (https://www.mongodb.com/docs/atlas/app-services/services/convert-webhooks-to-endpoints/#differences-webhooks-converted-endpoints,
// and the undocumented points in docs/parity.md), each decided per webhook from its config and
// source. The source is copied verbatim at this stage, so every difference that applies is
// reported, and the ones that change what callers see are marked for review.

import { finding, type Finding } from "../app/findings.js";
import { locateIn } from "../app/json.js";
import type { Service, Webhook, WebhookConfig } from "../app/model.js";
import { RULES } from "./map-webhook.js";
import { analyseSource } from "../app/source-facts.js";

export const DIFFERENCE_RULE = "differences";

/**
 * Service types whose clients were deprecated together with webhooks
 * (https://www.mongodb.com/docs/atlas/app-services/services/replace-with-npm-modules/).
 */
const LEGACY_CLIENT_TYPES = new Set(["http", "twilio", "aws", "github", "gcm"]);

export function differenceFindings(webhook: Webhook, cfg: WebhookConfig, services: Service[]): Finding[] {
  const out: Finding[] = [];
  const file = webhook.configFile?.path ?? webhook.dir;
  const src = webhook.sourcePath;
  const add = (f: Finding) => out.push({ rule: DIFFERENCE_RULE, ...f });
  const cf = webhook.configFile;
  const at = (p: (string | number)[]) => (cf ? { file, ...locateIn(cf, p) } : { file });
  const facts = webhook.source !== undefined ? analyseSource(webhook.source, webhook.sourceFacts) : undefined;
  const type = webhook.service.type;

  // 1. Respond With Result + response methods (the one documented difference).
  if (cfg.respondResult && facts && facts.responseMethods.length > 0 && facts.returnsValue) {
    const setsBody = facts.responseMethods.includes("setBody");
    add(
      finding(
        "warning",
        "respond-result-response-methods",
        `Respond With Result is on and the function both calls ${facts.responseMethods.join(", ")} and returns a value. ` +
          `The webhook dropped the return value once a response method ran; the endpoint sends it as the body unless setBody was called` +
          (setsBody ? " (paths that return without calling setBody change)." : "."),
        {
          file: src,
          ...facts.firstResponseCall,
          needsReview: true,
          hint: "Return nothing on the paths that call response methods, or call setBody there; hookshift's rewrite rules will do this.",
        },
      ),
    );
  }

  // 2. Respond With Result off: endpoint answers 204 (config reference) where the webhook's status
  //    was undocumented; the conversion page claims 200 (docs/parity.md).
  if (!cfg.respondResult && type === "http") {
    const setsStatus = facts?.responseMethods.includes("setStatusCode") ?? false;
    add(
      finding(
        "warning",
        "respond-result-off",
        "Respond With Result is off: the endpoint answers 204 No Content with an empty body when the function sets no response " +
          "(App Services' config reference); the webhook's status in that case is undocumented (the conversion page says 200)" +
          (setsStatus ? ". The function calls setStatusCode, which covers the paths that reach it." : "."),
        {
          ...at(["respond_result"]),
          needsReview: true,
          hint: "Check what your callers expect; call response.setStatusCode(200) in the function to pin the status.",
        },
      ),
    );
  }

  // 3. VERIFY_PAYLOAD: callers sign with X-Hook-Signature; endpoints check Endpoint-Signature.
  if (type === "http" && cfg.validationMethod === "VERIFY_PAYLOAD") {
    add(
      finding(
        "warning",
        "signature-header",
        "Payload signature header changes: webhook callers send X-Hook-Signature: sha256=<hex>; the endpoint checks Endpoint-Signature: sha256=<hex> (same HMAC-SHA256 of the raw body with the same secret)",
        {
          ...at(["options", "validationMethod"]),
          needsReview: true,
          hint: "Change every caller to send Endpoint-Signature when you switch it to the endpoint URL.",
        },
      ),
    );
  }

  // 4. Application auth: webhooks accepted credentials in the JSON body; endpoints document headers only.
  if (webhook.authMode === "application") {
    add(
      finding(
        "warning",
        "credentials-in-body",
        "Application authentication: webhook callers could send credentials (email/password, api-key, jwtTokenString) in the JSON body; endpoints take them from headers (or Authorization: Bearer) only",
        {
          ...at(["run_as_authed_user"]),
          needsReview: true,
          hint: "Callers that put credentials in the body must move them to headers.",
        },
      ),
    );
    // The endpoint's authentication errors are documented (the Data API's OpenAPI, which custom
    // endpoints share); the webhook's are not, and hookshift's shim answers 401 MissingAuthReq.
    add(
      finding(
        "warning",
        "auth-error-status",
        "Application authentication errors change: without credentials the endpoint answers 400 InvalidParameter " +
          '("no authentication methods were specified"), with an incomplete set (an email without its password) 400 MissingParameter, ' +
          "and with credentials no user matches 401 InvalidSession; the webhook's answers are undocumented (hookshift assumes 401 MissingAuthReq without credentials)",
        {
          ...at(["run_as_authed_user"]),
          needsReview: true,
          hint: "Callers that branch on the status or error_code of a failed authentication must accept the endpoint's 400/401 answers.",
        },
      ),
    );
  }

  // 5. Script user: the script received the webhook payload; what an endpoint function's script receives is undocumented.
  if (webhook.authMode === "script") {
    add(
      finding("warning", "user-script", "run_as_user_id_script_source moves to the function; on the webhook it received the payload, on an endpoint function its argument is undocumented", {
        ...at(["run_as_user_id_script_source"]),
        needsReview: true,
        hint: "Test the script against the endpoint before you switch callers over.",
      }),
    );
  }

  // 6. GitHub and Twilio: the payload shape changes (the function gets the HTTP request).
  if (type === "github") {
    add(
      finding(
        "warning",
        "github-payload",
        "GitHub webhook: the function received the parsed GitHub event; the endpoint passes the HTTP request ({ query, headers, body }) instead" +
          (cfg.secret ? ", and the GitHub service's signature check (X-Hub-Signature) is not carried over: the endpoint accepts unsigned requests" : ""),
        {
          file: src,
          needsReview: true,
          hint:
            "Parse the event with JSON.parse(request.body.text()) and check X-Hub-Signature-256 against the Secret in code; " +
            "set the GitHub payload URL to the endpoint URL with content type application/json.",
        },
      ),
    );
  }
  if (type === "twilio") {
    add(
      finding(
        "warning",
        "twilio-payload",
        "Twilio webhook: the function received { From, To, Body }; the endpoint passes the HTTP request whose body is Twilio's form-encoded POST, and with Respond With Result the Twilio service texted the result back, which an endpoint does not",
        {
          file: src,
          needsReview: true,
          hint: "Parse the form body (require('querystring').parse(request.body.text())) and replace context.services.get(...).send with the twilio npm package.",
        },
      ),
    );
  }
  // 7. GitHub and Twilio callers are set up outside the app (GitHub's webhook settings, Twilio's
  //    phone number or Messaging Service): moving them to the endpoint URL is a step a person makes
  //    there, whatever the rewrite rules keep in the function. Not resolved by any rule.
  //    https://www.mongodb.com/docs/atlas/app-services/services/convert-webhooks-to-endpoints/
  if (type === "github") {
    add(
      finding(
        "warning",
        "github-settings",
        "GitHub sends this webhook's events to the old webhook URL until its settings change: " +
          `set the payload URL of the GitHub webhook to the endpoint URL (see the URL map) and the content type to application/json${cfg.secret ? ", and keep its secret" : ""}`,
        {
          file,
          needsReview: true,
          hint: "In GitHub, open the repository's (or organization's) Settings, then Webhooks, and edit this webhook; send a ping and check that the endpoint answers it.",
        },
      ),
    );
  }
  if (type === "twilio") {
    add(
      finding(
        "warning",
        "twilio-settings",
        "Twilio posts incoming messages to the old webhook URL until its settings change: " +
          "set the \"A message comes in\" webhook of the phone number (or Messaging Service) to the endpoint URL (see the URL map), method HTTP POST",
        {
          file,
          needsReview: true,
          hint: "In the Twilio console, open the phone number's (or Messaging Service's) messaging configuration; send a test message and check the reply.",
        },
      ),
    );
  }
  const legacyClients = (facts?.servicesUsed ?? []).filter((n) => services.some((s) => s.name === n && LEGACY_CLIENT_TYPES.has(s.type)));
  if (legacyClients.length > 0 && type === "http") {
    add(
      finding("info", "service-clients", `The function uses the legacy service client${legacyClients.length > 1 ? "s" : ""} ${legacyClients.map((n) => `"${n}"`).join(", ")}, deprecated along with webhooks`, {
        file: src,
        hint: "Replace them with context.http or npm packages; the endpoint itself does not change what they do.",
      }),
    );
  }

  // 7. Facts every converted webhook shares: reported, not for review.
  add(
    finding("info", "return-type-ejson", 'return_type is "EJSON": webhooks answered in canonical EJSON, so callers keep the same body encoding', {
      file,
      rule: RULES.endpoint,
    }),
  );
  add(
    finding("info", "url-change", "Callers reach the endpoint at a new URL (see the URL map); the webhook URL keeps answering until the webhook is removed", {
      file,
    }),
  );
  add(
    finding("info", "public-function", "The new function is public (private: false), as App Services' conversion made it: SDK clients can call it directly", {
      file,
      rule: RULES.function,
      hint: 'Set "private": true if clients must not call it; the endpoint still can.',
    }),
  );
  if (cfg.canEvaluate) {
    add(
      finding("info", "can-evaluate-moved", "can_evaluate moves from the webhook to the function, where App Services evaluates it on every call", {
        ...at(["can_evaluate"]),
        rule: RULES.function,
      }),
    );
  }
  return out;
}
