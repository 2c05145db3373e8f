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
import { FileSink, type TextSink } from "./sink.js";

export type ReportFormat = "markdown" | "html";

/** Writes the three report files into `dir` (which must exist). */
export async function writeReportFiles(report: Report, dir: string): Promise<void> {
  const suffix = `.hookshift-tmp-${process.pid}`;
  const files = ["report.json", "report.md", "report.html"].map((f) => path.join(dir, f));
  const [jsonFile, mdFile, htmlFile] = files as [string, string, string];
  try {
    const sink = new FileSink(jsonFile + suffix);
    try {
      writeJsonTo(report, sink);
    } finally {
      sink.close();
    }
    await renderFile(report, "markdown", mdFile + suffix);
    await renderFile(report, "html", htmlFile + suffix);
  } catch (e) {
    await Promise.all(files.map((f) => rm(f + suffix, { force: true })));
    throw e;
  }
  for (const f of files) await rename(f + suffix, f);
}

/**
 * Writes exactly `JSON.stringify(value, null, 2)` and a newline, a piece at a time: the top-level
 * object key by key and its arrays element by element, each piece JSON.stringify's own text
 * indented to its depth. A whole 5,000-webhook report as one string is 30 MB that V8 builds as a
 * tree of parts and copies into one flat string before it can be written (0.12 s here).
 * (Indenting by replacing newlines is exact: JSON strings hold their newlines escaped.)
 */
export function writeJsonTo(value: unknown, sink: TextSink): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    sink.write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  // The members JSON.stringify leaves out of an object.
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function" && typeof v !== "symbol");
  if (entries.length === 0) {
    sink.write("{}\n");
    return;
  }
  sink.write("{");
  entries.forEach(([key, v], i) => {
    sink.write(`${i === 0 ? "" : ","}\n  ${JSON.stringify(key)}: `);
    if (Array.isArray(v) && v.length > 0) {
      sink.write("[");
      v.forEach((item, j) => sink.write(`${j === 0 ? "" : ","}\n    ${indent(JSON.stringify(item, null, 2) ?? "null", "\n    ")}`));
      sink.write("\n  ]");
    } else sink.write(indent(JSON.stringify(v, null, 2), "\n  "));
  });
  sink.write("\n}\n");
}

function indent(json: string, newline: string): string {
  return json.includes("\n") ? json.replaceAll("\n", newline) : json;
}

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
