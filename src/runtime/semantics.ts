// Every behaviour of the shim that App Services does not document has a default here and a flag
// that changes it; docs/parity.md lists each with its source and confidence. One object carries
// the choices so the webhook and endpoint pipelines and verify agree.

import { DEFAULT_LIMITS } from "./limits.js";

type ErrorKind =
  | "webhookNotFound"
  | "endpointNotFound"
  | "methodNotAllowed"
  | "webhookAuthFailed"
  | "endpointAuthFailed"
  | "missingCredentials"
  | "invalidCredentials"
  | "doubleCredentials"
  | "endpointNoCredentials"
  | "endpointPartialCredentials"
  | "endpointInvalidCredentials"
  | "canEvaluateFailed"
  | "functionError"
  | "timeout"
  | "functionNotFound";

export interface ErrorSpec {
  status: number;
  code: string;
  message: string;
}

/**
 * Defaults: error codes from App Services' client SDK list; statuses inferred, none documented
 * (https://github.com/mongodb/stitch-js-sdk/blob/master/packages/core/sdk/src/StitchServiceErrorCode.ts).
 */
const DEFAULT_ERRORS: Record<ErrorKind, ErrorSpec> = {
  webhookNotFound: { status: 404, code: "IncomingWebhookNotFound", message: "incoming webhook not found" },
  endpointNotFound: { status: 404, code: "FunctionNotFound", message: "no matching endpoint" },
  methodNotAllowed: { status: 405, code: "InvalidParameter", message: "method not allowed" },
  webhookAuthFailed: { status: 401, code: "IncomingWebhookAuthFailed", message: "incoming webhook authentication failed" },
  endpointAuthFailed: { status: 401, code: "InvalidParameter", message: "endpoint request validation failed" },
  missingCredentials: {
    status: 401,
    code: "MissingAuthReq",
    message: "must specify some form of authentication (either email+password, api-key, or jwt) in the request header or body",
  },
  invalidCredentials: { status: 401, code: "InvalidSession", message: "invalid session" },
  doubleCredentials: { status: 400, code: "InvalidParameter", message: "credentials given in both the request headers and the body" },
  // Endpoints: documented by the Data API's OpenAPI (BadRequestError, UnauthorizedRequestError),
  // https://github.com/mongodb/docs-app-services/blob/master/source/openapi-data-api-v1.bundled.yaml
  endpointNoCredentials: { status: 400, code: "InvalidParameter", message: "no authentication methods were specified" },
  endpointPartialCredentials: {
    status: 400,
    code: "MissingParameter",
    message: "must specify some form of authentication (either email+password, api-key, or jwt) in the request header or body",
  },
  endpointInvalidCredentials: { status: 401, code: "InvalidSession", message: "invalid session: error finding user for endpoint" },
  canEvaluateFailed: { status: 403, code: "NoMatchingRuleFound", message: "rule not matched for function" },
  functionError: { status: 400, code: "FunctionExecutionError", message: "" },
  timeout: { status: 400, code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" },
  functionNotFound: { status: 404, code: "FunctionNotFound", message: "function not found" },
};

// The values of each choice, for the type below and for the flags that set it (src/cli/semantics-flags.ts).
export const HEADER_CASES = ["canonical", "as-sent"] as const;
export const WEBHOOK_SIGNATURE_OVER = ["raw", "ejson"] as const;
export const WEBHOOK_EMPTY_BODIES = ["undefined", "empty-binary"] as const;
export const SET_BODY_OTHER = ["error", "string", "ejson"] as const;

export interface Semantics {
  errors: Record<ErrorKind, ErrorSpec>;
  /** Webhook with respond_result off and no response method called (undocumented, docs/parity.md). */
  webhookNoResultStatus: number;
  /** Endpoint with respond_result off and no setBody: 204 per the config reference,
   * https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/. */
  endpointNoResultStatus: number;
  /** Header names as App Services' Go backend canonicalises them ("Content-Type"), or as sent
   * (undocumented, docs/parity.md). */
  headerCase: (typeof HEADER_CASES)[number];
  /** `payload.query` / `request.query` keep the `secret` parameter (undocumented, docs/parity.md). */
  querySecretVisible: boolean;
  /** `rawQueryString` with a leading "?" (the docs show both, docs/parity.md). */
  rawQueryLeadingQuestionMark: boolean;
  /** Webhook VERIFY_PAYLOAD signs the raw body bytes or the EJSON re-serialised body
   * (undocumented, docs/parity.md). */
  webhookSignatureOver: (typeof WEBHOOK_SIGNATURE_OVER)[number];
  /** A body-less webhook request gives `payload.body` undefined or an empty Binary
   * (undocumented, docs/parity.md). */
  webhookEmptyBody: (typeof WEBHOOK_EMPTY_BODIES)[number];
  /**
   * A HEAD request to an endpoint route without a `*` endpoint: answered like any method the route
   * has no endpoint for (false: endpoints list no HEAD method), or served by the route's GET
   * endpoint without a body, as generic HTTP servers do (true). docs/parity.md, "URLs and routing".
   */
  endpointHeadAsGet: boolean;
  /** Per-call time limit (App Services: 300 s). */
  timeLimitMs: number;
  /**
   * Answer once the work a function started and did not await (database calls, context.http,
   * timers) has settled, as App Services does (observed; docs/parity.md, "Function runtime"), or
   * when the handler returns (`--no-await-pending`).
   */
  awaitPending: boolean;
  /** Request body limit (App Services: 18 MB). */
  maxBodyBytes: number;
  /** `response.setBody` with a value that is neither a string nor a BSON.Binary (undocumented, docs/parity.md). */
  setBodyOther: (typeof SET_BODY_OTHER)[number];
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
    endpointHeadAsGet: false,
    webhookEmptyBody: "undefined",
    timeLimitMs: DEFAULT_LIMITS.timeLimitMs,
    awaitPending: true,
    maxBodyBytes: DEFAULT_LIMITS.maxBodyBytes,
    setBodyOther: "error",
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
