// report.html at scale: a new function's diff against its webhook's source.js, the split into
// pages past WEBHOOKS_PER_PAGE webhooks with links that resolve, large diffs as .diff files,
// shared info findings listed once, and the Content-Security-Policy hash of each page's stylesheet.
// (test/report/html-browser.test.ts opens the same pages in Chromium.)

import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readApp } from "../../src/app/read/index.js";
import { planMigration } from "../../src/migrate/plan.js";
import { buildReport, type Report } from "../../src/report/build.js";
import { loadDiff2HtmlCss, renderHtmlFiles, WEBHOOKS_PER_PAGE } from "../../src/report/html.js";
import { writeReportFiles } from "../../src/report/render-files.js";
import { StringSink } from "../../src/report/sink.js";
// @ts-expect-error: a plain ES module shared with bench/report-html.mjs (no types)
import { generateReportApp } from "../../bench/report-app.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

const ctx = { version: "0.0.0", mode: "out" as const, root: "app", outDir: "out", secretsFile: "secrets.json" };

async function reportOf(app: string): Promise<Report> {
  return buildReport(planMigration(await readApp(app), { removeWebhooks: false }), ctx);
}

function pagesOf(report: Report, css: string): Map<string, string> {
  const out = new Map<string, string>();
  renderHtmlFiles(report, css, (name) => {
    const sink = new StringSink();
    return Object.assign(sink, { close: () => void out.set(name, sink.text()) });
  });
  return out;
}

describe("a new function's diff against its webhook's source.js", () => {
  it("holds only the lines the rules added, in git's copy form; a verbatim copy has no hunk", async () => {
    const report = await reportOf(path.join(repo, "fixtures/apps/demo"));
    const functions = report.files.filter((f) => f.change === "added" && f.path.startsWith("functions/"));
    expect(functions.length).toBe(3);
    for (const f of functions) {
      const w = report.webhooks.find((x) => f.path === `functions/${x.functionName}.js`)!;
      expect(f.base).toBe(`${w.source}/source.js`);
      expect(f.baseDiff!.startsWith(`diff --git a/${f.base} b/${f.path}\n`)).toBe(true);
      expect(f.baseDiff).toContain(`\ncopy from ${f.base}\ncopy to ${f.path}\n`);
      const rewritten = f.rules.some((r) => r !== "convert/source");
      expect(f.baseDiff!.includes("\n@@ "), f.path).toBe(rewritten);
      // The rules append; nothing of source.js is removed, and far fewer lines show than the whole file.
      const added = f.baseDiff!.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++"));
      expect(f.baseDiff!.split("\n").filter((l) => l.startsWith("-") && !l.startsWith("---"))).toEqual([]);
      if (rewritten) expect(added.length).toBeLessThan(f.diff.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++")).length);
    }
  });
});

describe("report.html past WEBHOOKS_PER_PAGE webhooks", () => {
  let report: Report;
  let pages: Map<string, string>;
  const n = WEBHOOKS_PER_PAGE * 2 + 50;

  beforeAll(async () => {
    const app = tempDir("hookshift-html-pages-");
    generateReportApp(n, app);
    report = await reportOf(app);
    pages = pagesOf(report, await loadDiff2HtmlCss());
  }, 60_000);

  it("is an index page and pages of at most WEBHOOKS_PER_PAGE webhooks, each under 2 MB", () => {
    const html = [...pages.keys()].filter((k) => k.endsWith(".html"));
    expect(html).toEqual(["report.html", "report-2.html", "report-3.html", "report-4.html"]);
    for (const [name, text] of pages) if (name.endsWith(".html")) expect(text.length, name).toBeLessThan(2_000_000);
    const index = pages.get("report.html")!;
    expect(index.match(/<div class="wh status-/g)).toHaveLength(n);
    let sections = 0;
    for (const name of html.slice(1)) {
      const count = pages.get(name)!.match(/<details class="webhook wh status-/g)!.length;
      expect(count).toBeLessThanOrEqual(WEBHOOKS_PER_PAGE);
      sections += count;
    }
    expect(sections).toBe(n);
  });

  it("links only to ids that exist on the page they name", () => {
    const ids = new Map([...pages].map(([name, text]) => [name, new Set([...text.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]))]));
    let links = 0;
    for (const [name, text] of pages) {
      if (!name.endsWith(".html")) continue;
      for (const [, href] of text.matchAll(/ href="([^"]+)"/g)) {
        const [file, id] = href!.split("#") as [string, string | undefined];
        const target = file === "" ? name : file;
        expect(pages.has(target), `${name}: ${href}`).toBe(true);
        if (id) expect(ids.get(target)!.has(id), `${name}: ${href}`).toBe(true);
        links++;
      }
    }
    expect(links).toBeGreaterThan(3 * n);
  });

  it("writes the endpoint manifest's large diff to a .diff file and links it from a summary", () => {
    const manifest = report.files.find((f) => f.path === "http_endpoints/config.json")!;
    const raw = [...pages.keys()].find((k) => k.endsWith(".diff"));
    expect(raw).toBe("report-diff-http_endpoints_config.json.diff");
    expect(pages.get(raw!)).toBe(manifest.diff);
    const index = pages.get("report.html")!;
    expect(index).toContain(`<a href="${raw}">`);
    expect(index).toMatch(/This diff has [\d,]+ lines \([\d,]+ added, 0 removed, in 1 hunk\)/);
    // A preview, not the whole diff: its last added line is only in the .diff file.
    const last = manifest.diff
      .trimEnd()
      .split("\n")
      .filter((l) => l.startsWith("+"))
      .at(-8)!;
    expect(manifest.diff).toContain(last);
    expect(index).not.toContain(last.replace(/"/g, "&quot;"));
  });

  it("lists info findings every webhook shares once, with a count, and links them from each webhook", () => {
    const index = pages.get("report.html")!;
    const converted = report.webhooks.filter((w) => w.findings.some((f) => f.code === "url-change")).length;
    expect(converted).toBeGreaterThan(WEBHOOKS_PER_PAGE);
    expect(index).toMatch(new RegExp(`<tr id="note-url-change"><td><code class="nw">url-change</code></td><td>${converted}</td>`));
    const page = pages.get("report-2.html")!;
    expect(page).not.toMatch(/<td><code class="nw">url-change<\/code><\/td>/);
    expect(page).toContain(`<a href="report.html#note-url-change">`);
  });

  it("allows each page's one stylesheet by its hash and has no script", () => {
    for (const [name, text] of pages) {
      if (!name.endsWith(".html")) continue;
      const styles = [...text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
      expect(styles).toHaveLength(1);
      const hash = createHash("sha256").update(styles[0]!, "utf8").digest("base64");
      expect(text).toContain(`content="default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'"`);
      expect(text).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    }
  });

  it("removes the pages of an earlier, larger report from the report folder", async () => {
    const dir = tempDir("hookshift-html-stale-");
    await writeReportFiles(report, dir);
    expect(
      readdirSync(dir)
        .filter((f) => /^report-/.test(f))
        .sort(),
    ).toEqual(["report-2.html", "report-3.html", "report-4.html", "report-diff-http_endpoints_config.json.diff"]);
    await writeReportFiles(await reportOf(path.join(repo, "fixtures/apps/demo")), dir);
    expect(readdirSync(dir).sort()).toEqual(["report.html", "report.json", "report.md"]);
    expect(readFileSync(path.join(dir, "report.html"), "utf8")).not.toContain("report-2.html");
  });
});
