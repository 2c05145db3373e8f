// Rule (report only): GitHub calls the URL set in its own webhook settings; moving it to the
// endpoint is a step a person makes there, whatever github-payload keeps in the function.
// https://www.mongodb.com/docs/atlas/app-services/services/convert-webhooks-to-endpoints/

import { finding } from "../../app/findings.js";
import type { Rule } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "github-settings";

export const rule: Rule = {
  meta: {
    id: ID,
    description: "GitHub keeps sending events to the webhook URL until its webhook settings name the endpoint URL. Reported, not rewritten.",
    risk: "needs-review",
    docs: RULE_DOCS[ID]!,
  },
  detect({ serviceType, config, configFile }) {
    if (serviceType !== "github") return [];
    return [
      finding(
        "warning",
        ID,
        "GitHub sends this webhook's events to the old webhook URL until its settings change: " +
          `set the payload URL of the GitHub webhook to the endpoint URL (see the URL map) and the content type to application/json${config.secret ? ", and keep its secret" : ""}`,
        {
          file: configFile,
          needsReview: true,
          hint: "In GitHub, open the repository's (or organization's) Settings, then Webhooks, and edit this webhook; send a ping and check that the endpoint answers it.",
        },
      ),
    ];
  },
};
