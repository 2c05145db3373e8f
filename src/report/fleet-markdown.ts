// index.md of a fleet run (and the next steps the console prints after it): one row per app with
// its counts, exit code and report, the totals, every "needs a person" item of the fleet in one
// checklist, and the Secrets to create per app. Built from fleet.json's rows only.

import { formatLocation, type Finding } from "../app/findings.js";
import type { FleetApp, FleetReport } from "./fleet-model.js";
import { code, prose, tableRow } from "./markdown.js";
import { shellWord, type NextStep } from "./next-steps.js";

export const EXIT_MEANING: Record<0 | 1 | 2, string> = {
  0: "every app converted, nothing to review",
  1: "some app failed (or some webhook of it)",
  2: "written; items need review",
};

/** A finding of an app, located in the fleet: `team/a/functions/x.js:3:1`. */
export function fleetLocation(app: FleetApp, f: Pick<Finding, "file" | "line" | "column">): string {
  const where = formatLocation(f);
  if (!where || where === ".") return app.path;
  return `${app.path}/${where}`;
}

/** What to do after a fleet run, with the commands for this fleet (paths as the user typed them). */
export function fleetNextSteps(r: FleetReport, again?: string): NextStep[] {
  const s = r.summary;
  const steps: NextStep[] = [];
  if (r.mode === "dry-run") {
    const write = again?.replace(/ --(dry-run|check)\b/g, "");
    const where = write && !/ --(out|in-place)\b/.test(write) ? ` --out ${shellWord(r.base === "." ? "migrated" : `${r.base}-migrated`)}` : "";
    const fix =
      s.failedApps > 0 || s.failed > 0
        ? [{ text: "Fix the errors above (each names its app, file and line); an app that cannot be written stays out of the run, the others go on" }]
        : [];
    return [...fix, { text: "Write the converted apps and their reports", ...(write ? { command: write + where } : {}) }];
  }
  const index = r.reportDir ? `${r.reportDir}/index.md` : "index.md";
  if (s.failedApps > 0 || s.failed > 0) {
    steps.push({
      text: `Fix the errors of the apps marked exit 1 in ${index} (each names its file and line), then run again: finished apps are skipped`,
      ...(again ? { command: `${again.replace(/ --resume\b/, "")} --resume` } : {}),
    });
  }
  const review = s.needsReview + s.appNeedsReview;
  const items = r.apps.reduce((n, a) => n + a.review.length, 0);
  if (review > 0) steps.push({ text: `Review the ${items} item${items === 1 ? "" : "s"} under "Needs a person" in ${index} and tick each one off` });
  if (r.reportDir && r.mode === "out")
    steps.push({
      text: "Check that each endpoint answers as its webhook did, app by app in parallel",
      command: `hookshift verify --fleet ${shellWord(r.reportDir)}`,
    });
  const withSecrets = r.apps.filter((a) => a.secrets.length > 0 && a.links.report);
  if (withSecrets.length > 0 && r.reportDir) {
    steps.push({
      text: `Create the ${s.secrets} App Services Secret${s.secrets === 1 ? "" : "s"} of ${withSecrets.length} app${withSecrets.length === 1 ? "" : "s"}: each app's create-secrets.sh${withSecrets.length > 1 ? ` (${withSecrets.length} scripts; the first is shown)` : ""}`,
      command: `sh ${shellWord(`${r.reportDir}/${withSecrets[0]!.path}/create-secrets.sh`)}`,
    });
  }
  steps.push({
    text: "Push each app (its report.md has the appservices push commands), then point callers at the new URLs: url-map.csv lists every old and new URL of the fleet",
  });
  return steps;
}

export function renderFleetMarkdown(r: FleetReport, again?: string): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(`# Fleet migration: ${r.apps.length} app${r.apps.length === 1 ? "" : "s"}`, "");
  out.push(`**${s.line}**`, "");
  out.push(
    `Exit code ${s.exit}: ${EXIT_MEANING[s.exit]}. Written by hookshift ${r.tool.version}; apps under ${code(r.base)}${r.out ? `, converted into ${code(r.out)}` : ""}.`,
    "",
  );
  out.push("## Next steps", "");
  fleetNextSteps(r, again).forEach((st, i) => {
    out.push(`${i + 1}. ${prose(st.text)}`);
    if (st.command) out.push("", "   ```sh", `   ${st.command}`, "   ```");
  });
  out.push("", "## Apps", "");
  out.push(tableRow(["App", "App id", "Format", "Webhooks", "Converted", "Needs review", "Failed", "Already converted", "Exit", "Report"]));
  out.push(tableRow(["---", "---", "---", "---:", "---:", "---:", "---:", "---:", "---:", "---"]));
  for (const a of r.apps) {
    const report = a.links.report ? `[report](${encodeURI(a.links.report.replace(/\.html$/, ".md"))})` : a.status === "skipped" ? "skipped" : "-";
    out.push(
      tableRow([
        code(a.path) + (a.status === "skipped" ? " (unchanged, skipped)" : a.status === "failed" ? " (not written)" : ""),
        a.appId ? code(a.appId) : "-",
        a.format,
        String(a.webhooks),
        String(a.converted),
        String(a.needsReview + a.appNeedsReview),
        String(a.failed),
        String(a.alreadyConverted),
        String(a.exit),
        report,
      ]),
    );
  }
  out.push(
    tableRow([
      "**Total**",
      "",
      "",
      `**${s.webhooks}**`,
      `**${s.converted}**`,
      `**${s.needsReview + s.appNeedsReview}**`,
      `**${s.failed}**`,
      `**${s.alreadyConverted}**`,
      `**${s.exit}**`,
      "",
    ]),
  );
  const failed = r.apps.filter((a) => a.errors.length > 0);
  if (failed.length > 0) {
    out.push("", "## Errors", "");
    for (const a of failed) for (const e of a.errors) out.push(`- ${code(fleetLocation(a, e))}: ${prose(e.message)}${e.hint ? ` (${prose(e.hint)})` : ""}`);
  }
  const items = r.apps.flatMap((a) => a.review.map((i) => ({ a, i })));
  out.push("", `## Needs a person (${items.length})`, "");
  if (items.length === 0) out.push("Nothing: every change is one hookshift could prove safe.");
  for (const { a, i } of items) {
    out.push(
      `- [ ] ${code(a.path)}${i.webhook ? ` ${code(i.webhook)}` : ""}: ${prose(i.finding.message)} (${code(fleetLocation(a, i.finding))}, ${i.finding.code})`,
    );
  }
  const secrets = r.apps.filter((a) => a.secrets.length > 0);
  out.push("", `## Secrets to create (${s.secrets})`, "");
  if (secrets.length === 0) out.push("None: no converted webhook has a secret.");
  for (const a of secrets) {
    const script = r.reportDir ? ` (all at once: ${code(`sh ${shellWord(`${r.reportDir}/${a.path}/create-secrets.sh`)}`)})` : "";
    out.push(`- ${code(a.path)}${a.appId ? ` (${code(a.appId)})` : ""}: ${a.secrets.map((x) => code(x.name)).join(", ")}${script}`);
  }
  const urls = r.apps.reduce((n, a) => n + a.urls.length, 0);
  out.push("", "## URL map", "", `${urls} webhook URL${urls === 1 ? "" : "s"}: url-map.csv (app, app id, webhook, method, old URL, new URL).`, "");
  return out.join("\n");
}
