// report.html: the same report as report.md as self-contained pages (one inline stylesheet allowed
// by its hash in a Content-Security-Policy, no script, fonts or links to anything outside the
// report folder), with the modified files' diffs drawn by diff2html.
//
// Built to stay usable at thousands of webhooks (docs/report-format.md, "report.html"):
// - an index of the webhooks at the top, with status filters made of radio buttons and CSS
//   (`#show-failed:checked ~ * .wh:not(.status-failed) { display: none }`), so no script runs;
// - every webhook and file is a <details> block, open only where a person must look (needs
//   review, failed): a closed block's content is parsed but never laid out, which is what made
//   a 300-webhook page take seconds to open;
// - info findings that several webhooks share are listed once, with a count;
// - a new function is shown as its diff against the webhook's source.js (ReportFile.baseDiff),
//   so the reviewer sees only the lines a rule added;
// - past WEBHOOKS_PER_PAGE webhooks the report is split: report.html holds the index and
//   everything about the app as a whole, report-2.html, report-3.html ... the webhooks in order,
//   each with its own files; diffs over LARGE_DIFF_LINES lines (the manifests of a large app)
//   are written beside the report as .diff files and shown as a summary with a link.

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { html as diffHtml } from "diff2html";
import { formatLocation, type Finding } from "../app/findings.js";
import type { WebhookStatus } from "../plan/types.js";
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
  type ReviewItem,
} from "./markdown.js";
import { esc } from "./escape.js";
import { StringSink, type TextSink } from "./sink.js";

let css: Promise<string> | undefined;

/** The diff2html stylesheet, for `renderHtml`; read once a process (a fleet worker renders app after app). */
export function loadDiff2HtmlCss(): Promise<string> {
  css ??= readFile(createRequire(import.meta.url).resolve("diff2html/bundles/css/diff2html.min.css"), "utf8");
  return css;
}

/**
 * Diffs longer than this are not drawn by diff2html: the endpoint and function manifests of an
 * app with thousands of webhooks have diffs of tens of thousands of lines, which diff2html turns
 * into tens of megabytes of table that no browser shows comfortably (GitHub stops rendering large
 * diffs for the same reason). Written as report files they go to a .diff file beside the report,
 * with a summary and the first lines on the page; in one page (`renderHtml`) as plain text.
 */
export const LARGE_DIFF_LINES = 3000;

/**
 * Diffs longer than this (up to LARGE_DIFF_LINES) are shown as numbered lines without diff2html,
 * whose markup for a line is ten times larger (a 300-webhook app's function manifest: 600 KB).
 */
const DRAWN_DIFF_LINES = 500;

/** Above this many webhooks the report is split into pages of at most this many. */
export const WEBHOOKS_PER_PAGE = 200;

/** Lines of a large diff shown on the page before the link to its .diff file. */
const LARGE_DIFF_PREVIEW = 60;

/** Above this many checklist items, the index's "Needs a person" counts them by code; each page lists its own. */
const INDEX_CHECKLIST_ITEMS = 200;

/** Tables longer than this (URL map, Secrets) start closed. */
const OPEN_TABLE_ROWS = 30;

const STATUSES: WebhookStatus[] = ["needs-review", "failed", "converted", "already-converted"];

/** The whole report as one page (tests; `renderHtmlFiles` writes the report folder's pages). */
export function renderHtml(report: Report, diff2htmlCss: string): string {
  const sink = new StringSink();
  renderHtmlTo(report, diff2htmlCss, sink);
  return sink.text();
}

/** The whole report as one page into `sink`, part by part (see sink.ts for why it streams). */
export function renderHtmlTo(report: Report, diff2htmlCss: string, sink: TextSink): void {
  const layout = planLayout(report, false);
  renderIndexPage(report, layout, diff2htmlCss, sink);
}

/** A file of the HTML report: its name in the report folder and where to write it. */
export type OpenFile = (name: string) => TextSink & { close(): void };

/**
 * report.html and, for a large app, its webhook pages (report-2.html ...) and the .diff files of
 * large diffs, each opened with `open`. Returns the names written, report.html first.
 */
export function renderHtmlFiles(report: Report, diff2htmlCss: string, open: OpenFile): string[] {
  const layout = planLayout(report, true);
  const names: string[] = [];
  const write = (name: string, body: (sink: TextSink) => void) => {
    const sink = open(name);
    try {
      body(sink);
    } finally {
      sink.close();
    }
    names.push(name);
  };
  write(INDEX, (sink) => renderIndexPage(report, layout, diff2htmlCss, sink));
  layout.pages.forEach((page, i) => write(page.name, (sink) => renderWebhookPage(report, layout, i, diff2htmlCss, sink)));
  for (const [path, name] of layout.rawDiffs) {
    const f = report.files.find((x) => x.path === path)!;
    write(name, (sink) => sink.write(f.diff));
  }
  return names;
}

/** Names of the extra pages `renderHtmlFiles` writes: report-2.html, report-3.html ... */
export const PAGE_NAME = /^report-\d+\.html$/;
/** Names of the .diff files `renderHtmlFiles` writes for large diffs. */
export const RAW_DIFF_NAME = /^report-diff-[A-Za-z0-9_.-]+\.diff$/;

const INDEX = "report.html";

// ---------------------------------------------------------------------------------------------
// Layout: which page holds what, and the ids links point at.

interface Page {
  name: string;
  webhooks: ReportWebhook[];
  files: ReportFile[];
}

interface Note {
  code: string;
  anchor: string;
  /** Webhooks that have it. */
  count: number;
  first: Finding;
}

interface Layout {
  /** Webhook pages after report.html; empty when everything is on report.html. */
  pages: Page[];
  /** Files shown on report.html (all of them when there are no webhook pages). */
  indexFiles: ReportFile[];
  pageOf: Map<ReportWebhook, string>;
  filePage: Map<ReportFile, string>;
  webhookAnchor: Map<ReportWebhook, string>;
  fileAnchor: Map<ReportFile, string>;
  filesOf: Map<ReportWebhook, ReportFile[]>;
  ownerOf: Map<ReportFile, ReportWebhook>;
  /** Info findings shared by several webhooks, by code: listed once. */
  notes: Map<string, Note>;
  /** File path -> name of the .diff file its large diff goes to (only with report files). */
  rawDiffs: Map<string, string>;
  byId: Map<string, ReportWebhook>;
  reviewItems: ReviewItem[];
  /** The URL map's notes (the same on every page). */
  urlNotes: string;
}

