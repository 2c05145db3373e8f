// An app that already has the endpoint `/S/W` calling `S_W` was converted before (by App Services'
// "Convert", by hand, or by hookshift). That endpoint counts as this webhook's conversion only when
// it answers the same requests as the webhook: the same HTTP method, the same request validation,
// and a function that runs as the same user (docs/mapping.md). Each difference is a finding a
// person must review, worded as the exact difference. Pure: reads the model, returns findings.

import { finding, type Finding } from "../app/findings.js";
import { locateIn } from "../app/json.js";
import type { App, AuthMode, EndpointEntry, FunctionEntry, Webhook, WebhookConfig } from "../app/model.js";
import { hasCompat } from "../rewrite/compat.js";
import { endpointEntry, RULES } from "./map-webhook.js";

/** An existing endpoint entry and where it is. */
export interface ExistingEndpoint {
  entry: EndpointEntry;
  file: string;
  /** Index in the file's array (-1: not from a file). */
  index: number;
}

const EXISTING_CODES = {
  method: "converted-method-differs",
  validation: "converted-validation-differs",
  user: "converted-user-differs",
} as const;

/**
 * The endpoint among `onRoute` (every endpoint of `/S/W` that calls `S_W`) that stands for the
 * webhook's conversion: the one with the webhook's method, else the first.
 */
export function pickExisting(webhook: Webhook, cfg: WebhookConfig, onRoute: ExistingEndpoint[]): ExistingEndpoint {
  const method = endpointEntry(webhook, cfg).http_method;
  return onRoute.find((e) => String(e.entry.http_method) === method) ?? onRoute[0]!;
}

/** How the existing conversion differs from what the webhook does; empty when it matches. */
export function existingConversionDifferences(
  app: App,
  webhook: Webhook,
  cfg: WebhookConfig,
  chosen: ExistingEndpoint,
  onRoute: ExistingEndpoint[],
): Finding[] {
  const out: Finding[] = [];
  const expected = endpointEntry(webhook, cfg);
  const route = expected.route;
  const at = (e: ExistingEndpoint, path: (string | number)[]) => {
    const f = app.endpointFiles.find((x) => x.path === e.file);
    return { file: e.file, ...(f && e.index >= 0 ? locateIn(f, [e.index, ...path]) : {}) };
  };

  // 1. Method: every endpoint of the route that calls the function, against the webhook's one method.
  const methods = [...new Set(onRoute.map((e) => String(e.entry.http_method)))];
  if (methods.length !== 1 || methods[0] !== expected.http_method) {
    const other = onRoute.find((e) => String(e.entry.http_method) !== expected.http_method) ?? chosen;
    out.push(
      finding(
        "warning",
        EXISTING_CODES.method,
        `Endpoint ${route} answers ${methods.map(methodText).join(", ")}, the webhook ${webhookMethodText(webhook, cfg)}`,
        {
          ...at(other, ["http_method"]),
          rule: RULES.endpoint,
          needsReview: true,
          hint:
            `Callers of the webhook use ${expected.http_method === "*" ? "any method" : expected.http_method}: set the endpoint's http_method to "${expected.http_method}" ` +
            "(one endpoint per route and method), or confirm that the difference is intended.",
        },
      ),
    );
  }

  // 2. Validation. hookshift's own conversion of a VERIFY_PAYLOAD webhook checks X-Hook-Signature
  //    in the function (rule signature-header) behind a NO_VALIDATION endpoint: that matches.
  const has = String(chosen.entry.validation_method ?? "NO_VALIDATION");
  const source = app.convertedSources[expected.function_name];
  const checkedInCode =
    expected.validation_method === "VERIFY_PAYLOAD" && has === "NO_VALIDATION" && source !== undefined && hasCompat(source, "signature-header");
  if (has !== expected.validation_method && !checkedInCode) {
    out.push(
      finding("warning", EXISTING_CODES.validation, `Endpoint ${route} validates requests with ${has}, the webhook ${webhookValidationText(webhook, cfg)}`, {
        ...at(chosen, ["validation_method"]),
        rule: RULES.endpoint,
        needsReview: true,
        hint:
          `Set the endpoint's validation_method to ${expected.validation_method}` +
          (expected.validation_method === "NO_VALIDATION" ? "" : ` with secret_name naming the Secret that holds the webhook's secret`) +
          ", or change the callers to what the endpoint checks.",
      }),
    );
  }

  // 3. Execution user: the endpoint authenticates as its function says (docs/mapping.md).
  const manifest = app.functionManifest;
  const index = Array.isArray(manifest?.value) ? manifest.value.findIndex((f) => f && typeof f === "object" && f.name === expected.function_name) : -1;
  const fn = index >= 0 ? manifest!.value![index] : undefined;
  if (fn && webhook.authMode) {
    const has = functionUser(fn);
    const wants = webhookUser(webhook.authMode, cfg);
    if (has.mode !== wants.mode || has.detail !== wants.detail) {
      out.push(
        finding("warning", EXISTING_CODES.user, `Function ${expected.function_name} runs ${userText(has, wants)}, the webhook ${userText(wants, has)}`, {
          file: manifest!.path,
          ...locateIn(manifest!, [index]),
          rule: RULES.function,
          needsReview: true,
          hint: "Set the function's run_as_system / run_as_user_id / run_as_user_id_script_source as the webhook's execution user maps (docs/mapping.md), or confirm that the difference is intended.",
        }),
      );
    }
  }
  return out;
}

