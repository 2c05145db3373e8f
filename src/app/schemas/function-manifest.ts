// `functions/config.json` (20210101+) as read: an array with one entry per function
// (https://www.mongodb.com/docs/atlas/app-services/reference/config/functions/).
// Extra fields are allowed on input; `function-manifest-output` is the strict form hookshift writes.

import { DRAFT_07, functionProperties, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("function-manifest"),
  title: "Function manifest",
  description: "functions/config.json: configuration of every function in the app.",
  type: "array",
  items: {
    type: "object",
    description: "Configuration of one function.",
    required: ["name"],
    properties: functionProperties,
  },
} as const;
