// Strict form of the HTTPS endpoints array that hookshift writes
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/): every
// field the Admin API requires is present, nothing else is, and the two secret-based validation methods
// name their Secret.

import { DRAFT_07, endpointProperties, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("endpoints-output"),
  title: "HTTPS endpoints (as written by hookshift)",
  description: "Strict http_endpoints/config.json or https_endpoints/config.json produced by a migration.",
  type: "array",
  items: {
    type: "object",
    description: "One HTTPS endpoint handler.",
    properties: endpointProperties,
    additionalProperties: false,
    required: [
      "route",
      "http_method",
      "function_name",
      "validation_method",
      "respond_result",
      "fetch_custom_user_data",
      "create_user_on_auth",
      "disabled",
      "return_type",
    ],
    if: {
      type: "object",
      required: ["validation_method"],
      properties: { validation_method: { not: { const: "NO_VALIDATION" } } },
    },
    then: {
      type: "object",
      properties: { secret_name: endpointProperties.secret_name },
      required: ["secret_name"],
    },
  },
} as const;
