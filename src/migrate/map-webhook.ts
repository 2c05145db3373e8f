// Webhook → endpoint entry + function entry, field by field, exactly as App Services' UI
// conversion did (observed in bot exports, docs/mapping.md) and filled in where it was silent.
// Pure: takes the model, returns entries and findings.

import { finding, type Finding } from "../app/findings.js";
import { locateIn } from "../app/json.js";
import type { EndpointEntry, EndpointMethod, FunctionEntry, Webhook, WebhookConfig } from "../app/model.js";

export const RULES = {
  endpoint: "convert/endpoint",
  function: "convert/function",
  source: "convert/source",
  secret: "convert/secret",
  removeWebhook: "convert/remove-webhook",
} as const;

/** Route, function and Secret names of the conversion: `/S/W`, `S_W`, `S_W`. */
export function namesFor(service: string, webhook: string): { route: string; functionName: string; secretName: string } {
  return { route: `/${service}/${webhook}`, functionName: `${service}_${webhook}`, secretName: `${service}_${webhook}` };
}

/**
 * HEAD has no endpoint method
 * (https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/); how the UI
 * conversion handled it is undocumented. GET is what HEAD is defined against.
 */
function endpointMethod(cfg: WebhookConfig): EndpointMethod {
  const m = cfg.httpMethod ?? "POST";
  if (m === "ANY") return "*";
  if (m === "HEAD") return "GET";
  return m;
}

export function endpointEntry(webhook: Webhook, cfg: WebhookConfig): EndpointEntry {
  const { route, functionName, secretName } = namesFor(webhook.service.name, cfg.name);
  // GitHub and Twilio webhooks have no method or validation setting: GitHub and Twilio POST.
  const isHttp = webhook.service.type === "http";
  const validation = isHttp ? (cfg.validationMethod ?? "NO_VALIDATION") : "NO_VALIDATION";
  // Key order as in App Services exports (http_endpoints/config.json after a UI conversion).
  const entry: EndpointEntry = {
    route,
    http_method: isHttp ? endpointMethod(cfg) : "POST",
    function_name: functionName,
    validation_method: validation,
    respond_result: cfg.respondResult,
    fetch_custom_user_data: cfg.fetchCustomUserData,
    create_user_on_auth: cfg.createUserOnAuth,
    disabled: false,
    return_type: "EJSON",
  };
  if (validation !== "NO_VALIDATION") {
    return insertAfter(entry, "validation_method", "secret_name", secretName) as EndpointEntry;
  }
  return entry;
}

export function functionEntry(webhook: Webhook, cfg: WebhookConfig): FunctionEntry {
  const { functionName } = namesFor(webhook.service.name, cfg.name);
  const entry: FunctionEntry = { name: functionName, private: false };
  switch (webhook.authMode) {
    case "system":
      entry.run_as_system = true;
      break;
    case "user-id":
      entry.run_as_user_id = cfg.runAsUserId;
      break;
    case "script":
      entry.run_as_user_id_script_source = cfg.runAsUserIdScriptSource;
      break;
    default:
      // Application authentication: the function carries no run_as field
      // (https://www.mongodb.com/docs/atlas/app-services/reference/config/functions/).
      break;
  }
  if (cfg.canEvaluate) entry.can_evaluate = cfg.canEvaluate;
  if (cfg.disableArgLogs !== undefined) entry.disable_arg_logs = cfg.disableArgLogs;
  return entry;
}

function insertAfter(obj: Record<string, unknown>, after: string, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
  return out;
}

/** Findings for mapping decisions that are not a plain copy. */
export function mappingFindings(webhook: Webhook, cfg: WebhookConfig): Finding[] {
  const out: Finding[] = [];
  const file = webhook.configFile?.path ?? webhook.dir;
  const at = (p: (string | number)[]) => (webhook.configFile ? locateIn(webhook.configFile, p) : {});
  const { functionName, secretName } = namesFor(webhook.service.name, cfg.name);
  if (webhook.service.type === "http" && cfg.httpMethod === "HEAD") {
    out.push(
      finding(
        "warning",
        "head-method",
        "HEAD webhook: endpoints have no HEAD method, so the endpoint is a GET endpoint and callers must send GET instead of HEAD " +
          "(App Services lists GET, POST, PUT, PATCH, DELETE and * for endpoints; a HEAD request is not answered as a GET)",
        {
          file,
          ...at(["options", "httpMethod"]),
          rule: RULES.endpoint,
          needsReview: true,
          hint: "Change every caller to send GET when you switch it to the endpoint URL; the function now runs for GET requests, which the webhook turned away.",
        },
      ),
    );
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(secretName) && cfg.secret !== undefined) {
    out.push(
      finding("error", "invalid-secret-name", `Secret name ${secretName} breaks App Services' rules (64 characters of letters, digits, _ and -)`, {
        file,
        ...at(["name"]),
        rule: RULES.secret,
        hint: "Shorten the service or webhook name.",
      }),
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(functionName)) {
    out.push(
      finding("error", "invalid-name", `Function name ${functionName} has characters that routes and function names do not allow`, {
        file,
        ...at(["name"]),
        rule: RULES.function,
        hint: "Rename the webhook (letters, digits, _ and - only), then migrate again.",
      }),
    );
  }
  return out;
}
