// `.mdb/meta.json` written by the appservices CLI (20230101,
// https://www.mongodb.com/docs/atlas/app-services/cli/).

import { DRAFT_07, configVersion, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("mdb-meta"),
  title: "App Services CLI metadata",
  description: ".mdb/meta.json written by the appservices CLI.",
  type: "object",
  properties: {
    config_version: configVersion,
    app_id: { type: "string", description: "Server app id (ObjectId hex)." },
    group_id: { type: "string", description: "Atlas project (group) id." },
    client_app_id: { type: "string", description: "Client app id, e.g. myapp-abcde." },
    last_pulled: { type: "number", description: "When the app was last pulled (observed as a number)." },
  },
} as const;
