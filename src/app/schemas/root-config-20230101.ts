// `root_config.json` of 20230101 (appservices CLI) exports
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/app/). The version itself
// lives in `.mdb/meta.json`; hybrid files still carry `config_version` and `location`, so both are allowed.

import { DRAFT_07, allowedRequestOrigins, configVersion, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("root-config-20230101"),
  title: "App root configuration (20230101)",
  description: "root_config.json at the root of a 20230101 export.",
  type: "object",
  properties: {
    name: { type: "string", description: "App name." },
    deployment_model: { type: "string", description: "GLOBAL or LOCAL." },
    provider_region: { type: "string", description: "Cloud provider region, e.g. aws-us-east-1." },
    environment: { type: "string", description: "Active environment, e.g. development or production." },
    allowed_request_origins: allowedRequestOrigins,
    config_version: configVersion,
    location: { type: "string", description: "Deployment region of older formats, e.g. US-VA (hybrid files)." },
  },
} as const;
