// Every behaviour of the shim that App Services does not document has a default here and a flag
// that changes it; docs/parity.md lists each with its source and confidence. One object carries
// the choices so the webhook and endpoint pipelines and verify agree.

export type ErrorKind =
  | "webhookNotFound"
  | "endpointNotFound"
  | "methodNotAllowed"
  | "webhookAuthFailed"
  | "endpointAuthFailed"
  | "missingCredentials"
  | "invalidCredentials"
  | "doubleCredentials"
  | "canEvaluateFailed"
  | "functionError"
  | "timeout"
  | "functionNotFound";

export interface ErrorSpec {
  status: number;
  code: string;
  message: string;
}

/** Defaults: error codes from App Services' client SDK list; statuses inferred (domain.md §3.7, §9 Q5). */
export const DEFAULT_ERRORS: Record<ErrorKind, ErrorSpec> = {
  webhookNotFound: { status: 404, code: "IncomingWebhookNotFound", message: "incoming webhook not found" },
  endpointNotFound: { status: 404, code: "FunctionNotFound", message: "no matching endpoint" },
  methodNotAllowed: { status: 405, code: "InvalidParameter", message: "method not allowed" },
  webhookAuthFailed: { status: 401, code: "IncomingWebhookAuthFailed", message: "incoming webhook authentication failed" },
  endpointAuthFailed: { status: 401, code: "InvalidParameter", message: "endpoint request validation failed" },
  missingCredentials: { status: 401, code: "MissingAuthReq", message: "must specify some form of authentication (either email+password, api-key, or jwt) in the request header or body" },
  invalidCredentials: { status: 401, code: "InvalidSession", message: "invalid session" },
  doubleCredentials: { status: 400, code: "InvalidParameter", message: "credentials given in both the request headers and the body" },
  canEvaluateFailed: { status: 403, code: "NoMatchingRuleFound", message: "rule not matched for function" },
  functionError: { status: 400, code: "FunctionExecutionError", message: "" },
  timeout: { status: 400, code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" },
  functionNotFound: { status: 404, code: "FunctionNotFound", message: "function not found" },
};

export interface Semantics {
  errors: Record<ErrorKind, ErrorSpec>;
  /** Webhook with respond_result off and no response method called (§9 Q10). */
  webhookNoResultStatus: number;
  /** Endpoint with respond_result off and no setBody (§5.3: 204 per the config reference). */
  endpointNoResultStatus: number;
  /** Header names as App Services' Go backend canonicalises them ("Content-Type"), or as sent (§9 Q18). */
  headerCase: "canonical" | "as-sent";
  /** `payload.query` / `request.query` keep the `secret` parameter (§9 Q7). */
  querySecretVisible: boolean;
  /** `rawQueryString` with a leading "?" (§9 Q16). */
  rawQueryLeadingQuestionMark: boolean;
  /** Webhook VERIFY_PAYLOAD signs the raw body bytes (§9 Q6) or the EJSON re-serialised body. */
  webhookSignatureOver: "raw" | "ejson";
  /** A body-less webhook request gives `payload.body` undefined or an empty Binary (§9 Q19). */
  webhookEmptyBody: "undefined" | "empty-binary";
  /** Per-call time limit (App Services: 300 s). */
  timeLimitMs: number;
  /** Request body limit (App Services: 18 MB). */
  maxBodyBytes: number;
}

export function defaultSemantics(): Semantics {
  return {
    errors: structuredClone(DEFAULT_ERRORS),
    webhookNoResultStatus: 200,
    endpointNoResultStatus: 204,
    headerCase: "canonical",
    querySecretVisible: true,
    rawQueryLeadingQuestionMark: false,
    webhookSignatureOver: "raw",
    webhookEmptyBody: "undefined",
    timeLimitMs: 300_000,
    maxBodyBytes: 18 * 1024 * 1024,
  };
}

/** Applies `--error-status kind=code` overrides; returns an error message for a bad one. */
export function applyErrorStatus(sem: Semantics, overrides: string[]): string | undefined {
  for (const o of overrides) {
    const m = /^([A-Za-z]+)=(\d{3})$/.exec(o);
    if (!m || !(m[1]! in sem.errors)) {
      return `--error-status ${o}: expected <kind>=<status> with kind one of ${Object.keys(sem.errors).join(", ")}`;
    }
    sem.errors[m[1] as ErrorKind].status = Number(m[2]);
  }
  return undefined;
}
