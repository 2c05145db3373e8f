// report.html: the same report as report.md as one self-contained page (inline CSS only, no
// scripts, fonts or links to anything outside the file), with the diffs drawn by diff2html.

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { html as diffHtml } from "diff2html";
import { formatLocation, type Finding } from "../app/findings.js";
import type { WebhookStatus } from "../migrate/types.js";
import type { Report, ReportFile, ReportWebhook } from "./build.js";
import {
  appTitle,
  introText,
  OLD_HOST_NOTE,
  outputText,
  placeholderNotes,
  reviewItems,
  RISK_MEANING,
  secretUsers,
  SEVERITIES,
  SEVERITY_TITLE,
  splitCodeSpans,
  STATUS_LABEL,
  STATUS_MEANING,
} from "./markdown.js";
import { esc } from "./escape.js";
import { StringSink, type TextSink } from "./sink.js";

export { esc };

/** The diff2html stylesheet, for `renderHtml`. */
export async function loadDiff2HtmlCss(): Promise<string> {
  const path = createRequire(import.meta.url).resolve("diff2html/bundles/css/diff2html.min.css");
  return readFile(path, "utf8");
}

export function renderHtml(report: Report, diff2htmlCss: string): string {
  const sink = new StringSink();
  renderHtmlTo(report, diff2htmlCss, sink);
  return sink.text();
}

