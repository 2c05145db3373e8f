// `values/<name>.json` (https://www.mongodb.com/docs/atlas/app-services/reference/config/values/).
// With `from_secret: true`, `value` is the name of a Secret.

import { DRAFT_07, schemaId } from "./common.js";

export const schema = {
  $schema: DRAFT_07,
  $id: schemaId("value"),
  title: "Value",
  description: "values/<name>.json: one App Services Value.",
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", minLength: 1, description: "Value name; equals the file name without .json." },
    value: { description: "Any JSON value; the name of a Secret when from_secret is true." },
    from_secret: { type: "boolean", description: "True: value names a Secret whose content is used." },
    id: { type: "string", description: "Server-generated ObjectId hex (legacy exports)." },
    private: { type: "boolean", description: "Hidden from clients (legacy exports)." },
  },
} as const;
