// report.html in a real browser (headless Chromium through puppeteer-core): the demo app's report
// and a generated 300-webhook app's (split into pages) open with their stylesheet applied under
// their Content-Security-Policy, load nothing from anywhere, and their index, filters and links
// work. Screenshots go to a temporary folder (printed). Skipped only when no Chromium binary is
// found (CI installs one: .ci/run); CHROMIUM_PATH names another.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/commands/migrate.js";
import type { Report } from "../../src/report/build.js";
// @ts-expect-error: a plain ES module shared with bench/report-html.mjs (no types)
import { generateReportApp } from "../../bench/report-app.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function findChromium(): string | undefined {
  for (const c of [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) if (c && existsSync(c)) return c;
  try {
    const found = execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser || command -v google-chrome"], { encoding: "utf8" }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

const chromium = findChromium();
const SKIP = "no Chromium binary found (apt-get install chromium, or set CHROMIUM_PATH)";
if (!chromium) console.warn(`test/report/html-browser.test.ts skipped: ${SKIP}`);

const shots = mkdtempSync(path.join(os.tmpdir(), "hookshift-report-shots-"));
/** Apps and reports made here, removed at the end (the screenshots stay). */
const temporary: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};

describe.skipIf(!chromium)(`report.html in Chromium${chromium ? "" : ` (skipped: ${SKIP})`}`, () => {
  let browser: Browser;

  beforeAll(async () => {
    const puppeteer = (await import("puppeteer-core")).default;
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    console.log(`report screenshots: ${shots}`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  });

  /** Migrates `app` into a temporary folder; returns the report folder and report.json. */
  async function migrated(app: string): Promise<{ dir: string; report: Report }> {
    const tmp = tempDir("hookshift-report-html-");
    const dir = path.join(tmp, "report");
    const r = await migrate({
      app,
      out: path.join(tmp, "out"),
      report: dir,
      dryRun: false,
      inPlace: false,
      allowDirty: false,
      removeWebhooks: false,
      force: false,
    });
    expect(r.reportDir, JSON.stringify(r.errors)).toBe(dir);
    return { dir, report: JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8")) as Report };
  }

  /**
   * A tab where every request fails the test except the report's own pages (report.html,
   * report-N.html in `dir`, as documents), and that records Content-Security-Policy violations.
   */
  async function openTab(dir: string): Promise<{ page: Page; blocked: string[]; violations: string[] }> {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const blocked: string[] = [];
    const violations: string[] = [];
    const allowed = new RegExp(`^${escapeRegExp(pathToFileURL(dir).href)}/report(-\\d+)?\\.html(#.*)?$`);
    await page.setRequestInterception(true);
    page.on("request", (req) => {
      if (req.resourceType() === "document" && allowed.test(req.url())) void req.continue();
      else {
        blocked.push(`${req.resourceType()} ${req.url()}`);
        void req.abort();
      }
    });
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await page.evaluateOnNewDocument(() => {
      document.addEventListener("securitypolicyviolation", (e) => console.error(`Refused to load: ${e.violatedDirective} ${e.blockedURI}`));
    });
    return { page, blocked, violations };
  }

  async function visibleRows(page: Page, selector: string): Promise<string[]> {
    return page.$$eval(selector, (els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.className));
  }

  /** Whether the element is open (inside an open <details>), shown, and in the viewport. */
  async function inView(page: Page, id: string): Promise<{ open: boolean; top: number }> {
    return page.evaluate((id) => {
      const el = document.getElementById(id)!;
      const details = el.closest("details");
      return { open: !details || details.open, top: el.getBoundingClientRect().top };
    }, id);
  }

  it("opens the demo app's report: styled under its CSP, nothing loaded, index, filters and links work", async () => {
    const { dir, report } = await migrated(path.join(repo, "fixtures/apps/demo"));
    const { page, blocked, violations } = await openTab(dir);
    await page.goto(pathToFileURL(path.join(dir, "report.html")).href, { waitUntil: "load" });

    // The stylesheet applies (its hash is in the CSP); no script runs.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(246, 247, 249)");
    expect(await page.$$eval("script", (s) => s.length)).toBe(0);
    expect(await page.$eval(`meta[http-equiv="Content-Security-Policy"]`, (m) => m.getAttribute("content"))).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+';/,
    );

    // The index lists every webhook with its status; open blocks are exactly those to look at.
    const rows = await page.$$eval("#index .wh", (els) => els.map((e) => [e.querySelector("a")!.textContent, e.className]));
    expect(rows).toEqual(report.webhooks.map((w) => [w.id, `wh status-${w.status}`]));
    const open = await page.$$eval("details.webhook", (els) => els.map((e) => [e.className, (e as HTMLDetailsElement).open]));
    expect(open).toEqual(report.webhooks.map((w) => [`webhook wh status-${w.status}`, w.status === "needs-review" || w.status === "failed"]));
    await page.screenshot({ path: path.join(shots, "demo-top.png") });
    await page.screenshot({ path: path.join(shots, "demo-full.png"), fullPage: true });

    // Filters: "needs review" shows only those webhooks, in the index and the sections.
    await page.click(`label[for="show-needs-review"]`);
    expect(await visibleRows(page, "#index .wh")).toEqual(Array(report.summary.needsReview).fill("wh status-needs-review"));
    expect(await visibleRows(page, "details.webhook")).toEqual(Array(report.summary.needsReview).fill("webhook wh status-needs-review"));
    // Their files too; the app's own files (the manifests) stay.
    const files = await visibleRows(page, "details.file");
    expect(files.filter((c) => c.includes(" wh ")).every((c) => c.endsWith("status-needs-review"))).toBe(true);
    expect(files).toContain("file");
    await page.screenshot({ path: path.join(shots, "demo-filter-needs-review.png") });
    await page.click(`label[for="show-converted"]`);
    expect(await visibleRows(page, "#index .wh")).toHaveLength(report.summary.converted);
    await page.click(`label[for="show-all"]`);
    expect(await visibleRows(page, "#index .wh")).toHaveLength(report.webhooks.length);

    // A link to a closed webhook's section opens it and scrolls to it.
    const converted = report.webhooks.find((w) => w.status === "converted")!;
    const link = await page.$$eval("#index .wh a", (as, id) => as.find((a) => a.textContent === id)!.getAttribute("href"), converted.id);
    await page.click(`#index a[href="${link}"]`);
    const target = await inView(page, link!.slice(1));
    expect(target.open).toBe(true);
    expect(target.top).toBeGreaterThanOrEqual(0);
    expect(target.top).toBeLessThan(900);

    // A function's diff link: the diff against its webhook's source.js holds only added lines.
    const fn = report.files.find((f) => f.baseDiff?.includes("\n@@ "))!;
    const fnLink = await page.$$eval("#index .wh a", (as) => as.filter((a) => a.textContent === "function").map((a) => a.getAttribute("href")!));
    const href = fnLink.find((h) => h.includes(fn.path.replace(/[^A-Za-z0-9_-]+/g, "-")))!;
    await page.click(`#index a[href="${href}"]`);
    expect((await inView(page, href.slice(1))).open).toBe(true);
    const diff = await page.$eval(`${href} table.diff-table`, (t) => ({
      added: t.querySelectorAll("tr.a").length,
      removed: t.querySelectorAll("tr.d").length,
      lines: t.querySelectorAll("tr").length,
    }));
    const addedByRules = fn.baseDiff!.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++")).length;
    expect(diff).toMatchObject({ added: addedByRules, removed: 0 });
    expect(diff.added).toBeLessThan(fn.diff.split("\n").filter((l) => l.startsWith("+") && !l.startsWith("+++")).length);
    await page.screenshot({ path: path.join(shots, "demo-function-diff.png") });

    // Code blocks scroll inside the page; the page itself never gets wider than the window.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    expect(blocked).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 120_000);

  it("opens a 300-webhook app's report: an index page and pages of webhooks, each under 2 MB, linked both ways", async () => {
    const app = tempDir("hookshift-report-app-");
    generateReportApp(300, app);
    const { dir, report } = await migrated(app);
    const pages = readdirSync(dir).filter((f) => /^report(-\d+)?\.html$/.test(f));
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect(statSync(path.join(dir, p)).size).toBeLessThan(2_000_000);

    const { page, blocked, violations } = await openTab(dir);
    await page.goto(pathToFileURL(path.join(dir, "report.html")).href, { waitUntil: "load" });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(246, 247, 249)");
    expect(await page.$$eval("#index .wh", (els) => els.length)).toBe(300);
    await page.screenshot({ path: path.join(shots, "300-index.png") });

    // Each filter shows exactly its webhooks.
    const byStatus = {
      converted: report.summary.converted,
      "needs-review": report.summary.needsReview,
      failed: report.summary.failed,
      "already-converted": report.summary.alreadyConverted,
    };
    for (const [status, n] of Object.entries(byStatus)) {
      expect(n, status).toBeGreaterThan(0);
      await page.click(`label[for="show-${status}"]`);
      expect(await visibleRows(page, "#index .wh"), status).toEqual(Array(n).fill(`wh status-${status}`));
    }
    await page.screenshot({ path: path.join(shots, "300-index-filter-already-converted.png") });
    await page.click(`label[for="show-failed"]`);

    // A failed webhook on a later page: its link goes to that page, its section open.
    const failed = report.webhooks.filter((w) => w.status === "failed").at(-1)!;
    const link = await page.$$eval("#index .wh a", (as, id) => as.find((a) => a.textContent === id)!.getAttribute("href")!, failed.id);
    expect(link).toMatch(/^report-\d+\.html#w-/);
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(`#index a[href="${link}"]`)]);
    expect(page.url()).toBe(`${pathToFileURL(path.join(dir, link.slice(0, link.indexOf("#")))).href}${link.slice(link.indexOf("#"))}`);
    const target = await inView(page, link.slice(link.indexOf("#") + 1));
    expect(target.open).toBe(true);
    expect(target.top).toBeGreaterThanOrEqual(0);
    expect(target.top).toBeLessThan(900);
    await page.screenshot({ path: path.join(shots, "300-page-failed-webhook.png") });

    // Every in-report link on this page reaches an element of its page.
    const links = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")!));
    const here = path.basename(link.slice(0, link.indexOf("#")));
    const ids = new Map<string, Set<string>>();
    const idsOf = (name: string) => {
      if (!ids.has(name)) ids.set(name, new Set([...readFileSync(path.join(dir, name), "utf8").matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!)));
      return ids.get(name)!;
    };
    for (const l of links) {
      const [file, id] = l.split("#") as [string, string | undefined];
      const name = file === "" ? here : file;
      expect(existsSync(path.join(dir, name)), l).toBe(true);
      if (id) expect(idsOf(name).has(id), l).toBe(true);
    }

    // Back to the index through the page's own navigation.
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(`nav a[href="report.html"]`)]);
    expect(await page.$$eval("#index .wh", (els) => els.length)).toBe(300);
    expect(blocked).toEqual([]);
    expect(violations).toEqual([]);
    await page.close();
  }, 180_000);
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
