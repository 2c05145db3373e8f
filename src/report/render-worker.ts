// Worker thread: renders one report file (report.md or report.html) from the report's JSON,
// streaming it to its file. `migrate` runs this while its main thread finishes the converted app
// and renders the other file (see render-files.ts).

import { parentPort, workerData } from "node:worker_threads";
import type { Report } from "./build.js";
import { renderFile, type ReportFormat } from "./render-files.js";

export interface RenderJob {
  /**
   * report.json's UTF-8 bytes: the report exactly as written, so the three files say the same.
   * Over a SharedArrayBuffer they reach the worker without a copy. (Cloning the JSON string into
   * the worker cost half a second of the main thread on a 5,000-webhook app.)
   */
  json: Uint8Array;
  format: ReportFormat;
  file: string;
}

const job = workerData as RenderJob;
const report = JSON.parse(new TextDecoder().decode(job.json)) as Report;
await renderFile(report, job.format, job.file);
parentPort!.postMessage("done");
