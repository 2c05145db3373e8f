// Root file of 20180301 (`stitch.json`) and 20200603 (`config.json`) exports
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/legacy/,
// https://github.com/10gen/realm-cli/blob/master/internal/local/structure_v1.go).

import { DRAFT_07, allowedRequestOrigins, configVersion, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("root-config-v1"),
  title: "App root configuration (20180301/20200603)",
  description: "stitch.json or config.json at the root of a 20180301 or 20200603 export.",
  type: "object",
  properties: {
    config_version: configVersion,
    app_id: { type: "string", description: "Client app id, e.g. myapp-abcde." },
    name: { type: "string", description: "App name." },
    location: { type: "string", description: "Deployment region, e.g. US-VA." },
    deployment_model: { type: "string", description: "GLOBAL or LOCAL." },
    environment: { type: "string", description: "Active environment, e.g. development or production." },
    security: {
      type: "object",
      description: "Security settings.",
      properties: { allowed_request_origins: allowedRequestOrigins },
    },
    hosting: {
      type: "object",
      description: "Static hosting settings.",
      properties: {
        enabled: { type: "boolean", description: "Hosting turned on." },
        custom_domain: { type: "string", description: "Custom domain for hosted files." },
        app_default_domain: { type: "string", description: "Default hosting domain." },
      },
    },
    custom_user_data_config: {
      type: "object",
      description: "Where custom user data lives.",
      properties: {
        enabled: { type: "boolean", description: "Custom user data turned on." },
        mongo_service_id: { type: "string", description: "Id of the linked MongoDB service." },
        mongo_service_name: { type: "string", description: "Name of the linked MongoDB service." },
        database_name: { type: "string", description: "Database holding the custom user data." },
        collection_name: { type: "string", description: "Collection holding the custom user data." },
        user_id_field: { type: "string", description: "Field that holds the user id." },
      },
    },
    sync: { type: "object", description: "Sync settings." },
  },
} as const;
