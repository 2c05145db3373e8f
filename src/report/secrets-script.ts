// <report>/create-secrets.sh: creates (or updates) every App Services Secret the converted
// endpoints check requests against, with the App Services CLI. The values are never in the
// script: it reads each one from secrets.json beside it when it runs, so they stay out of the
// script, the report and the shell history. `appservices secrets create/update` only take a
// value as `--value`, so each value is on that one command's line (visible in the process list
// to other users of the machine) while it runs; README "Secrets" says so.
// Commands: https://www.mongodb.com/docs/atlas/app-services/cli/appservices-secrets-create/
// and .../appservices-secrets-update/ (`--secret` names the Secret to update).

import type { Report } from "./build.js";
import { shellWord } from "./next-steps.js";

export const SECRETS_SCRIPT = "create-secrets.sh";

export function renderSecretsScript(report: Report): string {
  const appId = report.app.appId;
  const lines = [
    "#!/bin/sh",
    `# Written by hookshift ${report.tool.version}: creates or updates the ${report.secrets.length} App Services Secret${report.secrets.length === 1 ? "" : "s"}`,
    "# the converted endpoints check requests against, with the App Services CLI (appservices).",
    "#",
    "# Usage: sh create-secrets.sh [app-id]   (log in first: appservices login)",
    "#",
    "# No secret value is in this file. Each one is read from secrets.json (next to this script, or",
    "# $HOOKSHIFT_SECRETS) when the script runs, so values stay out of the script and the shell history.",
    "# The App Services CLI takes a value only as --value, so while each appservices command runs its",
    "# value is on its command line, visible in the process list (ps) to other users of this machine.",
    "set -eu",
    "",
    appId ? `APP="\${1:-${appId}}"` : 'APP="${1:?the export holds no app id: sh create-secrets.sh <app-id>}"',
    'DIR=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)',
    'SECRETS="${HOOKSHIFT_SECRETS:-$DIR/secrets.json}"',
    "",
    "# The value of Secret $1 from secrets.json (on stdout, without a newline).",
    "value() {",
    `  node -e 'const v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]]; if (typeof v !== "string") { console.error("no value for " + process.argv[2] + " in " + process.argv[1]); process.exit(3); } process.stdout.write(v)' "$SECRETS" "$1"`,
    "}",
    "",
    "# Creates Secret $1, or updates its value when the app has it already.",
    "put() {",
    '  v=$(value "$1")',
    '  if appservices secrets create --app "$APP" --name "$1" --value "$v" >/dev/null 2>&1; then',
    '    echo "created $1"',
    "  else",
    '    appservices secrets update --app "$APP" --secret "$1" --value "$v" >/dev/null',
    '    echo "updated $1"',
    "  fi",
    "  v=",
    "}",
    "",
    ...report.secrets.map((s) => `put ${shellWord(s.name)}`),
    "",
  ];
  return lines.join("\n");
}
