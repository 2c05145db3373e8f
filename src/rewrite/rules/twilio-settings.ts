// Rule (report only): Twilio posts incoming messages to the URL set on the phone number or
// Messaging Service; moving it to the endpoint is a step a person makes in Twilio's console.
// https://www.mongodb.com/docs/atlas/app-services/services/convert-webhooks-to-endpoints/

import { finding } from "../../app/findings.js";
import type { Rule } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "twilio-settings";

export const rule: Rule = {
  meta: {
    id: ID,
    description:
      'Twilio keeps posting messages to the webhook URL until the phone number\'s "A message comes in" webhook names the endpoint URL. Reported, not rewritten.',
    risk: "needs-review",
    docs: RULE_DOCS[ID]!,
  },
  detect({ serviceType, configFile }) {
    if (serviceType !== "twilio") return [];
    return [
      finding(
        "warning",
        ID,
        "Twilio posts incoming messages to the old webhook URL until its settings change: " +
          'set the "A message comes in" webhook of the phone number (or Messaging Service) to the endpoint URL (see the URL map), method HTTP POST',
        {
          file: configFile,
          needsReview: true,
          hint: "In the Twilio console, open the phone number's (or Messaging Service's) messaging configuration; send a test message and check the reply.",
        },
      ),
    ];
  },
};