/** report.html into `sink`, part by part (see sink.ts for why it streams). */
export function renderHtmlTo(report: Report, diff2htmlCss: string, sink: TextSink): void {
  const title = `hookshift migration report: ${appTitle(report)}`;
  const push = (...parts: string[]) => {
    for (const p of parts) sink.write(p + "\n");
  };
  push(
    "<!DOCTYPE html>",
    `<html lang="en">`,
    "<head>",
    `<meta charset="utf-8">`,
    // Nothing may load from anywhere: the page is one file that works offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${esc(title)}</title>`,
    `<style>${styleText(diff2htmlCss)}</style>`,
    `<style>${PAGE_CSS}</style>`,
    "</head>",
    "<body>",
    `<main>`,
  );

  push(`<header><h1>${esc(title)}</h1>`);
  push(`<p class="summary">${esc(report.summary.line)}</p>`);
  push(`<p>${prose(introText(report))}</p>`);
  push(`<ul class="facts">`);
  push(`<li>App folder: <code>${esc(report.app.root)}</code>${report.app.appId ? ` (app id <code>${esc(report.app.appId)}</code>)` : ""}</li>`);
  push(`<li>Config version: <code>${esc(report.app.configVersion)}</code>, layout <code>${esc(report.app.layout)}</code></li>`);
  push(`<li>Output mode: <code>${esc(report.output.mode)}</code>: ${prose(outputText(report))}</li>`);
  push(`<li>Made by ${esc(report.tool.name)} ${esc(report.tool.version)} (report format ${report.formatVersion})</li>`);
  push(`</ul>`);
  push(counts(report));
  push(`</header>`);

  push(`<nav><a href="#needs-a-person">Needs a person</a> · <a href="#before-you-push">Before you push</a> · <a href="#url-map">URL map</a> · `);
  push(`${report.upgrade ? `<a href="#format-upgrade">Format upgrade</a> · ` : ""}<a href="#webhooks">Webhooks</a> · <a href="#files">Files</a> · <a href="#other-findings">Other findings</a></nav>`);

  // Needs a person
  push(`<section id="needs-a-person"><h2>Needs a person</h2>`);
  const items = reviewItems(report);
  if (items.length === 0) push(`<p class="ok">Nothing needs review.</p>`);
  else {
    push(`<p>Each item below is a place where the endpoint may behave differently from the webhook. Check it before callers move to the new URL.</p>`);
    push(`<ul class="checklist">`);
    for (const { webhook, finding: f } of items) {
      const loc = formatLocation(f);
      const where = [loc ? `<code>${esc(loc)}</code>` : "", webhook ? `webhook <code>${esc(webhook)}</code>` : "app"].filter(Boolean).join(", ");
      push(
        `<li><label><input type="checkbox"> ${where}: ${prose(f.message)} (<code>${esc(f.code)}</code>)</label>` +
          (f.hint ? `<div class="hint">What to do: ${prose(f.hint)}</div>` : "") +
          `</li>`,
      );
    }
    push(`</ul>`);
  }
  const failed = report.webhooks.filter((w) => w.status === "failed");
  if (failed.length > 0) {
    push(
      `<p class="bad">${failed.length} webhook${plural(failed.length)} could not be converted (${failed.map((w) => `<code>${esc(w.id)}</code>`).join(", ")}); ` +
        `${failed.length === 1 ? "its" : "their"} errors are under Webhooks below. Fix them and run hookshift again.</p>`,
    );
  }
  push(`</section>`);

  // Before you push
  push(`<section id="before-you-push"><h2>Before you push</h2>`);
  if (report.secrets.length === 0) push(`<p>No Secrets are needed: none of the converted webhooks had a secret.</p>`);
  else {
    push(
      `<p>Create ${report.secrets.length === 1 ? "this App Services Secret" : `these ${report.secrets.length} App Services Secrets`} before you push the app: ` +
        `the new endpoints check requests against ${report.secrets.length === 1 ? "it" : "them"}. ` +
        `The values are only in <code>secrets.json</code> next to this report (file mode 0600), never in this report; treat that file like a password.</p>`,
    );
    push(`<table><thead><tr><th>Secret</th><th>Used by</th></tr></thead><tbody>`);
    const usersOf = secretUsers(report);
    for (const s of report.secrets) {
      const users = (usersOf.get(s.name) ?? []).map((id) => `<code>${esc(id)}</code>`);
      push(`<tr><td><code>${esc(s.name)}</code></td><td>${users.length ? users.join(", ") : "&mdash;"}</td></tr>`);
    }
    push(`</tbody></table>`);
    push(`<p>Commands for the App Services CLI (<code>appservices</code>):</p>`);
    push(`<pre class="commands"><code>${esc(report.secrets.map((s) => s.command).join("\n"))}</code></pre>`);
  }
  push(`</section>`);

  // URL map
  push(`<section id="url-map"><h2>URL map</h2>`);
  if (report.webhooks.length === 0) push(`<p>The app has no incoming webhooks.</p>`);
  else {
    push(`<p>Point each caller at its new URL once the migrated app is deployed.</p>`);
    push(`<table class="urls"><thead><tr><th>Webhook</th><th>Old webhook URL</th><th>New endpoint URL</th><th>Method</th><th>Status</th></tr></thead><tbody>`);
    for (const w of report.webhooks) {
      push(
        `<tr><td><code>${esc(w.id)}</code></td><td class="url"><code>${esc(w.oldUrl)}</code></td>` +
          `<td class="url">${w.newUrl ? `<code>${esc(w.newUrl)}</code>` : "&mdash;"}</td>` +
          `<td>${w.httpMethod ? `<code>${esc(w.httpMethod)}</code>` : "&mdash;"}</td><td>${badge(w.status)}</td></tr>`,
      );
    }
    push(`</tbody></table>`);
    push(`<ul class="notes">${[OLD_HOST_NOTE, ...placeholderNotes(report)].map((n) => `<li>${prose(n)}</li>`).join("")}</ul>`);
  }
  push(`</section>`);

  if (report.upgrade) {
    const u = report.upgrade;
    const moved = u.moves.filter((m) => m.kind !== "carried unchanged");
    const carried = u.moves.length - moved.length;
    push(`<section id="format-upgrade"><h2>Format upgrade</h2>`);
    push(
      `<p>This app was a ${esc(u.from)} export. HTTPS endpoints need the ${esc(u.to)} format, so hookshift upgraded the whole app to it, ` +
        `the way realm-cli lays out each part (docs/format-upgrade.md). Every old file and where its content went:</p>`,
    );
    push(`<table><thead><tr><th>Old path</th><th>What happened</th><th>New path</th><th>Rule</th></tr></thead><tbody>`);
    for (const m of moved) {
      push(`<tr><td><code>${esc(m.from)}</code></td><td>${esc(m.kind)}</td><td>${m.to.map((t) => `<code>${esc(t)}</code>`).join(", ")}</td><td><code>${esc(m.rule)}</code></td></tr>`);
    }
    push(`</tbody></table>`);
    if (carried > 0) push(`<p>${carried} other file${carried === 1 ? " keeps its" : "s keep their"} path and content.</p>`);
    push(`</section>`);
  }

  // Webhooks
  push(`<section id="webhooks"><h2>Webhooks</h2>`);
  if (report.webhooks.length === 0) push(`<p>No webhooks.</p>`);
  else {
    push(`<details class="legend"><summary>What the statuses and risks mean</summary><ul>`);
    for (const s of Object.keys(STATUS_LABEL) as WebhookStatus[]) push(`<li>${badge(s)} ${prose(STATUS_MEANING[s])}</li>`);
    for (const [risk, meaning] of Object.entries(RISK_MEANING)) push(`<li><span class="risk risk-${esc(risk)}">${esc(risk)}</span> ${prose(meaning)}</li>`);
    push(`</ul></details>`);
    for (const w of report.webhooks) push(webhookSection(w));
  }
  push(`</section>`);

  // Files
  push(`<section id="files"><h2>Files</h2>`);
  if (report.files.length === 0) push(`<p>No files changed.</p>`);
  for (const f of report.files) push(fileSection(f));
  push(`</section>`);

  // Other findings
  push(`<section id="other-findings"><h2>Other findings</h2>`);
  if (report.findings.length === 0) push(`<p>No other findings.</p>`);
  else {
    push(`<p>Findings about the app as a whole, not about one webhook.</p>`);
    for (const sev of SEVERITIES) {
      const list = report.findings.filter((f) => f.severity === sev);
      if (list.length === 0) continue;
      push(`<h3>${SEVERITY_TITLE[sev]} (${list.length})</h3><ul class="findings">`);
      for (const f of list) push(`<li>${findingItem(f)}</li>`);
      push(`</ul>`);
    }
  }
  push(`</section>`);
  push(`</main>`, "</body>", "</html>");
}

