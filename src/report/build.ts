// The report model: one JSON document (report.json) that every printer renders. Built from the
// plan, with unified diffs per file, secret values redacted in them where they are values.
//
// The text hookshift itself puts into the report (summary, descriptions, findings, the compat
// code rules append) stays within Latin-1: no arrows or typographic dashes. V8 stores such strings
// with one byte per character, and a single wider character anywhere makes the whole report.json
// text two bytes per character: twice the memory and a slow UTF-8 conversion on every copy (three
// quarters of a second of a 5,000-webhook migrate). test/report/latin1.test.ts keeps it so.

import { sortFindings, type Finding } from "../app/findings.js";
import type { ChangeKind, MigrationPlan, Production, Risk, UpgradeSummary, WebhookStatus } from "../plan/types.js";
import { RULES } from "../rewrite/registry.js";
import { twoFilesPatch } from "./patch.js";
import { appReviewText } from "./markdown.js";
import { Redactor } from "./redact.js";
import { migrateNextSteps, type NextStep } from "./next-steps.js";

const REPORT_FORMAT_VERSION = 1;

export interface ReportWebhook {
  id: string;
  service: string;
  serviceType: string;
  name: string;
  status: WebhookStatus;
  source: string;
  oldUrl: string;
  newUrl?: string;
  route?: string;
  httpMethod?: string;
  functionName?: string;
  secretName?: string;
  produced: Production[];
  findings: Finding[];
}

export interface ReportFile {
  path: string;
  /** The old path of a renamed file, or the file an added one copies. */
  from?: string;
  /** Every rule whose output is in this change, with its risk class. */
  ruleRisks: { rule: string; risk: Risk }[];
  change: ChangeKind;
  rules: string[];
  /** Unified diff (a/ and b/ prefixes, git style). */
  diff: string;
  /**
   * A new function: the webhook source it was made from (`base`) and the unified diff from it
   * (`a/<source.js>` to `b/<path>`, git's copy form): only the lines the rules added or changed.
   * No hunks when the function is the source byte for byte.
   */
  base?: string;
  baseDiff?: string;
}

export interface Report {
  formatVersion: number;
  tool: { name: "hookshift"; version: string };
  app: { root: string; name?: string; appId?: string; configVersion: string; layout: string };
  output: { mode: "out" | "in-place" | "dry-run"; dir?: string };
  /** True when nothing was (or would be) written because of an app-level error. */
  blocked: boolean;
  summary: {
    webhooks: number;
    converted: number;
    needsReview: number;
    /** App-level findings that need review (the format upgrade's, for instance); `needsReview` counts webhooks. */
    appNeedsReview: number;
    alreadyConverted: number;
    failed: number;
    endpointsAdded: number;
    filesChanged: number;
    line: string;
  };
  secrets: { name: string; command: string }[];
  /** Present when the app's format was upgraded: every old file and where its content went. */
  upgrade?: UpgradeSummary;
  webhooks: ReportWebhook[];
  files: ReportFile[];
  findings: Finding[];
  /** What to do next, with the exact commands for this app (next-steps.ts); first in report.md. */
  nextSteps: NextStep[];
}

export interface ReportContext {
  version: string;
  mode: Report["output"]["mode"];
  /** App folder and output folder as shown to the user (relative to the working directory). */
  root: string;
  outDir?: string;
  /** Path of secrets.json as the user should type it, for the commands in the report. */
  secretsFile: string;
  /** The app folder as the user typed it (for the commands of the next steps; default `root`). */
  app?: string;
  /** The report folder as shown to the user (for the next steps). */
  reportDir?: string;
  /** The run removes the converted webhooks. */
  removeWebhooks?: boolean;
}

