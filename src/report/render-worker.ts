// Worker thread: renders report.md and report.html from the report's JSON, streaming each to its
// file. `migrate` runs this while its main thread writes the converted app, so on large apps the
// two biggest costs of a run overlap (see render-files.ts).

import { parentPort, workerData } from "node:worker_threads";
import type { Report } from "./build.js";
import { loadDiff2HtmlCss, renderHtmlTo } from "./html.js";
import { renderMarkdownTo } from "./markdown.js";
import { FileSink, type TextSink } from "./sink.js";

export interface RenderJob {
  /**
   * report.json's UTF-8 bytes, shared rather than copied: the report exactly as written, so the
   * three files say the same. (Cloning the JSON string into the worker cost half a second of the
   * main thread on a 5,000-webhook app.)
   */
  json: SharedArrayBuffer;
  markdownFile: string;
  htmlFile: string;
}

function into(file: string, render: (sink: TextSink) => void): void {
  const sink = new FileSink(file);
  try {
    render(sink);
  } finally {
    sink.close();
  }
}

const job = workerData as RenderJob;
const report = JSON.parse(new TextDecoder().decode(new Uint8Array(job.json))) as Report;
into(job.markdownFile, (sink) => renderMarkdownTo(report, sink));
const css = await loadDiff2HtmlCss();
into(job.htmlFile, (sink) => renderHtmlTo(report, css, sink));
parentPort!.postMessage("done");
