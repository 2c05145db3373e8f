// What `migrate` prints after a run: the summary line, one line per webhook, the Secrets to
// create. The caller adds where the report and the migrated app are.

import { createColors } from "picocolors";
import { formatLocation } from "../app/findings.js";
import type { WebhookStatus } from "../plan/types.js";
import type { Report, ReportWebhook } from "./build.js";
import { STATUS_LABEL, upgradeNotice } from "./markdown.js";
import type { NextStep } from "./next-steps.js";

const MARK: Record<WebhookStatus, string> = {
  converted: "✔",
  "needs-review": "!",
  failed: "✖",
  "already-converted": "=",
};

/**
 * The summary: its line, the webhooks a person must look at (needs review, failed, already
 * converted) one per line, the converted rest as a count (`verbose`: one line each too), the
 * format upgrade, the Secrets.
 */
export function renderConsoleSummary(report: Report, opts: { color: boolean; verbose?: boolean }): string {
  const c = createColors(opts.color);
  const paint: Record<WebhookStatus, (s: string) => string> = {
    converted: c.green,
    "needs-review": c.yellow,
    failed: c.red,
    "already-converted": c.dim,
  };
  const lines: string[] = [c.bold(report.summary.line)];

  if (report.upgrade) lines.push(c.cyan(upgradeNotice(report.upgrade) + "."));
  if (report.summary.webhooks === 0 && !report.blocked) {
    lines.push(
      report.files.length > 0 ? "The app has no incoming webhooks; only its format changes." : "The app has no incoming webhooks: nothing to migrate.",
    );
  }

  const listed = opts.verbose ? report.webhooks : report.webhooks.filter((w) => w.status !== "converted");
  const labelWidth = Math.max(0, ...listed.map((w) => STATUS_LABEL[w.status].length));
  const idWidth = Math.max(0, ...listed.map((w) => w.id.length));
  for (const w of listed) {
    const status = paint[w.status](`${MARK[w.status]} ${STATUS_LABEL[w.status].padEnd(labelWidth)}`);
    lines.push(`${status}  ${w.id.padEnd(idWidth)}  ${detail(w, c)}`.trimEnd());
  }
  const rest = report.webhooks.length - listed.length;
  if (rest > 0) {
    lines.push(paint.converted(`${MARK.converted} ${rest} converted`) + c.dim(` with nothing to review (--verbose lists ${rest === 1 ? "it" : "them"})`));
  }

  const n = report.secrets.length;
  if (report.summary.webhooks > 0) {
    lines.push(
      n === 0
        ? "No Secrets to create."
        : c.yellow(`${n} Secret${n === 1 ? "" : "s"} to create before you push`) + " (create-secrets.sh in the report folder; values in secrets.json)",
    );
  }
  return lines.join("\n") + "\n";
}

/** "Next steps:" and a numbered list, each command on its own indented line. */
export function renderNextSteps(steps: NextStep[], opts: { color: boolean }): string {
  if (steps.length === 0) return "";
  const c = createColors(opts.color);
  const lines = [c.bold("Next steps:")];
  steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.text}${s.command ? ":" : ""}`);
    if (s.command) lines.push(`       ${c.cyan(s.command)}`);
  });
  return lines.join("\n") + "\n";
}

/** A unified diff with its added lines green, removed lines red, hunk headers cyan, file headers bold. */
export function colorDiff(diff: string, opts: { color: boolean }): string {
  if (!opts.color) return diff;
  const c = createColors(true);
  let inHunk = false;
  return diff
    .split("\n")
    .map((l) => {
      if (l.startsWith("diff --git ")) inHunk = false;
      if (l.startsWith("@@")) {
        inHunk = true;
        return c.cyan(l);
      }
      if (!inHunk) return l === "" ? l : c.bold(l);
      if (l.startsWith("+")) return c.green(l);
      if (l.startsWith("-")) return c.red(l);
      return l;
    })
    .join("\n");
}

interface FileStat {
  path: string;
  added: number;
  removed: number;
  binary: boolean;
}

/** Lines added and removed per file, counted in the hunks of its unified diff (headers excluded). */
function diffStats(files: { path: string; diff: string }[]): FileStat[] {
  return files.map((f) => {
    let added = 0;
    let removed = 0;
    let inHunk = false;
    for (const l of f.diff.split("\n")) {
      if (l.startsWith("@@")) inHunk = true;
      else if (!inHunk) continue;
      else if (l.startsWith("+")) added++;
      else if (l.startsWith("-")) removed++;
    }
    return { path: f.path, added, removed, binary: !inHunk && /^Binary files /m.test(f.diff) };
  });
}

/** Like `git diff --stat`: ` path | N ++--` per file, then "N files changed, X insertions(+), Y deletions(-)". */
export function renderDiffStat(files: { path: string; diff: string }[], opts: { color: boolean; columns?: number }): string {
  const c = createColors(opts.color);
  const stats = diffStats(files);
  if (stats.length === 0) return " 0 files changed\n";
  const nameWidth = Math.max(...stats.map((s) => s.path.length));
  const countWidth = Math.max(...stats.map((s) => String(s.added + s.removed).length));
  const most = Math.max(1, ...stats.map((s) => s.added + s.removed));
  const room = Math.max(10, (opts.columns ?? 80) - nameWidth - countWidth - 6);
  const lines = stats.map((s) => {
    const total = s.added + s.removed;
    if (s.binary) return ` ${s.path.padEnd(nameWidth)} | Bin`;
    // Scaled like git: the file with most changes fills the room; any change shows at least one mark.
    const scale = most > room ? room / most : 1;
    const plus = s.added === 0 ? 0 : Math.max(1, Math.round(s.added * scale));
    const minus = s.removed === 0 ? 0 : Math.max(1, Math.round(s.removed * scale));
    return ` ${s.path.padEnd(nameWidth)} | ${String(total).padStart(countWidth)} ${c.green("+".repeat(plus))}${c.red("-".repeat(minus))}`.trimEnd();
  });
  const added = stats.reduce((n, s) => n + s.added, 0);
  const removed = stats.reduce((n, s) => n + s.removed, 0);
  const parts = [`${stats.length} file${stats.length === 1 ? "" : "s"} changed`];
  if (added > 0 || removed === 0) parts.push(`${added} insertion${added === 1 ? "" : "s"}(+)`);
  if (removed > 0) parts.push(`${removed} deletion${removed === 1 ? "" : "s"}(-)`);
  lines.push(" " + parts.join(", "));
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