export function buildReport(plan: MigrationPlan, ctx: ReportContext): Report {
  const count = (s: WebhookStatus) => plan.webhooks.filter((w) => w.status === s).length;
  const converted = count("converted");
  const needsReview = count("needs-review");
  const failed = count("failed");
  const alreadyConverted = count("already-converted");
  const endpointsAdded = plan.webhooks.filter((w) => (w.status === "converted" || w.status === "needs-review") && !w.existingEndpoint).length;
  // App-level review items make migrate exit 2 like a webhook's do, so the summary counts them too.
  const appNeedsReview = plan.findings.filter((f) => f.needsReview).length;
  // Secret values are redacted in the file texts the diffs are made of, where they are values
  // (redact.ts); names, paths, URLs, commands and hookshift's own text are never touched.
  const redactor = new Redactor([...Object.values(plan.secrets), ...(plan.secretValues ?? [])]);
  const report: Report = {
    formatVersion: REPORT_FORMAT_VERSION,
    tool: { name: "hookshift", version: ctx.version },
    app: { root: ctx.root, name: plan.appName, appId: plan.appId, configVersion: plan.configVersion, layout: plan.layout },
    output: { mode: ctx.mode, dir: ctx.outDir },
    blocked: plan.blocked,
    summary: {
      webhooks: plan.webhooks.length,
      converted,
      needsReview,
      appNeedsReview,
      alreadyConverted,
      failed,
      endpointsAdded,
      filesChanged: plan.files.length,
      line: summaryLine(plan.webhooks.length, endpointsAdded, needsReview, failed, alreadyConverted, plan.blocked, appNeedsReview),
    },
    nextSteps: [], // filled in below, from the rest of the report
    secrets: Object.keys(plan.secrets)
      .sort()
      .map((name) => ({
        name,
        // The value is read from secrets.json when the command runs, so it never sits in the report.
        command:
          `appservices secrets create${plan.appId ? ` --app ${shellQuote(plan.appId)}` : ""} --name ${name} ` +
          `--value "$(node -p 'require(require("path").resolve(process.argv[1])).${name}' ${shellQuote(ctx.secretsFile)})"`,
      })),
    upgrade: plan.upgrade,
    webhooks: plan.webhooks.map((w) => ({
      id: w.id,
      service: w.service,
      serviceType: w.serviceType,
      name: w.name,
      status: w.status,
      source: w.source,
      oldUrl: w.oldUrl,
      newUrl: w.newUrl,
      route: w.endpoint?.route,
      httpMethod: w.endpoint?.http_method,
      functionName: w.functionEntry?.name,
      secretName: w.secretName,
      produced: w.produced,
      findings: sortFindings(w.findings),
    })),
    files: plan.files.map((f) => ({
      path: f.path,
      from: f.from,
      change: f.kind,
      rules: f.rules,
      ruleRisks: f.rules.map((rule) => ({ rule, risk: riskOf(rule) })),
      diff: unifiedDiff(f.path, f.kind, redactor.file(f.from ?? f.path, f.before), redactor.file(f.path, f.after), f.from),
      ...(f.base && f.after !== undefined
        ? { base: f.base.path, baseDiff: copyDiff(f.base.path, f.path, redactor.file(f.base.path, f.base.text) ?? "", redactor.file(f.path, f.after) ?? "") }
        : {}),
    })),
    findings: sortFindings(plan.findings),
  };
  report.nextSteps = migrateNextSteps(report, { app: ctx.app ?? ctx.root, outDir: ctx.outDir, reportDir: ctx.reportDir, removedWebhooks: ctx.removeWebhooks });
  return report;
}

function summaryLine(total: number, endpoints: number, review: number, failed: number, already: number, blocked: boolean, appReview = 0): string {
  if (blocked) return `${total} webhook${total === 1 ? "" : "s"} found; nothing written (see the errors)`;
  const parts = [`${total} webhook${total === 1 ? "" : "s"}`, `${endpoints} endpoint${endpoints === 1 ? "" : "s"} added`];
  parts.push(`${review} need${review === 1 ? "s" : ""} review`);
  if (appReview > 0) parts.push(appReviewText(appReview));
  if (already > 0) parts.push(`${already} already converted`);
  parts.push(`${failed} failed`);
  return parts.join("; ");
}

function unifiedDiff(path: string, kind: ChangeKind, before?: string, after?: string, from?: string): string {
  if (kind === "renamed" && from) {
    const header = `diff --git a/${from} b/${path}\nsimilarity index ${similarity(before, after)}%\nrename from ${from}\nrename to ${path}\n`;
    if (after === undefined || before === after) return header;
    return header + twoFilesPatch(`a/${from}`, `b/${path}`, before ?? "", after).replace(/^={10,}\n/m, "");
  }
  if (kind === "added" && from && after === undefined) {
    // A copy of a file hookshift did not read as text (an image, an archive): no textual diff.
    return `diff --git a/${path} b/${path}\nnew file mode 100644\nBinary files /dev/null and b/${path} differ (copy of ${from})\n`;
  }
  const oldName = kind === "added" ? "/dev/null" : `a/${path}`;
  const newName = kind === "removed" ? "/dev/null" : `b/${path}`;
  const patch = twoFilesPatch(oldName, newName, before ?? "", after ?? "");
  // Git-style headers, so `git apply` and diff viewers (diff2html) see added and removed files as such.
  const mode = kind === "added" ? "new file mode 100644\n" : kind === "removed" ? "deleted file mode 100644\n" : "";
  return `diff --git a/${path} b/${path}\n${mode}` + patch.replace(/^={10,}\n/m, "");
}

/** A file made from another (a new function from its webhook's source.js), in git's copy form. */
function copyDiff(from: string, path: string, before: string, after: string): string {
  const header = `diff --git a/${from} b/${path}\nsimilarity index ${similarity(before, after)}%\ncopy from ${from}\ncopy to ${path}\n`;
  if (before === after) return header;
  return header + twoFilesPatch(`a/${from}`, `b/${path}`, before, after).replace(/^={10,}\n/m, "");
}

/** Git's rename similarity, approximated by the share of unchanged lines. */
function similarity(before?: string, after?: string): number {
  if (before === undefined || after === undefined || before === after) return 100;
  const a = before.split("\n");
  const b = new Set(after.split("\n"));
  const same = a.filter((l) => b.has(l)).length;
  return Math.max(1, Math.min(99, Math.round((100 * same) / Math.max(a.length, after.split("\n").length))));
}

/** Risk class of a rule: rewrite rules say theirs; removing webhooks changes what callers see; mappings and moves are faithful copies. */
function riskOf(rule: string): Risk {
  const rewrite = RULES.find((r) => r.meta.id === rule);
  if (rewrite) return rewrite.meta.risk;
  if (rule === "upgrade/stitch-rules") return "needs-review"; // early Stitch rules rewritten as roles (src/upgrade/stitch-rules.ts)
  return rule === "convert/remove-webhook" ? "semantic-change" : "safe";
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
