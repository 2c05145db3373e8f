// Rule (report only): a script execution user. The script moves to the function, where what it
// receives is undocumented; only a test against the endpoint settles it.

import { finding } from "../../app/findings.js";
import type { Rule } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "user-script";

export const rule: Rule = {
  meta: {
    id: ID,
    description:
      "A webhook that ran as the user a script chose: the script moves to the function, where its argument is undocumented. Reported, not rewritten.",
    risk: "needs-review",
    docs: RULE_DOCS[ID]!,
  },
  detect({ authMode, at }) {
    if (authMode !== "script") return [];
    return [
      finding(
        "warning",
        ID,
        "run_as_user_id_script_source moves to the function; on the webhook it received the payload, on an endpoint function its argument is undocumented",
        {
          ...at(["run_as_user_id_script_source"]),
          needsReview: true,
          hint: "Test the script against the endpoint before you switch callers over.",
        },
      ),
    ];
  },
};