function planLayout(report: Report, files: boolean): Layout {
  const ids = new Set<string>();
  const unique = (kind: string, text: string) => {
    let id = anchor(kind, text);
    for (let n = 2; ids.has(id); n++) id = `${anchor(kind, text)}-${n}`;
    ids.add(id);
    return id;
  };
  const webhookAnchor = new Map(report.webhooks.map((w) => [w, unique("w", w.id)] as const));
  const fileAnchor = new Map(report.files.map((f) => [f, unique("f", f.path)] as const));

  // A file belongs to a webhook when that webhook alone produced it, or it lies in its folder
  // (a removed webhook's files); manifests that every conversion adds to belong to the app.
  const producers = new Map<string, Set<ReportWebhook>>();
  for (const w of report.webhooks) {
    for (const p of w.produced) if (p.file) (producers.get(p.file) ?? producers.set(p.file, new Set()).get(p.file)!).add(w);
  }
  const bySource = new Map(report.webhooks.map((w) => [w.source, w] as const));
  const filesOf = new Map<ReportWebhook, ReportFile[]>();
  const ownerOf = new Map<ReportFile, ReportWebhook>();
  for (const f of report.files) {
    const ws = producers.get(f.path);
    let owner = ws && ws.size === 1 ? [...ws][0] : undefined;
    if (!owner) {
      const dir = f.path.slice(0, f.path.lastIndexOf("/"));
      owner = bySource.get(dir);
    }
    if (!owner) continue;
    ownerOf.set(f, owner);
    (filesOf.get(owner) ?? filesOf.set(owner, []).get(owner)!).push(f);
  }

  const pages: Page[] = [];
  const pageOf = new Map<ReportWebhook, string>();
  const filePage = new Map<ReportFile, string>();
  const n = report.webhooks.length;
  if (files && n > WEBHOOKS_PER_PAGE) {
    const count = Math.ceil(n / WEBHOOKS_PER_PAGE);
    const size = Math.ceil(n / count);
    for (let i = 0; i < count; i++) {
      const webhooks = report.webhooks.slice(i * size, (i + 1) * size);
      const page: Page = { name: `report-${i + 2}.html`, webhooks, files: [] };
      for (const w of webhooks) pageOf.set(w, page.name);
      pages.push(page);
    }
  }
  const indexFiles: ReportFile[] = [];
  for (const f of report.files) {
    const owner = ownerOf.get(f);
    const name = owner && pageOf.get(owner);
    if (name) {
      pages.find((p) => p.name === name)!.files.push(f);
      filePage.set(f, name);
    } else {
      indexFiles.push(f);
      if (pages.length > 0) filePage.set(f, INDEX);
    }
  }

  const notes = new Map<string, Note>();
  const seen = new Map<string, { count: number; first: Finding }>();
  for (const w of report.webhooks) {
    const codes = new Set<string>();
    for (const f of w.findings) {
      if (f.severity !== "info" || f.needsReview || codes.has(f.code)) continue;
      codes.add(f.code);
      const s = seen.get(f.code);
      if (s) s.count++;
      else seen.set(f.code, { count: 1, first: f });
    }
  }
  for (const [code, s] of seen) if (s.count > 1) notes.set(code, { code, anchor: unique("note", code), ...s });

  const rawDiffs = new Map<string, string>();
  if (files) {
    const names = new Set<string>();
    for (const f of report.files) {
      if (f.change === "added" || lineCount(f.diff) <= LARGE_DIFF_LINES) continue;
      const base = `report-diff-${f.path.replace(/[^A-Za-z0-9_.-]+/g, "_")}`;
      let name = `${base}.diff`;
      for (let i = 2; names.has(name); i++) name = `${base}-${i}.diff`;
      names.add(name);
      rawDiffs.set(f.path, name);
    }
  }
  const byId = new Map(report.webhooks.map((w) => [w.id, w] as const));
  const urlNotes = report.webhooks.length > 0 ? [OLD_HOST_NOTE, ...placeholderNotes(report)].map((n) => `<li>${prose(n)}</li>`).join("") : "";
  return {
    pages,
    indexFiles,
    pageOf,
    filePage,
    webhookAnchor,
    fileAnchor,
    filesOf,
    ownerOf,
    notes,
    rawDiffs,
    byId,
    reviewItems: reviewItems(report),
    urlNotes,
  };
}

/** Link to a webhook's or file's block from `from` (a page name). */
function href(page: string | undefined, id: string, from: string): string {
  return `${page && page !== from ? page : ""}#${id}`;
}

// ---------------------------------------------------------------------------------------------
// Pages

function head(sink: TextSink, title: string, css: string): void {
  const style = styleText(css) + PAGE_CSS + FILTER_CSS;
  const hash = createHash("sha256").update(style, "utf8").digest("base64");
  sink.write(
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
      // Nothing may load from anywhere and nothing may run: the page is files that work offline,
      // styled by this one stylesheet (allowed by its hash), with no script at all.
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'">\n` +
      `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<title>${esc(title)}</title>\n<style>${style}</style>\n</head>\n<body>\n<main>\n`,
  );
}

function foot(sink: TextSink): void {
  sink.write(`</main>\n</body>\n</html>\n`);
}

/** The filter radios: first in <main>, so `:checked ~ *` reaches every block after them. */
function filterInputs(): string {
  return (
    `<input type="radio" name="show" id="show-all" class="flt" checked>` +
    STATUSES.map((s) => `<input type="radio" name="show" id="show-${s}" class="flt">`).join("") +
    "\n"
  );
}

function filterBar(counts: Record<WebhookStatus, number>, total: number): string {
  const label = (id: string, text: string, n: number) => `<label for="show-${id}" class="f-${id}${n === 0 ? " none" : ""}">${esc(text)} <b>${n}</b></label>`;
  return (
    `<div class="filters" role="group" aria-label="Show webhooks">Show: ${label("all", "all", total)}` +
    STATUSES.map((s) => label(s, STATUS_LABEL[s], counts[s])).join("") +
    `</div>`
  );
}

function statusCounts(webhooks: ReportWebhook[]): Record<WebhookStatus, number> {
  const c: Record<WebhookStatus, number> = { converted: 0, "needs-review": 0, "already-converted": 0, failed: 0 };
  for (const w of webhooks) c[w.status]++;
  return c;
}

