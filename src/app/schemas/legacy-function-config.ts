// `functions/<name>/config.json` of 20180301/20200603 exports
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/legacy/): the manifest
// fields of one function plus the server id (`id`, or `_id` in stitch exports).

import { DRAFT_07, functionProperties, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("legacy-function-config"),
  title: "Legacy function configuration",
  description: "functions/<name>/config.json of a 20180301 or 20200603 export.",
  type: "object",
  required: ["name"],
  properties: {
    ...functionProperties,
    id: { type: "string", description: "Server-generated ObjectId hex (20200603 exports)." },
    _id: { type: "string", description: "Server-generated ObjectId hex (stitch exports)." },
  },
} as const;
