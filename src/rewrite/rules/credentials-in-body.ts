// Rule (report only): application authentication. Webhooks accepted credentials in the JSON body
// and their authentication errors are undocumented; endpoints take credentials from headers and
// answer documented errors. Nothing in the function can change that: callers must.

import { finding } from "../../app/findings.js";
import type { Rule } from "../types.js";
import { RULE_DOCS } from "./docs.generated.js";

const ID = "credentials-in-body";

export const rule: Rule = {
  meta: {
    id: ID,
    description:
      "Application authentication: callers that sent credentials in the body must send headers, and failed logins answer the endpoint's 400/401. Reported, not rewritten.",
    risk: "needs-review",
    docs: RULE_DOCS[ID]!,
  },
  detect({ authMode, at }) {
    if (authMode !== "application") return [];
    return [
      finding(
        "warning",
        ID,
        "Application authentication: webhook callers could send credentials (email/password, api-key, jwtTokenString) in the JSON body; endpoints take them from headers (or Authorization: Bearer) only",
        { ...at(["run_as_authed_user"]), needsReview: true, hint: "Callers that put credentials in the body must move them to headers." },
      ),
      // The endpoint's authentication errors are documented (the Data API's OpenAPI, which custom
      // endpoints share); the webhook's are not, and hookshift's shim answers 401 MissingAuthReq.
      finding(
        "warning",
        "auth-error-status",
        "Application authentication errors change: without credentials the endpoint answers 400 InvalidParameter " +
          '("no authentication methods were specified"), with an incomplete set (an email without its password) 400 MissingParameter, ' +
          "and with credentials no user matches 401 InvalidSession; the webhook's answers are undocumented (hookshift assumes 401 MissingAuthReq without credentials)",
        {
          ...at(["run_as_authed_user"]),
          needsReview: true,
          hint: "Callers that branch on the status or error_code of a failed authentication must accept the endpoint's 400/401 answers.",
        },
      ),
    ];
  },
};
