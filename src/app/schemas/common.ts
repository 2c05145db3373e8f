// Property fragments shared by several config-file schemas: webhooks
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/v20210101/http_endpoints/),
// endpoints (https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/) and
// functions (https://www.mongodb.com/docs/atlas/app-services/reference/config/functions/).
// Plain JSON Schema (draft-07) objects; each kind's file spreads what it needs, so every
// schema stays a self-contained document that can also be exported as a .json file.

export const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/** `$id` of a hookshift schema. */
export const schemaId = (kind: string): string => `https://hookshift.dev/schemas/${kind}.json`;

/** A `config_version` value: exports write a number (20210101); hand-edited files sometimes a string. */
export const configVersion = {
  type: ["integer", "string"],
  description: "Export format version: 20180301, 20200603, 20210101 or 20230101.",
} as const;

export const canEvaluate = {
  type: "object",
  description: "Authorization expression (JSON expression language) evaluated on every call; {} means always allowed.",
} as const;

export const httpMethodsWebhook = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "ANY"] as const;
const httpMethodsEndpoint = ["GET", "POST", "PUT", "PATCH", "DELETE", "*"] as const;
export const validationMethods = ["VERIFY_PAYLOAD", "SECRET_AS_QUERY_PARAM", "NO_VALIDATION"] as const;
const returnTypes = ["JSON", "EJSON"] as const;

/**
 * Execution-user and logging settings shared by webhooks and functions
 * (https://www.mongodb.com/docs/atlas/app-services/services/configure/service-webhooks/,
 * https://www.mongodb.com/docs/atlas/app-services/reference/config/functions/).
 */
export const executionUserProperties = {
  run_as_user_id: {
    type: "string",
    description: "Fixed user id the code runs as; empty when unused. Not allowed together with the script.",
  },
  run_as_user_id_script_source: {
    type: "string",
    description: "Stringified function returning a user id or { runAsSystem: true }; empty when unused.",
  },
  run_as_system: {
    type: "boolean",
    description: "Run as the system user; overrides run_as_user_id and run_as_user_id_script_source.",
  },
  disable_arg_logs: {
    type: "boolean",
    description: "Leave the arguments out of the log entry.",
  },
} as const;

/** Fields of a function configuration (manifest entry or legacy per-function config.json). */
export const functionProperties = {
  name: {
    type: "string",
    minLength: 1,
    description: "Function name; equals the file path under functions/ without .js.",
  },
  private: {
    type: "boolean",
    description: "True: callable only from other functions, expressions, endpoints/webhooks and triggers, not from clients.",
  },
  can_evaluate: canEvaluate,
  ...executionUserProperties,
} as const;

/**
 * Fields of one HTTPS endpoint entry
 * (https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/).
 */
export const endpointProperties = {
  route: {
    type: "string",
    pattern: "^/",
    description: 'Endpoint route; must start with "/". At most one handler per route and method.',
  },
  http_method: {
    type: "string",
    enum: httpMethodsEndpoint,
    description: 'HTTP method the endpoint answers; "*" means any method. There is no HEAD.',
  },
  function_name: {
    type: "string",
    minLength: 1,
    description: "Name of the function that handles the request (may be a slash path).",
  },
  validation_method: {
    type: "string",
    enum: validationMethods,
    description: "Request authorization: NO_VALIDATION, SECRET_AS_QUERY_PARAM or VERIFY_PAYLOAD.",
  },
  secret_name: {
    type: "string",
    description: "Name of the Secret used by SECRET_AS_QUERY_PARAM and VERIFY_PAYLOAD; left out with NO_VALIDATION.",
  },
  respond_result: {
    type: "boolean",
    description: "Send the function's return value as the response body.",
  },
  fetch_custom_user_data: {
    type: "boolean",
    description: "Fill context.user.custom_data for authenticated calls.",
  },
  create_user_on_auth: {
    type: "boolean",
    description: "Create the user on first valid credentials (aimed at custom JWT).",
  },
  disabled: {
    type: "boolean",
    description: "True turns the endpoint off.",
  },
  return_type: {
    type: "string",
    enum: returnTypes,
    description: "Response serialization: JSON or EJSON.",
  },
} as const;

export const allowedRequestOrigins = {
  type: "array",
  items: { type: "string" },
  description: "Origins allowed to send requests to the app.",
} as const;
