// `serve --workers N`: N server processes sharing one port through node:cluster (the primary
// accepts connections and hands them out). The primary serves nothing itself: it starts the
// workers, starts a new one when one dies, passes SIGTERM / SIGINT on for a graceful stop, and
// exits 0 once every worker has stopped. A worker that dies before it listens stops them all
// (a bad Secret or app would otherwise restart forever).

import cluster, { type Worker } from "node:cluster";
import type { Io } from "./io.js";
import { databaseFrom, runServe, type ServeOptions } from "./serve.js";
import { printUsageError } from "./usage.js";

export async function runServeCommand(opts: ServeOptions & { workers: number }, io: Io): Promise<number> {
  if (cluster.isWorker) {
    const code = await runServe(opts, io);
    // The channel to the primary keeps a worker alive: close it so the process ends with `code`.
    process.exitCode = code;
    cluster.worker?.disconnect();
    return code;
  }
  if (opts.workers <= 1) return runServe(opts, io);
  if (opts.dump) {
    printUsageError(io, "--dump cannot go with --workers above 1: each process has its own embedded database", { command: "serve" });
    return 1;
  }
  const db = databaseFrom(opts, process.env);
  if ("error" in db) {
    printUsageError(io, db.error, { command: "serve" });
    return 1;
  }
  return runPrimary(opts.workers, io);
}

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const;

function runPrimary(count: number, io: Io): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    let failed = false;
    const listening = new WeakSet<Worker>();
    const note = (msg: string) => io.err(`hookshift serve (primary ${process.pid}): ${msg}\n`);
    const fork = () => {
      const w = cluster.fork();
      w.once("listening", () => listening.add(w));
    };
    const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const stopAll = (signal: NodeJS.Signals) => {
      for (const w of live()) w.process.kill(signal);
    };
    cluster.on("exit", (w, code, signal) => {
      if (!stopping && !listening.has(w)) {
        // It never listened: the same error would repeat in every new process.
        failed = true;
        stopping = true;
        note(`worker ${w.process.pid} could not start (exit ${code ?? signal}); stopping the others`);
        stopAll("SIGTERM");
      } else if (!stopping) {
        note(`worker ${w.process.pid} died (${signal ?? `exit ${code}`}); starting another`);
        fork();
      } else if (code !== 0) failed = true;
      if (stopping && live().length === 0) resolve(failed ? 1 : 0);
    });
    const onSignal = (signal: "SIGINT" | "SIGTERM") => {
      if (stopping) {
        // A second signal: no more waiting.
        stopAll("SIGKILL");
        process.exit(128 + SIGNAL_NUMBERS[signal]);
      }
      stopping = true;
      note(`${signal}: stopping ${live().length} worker(s) gracefully`);
      stopAll("SIGTERM");
      if (live().length === 0) resolve(failed ? 1 : 0);
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    for (let i = 0; i < count; i++) fork();
    note(`started ${count} workers`);
  });
}
