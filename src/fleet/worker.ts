// A fleet worker process: takes one app job at a time from its parent (pool.ts) over the IPC
// channel and answers with the app's row. A process, not a thread: an app that crashes it (a
// native fault, running out of heap) takes only this process down, and the parent records that
// app's error and starts another worker for the rest.

import { Worker } from "node:worker_threads";
import { runAppJob, type MigrateAppJob } from "./app-job.js";
import type { VerifyAppJob } from "./verify-job.js";

export type FleetJob = MigrateAppJob | VerifyAppJob;

export type FromWorker = { type: "done"; id: number; row: unknown; rss: number } | { type: "failed"; id: number; error: string; rss: number };

async function run(job: FleetJob): Promise<unknown> {
  if (job.kind === "migrate") return runAppJob(job);
  const { runVerifyJob } = await import("./verify-job.js");
  return runVerifyJob(job);
}

// The parent gone (killed, Ctrl-C): stop too, leaving what migrate leaves when killed (a staging
// folder the next run removes), never a marker for an app that did not finish. The IPC channel's
// close reaches this thread only when it yields, and copying an app is one long synchronous
// stretch: a run started meanwhile would find this process's staging folder owned by a live
// process, and this process would go on writing an app the new run writes too. So a thread of its
// own also watches the parent and ends the process within 100 ms of the parent's death.
process.on("disconnect", () => process.exit(1));
new Worker(
  `const { workerData } = require("node:worker_threads");
   setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, "SIGKILL"); }, 100);`,
  { eval: true, workerData: process.ppid },
).unref();
process.on("message", (msg: { id: number; job: FleetJob }) => {
  run(msg.job).then(
    (row) => process.send?.({ type: "done", id: msg.id, row, rss: process.memoryUsage().rss } satisfies FromWorker),
    (e: unknown) =>
      process.send?.({ type: "failed", id: msg.id, error: e instanceof Error ? e.message : String(e), rss: process.memoryUsage().rss } satisfies FromWorker),
  );
});
