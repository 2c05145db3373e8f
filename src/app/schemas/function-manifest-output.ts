// Strict form of `functions/config.json` that hookshift writes
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/functions/): only documented
// fields, and `name` and `private` always present.

import { DRAFT_07, functionProperties, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("function-manifest-output"),
  title: "Function manifest (as written by hookshift)",
  description: "Strict functions/config.json produced by a migration.",
  type: "array",
  items: {
    type: "object",
    description: "Configuration of one function.",
    required: ["name", "private"],
    properties: functionProperties,
    additionalProperties: false,
  },
} as const;
