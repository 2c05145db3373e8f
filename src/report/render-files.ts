// Writes report.md and report.html. Rendering them is the largest single cost of `migrate` on a
// big app (5,000 webhooks: about 2 s of one core). report.md renders in a worker thread while the
// main thread finishes the converted app; report.html renders on the main thread after that.
// Both files are written under temporary names and take their real names only once the app was
// written, so a failed run leaves no report of a change that did not happen.

import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { compiledScript, runWorker } from "../util/compiled-script.js";
import type { Report } from "./build.js";
import { loadDiff2HtmlCss, renderHtmlTo } from "./html.js";
import { renderMarkdownTo } from "./markdown.js";
import type { RenderJob } from "./render-worker.js";
import { FileSink } from "./sink.js";

export interface PendingReports {
  /** Renders report.html, waits for report.md, and gives both files their names. */
  commit(): Promise<void>;
  /** Waits for the rendering to end and removes its files. */
  discard(): Promise<void>;
}

/**
 * `text` and then `end` as UTF-8 in memory a worker can read without a copy (report.json's
 * bytes). `end` is separate because `text + end` would make V8 copy all of `text` into a new flat
 * string first: 124 MB more at 20,000 webhooks.
 */
export function sharedUtf8(text: string, end = ""): Uint8Array {
  const length = Buffer.byteLength(text, "utf8");
  const shared = Buffer.from(new SharedArrayBuffer(length + Buffer.byteLength(end, "utf8")));
  shared.write(text, 0, "utf8");
  shared.write(end, length, "utf8");
  return new Uint8Array(shared.buffer);
}

/**
 * The file that renders in the worker; the other renders on the main thread once the app is
 * written. Measured both ways at 5,000 webhooks: the same within noise (the worker's JSON parse
 * about balances HTML's larger size), so the worker takes the Markdown.
 */
const IN_WORKER: ReportFormat = "markdown";

/**
 * Starts rendering `report` (whose report.json bytes are `reportJson`, best made by sharedUtf8 so
 * the worker reads them without a copy) into `dir`, which must exist.
 */
export function renderReportFiles(report: Report, reportJson: Uint8Array, dir: string): PendingReports {
  const suffix = `.hookshift-tmp-${process.pid}`;
  const files: Record<ReportFormat, string> = { markdown: path.join(dir, "report.md"), html: path.join(dir, "report.html") };
  const onMain: ReportFormat = IN_WORKER === "markdown" ? "html" : "markdown";
  const job: RenderJob = { json: reportJson, format: IN_WORKER, file: files[IN_WORKER] + suffix };
  const workerDone = runWorker(compiledScript(import.meta.url, "./render-worker.js", "dist/src/report/render-worker.js"), job, `the ${IN_WORKER} report renderer`);
  const removeAll = () => Promise.all(Object.values(files).map((f) => rm(f + suffix, { force: true })));
  return {
    async commit() {
      try {
        await renderFile(report, onMain, files[onMain] + suffix);
        await workerDone;
      } catch (e) {
        await workerDone.catch(() => undefined);
        await removeAll();
        throw e;
      }
      for (const f of Object.values(files)) await rename(f + suffix, f);
    },
    async discard() {
      await workerDone.catch(() => undefined);
      await removeAll();
    },
  };
}

export type ReportFormat = "markdown" | "html";

/** Renders one report file, streamed to `file`. */
export async function renderFile(report: Report, format: ReportFormat, file: string): Promise<void> {
  const css = format === "html" ? await loadDiff2HtmlCss() : "";
  const sink = new FileSink(file);
  try {
    if (format === "html") renderHtmlTo(report, css, sink);
    else renderMarkdownTo(report, sink);
  } finally {
    sink.close();
  }
}