function counts(report: Report): string {
  const s = report.summary;
  const cells: [string, number, string][] = [
    ["webhooks", s.webhooks, ""],
    ["converted", s.converted, "status-converted"],
    ["need review", s.needsReview, "status-needs-review"],
    ["already converted", s.alreadyConverted, "status-already-converted"],
    ["failed", s.failed, "status-failed"],
    ["endpoints added", s.endpointsAdded, ""],
    ["files changed", s.filesChanged, ""],
  ];
  return `<div class="counts">${cells.map(([label, n, cls]) => `<div class="count ${cls}"><b>${n}</b> ${esc(label)}</div>`).join("")}</div>`;
}

function webhookSection(w: ReportWebhook): string {
  const out: string[] = [`<article class="webhook status-${w.status}" id="${esc(anchor("webhook", w.id))}">`];
  out.push(`<h3><code>${esc(w.id)}</code> ${badge(w.status)}</h3>`);
  const meaning = STATUS_MEANING[w.status];
  out.push(`<p>${prose(meaning.charAt(0).toUpperCase() + meaning.slice(1))}.</p>`);
  out.push(`<ul class="facts">`);
  out.push(`<li>Service: <code>${esc(w.service)}</code> (type <code>${esc(w.serviceType)}</code>), webhook <code>${esc(w.name)}</code></li>`);
  out.push(`<li>Source folder: <code>${esc(w.source)}</code></li>`);
  if (w.route) {
    out.push(
      `<li>Endpoint: <code>${esc(`${w.httpMethod ?? "?"} ${w.route}`)}</code>` +
        (w.functionName ? ` &rarr; function <code>${esc(w.functionName)}</code>` : "") +
        `</li>`,
    );
  }
  if (w.secretName) out.push(`<li>Secret: <code>${esc(w.secretName)}</code></li>`);
  out.push(`</ul>`);
  if (w.produced.length > 0) {
    out.push(`<h4>What was produced</h4>`);
    out.push(`<table><thead><tr><th>Rule</th><th>Risk</th><th>File</th><th>Description</th></tr></thead><tbody>`);
    for (const p of w.produced) {
      out.push(
        `<tr><td><code>${esc(p.rule)}</code></td><td><span class="risk risk-${esc(p.risk)}">${esc(p.risk)}</span></td>` +
          `<td>${p.file ? `<code>${esc(p.file)}</code>` : "&mdash;"}</td><td>${prose(p.description)}</td></tr>`,
      );
    }
    out.push(`</tbody></table>`);
  } else {
    out.push(`<p>Nothing was produced.</p>`);
  }
  if (w.findings.length > 0) {
    out.push(`<h4>Findings</h4>`);
    out.push(`<table class="findings"><thead><tr><th>Severity</th><th>Code</th><th>Location</th><th>Message</th><th>What to do</th><th>Rule</th></tr></thead><tbody>`);
    for (const f of w.findings) {
      const loc = formatLocation(f);
      out.push(
        `<tr class="sev-${f.severity}"><td>${severity(f)}</td><td><code>${esc(f.code)}</code></td>` +
          `<td>${loc ? `<code>${esc(loc)}</code>` : "&mdash;"}</td><td>${prose(f.message)}</td>` +
          `<td>${f.hint ? prose(f.hint) : "&mdash;"}</td><td>${f.rule ? `<code>${esc(f.rule)}</code>` : "&mdash;"}</td></tr>`,
      );
    }
    out.push(`</tbody></table>`);
  } else {
    out.push(`<p>No findings.</p>`);
  }
  out.push(`</article>`);
  return out.join("\n");
}

