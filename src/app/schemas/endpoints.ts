// `http_endpoints/config.json` (20210101) and `https_endpoints/config.json` (20230101) as read:
// an array of HTTPS endpoint entries
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/). Extra
// fields are allowed on input (one docs sample puts `can_evaluate` there); `endpoints-output` is the strict form hookshift writes.

import { DRAFT_07, endpointProperties, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("endpoints"),
  title: "HTTPS endpoints",
  description: "http_endpoints/config.json or https_endpoints/config.json: one entry per route and method.",
  type: "array",
  items: {
    type: "object",
    description: "One HTTPS endpoint handler.",
    properties: endpointProperties,
  },
} as const;
