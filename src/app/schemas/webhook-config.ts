// Incoming webhook `config.json` (services|http_endpoints|https_endpoints/<svc>/[incoming_webhooks/]<w>/config.json).
// Union of every export version
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/v20210101/http_endpoints/,
// https://www.mongodb.com/docs/atlas/app-services/reference/config/legacy/). Exports add fields
// freely, so extras are allowed;
// only names, types and enum values are checked. `respond_result` is documented as required, but
// real exports sometimes lack it: the reader reports that separately, so it is not required here.

import { DRAFT_07, canEvaluate, executionUserProperties, httpMethodsWebhook, schemaId, validationMethods } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("webhook-config"),
  title: "Incoming webhook configuration",
  description: "config.json of one App Services incoming webhook (all export versions).",
  type: "object",
  required: ["name"],
  properties: {
    name: {
      type: "string",
      description: "Webhook name; must equal the directory name and be unique within the service.",
    },
    id: { type: "string", description: "Server-generated ObjectId hex (20180301/20200603 exports)." },
    can_evaluate: canEvaluate,
    run_as_authed_user: {
      type: "boolean",
      description: "Run as the user whose credentials come with the request (application authentication).",
    },
    ...executionUserProperties,
    private: { type: "boolean", description: "Listed by the legacy docs (webhooks reused the function schema)." },
    respond_result: { type: "boolean", description: "Send the function's return value as the response body." },
    fetch_custom_user_data: {
      type: "boolean",
      description: "Fill context.user.custom_data; only meaningful with run_as_authed_user.",
    },
    create_user_on_auth: {
      type: "boolean",
      description: "Create the user on first valid credentials; only meaningful with run_as_authed_user.",
    },
    options: {
      type: "object",
      description: "HTTP and GitHub service options.",
      properties: {
        httpMethod: {
          type: "string",
          enum: httpMethodsWebhook,
          description: "HTTP method the webhook accepts (upper case); ANY accepts every method.",
        },
        validationMethod: {
          type: "string",
          enum: validationMethods,
          description: "Request validation: VERIFY_PAYLOAD, SECRET_AS_QUERY_PARAM or NO_VALIDATION.",
        },
        secret: {
          type: "string",
          description: "Plaintext secret used by both validation methods and as the GitHub shared secret. Never printed.",
        },
        secretAsQueryParam: {
          type: "boolean",
          description: "Legacy Admin API option; read as validationMethod SECRET_AS_QUERY_PARAM.",
        },
      },
    },
  },
} as const;