function fileSection(f: ReportFile): string {
  const out: string[] = [`<article class="file" id="${esc(anchor("file", f.path))}">`];
  out.push(`<h3><code>${esc(f.path)}</code> <span class="change change-${f.change}">${f.change}</span></h3>`);
  if (f.ruleRisks.length > 0) {
    out.push(`<p>Produced by ${f.ruleRisks.map((r) => `<code>${esc(r.rule)}</code> <span class="risk risk-${esc(r.risk)}">${esc(r.risk)}</span>`).join(", ")}.</p>`);
  }
  if (f.diff.trim() === "") out.push(`<p>No textual change.</p>`);
  else if (f.change === "added") out.push(addedFile(f.diff));
  else if (lineCount(f.diff) > LARGE_DIFF_LINES) out.push(largeDiff(f.diff));
  else out.push(diffHtml(f.diff, { outputFormat: "line-by-line", drawFileList: false, matching: "lines" }));
  out.push(`</article>`);
  return out.join("\n");
}

/**
 * A new file's diff is its whole content, every line added: shown as numbered lines without
 * diff2html, which costs most of the report's time and size on apps with thousands of webhooks.
 */
function addedFile(diff: string): string {
  const lines = diff.split("\n");
  const rows = lines
    .slice(lines.findIndex((l) => l.startsWith("@@")) + 1)
    .filter((l) => l.startsWith("+"))
    .map((l, i) => `<tr><td class="ln">${i + 1}</td><td class="add">${esc(l.slice(1)) || " "}</td></tr>`)
    .join("");
  return `<table class="added-file"><tbody>${rows}</tbody></table>`;
}

/**
 * Diffs longer than this are shown as their unified-diff text, not drawn by diff2html: the
 * endpoint and function manifests of an app with thousands of webhooks have diffs of tens of
 * thousands of lines, which diff2html turns into tens of megabytes of table (a second of work per
 * file) that no browser shows comfortably. GitHub stops rendering large diffs for the same reason.
 */
export const LARGE_DIFF_LINES = 3000;

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function largeDiff(diff: string): string {
  return (
    `<p class="large-diff">This diff has ${lineCount(diff).toLocaleString("en-US")} lines, so it is shown as plain text; ` +
    `report.md and report.json hold the same diff.</p><pre class="plain-diff">${esc(diff)}</pre>`
  );
}

function findingItem(f: Finding): string {
  const loc = formatLocation(f);
  return (
    `${severity(f)} <code>${esc(f.code)}</code>${loc ? ` at <code>${esc(loc)}</code>` : ""}: ${prose(f.message)}` +
    (f.rule ? ` (rule <code>${esc(f.rule)}</code>)` : "") +
    (f.hint ? `<div class="hint">What to do: ${prose(f.hint)}</div>` : "")
  );
}

function severity(f: Finding): string {
  return `<span class="sev sev-${f.severity}">${f.severity}</span>` + (f.needsReview ? ` <span class="review">needs review</span>` : "");
}

function badge(status: WebhookStatus): string {
  return `<span class="badge status-${status}">${STATUS_LABEL[status]}</span>`;
}

const plural = (n: number) => (n === 1 ? "" : "s");

/** A stable element id from text (only characters that need no escaping). */
function anchor(kind: string, text: string): string {
  return `${kind}-${text.replace(/[^A-Za-z0-9_-]+/g, "-")}`;
}

/** hookshift's own sentences: escaped, with their `code` spans as <code> and newlines as <br>. */
function prose(text: string): string {
  return splitCodeSpans(text)
    .map((s) => (s.code ? `<code>${esc(s.text)}</code>` : esc(s.text).replace(/\r?\n/g, "<br>")))
    .join("");
}