function renderIndexPage(report: Report, layout: Layout, css: string, sink: TextSink): void {
  const title = `hookshift migration report: ${appTitle(report)}`;
  const split = layout.pages.length > 0;
  const push = (...parts: string[]) => {
    for (const p of parts) {
      // Two writes: `p + "\n"` would be copied whole once more when the sink encodes it.
      sink.write(p);
      sink.write("\n");
    }
  };
  head(sink, title, css);
  if (report.webhooks.length > 0) push(filterInputs());

  push(`<header><h1>${esc(title)}</h1>`);
  push(`<p class="summary">${esc(report.summary.line)}</p>`);
  push(`<p>${prose(introText(report))}</p>`);
  push(`<ul class="facts">`);
  push(`<li>App folder: ${code(report.app.root)}${report.app.appId ? ` (app id ${code(report.app.appId)})` : ""}</li>`);
  push(`<li>Config version: ${code(report.app.configVersion)}, layout ${code(report.app.layout)}</li>`);
  push(`<li>Output mode: ${code(report.output.mode)}: ${prose(outputText(report))}</li>`);
  push(`<li>Made by ${esc(report.tool.name)} ${esc(report.tool.version)} (report format ${report.formatVersion})</li>`);
  push(`</ul>`);
  push(counts(report));
  push(`</header>`);

  const links: [string, string][] = [
    ["index", "Index"],
    ["needs-a-person", "Needs a person"],
    ["before-you-push", "Before you push"],
    ["url-map", "URL map"],
  ];
  if (report.upgrade) links.push(["format-upgrade", "Format upgrade"]);
  if (layout.notes.size > 0) links.push(["notes", "Shared notes"]);
  if (!split) links.push(["webhooks", "Webhooks"]);
  links.push(["files", split ? "App files" : "Files"], ["other-findings", "Other findings"]);
  push(`<nav>${links.map(([id, t]) => `<a href="#${id}">${t}</a>`).join(" &middot; ")}</nav>`);
  if (split) push(pageNav(layout, INDEX));

  push(indexSection(report, layout, INDEX));

  // Needs a person
  push(`<section id="needs-a-person"><h2>Needs a person</h2>`);
  const items = layout.reviewItems;
  if (items.length === 0) push(`<p class="ok">Nothing needs review.</p>`);
  else if (split && items.length > INDEX_CHECKLIST_ITEMS) {
    const appItems = items.filter((i) => !i.webhook);
    push(
      `<p>${items.length.toLocaleString("en-US")} places where an endpoint may behave differently from its webhook. ` +
        `Each page of webhooks lists its own; here they are counted by finding. Check them before callers move to the new URLs.</p>`,
    );
    push(reviewByCode(items, layout));
    if (appItems.length > 0) push(checklist(appItems, layout, INDEX));
  } else {
    push(`<p>Each item below is a place where the endpoint may behave differently from the webhook. Check it before callers move to the new URL.</p>`);
    push(checklist(items, layout, INDEX));
  }
  const failed = report.webhooks.filter((w) => w.status === "failed");
  if (failed.length > 0) {
    const shown = failed.slice(0, 50).map((w) => webhookLink(layout, w, INDEX));
    push(
      `<p class="bad">${failed.length} webhook${plural(failed.length)} could not be converted (${shown.join(", ")}${failed.length > shown.length ? ", ..." : ""}); ` +
        `${failed.length === 1 ? "its" : "their"} errors are in ${failed.length === 1 ? "its section" : "their sections"} (filter: failed). Fix them and run hookshift again.</p>`,
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
    // Thousands of Secrets would make this page megabytes: past OPEN_TABLE_ROWS the table shows
    // the first ones and points to create-secrets.sh (and report.json) for every name and command.
    const many = report.secrets.length > OPEN_TABLE_ROWS;
    const shown = many ? report.secrets.slice(0, OPEN_TABLE_ROWS - 1) : report.secrets;
    push(`<div class="scroll"><table><thead><tr><th>Secret</th><th>Used by</th></tr></thead><tbody>`);
    const usersOf = secretUsers(report);
    for (const s of shown) {
      const users = (usersOf.get(s.name) ?? []).map((id) => `${code(id)}`);
      push(`<tr><td>${code(s.name)}</td><td>${users.length ? users.join(", ") : "&mdash;"}</td></tr>`);
    }
    if (many) {
      push(
        `<tr><td>... and ${report.secrets.length - shown.length} more</td><td>every name is in <code>create-secrets.sh</code> next to this report, and in report.json</td></tr>`,
      );
    }
    push(`</tbody></table></div>`);
    if (many) {
      push(
        `<p>Run <code>create-secrets.sh</code> next to this report (<code>sh create-secrets.sh</code>): it creates each Secret with the App Services CLI, ` +
          `reading each value from <code>secrets.json</code> when it runs. report.json holds one <code>appservices secrets create</code> command per Secret.</p>`,
      );
    } else {
      push(`<p>Commands for the App Services CLI (<code>appservices</code>):</p>`);
      push(`<pre class="commands">${code(report.secrets.map((s) => s.command).join("\n"))}</pre>`);
    }
  }
  push(`</section>`);

  // URL map
  push(`<section id="url-map"><h2>URL map</h2>`);
  if (report.webhooks.length === 0) push(`<p>The app has no incoming webhooks.</p>`);
  else if (split) {
    push(
      `<p>Point each caller at its new URL once the migrated app is deployed. Each page of webhooks has the URL map of its webhooks ` +
        `(${layout.pages.map((p) => `<a href="${p.name}#url-map">${esc(pageLabel(p))}</a>`).join(", ")}); report.md and report.json hold the whole map.</p>`,
    );
    push(`<ul class="notes">${layout.urlNotes}</ul>`);
  } else push(urlMap(layout, report.webhooks));
  push(`</section>`);

  if (report.upgrade) push(upgradeSection(report));
  if (layout.notes.size > 0) push(notesSection(layout));

  if (!split) {
    push(`<section id="webhooks"><h2>Webhooks</h2>`);
    if (report.webhooks.length === 0) push(`<p>No webhooks.</p>`);
    else {
      push(legend());
      for (const w of report.webhooks) push(webhookSection(w, layout, INDEX));
    }
    push(`</section>`);
  }

  // Files
  push(`<section id="files"><h2>${split ? "App files" : "Files"}</h2>`);
  if (report.files.length === 0) push(`<p>No files changed.</p>`);
  else if (split)
    push(`<p>Files that belong to the app as a whole, such as the endpoint and function manifests. Each webhook's own files are on its page.</p>`);
  if (split && layout.indexFiles.length === 0 && report.files.length > 0) push(`<p>None.</p>`);
  for (const f of layout.indexFiles) push(fileSection(f, layout, INDEX, split ? undefined : webhookOfFile(layout, f)));
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
  foot(sink);
}

function renderWebhookPage(report: Report, layout: Layout, index: number, css: string, sink: TextSink): void {
  const page = layout.pages[index]!;
  const title = `hookshift migration report: ${appTitle(report)}, ${pageLabel(page)}`;
  const push = (...parts: string[]) => {
    for (const p of parts) {
      // Two writes: `p + "\n"` would be copied whole once more when the sink encodes it.
      sink.write(p);
      sink.write("\n");
    }
  };
  head(sink, title, css);
  push(filterInputs());
  push(`<header><h1>${esc(title)}</h1>`);
  const first = report.webhooks.indexOf(page.webhooks[0]!) + 1;
  push(
    `<p class="summary">Webhooks ${first} to ${first + page.webhooks.length - 1} of ${report.webhooks.length}; the whole app: ${esc(report.summary.line)}</p>`,
  );
  push(`</header>`);
  push(
    `<nav><a href="${INDEX}">Report index</a> &middot; <a href="#index">Webhooks on this page</a> &middot; <a href="#needs-a-person">Needs a person</a> &middot; <a href="#url-map">URL map</a> &middot; <a href="#files">Files</a></nav>`,
  );
  push(pageNav(layout, page.name));
  push(indexSection(report, layout, page.name, page));

  push(`<section id="needs-a-person"><h2>Needs a person</h2>`);
  const onPage = new Set(page.webhooks.map((w) => w.id));
  const items = layout.reviewItems.filter((i) => i.webhook !== undefined && onPage.has(i.webhook));
  if (items.length === 0) push(`<p class="ok">Nothing on this page needs review.</p>`);
  else push(checklist(items, layout, page.name));
  push(`</section>`);

  push(`<section id="url-map"><h2>URL map</h2>`);
  push(urlMap(layout, page.webhooks));
  push(`</section>`);

  push(`<section id="webhooks"><h2>Webhooks</h2>`);
  push(legend());
  for (const w of page.webhooks) push(webhookSection(w, layout, page.name));
  push(`</section>`);

  push(`<section id="files"><h2>Files</h2>`);
  if (page.files.length === 0) push(`<p>No files of these webhooks changed.</p>`);
  for (const f of page.files) push(fileSection(f, layout, page.name, webhookOfFile(layout, f)));
  push(`</section>`);
  push(pageNav(layout, page.name));
  foot(sink);
}

function pageLabel(p: Page): string {
  const first = p.webhooks[0]!.id;
  const last = p.webhooks.at(-1)!.id;
  return first === last ? first : `${first} to ${last}`;
}

/** Links to every page of a split report. */
function pageNav(layout: Layout, from: string): string {
  const link = (name: string, text: string) => (name === from ? `<b>${esc(text)}</b>` : `<a href="${name}">${esc(text)}</a>`);
  return (
    `<nav class="pages">Pages: ${link(INDEX, "index")}` +
    layout.pages.map((p, i) => ` &middot; ${link(p.name, `${i + 2}: ${pageLabel(p)}`)}`).join("") +
    `</nav>`
  );
}

// ---------------------------------------------------------------------------------------------
// Sections

/** Rows of the index go in blocks of this many, each laid out only when it comes into view. */
const INDEX_BLOCK = 100;

function indexSection(report: Report, layout: Layout, from: string, page?: Page): string {
  const webhooks = page ? page.webhooks : report.webhooks;
  // elementtiming: bench/report-html.mjs measures when the index is first painted.
  const out = [`<section id="index"><h2 elementtiming="index">${page ? "Webhooks on this page" : "Index of webhooks"}</h2>`];
  if (webhooks.length === 0) {
    out.push(`<p>The app has no incoming webhooks.</p></section>`);
    return out.join("\n");
  }
  out.push(filterBar(statusCounts(webhooks), webhooks.length));
  if (!page && layout.pages.length > 0)
    out.push(
      `<p class="notes">Each webhook's section and diffs are on its page of ${WEBHOOKS_PER_PAGE} or fewer webhooks; the filters apply to this index and on every page.</p>`,
    );
  out.push(`<div class="idx"><div class="ih"><span>Webhook</span><span>Status</span><span>Endpoint</span><span>Findings</span><span>Diffs</span></div>`);
  for (let i = 0; i < webhooks.length; i += INDEX_BLOCK) {
    out.push(`<div class="ib">`);
    for (const w of webhooks.slice(i, i + INDEX_BLOCK)) {
      const files = layout.filesOf.get(w) ?? [];
      const diffs = files.map((f) => `<a href="${href(layout.filePage.get(f), layout.fileAnchor.get(f)!, from)}">${esc(diffLabel(w, f))}</a>`);
      // Compact: thousands of rows on one page. The route is shown when it is not /<id>.
      const endpoint = w.route ? esc(w.route === `/${w.id}` ? (w.httpMethod ?? "?") : `${w.httpMethod ?? "?"} ${w.route}`) : "";
      out.push(
        `<div class="wh status-${w.status}"><a href="${href(layout.pageOf.get(w), layout.webhookAnchor.get(w)!, from)}">${esc(w.id)}</a>` +
          `<i>${STATUS_LABEL[w.status]}</i><i>${endpoint}</i><i>${findingCounts(w, layout, "")}</i><i>${diffs.join(" ")}</i></div>`,
      );
    }
    out.push(`</div>`);
  }
  out.push(`</div></section>`);
  return out.join("\n");
}

/** A webhook's diff link in the index: "function", "value" or the file's name. */
function diffLabel(w: ReportWebhook, f: ReportFile): string {
  if (w.functionName && f.path === `functions/${w.functionName}.js`) return "function";
  if (f.path.startsWith("values/")) return "value";
  return f.path.slice(f.path.lastIndexOf("/") + 1);
}

function webhookLink(layout: Layout, w: ReportWebhook, from: string): string {
  return `<a href="${href(layout.pageOf.get(w), layout.webhookAnchor.get(w)!, from)}">${code(w.id)}</a>`;
}

/** "1 error, 2 warnings", without the info findings listed once under "Shared notes". */
function findingCounts(w: ReportWebhook, layout: Layout, none = "&mdash;"): string {
  const n = { error: 0, warning: 0, info: 0 };
  for (const f of w.findings) if (f.severity !== "info" || f.needsReview || !layout.notes.has(f.code)) n[f.severity]++;
  const parts = SEVERITIES.filter((s) => n[s] > 0).map((s) => `${n[s]} ${s === "info" ? "info" : s + plural(n[s])}`);
  const review = w.findings.filter((f) => f.needsReview).length;
  if (review > 0) parts.push(`<span class="review">${review} to review</span>`);
  return parts.join(", ") || none;
}

function checklist(items: ReviewItem[], layout: Layout, from: string): string {
  const byId = layout.byId;
  const out = [`<ul class="checklist">`];
  for (const { webhook, finding: f } of items) {
    const loc = formatLocation(f);
    const w = webhook !== undefined ? byId.get(webhook) : undefined;
    const where = [loc ? `${code(loc)}` : "", w ? `webhook ${webhookLink(layout, w, from)}` : "app"].filter(Boolean).join(", ");
    out.push(
      `<li><label><input type="checkbox"> ${where}: ${prose(f.message)} (${code(f.code)})</label>` +
        (f.hint ? `<div class="hint">What to do: ${prose(f.hint)}</div>` : "") +
        `</li>`,
    );
  }
  out.push(`</ul>`);
  return out.join("\n");
}

/** The review items of a large report, counted by finding code, with the pages that have them. */
function reviewByCode(items: ReviewItem[], layout: Layout): string {
  const byId = layout.byId;
  const groups = new Map<string, { n: number; first: Finding; pages: Set<string> }>();
  for (const { webhook, finding } of items) {
    const g = groups.get(finding.code) ?? groups.set(finding.code, { n: 0, first: finding, pages: new Set() }).get(finding.code)!;
    g.n++;
    const page = webhook !== undefined ? layout.pageOf.get(byId.get(webhook)!) : undefined;
    if (page) g.pages.add(page);
  }
  const out = [`<table><thead><tr><th>Finding</th><th>Items</th><th>For example</th><th>Pages</th></tr></thead><tbody>`];
  for (const [findingCode, g] of groups) {
    const pages = [...g.pages].map((p) => `<a href="${p}#needs-a-person">${esc(p.replace(/^report-|\.html$/g, ""))}</a>`);
    out.push(
      `<tr><td>${code(findingCode)}</td><td>${g.n}</td><td>${prose(g.first.message)}${g.first.hint ? `<div class="hint">What to do: ${prose(g.first.hint)}</div>` : ""}</td><td>${pages.join(" ") || "&mdash;"}</td></tr>`,
    );
  }
  out.push(`</tbody></table>`);
  return out.join("\n");
}

function urlMap(layout: Layout, webhooks: ReportWebhook[]): string {
  const out = [`<p>Point each caller at its new URL once the migrated app is deployed.</p>`];
  const many = webhooks.length > OPEN_TABLE_ROWS;
  if (many) out.push(`<details class="block"><summary>The ${webhooks.length} old and new URLs</summary>`);
  out.push(
    `<div class="scroll"><table class="urls"><thead><tr><th>Webhook</th><th>Old webhook URL</th><th>New endpoint URL</th><th>Method</th><th>Status</th></tr></thead><tbody>`,
  );
  for (const w of webhooks) {
    out.push(
      `<tr class="wh status-${w.status}"><td>${code(w.id)}</td><td class="url"><code>${url(w.oldUrl)}</code></td>` +
        `<td class="url">${w.newUrl ? `<code>${url(w.newUrl)}</code>` : "&mdash;"}</td>` +
        `<td>${w.httpMethod ? `${code(w.httpMethod)}` : "&mdash;"}</td><td>${badge(w.status)}</td></tr>`,
    );
  }
  out.push(`</tbody></table></div>`);
  if (many) out.push(`</details>`);
  out.push(`<ul class="notes">${layout.urlNotes}</ul>`);
  return out.join("\n");
}

/** A URL that may break after its slashes, never inside a word. */
function url(u: string): string {
  return esc(u).replace(/\/(?=.)/g, "/<wbr>");
}

function upgradeSection(report: Report): string {
  const u = report.upgrade!;
  const moved = u.moves.filter((m) => m.kind !== "carried unchanged");
  const carried = u.moves.length - moved.length;
  const out = [`<section id="format-upgrade"><h2>Format upgrade</h2>`];
  out.push(
    `<p>This app was a ${esc(u.from)} export. HTTPS endpoints need the ${esc(u.to)} format, so hookshift upgraded the whole app to it, ` +
      `the way realm-cli lays out each part (docs/format-upgrade.md). Every old file and where its content went:</p>`,
  );
  const many = moved.length > OPEN_TABLE_ROWS;
  if (many) out.push(`<details class="block"><summary>The ${moved.length} moved files</summary>`);
  out.push(`<div class="scroll"><table><thead><tr><th>Old path</th><th>What happened</th><th>New path</th><th>Rule</th></tr></thead><tbody>`);
  for (const m of moved) {
    out.push(`<tr><td>${code(m.from)}</td><td>${esc(m.kind)}</td><td>${m.to.map((t) => `${code(t)}`).join(", ")}</td><td>${code(m.rule)}</td></tr>`);
  }
  out.push(`</tbody></table></div>`);
  if (many) out.push(`</details>`);
  if (carried > 0) out.push(`<p>${carried} other file${carried === 1 ? " keeps its" : "s keep their"} path and content.</p>`);
  out.push(`</section>`);
  return out.join("\n");
}

function notesSection(layout: Layout): string {
  const out = [`<section id="notes"><h2>Shared notes</h2>`];
  out.push(`<p>Information that applies to several webhooks, listed once; each webhook's section links here. The message is the first webhook's.</p>`);
  out.push(`<table><thead><tr><th>Code</th><th>Webhooks</th><th>Message (first webhook)</th><th>What to do</th></tr></thead><tbody>`);
  for (const n of layout.notes.values()) {
    const f = n.first;
    out.push(
      `<tr id="${n.anchor}"><td>${code(n.code)}</td><td>${n.count}</td><td>${prose(f.message)}${f.rule ? ` (rule ${code(f.rule)})` : ""}</td>` +
        `<td>${f.hint ? prose(f.hint) : "&mdash;"}</td></tr>`,
    );
  }
  out.push(`</tbody></table></section>`);
  return out.join("\n");
}

function legend(): string {
  const out = [`<details class="legend"><summary>What the statuses and risks mean</summary><ul>`];
  for (const s of Object.keys(STATUS_LABEL) as WebhookStatus[]) out.push(`<li>${badge(s)} ${prose(STATUS_MEANING[s])}</li>`);
  for (const [risk, meaning] of Object.entries(RISK_MEANING)) out.push(`<li><span class="risk risk-${esc(risk)}">${esc(risk)}</span> ${prose(meaning)}</li>`);
  out.push(`</ul></details>`);
  return out.join("\n");
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
  // App-level review items (they make migrate exit 2 too), only when there are any.
  if (s.appNeedsReview > 0) cells.splice(3, 0, [`app-level item${s.appNeedsReview === 1 ? "" : "s"} to review`, s.appNeedsReview, "status-needs-review"]);
  return `<div class="counts">${cells.map(([label, n, cls]) => `<div class="count ${cls}"><b>${n}</b> ${esc(label)}</div>`).join("")}</div>`;
}

/** Where a person must look: these blocks start open. */
function mustLook(status: WebhookStatus): boolean {
  return status === "needs-review" || status === "failed";
}

function webhookSection(w: ReportWebhook, layout: Layout, from: string): string {
  const id = layout.webhookAnchor.get(w)!;
  const out: string[] = [
    `<details class="webhook wh status-${w.status}"${mustLook(w.status) ? " open" : ""}>` +
      `<summary>${code(w.id)} ${badge(w.status)} <span class="sub">${w.route ? esc(`${w.httpMethod ?? "?"} ${w.route}`) : ""} ${findingCounts(w, layout, "")}</span></summary>`,
  ];
  // The id is inside the block: following a link to it opens a closed block.
  out.push(`<div class="body" id="${id}">`);
  const meaning = STATUS_MEANING[w.status];
  out.push(`<p>${prose(meaning.charAt(0).toUpperCase() + meaning.slice(1))}.</p>`);
  out.push(`<ul class="facts">`);
  out.push(`<li>Service: ${code(w.service)} (type ${code(w.serviceType)}), webhook ${code(w.name)}</li>`);
  out.push(`<li>Source folder: ${code(w.source)}</li>`);
  if (w.route) {
    out.push(
      `<li>Endpoint: <code>${esc(`${w.httpMethod ?? "?"} ${w.route}`)}</code>` + (w.functionName ? ` &rarr; function ${code(w.functionName)}` : "") + `</li>`,
    );
  }
  if (w.secretName) out.push(`<li>Secret: ${code(w.secretName)}</li>`);
  const files = layout.filesOf.get(w) ?? [];
  if (files.length > 0) {
    out.push(
      `<li>Diffs: ${files.map((f) => `<a href="${href(layout.filePage.get(f), layout.fileAnchor.get(f)!, from)}">${code(f.path)}</a>`).join(", ")}</li>`,
    );
  }
  out.push(`</ul>`);
  if (w.produced.length > 0) {
    out.push(`<h4>What was produced</h4>`);
    out.push(`<div class="scroll"><table><thead><tr><th>Rule</th><th>Risk</th><th>File</th><th>Description</th></tr></thead><tbody>`);
    for (const p of w.produced) {
      out.push(
        `<tr><td>${code(p.rule)}</td><td><span class="risk risk-${esc(p.risk)}">${esc(p.risk)}</span></td>` +
          `<td>${p.file ? `${code(p.file)}` : "&mdash;"}</td><td>${prose(p.description)}</td></tr>`,
      );
    }
    out.push(`</tbody></table></div>`);
  } else {
    out.push(`<p>Nothing was produced.</p>`);
  }
  const own = w.findings.filter((f) => f.severity !== "info" || f.needsReview || !layout.notes.has(f.code));
  const shared = [...new Set(w.findings.filter((f) => !own.includes(f)).map((f) => f.code))];
  if (own.length > 0) {
    out.push(`<h4>Findings</h4>`);
    out.push(
      `<div class="scroll"><table class="findings"><thead><tr><th>Severity</th><th>Code</th><th>Location</th><th>Message</th><th>What to do</th><th>Rule</th></tr></thead><tbody>`,
    );
    for (const f of own) {
      const loc = formatLocation(f);
      out.push(
        `<tr class="sev-${f.severity}"><td>${severity(f)}</td><td>${code(f.code)}</td>` +
          `<td>${loc ? `${code(loc)}` : "&mdash;"}</td><td>${prose(f.message)}</td>` +
          `<td>${f.hint ? prose(f.hint) : "&mdash;"}</td><td>${f.rule ? `${code(f.rule)}` : "&mdash;"}</td></tr>`,
      );
    }
    out.push(`</tbody></table></div>`);
  } else if (shared.length === 0) {
    out.push(`<p>No findings.</p>`);
  }
  if (shared.length > 0) {
    const notePage = layout.pages.length > 0 ? INDEX : undefined;
    out.push(
      `<p class="shared">Shared notes (listed once for every webhook): ` +
        shared.map((c) => `<a href="${href(notePage, layout.notes.get(c)!.anchor, from)}">${code(c)}</a>`).join(", ") +
        `</p>`,
    );
  }
  out.push(`</div></details>`);
  return out.join("\n");
}

function webhookOfFile(layout: Layout, f: ReportFile): ReportWebhook | undefined {
  return layout.ownerOf.get(f);
}

function fileSection(f: ReportFile, layout: Layout, from: string, owner: ReportWebhook | undefined): string {
  const risky = f.ruleRisks.some((r) => r.risk === "needs-review");
  const open = (owner !== undefined && mustLook(owner.status)) || (owner === undefined && risky && layout.pages.length === 0);
  const out: string[] = [
    // A webhook's file goes with it under the status filters.
    `<details class="file${owner ? ` wh status-${owner.status}` : ""}"${open ? " open" : ""}><summary>${code(f.path)} <span class="change change-${f.change}">${f.change}</span>` +
      (f.baseDiff !== undefined ? ` <span class="sub">${baseSummary(f)}</span>` : "") +
      `</summary>`,
  ];
  out.push(`<div class="body" id="${layout.fileAnchor.get(f)!}">`);
  if (f.ruleRisks.length > 0) {
    out.push(`<p>Produced by ${f.ruleRisks.map((r) => `${code(r.rule)} <span class="risk risk-${esc(r.risk)}">${esc(r.risk)}</span>`).join(", ")}.</p>`);
  }
  if (owner && from !== INDEX) out.push(`<p>Webhook: ${webhookLink(layout, owner, from)}</p>`);
  if (f.diff.trim() === "") out.push(`<p>No textual change.</p>`);
  else if (f.change === "added" && f.baseDiff !== undefined) {
    const changed = f.baseDiff.includes("\n@@ ");
    if (changed) {
      out.push(`<p>The webhook's ${code(f.base!)} with the rules' changes; the lines they added or changed, against it:</p>`);
      out.push(diffTable(f.baseDiff));
    } else out.push(`<p>The webhook's ${code(f.base!)}, copied byte for byte.</p>`);
    out.push(
      `<details class="whole"><summary>The whole new file (${addedLines(f.diff)} lines)</summary><pre class="whole-file">${esc(addedText(f.diff))}</pre></details>`,
    );
  } else if (f.change === "added") out.push(addedFile(f.diff));
  else if (lineCount(f.diff) > LARGE_DIFF_LINES) out.push(largeDiff(f, layout));
  else if (lineCount(f.diff) > DRAWN_DIFF_LINES) out.push(diffTable(f.diff));
  else out.push(diffHtml(f.diff, { outputFormat: "line-by-line", drawFileList: false, matching: "lines" }));
  out.push(`</div></details>`);
  return out.join("\n");
}

/** "+12 lines from source.js" for a new function's summary line. */
function baseSummary(f: ReportFile): string {
  let add = 0;
  let del = 0;
  for (const l of f.baseDiff!.split("\n")) {
    if (l.startsWith("+") && !l.startsWith("+++")) add++;
    else if (l.startsWith("-") && !l.startsWith("---")) del++;
  }
  if (add + del === 0) return `same as source.js`;
  return `+${add} &minus;${del} against source.js`;
}

/** The content of a new file from its diff (every line added). */
function addedText(diff: string): string {
  const lines = diff.split("\n");
  return lines
    .slice(lines.findIndex((l) => l.startsWith("@@")) + 1)
    .filter((l) => l.startsWith("+"))
    .map((l) => l.slice(1))
    .join("\n");
}

function addedLines(diff: string): number {
  const lines = diff.split("\n");
  return lines.slice(lines.findIndex((l) => l.startsWith("@@")) + 1).filter((l) => l.startsWith("+")).length;
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
    .map((l, i) => `<tr><td>${i + 1}<td>${esc(l.slice(1))}`)
    .join("");
  return `<div class="scroll"><table class="added-file"><tbody>${rows}</tbody></table></div>`;
}

/**
 * A small unified diff as a table of numbered lines (old, new, text), without diff2html: one per
 * new function, thousands in a large app. Long lines scroll with the table.
 */
function diffTable(diff: string): string {
  const rows: string[] = [];
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const l of diff.split("\n")) {
    if (l.startsWith("@@")) {
      const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
      oldLine = Number(m?.[1] ?? 0);
      newLine = Number(m?.[2] ?? 0);
      inHunk = true;
      rows.push(`<tr class="h"><td><td><td>${esc(l)}`);
    } else if (!inHunk || l === "") continue;
    else if (l.startsWith("+")) rows.push(`<tr class="a"><td><td>${newLine++}<td>${esc(l)}`);
    else if (l.startsWith("-")) rows.push(`<tr class="d"><td>${oldLine++}<td><td>${esc(l)}`);
    else if (l.startsWith("\\")) rows.push(`<tr class="n"><td><td><td>${esc(l)}`);
    else rows.push(`<tr><td>${oldLine++}<td>${newLine++}<td>${esc(l)}`);
  }
  return `<div class="scroll"><table class="diff-table"><tbody>${rows.join("")}</tbody></table></div>`;
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

function largeDiff(f: ReportFile, layout: Layout): string {
  const diff = f.diff;
  const raw = layout.rawDiffs.get(f.path);
  if (!raw) {
    return (
      `<p class="large-diff">This diff has ${lineCount(diff).toLocaleString("en-US")} lines, so it is shown as plain text; ` +
      `report.md and report.json hold the same diff.</p><pre class="plain-diff">${esc(diff)}</pre>`
    );
  }
  let add = 0;
  let del = 0;
  let hunks = 0;
  let at = 0;
  let preview = 0;
  for (let i = 0; at < diff.length; i++) {
    const end = diff.indexOf("\n", at);
    const c = diff.charCodeAt(at);
    if (c === 43 /* + */ && !diff.startsWith("+++ ", at)) add++;
    else if (c === 45 /* - */ && !diff.startsWith("--- ", at)) del++;
    else if (diff.startsWith("@@", at)) hunks++;
    if (i === LARGE_DIFF_PREVIEW) preview = at;
    at = end === -1 ? diff.length : end + 1;
  }
  return (
    `<p class="large-diff">This diff has ${lineCount(diff).toLocaleString("en-US")} lines (${add.toLocaleString("en-US")} added, ` +
    `${del.toLocaleString("en-US")} removed, in ${hunks} hunk${plural(hunks)}), too many to show here. ` +
    `The whole diff is <a href="${esc(raw)}">${code(raw)}</a> beside this page (report.md and report.json hold it too); its first ${LARGE_DIFF_PREVIEW} lines:</p>` +
    `<pre class="plain-diff">${esc(diff.slice(0, preview || diff.length))}</pre>`
  );
}

function findingItem(f: Finding): string {
  const loc = formatLocation(f);
  return (
    `${severity(f)} ${code(f.code)}${loc ? ` at ${code(loc)}` : ""}: ${prose(f.message)}` +
    (f.rule ? ` (rule ${code(f.rule)})` : "") +
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
    .map((s) => (s.code ? code(s.text) : breakPaths(esc(s.text)).replace(/\r?\n/g, "<br>")))
    .join("");
}

/**
 * A code span. Identifiers, names and short values never wrap (not even at a hyphen); a longer
 * one (a path, a URL, a location) may wrap after its slashes, and inside a word only when a
 * segment is wider than the whole column (overflow-wrap: break-word, which unlike `anywhere`
 * does not let a table squeeze the column down to a few characters).
 */
function code(text: string): string {
  if (text.length <= 40 && !/\s/.test(text)) return `<code class="nw">${esc(text)}</code>`;
  return `<code>${breakPaths(esc(text))}</code>`;
}

/** Lets long words of escaped text (paths in sentences) wrap after their slashes. */
function breakPaths(html: string): string {
  return html.includes("/") ? html.replace(/[^\s<>]{25,}/g, (w) => w.replace(/\/(?=[^/])/g, "/<wbr>")) : html;
}

/** CSS text for a <style> element: it must not be able to close the element. */
function styleText(css: string): string {
  return css.replace(/<\/(style)/gi, "<\\/$1");
}

// The filters: a checked radio hides the webhooks (index rows, URL map rows, sections) of other
// statuses and marks its own label.
const FILTER_CSS =
  `.flt { position: absolute; opacity: 0; width: 1px; height: 1px; margin: 0; }\n` +
  `#show-all:checked ~ * .filters .f-all` +
  STATUSES.map((s) => `, #show-${s}:checked ~ * .filters .f-${s}`).join("") +
  ` { background: #0969da; border-color: #0969da; color: #fff; }\n` +
  [`all`, ...STATUSES].map((s) => `#show-${s}:focus-visible ~ * .filters .f-${s}`).join(", ") +
  ` { outline: 2px solid #0969da; outline-offset: 2px; }\n` +
  STATUSES.map((s) => `#show-${s}:checked ~ * .wh:not(.status-${s})`).join(", ") +
  ` { display: none; }\n`;

const PAGE_CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1f2328; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 8px; overflow-wrap: break-word; }
h2 { font-size: 1.35em; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid #d0d7de; }
h3 { font-size: 1.1em; margin: 28px 0 8px; }
h4 { font-size: 1em; margin: 16px 0 6px; }
a { color: #0550ae; }
code, pre, .diff-table, table.added-file { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
code { background: #eff1f3; padding: 1px 4px; border-radius: 4px; overflow-wrap: break-word; }
code.nw { white-space: nowrap; }
pre { background: #f0f2f4; padding: 12px; border-radius: 6px; overflow-x: auto; white-space: pre; }
pre code { background: none; padding: 0; }
[id] { scroll-margin-top: 3em; }
.summary { font-size: 1.2em; font-weight: 700; margin: 8px 0 12px; }
.scroll { overflow-x: auto; max-width: 100%; }
table.added-file, table.diff-table { border-collapse: collapse; min-width: 100%; font-size: 0.85em; background: #fff; border: 1px solid #d0d7de; margin: 4px 0 8px; }
table.added-file td, table.diff-table td { padding: 0 8px; border: 0; white-space: pre; vertical-align: top; }
table.diff-table td:nth-child(-n+2), table.added-file td:first-child { width: 1%; color: #8c959f; text-align: right; user-select: none; background: #f6f8fa; }
table.added-file td:last-child, table.diff-table tr.a td:last-child { background: #e6ffec; }
table.diff-table tr.d td:last-child { background: #ffebe9; }
table.diff-table tr.n td:last-child { color: #57606a; }
table.diff-table tr.h td { background: #ddf4ff; color: #57606a; }
pre.whole-file { font-size: 0.85em; background: #fff; border: 1px solid #d0d7de; padding: 4px 8px; margin: 4px 0; }
pre.plain-diff { font-size: 0.85em; background: #fff; border: 1px solid #d0d7de; padding: 8px; max-height: 40em; overflow: auto; }
nav { margin: 12px 0; padding: 8px 12px; background: #f0f2f4; border-radius: 6px; }
nav a { text-decoration: none; }
nav.pages { font-size: 0.9em; }
table:not(.d2h-diff-table):not(.added-file):not(.diff-table) { border-collapse: collapse; margin: 8px 0 16px; width: 100%; }
table:not(.d2h-diff-table):not(.added-file):not(.diff-table) th, table:not(.d2h-diff-table):not(.added-file):not(.diff-table) td { border: 1px solid #d0d7de; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f0f2f4; }
td.url { min-width: 14em; }
.facts { margin: 6px 0; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.count { border: 1px solid #d0d7de; border-left-width: 5px; border-radius: 6px; padding: 4px 10px; }
.count b { font-size: 1.15em; }
.filters { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 8px 0 12px; }
.filters label { border: 1px solid #d0d7de; border-radius: 16px; padding: 2px 12px; cursor: pointer; user-select: none; }
.filters label:hover { border-color: #0969da; }
.filters label.none { color: #8c959f; }
.idx { border: 1px solid #d0d7de; border-radius: 6px; font-size: 0.92em; }
.idx .ih, .idx .wh { display: grid; grid-template-columns: minmax(10em, 3fr) 10.5em minmax(6em, 1.5fr) minmax(7em, 1.5fr) minmax(8em, 2fr); gap: 0 12px; padding: 3px 10px; border-top: 1px solid #eaeef2; }
.idx .ih { font-weight: 600; background: #f0f2f4; border-top: 0; }
.idx .wh > * { min-width: 0; overflow-wrap: break-word; font-style: normal; }
.idx .wh > a { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.95em; }
/* Blocks of 100 rows: one out of view is not laid out. Its placeholder height is a full block's
   (the last block, usually shorter, is always laid out), so nothing jumps when one comes into view. */
.idx .ib:not(:last-child) { content-visibility: auto; contain-intrinsic-size: auto 2810px; }
.idx .wh > i:nth-of-type(1) { font-weight: 600; white-space: nowrap; }
.idx .status-converted > i:nth-of-type(1) { color: #1a7f37; }
.idx .status-needs-review > i:nth-of-type(1) { color: #9a6700; }
.idx .status-failed > i:nth-of-type(1) { color: #cf222e; }
.idx .status-already-converted > i:nth-of-type(1) { color: #57606a; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.8em; font-weight: 600; color: #fff; vertical-align: middle; white-space: nowrap; }
.badge.status-converted { background: #1a7f37; }
.badge.status-needs-review { background: #9a6700; }
.badge.status-already-converted { background: #57606a; }
.badge.status-failed { background: #cf222e; }
.count.status-converted { border-left-color: #1a7f37; }
.count.status-needs-review { border-left-color: #bf8700; }
.count.status-already-converted { border-left-color: #57606a; }
.count.status-failed { border-left-color: #cf222e; }
details > summary { cursor: pointer; }
details.webhook, details.file { border: 1px solid #d0d7de; border-radius: 6px; margin: 8px 0; }
details.webhook { border-left-width: 6px; }
details.webhook > summary, details.file > summary { padding: 6px 12px; overflow-wrap: break-word; }
details.webhook[open] > summary, details.file[open] > summary { border-bottom: 1px solid #eaeef2; background: #f6f8fa; }
details > .body { padding: 4px 16px 8px; }
details.whole { margin: 8px 0; }
details.block { margin: 8px 0; }
.sub { color: #57606a; font-size: 0.9em; margin-left: 6px; }
.webhook.status-converted { border-left-color: #1a7f37; }
.webhook.status-needs-review { border-left-color: #bf8700; }
.webhook.status-already-converted { border-left-color: #8c959f; }
.webhook.status-failed { border-left-color: #cf222e; }
.shared { color: #57606a; font-size: 0.92em; }
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
.change-renamed { background: #f0f2f4; color: #424a53; }
.checklist { list-style: none; padding-left: 0; }
.checklist li { border: 1px solid #d4a72c; background: #fffbe6; border-radius: 6px; padding: 8px 12px; margin: 8px 0; overflow-wrap: break-word; }
.checklist input { margin-right: 6px; }
.hint { color: #424a53; margin-top: 4px; }
.findings li { margin: 6px 0; }
.ok { color: #1a7f37; font-weight: 600; }
.bad { color: #cf222e; font-weight: 600; }
.notes { color: #57606a; font-size: 0.9em; }
.legend { margin: 8px 0 16px; }
.legend li { margin: 4px 0; }
.d2h-file-wrapper { margin: 8px 0; }
`;
