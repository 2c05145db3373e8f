// Writes report.json, report.md and report.html (with, for a large app, its webhook pages and the
// .diff files of large diffs: html.ts). Each is streamed to a temporary name and all take their
// real names together at the end, so a failed run leaves no partial report.
//
// All on the main thread, once the converted app is complete (and, with --out, before it is
// renamed into place: see stageReportFiles). report.md used to render in a worker from
// report.json's bytes in shared memory; once rendering got cheaper (5,000 webhooks: report.md
// 0.2 s, report.html 0.25 s), the worker's copy of the report (encode, decode, parse: 0.4 s of
// work and 80 MB) cost more than it saved: 3.84 s against 3.44 s for the whole migrate here.

import { readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Report } from "./build.js";
import { loadDiff2HtmlCss, PAGE_NAME, RAW_DIFF_NAME, renderHtmlFiles, renderHtmlTo } from "./html.js";
import { renderMarkdownTo } from "./markdown.js";
import { FileSink, type TextSink } from "./sink.js";

type ReportFormat = "markdown" | "html";

/** Writes the three report files into `dir` (which must exist). */
export async function writeReportFiles(report: Report, dir: string): Promise<void> {
  await (await stageReportFiles(report, dir)).commit();
}

/** Report files written under temporary names, waiting to take their real names. */
export interface StagedReport {
  /** Renames them to their real names. */
  commit(): Promise<void>;
  /** Removes them. */
  discard(): Promise<void>;
}

/**
 * Writes the three report files into `dir` (which must exist) as `<name>.hookshift-tmp-<pid>`.
 * `migrate` renders them while the converted app is still staged and commits them right after
 * the app has taken its place: a run killed while rendering leaves no output beside them, and
 * the next run removes the temporary files of a dead process (util/owner.ts).
 */
export async function stageReportFiles(report: Report, dir: string, onFile?: (done: number) => void): Promise<StagedReport> {
  const suffix = `.hookshift-tmp-${process.pid}`;
  const files = ["report.json", "report.md", "report.html"].map((f) => path.join(dir, f));
  const [jsonFile, mdFile] = files as [string, string, string];
  const discard = async () => {
    await Promise.all(files.map((f) => rm(f + suffix, { force: true })));
  };
  try {
    const sink = new FileSink(jsonFile + suffix);
    try {
      writeJsonTo(report, sink);
    } finally {
      sink.close();
    }
    onFile?.(1);
    await renderFile(report, "markdown", mdFile + suffix);
    onFile?.(2);
    // report.html, and for a large app its webhook pages and the .diff files of large diffs (html.ts).
    const css = await loadDiff2HtmlCss();
    renderHtmlFiles(report, css, (name) => {
      const file = path.join(dir, name);
      if (!files.includes(file)) files.push(file);
      return new FileSink(file + suffix);
    });
    onFile?.(3);
  } catch (e) {
    await discard();
    throw e;
  }
  return {
    async commit() {
      for (const f of files) await rename(f + suffix, f);
      // Pages and .diff files an earlier, larger report left in the folder.
      const ours = new Set(files.map((f) => path.basename(f)));
      for (const name of await readdir(dir)) {
        if ((PAGE_NAME.test(name) || RAW_DIFF_NAME.test(name)) && !ours.has(name)) await rm(path.join(dir, name), { force: true });
      }
    },
    discard,
  };
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
      // The separator and the element in writes of their own: joined, the element's text (most
      // of the 30 MB) would be copied once more when the sink encodes it.
      v.forEach((item, j) => {
        sink.write(j === 0 ? "\n    " : ",\n    ");
        sink.write(indent(JSON.stringify(item, null, 2) ?? "null", "\n    "));
      });
      sink.write("\n  ]");
    } else sink.write(indent(JSON.stringify(v, null, 2), "\n  "));
  });
  sink.write("\n}\n");
}

function indent(json: string, newline: string): string {
  return json.includes("\n") ? json.replaceAll("\n", newline) : json;
}

/** Renders one report file, streamed to `file`. */
async function renderFile(report: Report, format: ReportFormat, file: string): Promise<void> {
  const css = format === "html" ? await loadDiff2HtmlCss() : "";
  const sink = new FileSink(file);
  try {
    if (format === "html") renderHtmlTo(report, css, sink);
    else renderMarkdownTo(report, sink);
  } finally {
    sink.close();
  }
}
