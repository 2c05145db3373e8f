// Writes report.md and report.html. Rendering them is the largest single cost of `migrate` on a
// big app (5,000 webhooks: about 3 s of one core), so it runs in a worker thread while the main
// thread writes the converted app; both files are written under temporary names and only take
// their real names once the app was written, so a failed run leaves no report of a change that
// did not happen.

import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { compiledScript } from "../util/compiled-script.js";
import type { RenderJob } from "./render-worker.js";

export interface PendingReports {
  /** Waits for the rendering and gives both files their names. */
  commit(): Promise<void>;
  /** Waits for the rendering to end and removes its files. */
  discard(): Promise<void>;
}

/** Starts rendering the report (report.json's bytes) into `dir`, which must exist. */
export function renderReportFiles(reportJson: Uint8Array, dir: string): PendingReports {
  const suffix = `.hookshift-tmp-${process.pid}`;
  const names = ["report.md", "report.html"].map((n) => path.join(dir, n));
  const shared = new SharedArrayBuffer(reportJson.byteLength);
  new Uint8Array(shared).set(reportJson);
  const job: RenderJob = { json: shared, markdownFile: names[0]! + suffix, htmlFile: names[1]! + suffix };
  const worker = new Worker(compiledScript(import.meta.url, "./render-worker.js", "dist/src/report/render-worker.js"), { workerData: job });
  const done = new Promise<void>((resolve, reject) => {
    let finished = false;
    worker.once("message", () => {
      finished = true;
      resolve();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (!finished) reject(new Error(`the report renderer stopped (exit code ${code}) before it finished`));
    });
  });
  // A failure is reported by commit(); until someone asks, it must not count as unhandled.
  done.catch(() => undefined);
  const removeAll = () => Promise.all(names.map((n) => rm(n + suffix, { force: true })));
  return {
    async commit() {
      try {
        await done;
      } catch (e) {
        await removeAll();
        throw e;
      }
      for (const n of names) await rename(n + suffix, n);
    },
    async discard() {
      await done.catch(() => undefined);
      await removeAll();
    },
  };
}
