// Writes report.json, report.md and report.html. Each is streamed to a temporary name and all
// three take their real names together at the end, so a failed run leaves no partial report.
//
// All on the main thread, after the app is written. report.md used to render in a worker from
// report.json's bytes in shared memory; once rendering got cheaper (5,000 webhooks: report.md
// 0.2 s, report.html 0.25 s), the worker's copy of the report (encode, decode, parse: 0.4 s of
// work and 80 MB) cost more than it saved: 3.84 s against 3.44 s for the whole migrate here.

import { rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Report } from "./build.js";
import { loadDiff2HtmlCss, renderHtmlTo } from "./html.js";
import { renderMarkdownTo } from "./markdown.js";
import { FileSink } from "./sink.js";

export type ReportFormat = "markdown" | "html";

/**
 * Writes the three report files into `dir` (which must exist): `json` is the report as
 * `JSON.stringify(report, null, 2)` made it, written with a final newline.
 */
export async function writeReportFiles(report: Report, json: string, dir: string): Promise<void> {
  const suffix = `.hookshift-tmp-${process.pid}`;
  const files = ["report.json", "report.md", "report.html"].map((f) => path.join(dir, f));
  const [jsonFile, mdFile, htmlFile] = files as [string, string, string];
  try {
    writeJson(json, jsonFile + suffix);
    await renderFile(report, "markdown", mdFile + suffix);
    await renderFile(report, "html", htmlFile + suffix);
  } catch (e) {
    await Promise.all(files.map((f) => rm(f + suffix, { force: true })));
    throw e;
  }
  for (const f of files) await rename(f + suffix, f);
}

/** The JSON text in slices: encoding it whole would need a buffer of its full size. */
function writeJson(json: string, file: string): void {
  const sink = new FileSink(file);
  try {
    for (let at = 0, end = 0; at < json.length; at = end) {
      end = Math.min(at + SLICE, json.length);
      // Never between the two halves of a surrogate pair (an emoji in a source, say).
      const last = json.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff && end < json.length) end++;
      sink.write(json.slice(at, end));
    }
    sink.write("\n");
  } finally {
    sink.close();
  }
}
export const SLICE = 1 << 14;

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
