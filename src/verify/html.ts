// verify.html: what `hookshift verify` found, as one self-contained page (inline CSS only, no
// scripts, fonts or links outside the file). For each webhook it shows whether the migrated
// endpoint answered the generated requests the way the original webhook did, which cases
// differed and how, and which lines and branches of the function those cases reached, with the
// sources coloured line by line (covered, not reached, added by a rewrite rule). Pure: a
// VerifyResult in, HTML text out.

import { esc } from "../report/escape.js";
import type { Difference } from "./compare.js";
import type { CaseOutcome, CaseResult, Count, LineState, SourceView, Verdict, VerifyResult, WebhookVerification } from "./types.js";

/** Differences listed under one case before the rest are summed up as "… N more". */
const MAX_DIFFERENCES_PER_CASE = 20;

const OUTCOME_LABEL: Record<CaseOutcome, string> = {
  equal: "equal",
  different: "different",
  bothFailed: "both failed",
  emulatorDefault: "emulator default",
  callerChange: "caller change",
};

const MEANING = {
  bothFailed: "the webhook and the endpoint failed the same way (the same error or time limit): not evidence that they behave alike.",
  emulatorDefault: "neither side ran the function; both answers came from a platform default of the shim (auth, method, validation): not evidence.",
  callerChange:
    "neither side ran the function; both refused the credentials, with the different answers webhooks and endpoints document: callers see the change, the function does not.",
  unproven: "no case ran the function to an answer on both sides, so verify proved nothing about it.",
};

const NOT_MEASURED = "coverage not measured";

