// A pool of worker processes (child_process.fork of worker.ts) that runs a fleet's app jobs, at
// most `size` at once, in order. Memory is bounded by the apps in flight: the parent holds only
// the rows that come back, and a worker whose resident memory has grown past `recycleRss` after
// an app is replaced by a fresh one. A worker that dies mid-app (crash, killed, out of memory)
// turns that app into a row made by `crashed` and is replaced; the other apps go on.

import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FleetJob, FromWorker } from "./worker.js";

export interface PoolOptions<R> {
  size: number;
  script: URL;
  /** The row of an app whose worker died or threw. */
  crashed: (job: FleetJob, why: string) => R;
  onStart?: (index: number) => void;
  onDone?: (index: number, row: R) => void;
  /** Replace a worker once its resident memory is above this after an app (default 512 MiB). */
  recycleRss?: number;
  /** Node and V8 flags for the workers, after this process's own (process.execArgv). */
  execArgv?: string[];
}

interface Slot {
  child: ChildProcess;
  stderr: string;
}

export async function runPool<R>(jobs: FleetJob[], o: PoolOptions<R>): Promise<R[]> {
  const results: R[] = new Array(jobs.length);
  let next = 0;
  const recycle = o.recycleRss ?? 512 * 1024 * 1024;
  const spawn = (): Slot => {
    const child = fork(fileURLToPath(o.script), [], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      execArgv: [...process.execArgv, ...(o.execArgv ?? [])],
    });
    const slot: Slot = { child, stderr: "" };
    // A failed spawn or IPC write also ends in "exit" (or a send callback), where the app's row is made.
    child.on("error", () => undefined);
    // Kept short: only the end says why a worker died.
    child.stderr?.on("data", (d: Buffer) => (slot.stderr = (slot.stderr + d.toString()).slice(-4000)));
    return slot;
  };
  const runOne = (slot: Slot, index: number): Promise<{ rss: number; alive: boolean }> =>
    new Promise((resolve) => {
      const { child } = slot;
      let settled = false;
      const finish = (row: R, rss: number, alive: boolean) => {
        if (settled) return;
        settled = true;
        child.off("message", onMessage);
        child.off("exit", onExit);
        results[index] = row;
        o.onDone?.(index, row);
        resolve({ rss, alive });
      };
      const onMessage = (m: FromWorker) => {
        if (m.id !== index) return;
        if (m.type === "done") finish(m.row as R, m.rss, true);
        else finish(o.crashed(jobs[index]!, m.error), m.rss, true);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        const last = slot.stderr.trim().split("\n").filter(Boolean).slice(-3).join(" | ");
        const why = `the worker process ${signal ? `was killed (${signal})` : `exited with code ${code}`}${last ? `: ${last}` : ""}`;
        finish(o.crashed(jobs[index]!, why), 0, false);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      o.onStart?.(index);
      child.send({ id: index, job: jobs[index] }, (e) => {
        if (!e) return;
        child.kill();
        onExit(null, null);
      });
    });
  const lane = async () => {
    let slot: Slot | undefined;
    try {
      while (next < jobs.length) {
        const index = next++;
        slot ??= spawn();
        const { rss, alive } = await runOne(slot, index);
        if (!alive || rss > recycle) {
          if (alive) slot.child.kill();
          slot = undefined;
        }
      }
    } finally {
      if (slot) slot.child.disconnect();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.size, jobs.length)) }, lane));
  return results;
}
