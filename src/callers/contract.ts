// The caller-side changes of a webhook, taken from its report: `migrate` already decided, per
// webhook, which differences callers must act on (src/migrate/differences.ts, map-webhook.ts), and
// marks those a rewrite rule handled in the function (needsReview false, "Handled by rule …"): a
// handled one asks nothing of callers. Pure.

import type { CallerChange } from "./types.js";

/** A webhook of report.json, the fields `callers` reads (docs/report-format.md). */
export interface ReportWebhookLike {
  id: string;
  service: string;
  name: string;
  status: string;
  serviceType?: string;
  oldUrl?: string;
  newUrl?: string;
  route?: string;
  httpMethod?: string;
  secretName?: string;
  findings?: { code: string; message: string; hint?: string; needsReview?: boolean }[];
}

/** Finding codes that are about what callers send or where they are set up, with one console line each. */
const CALLER_SIDE: Record<string, string> = {
  "head-method": "method: send GET instead of HEAD (endpoints have no HEAD method)",
  "signature-header": "signature header: send Endpoint-Signature instead of X-Hook-Signature (same HMAC-SHA256 of the body)",
  "credentials-in-body": "credentials: send them in headers (or Authorization: Bearer), not in the JSON body",
  "auth-error-status": "authentication errors: the endpoint answers 400 InvalidParameter / MissingParameter or 401 InvalidSession",
  "github-settings": "GitHub calls this URL: change the payload URL in the GitHub webhook's settings",
  "twilio-settings": 'Twilio calls this URL: change the "A message comes in" webhook of the number or Messaging Service',
};

export function callerChanges(w: ReportWebhookLike): CallerChange[] {
  const out: CallerChange[] = [];
  const findings = w.findings ?? [];
  for (const f of findings) {
    const text = CALLER_SIDE[f.code];
    if (!text || f.needsReview !== true) continue;
    out.push({ code: f.code, text, message: f.message, ...(f.hint ? { hint: f.hint } : {}) });
  }
  // A Secret without a signature check is a secret query parameter: the endpoint checks the same
  // `secret` parameter against the Secret, which holds the webhook's value (docs/mapping.md).
  // GitHub and Twilio webhooks keep a secret for their own signature checks, not as a parameter.
  if (w.secretName && (w.serviceType ?? "http") === "http" && !findings.some((f) => f.code === "signature-header")) {
    out.push({
      code: "secret-query-param",
      text: `secret: keep the secret query parameter; the endpoint checks it against Secret ${w.secretName} (the same value)`,
    });
  }
  return out;
}