export function renderVerifyHtml(result: VerifyResult): string {
  const anchors = anchorIds(result.webhooks);
  const title = "hookshift verify";
  return [
    "<!DOCTYPE html>",
    `<html lang="en">`,
    "<head>",
    `<meta charset="utf-8">`,
    // Nothing may load from anywhere: the page is one file that works offline.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${title}</title>`,
    `<style>${PAGE_CSS}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<header><h1>${title}</h1>`,
    `<p class="summary">${esc(result.summary.line)}</p>`,
    totals(result),
    `</header>`,
    weakest(result, anchors),
    unexercised(result, anchors),
    overview(result, anchors),
    `<section id="webhooks"><h2>Webhooks</h2>`,
    ...result.webhooks.map((w, i) => webhookSection(w, anchors[i]!, result.views?.[w.id])),
    `</section>`,
    markers(result),
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// The top of the page

function totals(result: VerifyResult): string {
  const s = result.summary;
  const rows: [string, string][] = [
    ["webhooks", String(s.webhooks)],
    ["cases", String(s.cases)],
    ["equal", String(s.equal)],
    ["different", String(s.different)],
    ["both failed", String(s.bothFailed)],
    ["emulator default", String(s.emulatorDefault)],
    ["caller change", String(s.callerChange)],
    ["unproven", String(s.unproven)],
    ["unpaired", String(s.unpaired)],
    ["could not be verified", String(s.errors)],
    ["median line coverage", s.medianLineCoverage === undefined ? NOT_MEASURED : `${s.medianLineCoverage}%`],
    ["lines covered / total", s.lines ? `${s.lines.covered} / ${s.lines.total}` : NOT_MEASURED],
    ["branches covered / total", s.branches ? `${s.branches.covered} / ${s.branches.total}` : NOT_MEASURED],
  ];
  const body = rows.map(([k, v]) => `<tr><th>${k}</th><td class="num">${esc(v)}</td></tr>`).join("");
  const legend = (["bothFailed", "emulatorDefault", "callerChange", "unproven"] as const)
    .map((k) => `<li><b>${k === "unproven" ? "unproven" : OUTCOME_LABEL[k]}</b>: ${MEANING[k]}</li>`)
    .join("");
  return `<table class="totals"><tbody>${body}</tbody></table>\n<ul class="notes">${legend}</ul>`;
}

function weakest(result: VerifyResult, anchors: string[]): string {
  const s = result.summary;
  const out = [`<section id="weakest"><h2>Weakest coverage</h2>`];
  if (s.weakest.length === 0) out.push(`<p>${s.lines ? "Every webhook's own lines were all reached." : `${cap(NOT_MEASURED)}.`}</p>`);
  else out.push(`<ol>${s.weakest.map((w) => `<li>${link(result, anchors, w.id)}: ${esc(String(w.percent))}% of lines</li>`).join("")}</ol>`);
  if (s.belowMinCoverage.length > 0) {
    out.push(`<p class="bad">Below the minimum coverage: ${s.belowMinCoverage.map((id) => link(result, anchors, id)).join(", ")}</p>`);
  }
  out.push(`</section>`);
  return out.join("\n");
}

function unexercised(result: VerifyResult, anchors: string[]): string {
  const list = result.webhooks.map((w, i) => ({ w, a: anchors[i]! })).filter(({ w }) => w.verdict === "unproven");
  const out = [`<section id="unproven"><h2>Verify could not exercise</h2>`];
  if (list.length === 0) out.push(`<p class="ok">Every paired webhook ran its function to an answer on both sides at least once.</p>`);
  else {
    out.push(`<ul>`);
    for (const { w, a } of list) out.push(`<li><a href="#${a}"><code>${esc(w.id)}</code></a>: ${esc(w.unprovenReason ?? "no reason recorded")}</li>`);
    out.push(`</ul>`);
  }
  out.push(`</section>`);
  return out.join("\n");
}

function overview(result: VerifyResult, anchors: string[]): string {
  const out = [`<section id="overview"><h2>Overview</h2>`];
  if (result.webhooks.length === 0) return `${out[0]}\n<p>No webhooks.</p>\n</section>`;
  out.push(
    `<table class="overview"><thead><tr><th>Webhook</th><th>Verdict</th><th>Equal</th><th>Different</th><th>Both failed</th><th>Emulator default</th><th>Caller change</th><th>Lines</th><th>Branches</th></tr></thead><tbody>`,
  );
  result.webhooks.forEach((w, i) => {
    const c = w.counts;
    const cov = w.coverage;
    out.push(
      `<tr><td><a href="#${anchors[i]}"><code>${esc(w.id)}</code></a></td><td>${verdictBadge(w.verdict)}</td>` +
        [c.equal, c.different, c.bothFailed, c.emulatorDefault, c.callerChange].map((n) => `<td class="num">${n}</td>`).join("") +
        `<td class="num">${cov ? countText(cov.lines, true) : "&mdash;"}</td><td class="num">${cov ? countText(cov.branches) : "&mdash;"}</td></tr>`,
    );
  });
  out.push(`</tbody></table>`, `</section>`);
  return out.join("\n");
}

function markers(result: VerifyResult): string {
  if (result.markers.length === 0) return "";
  const rows = result.markers.map(
    (m) => `<tr><td><code>${esc(m.function)}</code></td><td class="num">${m.line}</td><td><code>${esc(m.rule)}</code></td><td>${esc(m.message)}</td></tr>`,
  );
  return [
    `<section id="markers"><h2>Unresolved markers</h2>`,
    `<p class="bad">Verify fails while these <code>hookshift-todo</code> markers remain in the migrated functions.</p>`,
    `<table><thead><tr><th>Function</th><th>Line</th><th>Rule</th><th>Message</th></tr></thead><tbody>${rows.join("")}</tbody></table>`,
    `</section>`,
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// One webhook

function webhookSection(w: WebhookVerification, anchor: string, view: { original: SourceView; migrated?: SourceView } | undefined): string {
  const out = [
    `<article class="webhook v-${w.verdict}" id="${anchor}">`,
    `<h3><code>${esc(w.id)}</code> ${verdictBadge(w.verdict)}</h3>`,
    `<ul class="facts">`,
  ];
  out.push(`<li>Endpoint route: ${w.endpoint ? `<code>${esc(w.endpoint)}</code>` : "none (no endpoint pairs with this webhook)"}</li>`);
  if (w.unprovenReason) out.push(`<li>Could not exercise: ${esc(w.unprovenReason)}</li>`);
  if (w.error) out.push(`<li>Verify could not finish this webhook: ${esc(w.error)}</li>`);
  const cov = w.coverage;
  out.push(`<li>Coverage: ${cov ? coverageText(cov) : NOT_MEASURED}</li>`);
  if (cov?.migrated) out.push(`<li>Migrated function (its own lines): ${coverageText(cov.migrated)}</li>`);
  if (cov?.addedLines && cov.addedLines.total > 0)
    out.push(`<li>Lines added by rewrite rules: ${coverageText({ lines: cov.addedLines, uncoveredLines: cov.addedLines.uncoveredLines })}</li>`);
  out.push(`</ul>`);
  out.push(list("Caller changes", w.callerChanges), list("Known differences", w.knownDifferences));
  if (w.cases.length > 0) out.push(`<h4>Cases</h4>`, caseTable(w.cases));
  else out.push(`<p>No cases ran.</p>`);
  if (!view) out.push(`<p class="notes">Sources not shown: ${cov ? "verify kept no view of them" : NOT_MEASURED}.</p>`);
  else {
    out.push(`<h4>Original source <code>${esc(view.original.file)}</code></h4>`, listing(view.original));
    if (view.migrated) out.push(`<h4>Migrated function <code>${esc(view.migrated.file)}</code></h4>`, listing(view.migrated));
  }
  out.push(`</article>`);
  return out.join("\n");
}

function list(title: string, items: string[]): string {
  if (items.length === 0) return "";
  return `<h4>${title}</h4><ul>${items.map((t) => `<li>${esc(t)}</li>`).join("")}</ul>`;
}

function caseTable(cases: CaseResult[]): string {
  const out = [
    `<table class="cases"><thead><tr><th>Case</th><th>Round</th><th>Outcome</th><th>Webhook</th><th>Endpoint</th><th>Reason</th></tr></thead><tbody>`,
  ];
  for (const c of cases) {
    out.push(
      `<tr><td><code>${esc(c.name)}</code></td><td class="num">${c.round}</td><td><span class="badge o-${c.outcome}">${OUTCOME_LABEL[c.outcome]}</span></td>` +
        `<td class="num">${c.webhookStatus}</td><td class="num">${c.endpointStatus}</td><td>${c.reason ? esc(c.reason) : ""}</td></tr>`,
    );
    if (c.outcome === "different" && c.differences.length > 0) out.push(`<tr class="diffs"><td colspan="6">${differences(c.differences)}</td></tr>`);
  }
  out.push(`</tbody></table>`);
  return out.join("\n");
}

function differences(diffs: Difference[]): string {
  const shown = diffs.slice(0, MAX_DIFFERENCES_PER_CASE);
  const rows = shown.map(
    (d) => `<tr><td><code>${esc(d.path)}</code></td><td><code>${esc(d.original)}</code></td><td><code>${esc(d.migrated)}</code></td></tr>`,
  );
  const more = diffs.length - shown.length;
  if (more > 0) rows.push(`<tr><td colspan="3" class="notes">… ${more} more</td></tr>`);
  return `<table class="differences"><thead><tr><th>Path</th><th>Webhook</th><th>Endpoint</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** A source as numbered lines, each coloured by its coverage state; rule-added lines get a "+". */
function listing(view: SourceView): string {
  const lines = view.text.split(/\r?\n/);
  if (lines.length > view.lines.length && lines[lines.length - 1] === "") lines.pop();
  const added = new Set(view.added ?? []);
  const rows = lines.map((text, i) => {
    const n = i + 1;
    const state: LineState = view.lines[i] ?? "none";
    const mark = added.has(n);
    return `<tr class="l-${state}${mark ? " added" : ""}"><td class="mark">${mark ? "+" : ""}</td><td class="ln">${n}</td><td class="code">${esc(text)}</td></tr>`;
  });
  const legend =
    `<p class="legend"><span class="key l-covered">covered</span> <span class="key l-uncovered">not reached</span>` +
    (added.size > 0 ? ` <span class="key added"><b>+</b> added by a rewrite rule</span>` : "") +
    `</p>`;
  return `${legend}<div class="src"><table class="listing"><tbody>${rows.join("")}</tbody></table></div>`;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function verdictBadge(v: Verdict): string {
  return `<span class="badge v-${v}">${v}</span>`;
}

/** `lines 5/8 (62.5%), branches 1/4; not reached: 4, 7-9` */
function coverageText(c: { lines: Count; branches?: Count; uncoveredLines: number[] }): string {
  let text = `lines ${countText(c.lines, true)}`;
  if (c.branches) text += `, branches ${countText(c.branches)}`;
  if (c.uncoveredLines.length > 0) text += `; not reached: <span class="unreached">${ranges(c.uncoveredLines)}</span>`;
  return text;
}

function countText(c: Count, withPercent = false): string {
  if (!withPercent) return `${c.covered}/${c.total}`;
  return `${c.covered}/${c.total} (${c.total === 0 ? "n/a" : `${Math.round((1000 * c.covered) / c.total) / 10}%`})`;
}

/** `[4, 7, 8, 9]` → `4, 7-9`. */
export function ranges(numbers: number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

/** One element id per webhook, in order: `w-` and a slug of the id, made unique. */
function anchorIds(webhooks: WebhookVerification[]): string[] {
  const used = new Set<string>();
  return webhooks.map((w) => {
    const base = `w-${w.id.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "webhook"}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  });
}

/** A link to the section of the webhook with this id (plain text when there is none). */
function link(result: VerifyResult, anchors: string[], id: string): string {
  const i = result.webhooks.findIndex((w) => w.id === id);
  return i < 0 ? `<code>${esc(id)}</code>` : `<a href="#${anchors[i]}"><code>${esc(id)}</code></a>`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const PAGE_CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1f2328; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 8px; }
h2 { font-size: 1.35em; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 2px solid #d0d7de; }
h3 { font-size: 1.1em; margin: 12px 0 8px; }
h4 { font-size: 1em; margin: 16px 0 6px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; background: #eff1f3; padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
a { color: #0550ae; text-decoration: none; }
a:hover { text-decoration: underline; }
.summary { font-size: 1.2em; font-weight: 700; margin: 8px 0 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
th, td { border: 1px solid #d0d7de; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f4; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.totals { width: auto; min-width: 360px; }
table.totals th { font-weight: 600; }
table.totals th, table.totals td { padding: 2px 10px; }
table.cases td:last-child { width: 40%; }
table.overview th:nth-child(n+3) { text-align: right; }
tr.diffs > td { background: #fff8f8; padding: 4px 8px 4px 32px; }
table.differences { margin: 0; background: #fff; font-size: 0.9em; }
table.differences th, table.differences td { padding: 2px 8px; }
table.differences td { overflow-wrap: anywhere; }
table.differences td:first-child { width: 40%; }
.notes { color: #57606a; font-size: 0.9em; }
.ok { color: #1a7f37; font-weight: 600; }
.bad { color: #cf222e; font-weight: 600; }
.facts { margin: 6px 0; }
.unreached { color: #a40e26; font-weight: 600; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.8em; font-weight: 600; color: #fff; vertical-align: middle; white-space: nowrap; }
.badge.v-equal, .badge.o-equal { background: #1a7f37; }
.badge.v-different, .badge.o-different { background: #cf222e; }
.badge.v-unproven, .badge.o-bothFailed { background: #9a6700; }
.badge.v-unpaired, .badge.o-emulatorDefault, .badge.o-callerChange { background: #6e7781; }
.badge.v-error { background: #cf222e; }
.webhook { border: 1px solid #d0d7de; border-left-width: 6px; border-radius: 6px; padding: 4px 16px 8px; margin: 16px 0; }
.webhook.v-equal { border-left-color: #1a7f37; }
.webhook.v-different { border-left-color: #cf222e; }
.webhook.v-unproven { border-left-color: #bf8700; }
.webhook.v-unpaired { border-left-color: #8c959f; }
.webhook.v-error { border-left-color: #cf222e; }
.legend { margin: 4px 0; font-size: 0.85em; }
.key { display: inline-block; padding: 0 8px; border-left: 4px solid transparent; margin-right: 6px; }
.key.l-covered { background: #e6ffec; border-left-color: #1a7f37; }
.key.l-uncovered { background: #ffebe9; border-left-color: #cf222e; }
.key.added b { color: #0969da; }
.src { overflow-x: auto; border: 1px solid #d0d7de; border-radius: 6px; margin: 0 0 16px; }
table.listing { margin: 0; width: 100%; border: 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.85em; line-height: 1.45; }
table.listing td { border: 0; padding: 0 8px; white-space: pre; }
table.listing td.mark { width: 1%; padding: 0 2px 0 6px; color: #0969da; font-weight: 700; text-align: center; background: #f6f8fa; }
table.listing td.ln { width: 1%; color: #8c959f; text-align: right; user-select: none; background: #f6f8fa; border-left: 4px solid transparent; }
table.listing tr.l-covered td.ln { border-left-color: #1a7f37; color: #116329; }
table.listing tr.l-covered td.code { background: #e6ffec; }
table.listing tr.l-uncovered td.ln { border-left-color: #cf222e; color: #a40e26; }
table.listing tr.l-uncovered td.code { background: #ffebe9; }
table.listing tr.added td.mark { background: #ddf4ff; }
`;
