#!/usr/bin/env node
// Benchmark (not a test): how fast report.html opens in a real browser. Generates an app with N
// webhooks (bench/report-app.mjs), migrates it, and opens report.html (the index) and the first
// webhook page (report-2.html, when the report is split) in headless Chromium, K times each in a
// fresh tab: time from navigation start to the load event, to the end of a layout of the whole
// page forced right after it, to the first contentful paint and to the paint of the index's
// heading (Element Timing), page size and DOM nodes, median of K.
// Usage: npm run build && node bench/report-html.mjs [--runs K] [N ...] (default 3 runs, 300 5000).
// HOOKSHIFT_DIST=<folder> uses another build of hookshift; CHROMIUM_PATH another browser.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import puppeteer from "puppeteer-core";
import { generateReportApp } from "./report-app.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.HOOKSHIFT_DIST ?? path.join(here, "../dist"));
const { migrate } = await import(pathToFileURL(path.join(dist, "src/commands/migrate.js")).href);

const args = process.argv.slice(2);
const at = args.indexOf("--runs");
const runs = at >= 0 ? Math.max(1, Number(args.splice(at, 2)[1]) || 1) : 3;
const sizes = args.length > 0 ? args.map(Number) : [300, 5000];

function chromiumPath() {
  for (const c of [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) if (c && existsSync(c)) return c;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser || command -v google-chrome"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("no Chromium found: install it (apt-get install chromium) or set CHROMIUM_PATH");
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function open(browser, file) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  // Element Timing entries are only kept for an observer registered before they happen.
  await page.evaluateOnNewDocument(() => {
    window.__paints = {};
    // Right after the load event, force the layout of the whole page: when it is done, the page can be
    // scrolled anywhere without waiting (what "takes seconds to open" felt like).
    addEventListener("load", () =>
      setTimeout(() => {
        void document.documentElement.scrollHeight;
        window.__laidOut = performance.now();
      }),
    );
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__paints[e.identifier] ??= e.renderTime || e.loadTime;
    }).observe({ type: "element", buffered: true });
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 300_000 });
  // One more frame so the paint entries of the load frame are in.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
  const m = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      load: nav.loadEventEnd - nav.startTime,
      laidOut: window.__laidOut - nav.startTime,
      fcp: fcp ? fcp.startTime : NaN,
      index: window.__paints.index ?? NaN,
      nodes: document.getElementsByTagName("*").length,
    };
  });
  await page.close();
  return m;
}

const browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ["--no-sandbox", "--disable-gpu"] });
console.log(`report.html in ${await browser.version()} (headless, 1280x900), median of ${runs}, Node ${process.version}`);
console.log("webhooks | page | size | DOM nodes | load event | laid out | first paint | index painted");
try {
  for (const n of sizes) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "hookshift-report-html-"));
    try {
      const app = path.join(tmp, "app");
      generateReportApp(n, app);
      const r = await migrate({
        app,
        out: path.join(tmp, "out"),
        report: path.join(tmp, "report"),
        dryRun: false,
        inPlace: false,
        allowDirty: false,
        removeWebhooks: false,
        force: false,
      });
      if (r.code === 1 && !r.reportDir) throw new Error(`migrate failed: ${JSON.stringify(r.errors)}`);
      const dir = path.join(tmp, "report");
      const pages = readdirSync(dir).filter((f) => /^report(-\d+)?\.html$/.test(f));
      const largest = Math.max(...pages.map((f) => statSync(path.join(dir, f)).size));
      for (const name of ["report.html", "report-2.html"].filter((f) => pages.includes(f))) {
        const ms = [];
        for (let i = 0; i < runs; i++) ms.push(await open(browser, path.join(dir, name)));
        const mb = (statSync(path.join(dir, name)).size / 1e6).toFixed(2);
        const f = (k) => {
          const v = median(ms.map((m) => m[k]));
          return v === null || v === undefined || Number.isNaN(v) ? "-" : `${(v / 1000).toFixed(2)} s`;
        };
        console.log(`${n} | ${name} | ${mb} MB | ${ms[0].nodes} | ${f("load")} | ${f("laidOut")} | ${f("fcp")} | ${f("index")}`);
      }
      console.log(`${n} | ${pages.length} pages, largest ${(largest / 1e6).toFixed(2)} MB`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
} finally {
  await browser.close();
}
