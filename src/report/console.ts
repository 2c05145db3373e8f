// What `migrate` prints after a run: the summary line, one line per webhook, the Secrets to
// create. The caller adds where the report and the migrated app are.

import { createColors } from "picocolors";
import { formatLocation } from "../app/findings.js";
import type { WebhookStatus } from "../migrate/types.js";
import type { Report, ReportWebhook } from "./build.js";
import { STATUS_LABEL } from "./markdown.js";

const MARK: Record<WebhookStatus, string> = {
  converted: "✔",
  "needs-review": "!",
  failed: "✖",
  "already-converted": "=",
};

export function renderConsoleSummary(report: Report, opts: { color: boolean }): string {
  const c = createColors(opts.color);
  const paint: Record<WebhookStatus, (s: string) => string> = {
    converted: c.green,
    "needs-review": c.yellow,
    failed: c.red,
    "already-converted": c.dim,
  };
  const lines: string[] = [c.bold(report.summary.line)];

  const labelWidth = Math.max(0, ...report.webhooks.map((w) => STATUS_LABEL[w.status].length));
  const idWidth = Math.max(0, ...report.webhooks.map((w) => w.id.length));
  for (const w of report.webhooks) {
    const status = paint[w.status](`${MARK[w.status]} ${STATUS_LABEL[w.status].padEnd(labelWidth)}`);
    lines.push(`${status}  ${w.id.padEnd(idWidth)}  ${detail(w, c)}`.trimEnd());
  }

  const n = report.secrets.length;
  lines.push(
    n === 0
      ? "No Secrets to create."
      : c.yellow(`${n} Secret${n === 1 ? "" : "s"} to create before you push`) + " (commands in the report; values in secrets.json)",
  );
  return lines.join("\n") + "\n";
}

function detail(w: ReportWebhook, c: ReturnType<typeof createColors>): string {
  switch (w.status) {
    case "converted":
      return target(w);
    case "needs-review": {
      const n = w.findings.filter((f) => f.needsReview).length;
      return target(w) + (n > 0 ? c.yellow(`  (${n} to review)`) : "");
    }
    case "already-converted":
      return c.dim(target(w));
    case "failed": {
      const err = w.findings.find((f) => f.severity === "error");
      if (!err) return "see the report";
      const loc = formatLocation(err);
      return `${loc ? c.dim(loc) + " " : ""}${err.message}`;
    }
  }
}

function target(w: ReportWebhook): string {
  if (w.route) return `→ ${w.httpMethod ?? "?"} ${w.route}`;
  return w.newUrl ? `→ ${w.newUrl}` : "";
}
