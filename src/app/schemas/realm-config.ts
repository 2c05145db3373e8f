// `realm_config.json`, the root file of 20210101 exports
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/v20210101/app/).

import { DRAFT_07, allowedRequestOrigins, configVersion, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("realm-config"),
  title: "App root configuration (20210101)",
  description: "realm_config.json at the root of a 20210101 export.",
  type: "object",
  properties: {
    app_id: { type: "string", description: "Client app id, e.g. myapp-abcde." },
    name: { type: "string", description: "App name." },
    config_version: configVersion,
    environment: { type: "string", description: "Active environment, e.g. development or production." },
    allowed_request_origins: allowedRequestOrigins,
    deployment_model: {
      type: "string",
      enum: ["GLOBAL", "LOCAL"],
      description: "GLOBAL or LOCAL.",
    },
    location: { type: "string", description: "Deployment region, e.g. US-VA." },
  },
} as const;
