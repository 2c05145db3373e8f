// index.html of a fleet run and verify-index.html of a fleet verify: self-contained pages like
// report.html (src/report/html.ts): one inline stylesheet allowed by its hash in a
// Content-Security-Policy, no script, nothing loaded from anywhere; links go to each app's own
// report in the same folder. Built from the fleet rows only (report/fleet-model.ts).

import { createHash } from "node:crypto";
import { esc } from "./escape.js";
import type { FleetApp, FleetReport, FleetVerifyReport } from "./fleet-model.js";
import { EXIT_MEANING, fleetLocation, fleetNextSteps } from "./fleet-markdown.js";
import { shellWord } from "./next-steps.js";

const CSS = `
body { margin: 0; background: #f6f7f9; color: #1f2328; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main { max-width: 1300px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 8px; }
h2 { font-size: 1.3em; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d0d7de; }
h3 { font-size: 1.05em; margin: 18px 0 6px; }
a { color: #0550ae; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
code { background: #eff1f3; padding: 1px 4px; border-radius: 4px; overflow-wrap: anywhere; }
pre { background: #f0f2f4; padding: 10px; border-radius: 6px; overflow-x: auto; }
.summary { font-size: 1.15em; font-weight: 700; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 0.92em; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f4; }
td.n, th.n { text-align: right; }
td.n { white-space: nowrap; }
td.app code, td.id code { white-space: nowrap; overflow-wrap: normal; }
.wide { overflow-x: auto; }
tr.total td { font-weight: 700; background: #f6f8fa; }
.exit-0 { color: #1a7f37; font-weight: 700; }
.exit-2 { color: #9a6700; font-weight: 700; }
.exit-1 { color: #cf222e; font-weight: 700; }
.muted { color: #57606a; }
ul.check { list-style: none; padding-left: 0; }
ul.check li { margin: 4px 0; }
ul.check li::before { content: "\\2610  "; color: #57606a; }
details { margin: 6px 0; }
summary { cursor: pointer; }
`;

