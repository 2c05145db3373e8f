// Writes report.md and report.html. Rendering them is the largest single cost of `migrate` on a
// big app (5,000 webhooks: about 2 s of one core). report.md renders in a worker thread while the
// main thread finishes the converted app; report.html renders on the main thread after that (it
// already holds the report, and is the larger of the two: the worker must first parse the JSON).
// Both files are written under temporary names and take their real names only once the app was
// written, so a failed run leaves no report of a change that did not happen.

import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { compiledScript, runWorker } from "../util/compiled-script.js";
import type { Report } from "./build.js";
import { loadDiff2HtmlCss, renderHtmlTo } from "./html.js";
import type { RenderJob } from "./render-worker.js";
import { FileSink } from "./sink.js";

export interface PendingReports {
  /** Renders report.html, waits for report.md, and gives both files their names. */
  commit(): Promise<void>;
  /** Waits for the rendering to end and removes its files. */
  discard(): Promise<void>;
}

/** `text` as UTF-8 in memory a worker can read without a copy (report.json's bytes). */
export function sharedUtf8(text: string): Uint8Array {
  const bytes = new Uint8Array(new SharedArrayBuffer(Buffer.byteLength(text, "utf8")));
  new TextEncoder().encodeInto(text, bytes);
  return bytes;
}

/** Starts rendering `report` (whose report.json bytes are `reportJson`) into `dir`, which must exist. */
export function renderReportFiles(report: Report, reportJson: Uint8Array, dir: string): PendingReports {
  const suffix = `.hookshift-tmp-${process.pid}`;
  const md = path.join(dir, "report.md");
  const html = path.join(dir, "report.html");
  let shared = reportJson.buffer;
  if (!(shared instanceof SharedArrayBuffer) || reportJson.byteOffset !== 0 || reportJson.byteLength !== shared.byteLength) {
    shared = new SharedArrayBuffer(reportJson.byteLength);
    new Uint8Array(shared).set(reportJson);
  }
  const job: RenderJob = { json: shared as SharedArrayBuffer, markdownFile: md + suffix };
  const mdDone = runWorker(compiledScript(import.meta.url, "./render-worker.js", "dist/src/report/render-worker.js"), job, "the Markdown report renderer");
  const removeAll = () => Promise.all([md, html].map((f) => rm(f + suffix, { force: true })));
  return {
    async commit() {
      try {
        const css = await loadDiff2HtmlCss();
        const sink = new FileSink(html + suffix);
        try {
          renderHtmlTo(report, css, sink);
        } finally {
          sink.close();
        }
        await mdDone;
      } catch (e) {
        await mdDone.catch(() => undefined);
        await removeAll();
        throw e;
      }
      await rename(md + suffix, md);
      await rename(html + suffix, html);
    },
    async discard() {
      await mdDone.catch(() => undefined);
      await removeAll();
    },
  };
}