/** CSS text for a <style> element: it must not be able to close the element. */
function styleText(css: string): string {
  return css.replace(/<\/(style)/gi, "<\\/$1");
}

const PAGE_CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1f2328; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 8px; }
h2 { font-size: 1.35em; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 2px solid #d0d7de; }
h3 { font-size: 1.1em; margin: 28px 0 8px; }
h4 { font-size: 1em; margin: 16px 0 6px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
code { background: #eff1f3; padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: #f0f2f4; padding: 12px; border-radius: 6px; overflow-x: auto; }
pre code { background: none; padding: 0; }
.summary { font-size: 1.2em; font-weight: 700; margin: 8px 0 12px; }
table.added-file { border-collapse: collapse; width: 100%; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; background: #fff; border: 1px solid #d0d7de; }
table.added-file td { padding: 0 8px; border: 0; white-space: pre-wrap; vertical-align: top; }
table.added-file td.ln { width: 1%; color: #8c959f; text-align: right; user-select: none; background: #f6f8fa; }
table.added-file td.add { background: #e6ffec; }
pre.plain-diff { font-size: 0.85em; background: #fff; border: 1px solid #d0d7de; padding: 8px; max-height: 40em; overflow: auto; }
nav { margin: 16px 0; padding: 8px 12px; background: #f0f2f4; border-radius: 6px; }
nav a { color: #0550ae; text-decoration: none; }
table:not(.d2h-diff-table) { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
table:not(.d2h-diff-table) th, table:not(.d2h-diff-table) td { border: 1px solid #d0d7de; padding: 5px 8px; text-align: left; vertical-align: top; }
table:not(.d2h-diff-table) th { background: #f0f2f4; }
td.url { max-width: 420px; }
.facts { margin: 6px 0; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.count { border: 1px solid #d0d7de; border-left-width: 5px; border-radius: 6px; padding: 4px 10px; }
.count b { font-size: 1.15em; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.8em; font-weight: 600; color: #fff; vertical-align: middle; white-space: nowrap; }
.badge.status-converted { background: #1a7f37; }
.badge.status-needs-review { background: #9a6700; }
.badge.status-already-converted { background: #57606a; }
.badge.status-failed { background: #cf222e; }
.count.status-converted { border-left-color: #1a7f37; }
.count.status-needs-review { border-left-color: #bf8700; }
.count.status-already-converted { border-left-color: #57606a; }
.count.status-failed { border-left-color: #cf222e; }
.webhook { border: 1px solid #d0d7de; border-left-width: 6px; border-radius: 6px; padding: 4px 16px 8px; margin: 16px 0; }
.webhook.status-converted { border-left-color: #1a7f37; }
.webhook.status-needs-review { border-left-color: #bf8700; }
.webhook.status-already-converted { border-left-color: #8c959f; }
.webhook.status-failed { border-left-color: #cf222e; }
.sev { font-weight: 600; }
.sev-error { color: #cf222e; }
.sev-warning { color: #9a6700; }
.sev-info { color: #57606a; }
.review { display: inline-block; background: #fff8c5; border: 1px solid #d4a72c; border-radius: 4px; padding: 0 4px; font-size: 0.85em; white-space: nowrap; }
.risk { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; padding: 0 4px; border-radius: 4px; white-space: nowrap; }
.risk-safe { background: #dafbe1; }
.risk-semantic-change { background: #ffebe9; }
.risk-needs-review { background: #fff8c5; }
.change { font-size: 0.8em; font-weight: 600; padding: 1px 6px; border-radius: 4px; }
.change-added { background: #dafbe1; color: #116329; }
.change-modified { background: #ddf4ff; color: #0550ae; }
.change-removed { background: #ffebe9; color: #a40e26; }
.checklist { list-style: none; padding-left: 0; }
.checklist li { border: 1px solid #d4a72c; background: #fffbe6; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.checklist input { margin-right: 6px; }
.hint { color: #424a53; margin-top: 4px; }
.findings li { margin: 6px 0; }
.ok { color: #1a7f37; font-weight: 600; }
.bad { color: #cf222e; font-weight: 600; }
.notes { color: #57606a; font-size: 0.9em; }
.legend { margin: 8px 0 16px; }
.legend li { margin: 4px 0; }
.file { margin: 16px 0 28px; }
`;
