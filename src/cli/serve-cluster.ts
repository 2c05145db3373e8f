// `serve --workers N`: N server processes sharing one port through node:cluster (the primary
// accepts connections and hands them out). The primary serves nothing itself: it starts the
// workers, restarts one that dies after a growing delay (src/serve/restart-backoff.ts) and gives
// up with exit 1 when a slot crash-loops, passes SIGTERM / SIGINT on for a graceful stop, and
// exits once every worker has stopped: 0, or SHUTDOWN_CUT_SHORT_EXIT_CODE when a worker's stop cut
// requests off. A worker that dies before it listens stops them all (a bad Secret or app would
// otherwise restart forever).

import cluster, { type Worker } from "node:cluster";
import type { Io } from "./io.js";
import { DEFAULT_RESTART_POLICY, RestartBackoff, type RestartPolicy } from "../serve/restart-backoff.js";
import { databaseFrom, runServe, SHUTDOWN_CUT_SHORT_EXIT_CODE, type ServeOptions } from "./serve.js";
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

function runPrimary(count: number, io: Io, policy: RestartPolicy = DEFAULT_RESTART_POLICY): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    let failed = false;
    let cutShort = false;
    // Each worker's slot (its restart state) and when it started listening.
    const slotOf = new Map<Worker, number>();
    const listeningSince = new Map<Worker, number>();
    const backoffs = Array.from({ length: count }, () => new RestartBackoff(policy));
    const pendingRestarts = new Set<NodeJS.Timeout>();
    const note = (msg: string) => io.err(`hookshift serve (primary ${process.pid}): ${msg}\n`);
    const fork = (slot: number) => {
      const w = cluster.fork();
      slotOf.set(w, slot);
      w.once("listening", () => listeningSince.set(w, Date.now()));
    };
    const live = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const stopAll = (signal: NodeJS.Signals) => {
      for (const t of pendingRestarts) clearTimeout(t);
      pendingRestarts.clear();
      for (const w of live()) w.process.kill(signal);
    };
    const finishIfDone = () => {
      if (stopping && live().length === 0) resolve(failed ? 1 : cutShort ? SHUTDOWN_CUT_SHORT_EXIT_CODE : 0);
    };
    cluster.on("exit", (w, code, signal) => {
      const since = listeningSince.get(w);
      const slot = slotOf.get(w) ?? 0;
      slotOf.delete(w);
      listeningSince.delete(w);
      const how = signal ?? `exit ${code}`;
      if (!stopping && since === undefined) {
        // It never listened: the same error would repeat in every new process.
        failed = true;
        stopping = true;
        note(`worker ${w.process.pid} could not start (exit ${code ?? signal}); stopping the others`);
        stopAll("SIGTERM");
      } else if (!stopping) {
        const decision = backoffs[slot]!.died(Date.now() - since!);
        if (decision.restart) {
          note(`worker ${w.process.pid} died (${how}); starting another in ${(decision.delayMs / 1000).toFixed(2)} s`);
          const t = setTimeout(() => {
            pendingRestarts.delete(t);
            if (!stopping) fork(slot);
          }, decision.delayMs);
          pendingRestarts.add(t);
        } else {
          failed = true;
          stopping = true;
          note(
            `worker ${w.process.pid} died (${how}): ${decision.quickDeaths} workers in a row died less than ${policy.stableMs / 1000} s after they started serving. ` +
              `The workers are crash-looping, so serve gives up and stops the others (exit 1); look for the cause in the workers' logs above (memory, a native crash, a signal from outside).`,
          );
          stopAll("SIGTERM");
        }
      } else if (code === SHUTDOWN_CUT_SHORT_EXIT_CODE) cutShort = true;
      else if (code !== 0) failed = true;
      finishIfDone();
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
      finishIfDone();
    };
    process.on("SIGINT", () => onSignal("SIGINT"));
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    for (let i = 0; i < count; i++) fork(i);
    note(`started ${count} workers`);
  });
}
