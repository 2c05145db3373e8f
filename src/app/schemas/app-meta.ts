// `.mdb/app_meta.json` written by realm-cli v2 (`AppMeta` in
// https://github.com/10gen/realm-cli/blob/master/internal/local/app.go).

import { DRAFT_07, configVersion, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("app-meta"),
  title: "realm-cli app metadata",
  description: ".mdb/app_meta.json written by realm-cli v2.",
  type: "object",
  properties: {
    group_id: { type: "string", description: "Atlas project (group) id." },
    app_id: { type: "string", description: "Server app id (ObjectId hex)." },
    config_version: configVersion,
  },
} as const;