function page(title: string, body: string): string {
  const hash = createHash("sha256").update(CSS, "utf8").digest("base64");
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${esc(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<main>\n${body}</main>\n</body>\n</html>\n`
  );
}

/** A relative link inside the report folder (each path segment escaped for a URL). */
function href(rel: string): string {
  return esc(rel.split("/").map(encodeURIComponent).join("/"));
}

const c = (text: string) => `<code>${esc(text)}</code>`;

function appCell(a: FleetApp): string {
  const note =
    a.status === "skipped" ? ` <span class="muted">(unchanged, skipped)</span>` : a.status === "failed" ? ` <span class="muted">(not written)</span>` : "";
  return `${c(a.path)}${note}`;
}

export function renderFleetHtml(r: FleetReport, again?: string): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(`<h1>Fleet migration: ${r.apps.length} app${r.apps.length === 1 ? "" : "s"}</h1>\n`);
  out.push(`<p class="summary">${esc(s.line)}</p>\n`);
  out.push(
    `<p>Exit code <span class="exit-${s.exit}">${s.exit}</span>: ${esc(EXIT_MEANING[s.exit])}. Written by hookshift ${esc(r.tool.version)}; apps under ${c(r.base)}${r.out ? `, converted into ${c(r.out)}` : ""}. Data: <a href="fleet.json">fleet.json</a>, <a href="url-map.csv">url-map.csv</a>, <a href="index.md">index.md</a>.</p>\n`,
  );
  out.push(`<h2>Next steps</h2>\n<ol>\n`);
  for (const st of fleetNextSteps(r, again)) out.push(`<li>${esc(st.text)}${st.command ? `<pre><code>${esc(st.command)}</code></pre>` : ""}</li>\n`);
  out.push(
    `</ol>\n<h2>Apps</h2>\n<div class="wide"><table>\n<thead><tr><th>App</th><th>App id</th><th>Format</th><th class="n">Webhooks</th><th class="n">Converted</th><th class="n">Needs review</th><th class="n">Failed</th><th class="n">Already converted</th><th class="n">Exit</th><th>Report</th></tr></thead>\n<tbody>\n`,
  );
  for (const a of r.apps) {
    const link = a.links.report ? `<a href="${href(a.links.report)}">report</a>` : "-";
    out.push(
      `<tr><td class="app">${appCell(a)}</td><td class="id">${a.appId ? c(a.appId) : "-"}</td><td>${esc(a.format)}</td><td class="n">${a.webhooks}</td><td class="n">${a.converted}</td>` +
        `<td class="n">${a.needsReview + a.appNeedsReview}</td><td class="n">${a.failed}</td><td class="n">${a.alreadyConverted}</td><td class="n exit-${a.exit}">${a.exit}</td><td class="links">${link}</td></tr>\n`,
    );
  }
  out.push(
    `<tr class="total"><td>Total</td><td></td><td></td><td class="n">${s.webhooks}</td><td class="n">${s.converted}</td><td class="n">${s.needsReview + s.appNeedsReview}</td>` +
      `<td class="n">${s.failed}</td><td class="n">${s.alreadyConverted}</td><td class="n exit-${s.exit}">${s.exit}</td><td></td></tr>\n</tbody>\n</table></div>\n`,
  );
  const failed = r.apps.filter((a) => a.errors.length > 0);
  if (failed.length > 0) {
    out.push(`<h2>Errors</h2>\n<ul>\n`);
    for (const a of failed)
      for (const e of a.errors)
        out.push(`<li>${c(fleetLocation(a, e))}: ${esc(e.message)}${e.hint ? ` <span class="muted">(${esc(e.hint)})</span>` : ""}</li>\n`);
    out.push(`</ul>\n`);
  }
  const items = r.apps.flatMap((a) => a.review.map((i) => ({ a, i })));
  out.push(`<h2>Needs a person (${items.length})</h2>\n`);
  if (items.length === 0) out.push(`<p>Nothing: every change is one hookshift could prove safe.</p>\n`);
  else {
    out.push(`<ul class="check">\n`);
    for (const { a, i } of items) {
      const link = a.links.report ? ` <a href="${href(a.links.report)}">report</a>` : "";
      out.push(
        `<li>${c(a.path)}${i.webhook ? ` ${c(i.webhook)}` : ""}: ${esc(i.finding.message)} <span class="muted">(${c(fleetLocation(a, i.finding))}, ${esc(i.finding.code)})</span>${link}</li>\n`,
      );
    }
    out.push(`</ul>\n`);
  }
  const secrets = r.apps.filter((a) => a.secrets.length > 0);
  out.push(`<h2>Secrets to create (${s.secrets})</h2>\n`);
  if (secrets.length === 0) out.push(`<p>None: no converted webhook has a secret.</p>\n`);
  for (const a of secrets) {
    out.push(`<h3>${c(a.path)}${a.appId ? ` <span class="muted">${esc(a.appId)}</span>` : ""}</h3>\n<p>${a.secrets.map((x) => c(x.name)).join(", ")}`);
    if (r.reportDir)
      out.push(`: all at once with ${c(`sh ${shellWord(`${r.reportDir}/${a.path}/create-secrets.sh`)}`)} (values from that folder's secrets.json)`);
    out.push(`</p>\n`);
  }
  return page(`Fleet migration: ${r.apps.length} apps`, out.join(""));
}

export function renderFleetVerifyHtml(r: FleetVerifyReport): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(`<h1>Fleet verify: ${r.apps.length} app${r.apps.length === 1 ? "" : "s"}</h1>\n<p class="summary">${esc(s.line)}</p>\n`);
  out.push(
    `<p>Exit code <span class="exit-${s.exit}">${s.exit}</span>. Data: <a href="verify.json">verify.json</a>; the migration: <a href="index.html">index.html</a>.</p>\n`,
  );
  out.push(
    `<div class="wide"><table>\n<thead><tr><th>App</th><th>App id</th><th class="n">Webhooks</th><th class="n">Cases</th><th class="n">Equal</th><th class="n">Different</th><th class="n">Unproven</th><th class="n">Unpaired</th><th class="n">Errors</th><th class="n">Lines (median)</th><th class="n">Markers</th><th class="n">Exit</th><th>Links</th></tr></thead>\n<tbody>\n`,
  );
  for (const a of r.apps) {
    const v = a.verdicts;
    const links = [a.links.verify ? `<a href="${href(a.links.verify)}">verify</a>` : "", a.links.report ? `<a href="${href(a.links.report)}">report</a>` : ""]
      .filter(Boolean)
      .join(" ");
    const note = a.status !== "verified" ? ` <span class="muted">(${esc(a.error ?? a.status)})</span>` : "";
    out.push(
      `<tr><td class="app">${c(a.path)}${note}</td><td class="id">${a.appId ? c(a.appId) : "-"}</td><td class="n">${a.webhooks}</td><td class="n">${a.cases}</td><td class="n">${v.equal}</td><td class="n">${v.different}</td>` +
        `<td class="n">${v.unproven}</td><td class="n">${v.unpaired}</td><td class="n">${v.error}</td><td class="n">${a.medianLineCoverage === undefined ? "-" : `${a.medianLineCoverage}%`}</td>` +
        `<td class="n">${a.markers}</td><td class="n exit-${a.exit}">${a.exit}</td><td class="links">${links || "-"}</td></tr>\n`,
    );
  }
  out.push(
    `<tr class="total"><td>Total</td><td></td><td class="n">${s.webhooks}</td><td></td><td class="n">${s.equal}</td><td class="n">${s.different}</td><td class="n">${s.unproven}</td>` +
      `<td class="n">${s.unpaired}</td><td class="n">${s.error}</td><td></td><td></td><td class="n exit-${s.exit}">${s.exit}</td><td></td></tr>\n</tbody>\n</table></div>\n`,
  );
  return page(`Fleet verify: ${r.apps.length} apps`, out.join(""));
}
