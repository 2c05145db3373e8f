// Service `config.json` (services/<svc>/, http_endpoints/<svc>/, https_endpoints/<svc>/):
// https://www.mongodb.com/docs/atlas/app-services/reference/config/v20210101/services/,
// https://www.mongodb.com/docs/atlas/app-services/services/configure/services/.
// One service per file. `type` is not restricted to the known list: hookshift reports unknown
// service types itself instead of rejecting the file.

import { DRAFT_07, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("service-config"),
  title: "Service configuration",
  description: "config.json of one App Services service (http, github, twilio, aws, gcm, mongodb, ...).",
  type: "object",
  required: ["name", "type"],
  properties: {
    name: {
      type: "string",
      minLength: 1,
      description: "Service name: at most 64 ASCII letters, digits, _ or -.",
    },
    type: {
      type: "string",
      minLength: 1,
      description: "Service type, e.g. http, github, twilio, aws, gcm, mongodb, mongodb-atlas.",
    },
    config: { type: "object", description: "Public service settings, e.g. Twilio sid or AWS region." },
    secret_config: {
      type: "object",
      description: "Maps each private setting to the name of a Secret (never the secret value).",
      additionalProperties: { type: "string", description: "Name of a Secret." },
    },
    version: { type: "integer", description: "Service config version written by exports (1)." },
    _id: { type: "string", description: "Server-generated ObjectId hex (stitch exports)." },
    id: { type: "string", description: "Server-generated ObjectId hex (20180301/20200603 exports)." },
  },
} as const;