function methodText(m: string): string {
  return m === "*" ? "every method (*)" : m;
}

function webhookMethodText(webhook: Webhook, cfg: WebhookConfig): string {
  if (webhook.service.type === "github") return "POST (GitHub posts its events)";
  if (webhook.service.type === "twilio") return "POST (Twilio posts incoming messages)";
  const m = cfg.httpMethod ?? "POST";
  if (m === "ANY") return "every method (ANY)";
  if (m === "HEAD") return "HEAD (converted to GET)";
  return m;
}

function webhookValidationText(webhook: Webhook, cfg: WebhookConfig): string {
  if (webhook.service.type === "github") return "with the GitHub service's signature check (converted to NO_VALIDATION, with the check in the function)";
  if (webhook.service.type === "twilio") return "with none (NO_VALIDATION)";
  return `with ${cfg.validationMethod ?? "NO_VALIDATION"}`;
}

interface User {
  mode: AuthMode;
  /** The user id or the script, for those modes. */
  detail?: string;
}

/** A function's execution user, as App Services resolves it: run_as_system wins, then the user id, then the script. */
function functionUser(fn: FunctionEntry): User {
  if (fn.run_as_system === true) return { mode: "system" };
  if (typeof fn.run_as_user_id === "string" && fn.run_as_user_id !== "") return { mode: "user-id", detail: fn.run_as_user_id };
  if (typeof fn.run_as_user_id_script_source === "string" && fn.run_as_user_id_script_source !== "")
    return { mode: "script", detail: fn.run_as_user_id_script_source };
  return { mode: "application" };
}

function webhookUser(mode: AuthMode, cfg: WebhookConfig): User {
  if (mode === "user-id") return { mode, detail: cfg.runAsUserId };
  if (mode === "script") return { mode, detail: cfg.runAsUserIdScriptSource };
  return { mode };
}

/** `user`, worded against `other` (two scripts differ by their text). */
function userText(user: User, other: User): string {
  switch (user.mode) {
    case "system":
      return "as the system user";
    case "user-id":
      return `as user ${user.detail}`;
    case "script":
      return other.mode === "script" ? "as the user its script returns (the two scripts differ)" : "as the user its script returns";
    default:
      return "with application authentication (the caller's credentials)";
  }
}
