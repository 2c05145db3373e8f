// The function runtime as the shim uses it: App Services functions run in worker threads
// (worker.ts) with a memory limit (`resourceLimits` for the heap, memory-guard.ts for Buffers), the vm timeout for synchronous loops, and a
// watchdog here that terminates a worker which does not answer within `timeLimitMs + margin`
// (a microtask loop, a synchronous loop after an `await`, a hang in native code). A terminated
// or crashed worker answers its pending call (ExecutionTimeLimitExceeded resp.
// FunctionExecutionError) and is replaced by a fresh one that receives the latest AppSpec.
// A call whose caller went away (CallOptions.signal) leaves the queue, or its worker is replaced
// the same way. Logs and outbound calls of a call that ended that way are lost with the worker.
//
// When every worker is busy and calls wait, each worker is also sent the next call ahead (its
// `next`), so it starts that call as soon as it posts a result instead of idling while the main
// thread, busy with HTTP, gets round to the result and sends the next one (bench/README.md, serve).
// A call sent ahead has not started: a worker that dies or is replaced hands it back to the queue;
// a cancelled one is dropped by the worker (or, if it had started, runs as a call in progress); one
// stuck behind a long call is recalled after NEXT_RECALL_MS when another worker is free.
//
// Where the worker comes from: `worker.js` next to this file, or its compiled copy in dist/ when
// this module runs from its TypeScript source (src/util/compiled-script.ts says why). The
// worker-thread tests import this class from dist/ to exercise exactly what ships.

import os from "node:os";
import { Worker } from "node:worker_threads";
import type { AppSpec, CallRequest, CallResult, DbReply, DbRequest, FromWorker, ResponseState, ScriptCoverage } from "./protocol.js";
import type { DbBackend } from "./context.js";
import { compiledScript } from "../../util/compiled-script.js";
import { workerEnv, workerPermissionArgs } from "../permissions.js";
import { MEMORY_EXIT_CODE } from "./memory-guard.js";
import { DEFAULT_LIMITS } from "../limits.js";

export interface FunctionRuntimeOptions {
  /** Answers the workers' database calls (see the DbRequest contract in context.ts; db-bridge.ts for a Store). */
  db: DbBackend;
  /**
   * Memory limit of each worker, the JS heap (resourceLimits) plus Buffers and other ArrayBuffer
   * memory (memory-guard.ts) (default 350, App Services' limit,
   * https://www.mongodb.com/docs/atlas/app-services/functions/#function-constraints).
   */
  memoryLimitMb?: number;
  /** Number of worker threads (default 1; the shim uses defaultWorkerCount()); each runs one call at a time. */
  workers?: number;
  /** Extra time past `timeLimitMs` before the watchdog terminates a worker (default 1000 ms). */
  watchdogMarginMs?: number;
  /** Collect V8's precise coverage of function scripts in every worker (see coverage.ts and takeCoverage). */
  coverage?: boolean;
  /**
   * Run the workers under Node's permission model (permissions.ts): file reads only below these
   * paths, no file writes, no child processes, no further workers, no native addons. Node 20's
   * permission model also closes the inspector, so it cannot go with `coverage` (which wins).
   */
  permissions?: { read: string[] };
  /** The calls may use the network (`--allow-network`): the worker's hardening lets sockets through (harden.ts). */
  allowNetwork?: boolean;
  /** With allowNetwork: only these hosts (serve --allow-host; allow-hosts.ts). */
  allowHosts?: string[];
}

/**
 * With precise coverage on, V8 keeps the feedback vector of every closure alive for the profiler,
 * and each call makes new closures (a fresh vm context per call), so a worker's heap and the time
 * of each coverage take grow with the calls it has run. A worker is replaced after this many calls,
 * right after a take (nothing of its coverage is lost then). Measured in bench/README.md.
 */
const COVERAGE_RECYCLE_CALLS = 1000;

/**
 * The replacement starts this many calls before it is due: it boots and warms up (worker.ts) beside
 * the calls of the worker it replaces, on another core, instead of in front of the next call.
 */
const COVERAGE_STANDBY_LEAD = 200;

/** A call sent ahead to a busy worker is recalled when it waited this long and another worker is free. */
const NEXT_RECALL_MS = 20;

interface Job {
  req: CallRequest;
  resolve: (result: CallResult) => void;
  /** Answered already (cancelled while sent ahead): its worker's answer is only awaited, not passed on. */
  answered?: boolean;
  /** Asked back from the worker it was sent ahead to (see #recall). */
  recalled?: boolean;
  /** When it was sent ahead (performance.now()). */
  sentAt?: number;
}

/** What a call's caller may add: `signal` cancels the call (the HTTP client went away). */
export interface CallOptions {
  signal?: AbortSignal;
}

/** The answer of a cancelled call (nobody reads it but the request log). */
export const CANCELLED_MESSAGE = "the call was cancelled: the client closed the connection";

/** One worker per core (os.availableParallelism(), at least 1): the shim's default `--workers`. */
export function defaultWorkerCount(): number {
  return Math.max(1, os.availableParallelism());
}

interface Slot {
  worker: Worker | undefined;
  online: boolean;
  job: Job | undefined;
  /** Sent ahead: the call this worker runs after `job` (see the header comment). */
  next: Job | undefined;
  /** With coverage: the worker that takes over at the next recycle, started ahead (COVERAGE_STANDBY_LEAD). */
  standby?: { worker: Worker; online: boolean };
  watchdog: NodeJS.Timeout | undefined;
  /** Worker exits since the last result; spawning backs off so a broken worker cannot spin. */
  crashes: number;
  /** Calls this worker has run (coverage mode recycles a worker after COVERAGE_RECYCLE_CALLS). */
  calls: number;
  respawn: NodeJS.Timeout | undefined;
}

/** Resolves the compiled worker script (see the header comment). */
export function workerScriptUrl(): URL {
  return compiledScript(import.meta.url, "./worker.js", "dist/src/runtime/functions/worker.js");
}

function emptyResponse(): ResponseState {
  return { methodsCalled: false, headers: {}, bodySet: false };
}

function failure(id: number, code: "FunctionExecutionError" | "ExecutionTimeLimitExceeded", message: string): CallResult {
  return { kind: "result", id, ok: false, error: { message, code }, response: emptyResponse(), logs: [], outbound: [] };
}

export class FunctionRuntime {
  readonly #db: DbBackend;
  readonly #memoryLimitMb: number;
  readonly #marginMs: number;
  readonly #url: URL;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  readonly #coverage: boolean;
  readonly #execArgv: string[];
  readonly #allowNetwork: boolean;
  readonly #allowHosts: string[];
  readonly #takes = new Map<number, { worker: Worker; resolve: (scripts: ScriptCoverage[]) => void }>();
  #app: AppSpec | undefined;
  #nextId = 1;
  #closed = false;
  #recallTimer: NodeJS.Timeout | undefined;

  constructor(opts: FunctionRuntimeOptions) {
    this.#db = opts.db;
    this.#memoryLimitMb = opts.memoryLimitMb ?? DEFAULT_LIMITS.memoryLimitMb;
    this.#marginMs = opts.watchdogMarginMs ?? 1000;
    this.#url = workerScriptUrl();
    this.#coverage = opts.coverage ?? false;
    this.#execArgv = opts.permissions && !this.#coverage ? workerPermissionArgs(opts.permissions.read) : [];
    this.#allowNetwork = opts.allowNetwork ?? false;
    this.#allowHosts = opts.allowHosts ?? [];
    const count = Math.max(1, Math.floor(opts.workers ?? 1));
    for (let i = 0; i < count; i++) {
      const slot: Slot = { worker: undefined, online: false, job: undefined, next: undefined, watchdog: undefined, crashes: 0, respawn: undefined, calls: 0 };
      this.#slots.push(slot);
      this.#spawn(slot);
    }
  }

  /** Sets the app every later call runs against (sent to every worker, and to replacements). */
  setApp(app: AppSpec): void {
    this.#app = app;
    for (const slot of this.#slots) for (const w of [slot.worker, slot.standby?.worker]) w?.postMessage({ kind: "app", app });
  }

  /**
   * Runs one call; never rejects (failures are `ok: false` results). When `signal` aborts, a call
   * still queued leaves the queue, and a running one's worker is terminated and replaced (as the
   * watchdog does); either answers CANCELLED_MESSAGE.
   */
  call(req: Omit<CallRequest, "kind" | "id">, opts: CallOptions = {}): Promise<CallResult> {
    const id = this.#nextId++;
    if (this.#closed) return Promise.resolve(failure(id, "FunctionExecutionError", "the function runtime is closed"));
    const { signal } = opts;
    if (signal?.aborted) return Promise.resolve(failure(id, "FunctionExecutionError", CANCELLED_MESSAGE));
    return new Promise<CallResult>((resolve) => {
      const job: Job = { req: { ...req, kind: "call", id }, resolve };
      if (signal) {
        const onAbort = () => this.#cancel(job);
        signal.addEventListener("abort", onAbort, { once: true });
        job.resolve = (result) => {
          signal.removeEventListener("abort", onAbort);
          resolve(result);
        };
      }
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  #cancel(job: Job): void {
    const cancelled = failure(job.req.id, "FunctionExecutionError", CANCELLED_MESSAGE);
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      job.resolve(cancelled);
      return;
    }
    const ahead = this.#slots.find((s) => s.next === job);
    if (ahead) {
      // Not started, or just started: the worker drops it if it is still waiting (and answers);
      // otherwise it runs, and is awaited as the worker's current call.
      job.resolve(cancelled);
      job.answered = true;
      ahead.worker?.postMessage({ kind: "drop", id: job.req.id });
      return;
    }
    const slot = this.#slots.find((s) => s.job === job);
    if (slot) this.#abandon(slot, cancelled);
  }

  /**
   * What the function scripts (or the one named `url`) ran since the previous take, from every
   * worker (empty without the `coverage` option); the counts of every other script are reset too. A worker answers after the calls it already has; a worker that was
   * terminated (time limit, crash) took the coverage of its calls with it.
   */
  async takeCoverage(url?: string): Promise<ScriptCoverage[]> {
    if (!this.#coverage || this.#closed) return [];
    const takes = this.#slots.map((slot) => {
      const worker = slot.worker;
      if (!worker) return Promise.resolve([] as ScriptCoverage[]);
      const id = this.#nextId++;
      return new Promise<ScriptCoverage[]>((resolve) => {
        this.#takes.set(id, { worker, resolve });
        worker.postMessage({ kind: "coverage", id, ...(url !== undefined ? { url } : {}) });
      });
    });
    return (await Promise.all(takes)).flat();
  }

  #answerTake(id: number, scripts: ScriptCoverage[]): void {
    const take = this.#takes.get(id);
    this.#takes.delete(id);
    take?.resolve(scripts);
  }

  /** Worker threads, those running a call, and calls waiting for one (serve's pool-saturation metrics). */
  stats(): { workers: number; busy: number; queued: number } {
    const ahead = this.#slots.filter((s) => s.next !== undefined && !s.next.answered).length;
    return { workers: this.#slots.length, busy: this.#slots.filter((s) => s.job !== undefined).length, queued: this.#queue.length + ahead };
  }

  /** Terminates the workers; pending and queued calls are answered with an error. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.resolve(failure(job.req.id, "FunctionExecutionError", "the function runtime was closed"));
    for (const id of [...this.#takes.keys()]) this.#answerTake(id, []);
    if (this.#recallTimer) clearTimeout(this.#recallTimer);
    const terminations: Promise<unknown>[] = [];
    for (const slot of this.#slots) {
      this.#clearWatchdog(slot);
      if (slot.respawn) clearTimeout(slot.respawn);
      slot.respawn = undefined;
      for (const job of [slot.job, slot.next]) if (job) job.resolve(failure(job.req.id, "FunctionExecutionError", "the function runtime was closed"));
      slot.job = undefined;
      slot.next = undefined;
      if (slot.worker) terminations.push(slot.worker.terminate());
      if (slot.standby) terminations.push(slot.standby.worker.terminate());
      slot.standby = undefined;
      slot.worker = undefined;
    }
    await Promise.all(terminations);
  }

  /** Starts the slot's worker, or (`standby`) the one that replaces it at the next recycle. */
  #spawn(slot: Slot, standby = false): void {
    const worker = new Worker(this.#url, {
      resourceLimits: { maxOldGenerationSizeMb: this.#memoryLimitMb },
      workerData: { coverage: this.#coverage, memoryLimitMb: this.#memoryLimitMb, allowNetwork: this.#allowNetwork, allowHosts: this.#allowHosts },
      // Not the parent's flags (test runners and loaders add their own); only the permission
      // model's. A worker started without them runs outside it, whatever the parent runs under.
      execArgv: this.#execArgv,
      // Not the user's environment either (credentials live there): see permissions.ts workerEnv.
      env: workerEnv(),
    });
    if (standby) slot.standby = { worker, online: false };
    else {
      slot.worker = worker;
      slot.online = false;
      slot.calls = 0;
    }
    let lastError: (Error & { code?: string }) | undefined;
    worker.on("online", () => {
      if (slot.standby?.worker === worker) slot.standby.online = true;
      if (slot.worker !== worker) return;
      slot.online = true;
      if (slot.job) this.#startWatchdog(slot);
    });
    worker.on("message", (msg: FromWorker) => {
      if (slot.worker !== worker) return;
      if (msg.kind === "db") this.#answerDb(worker, slot, msg);
      else if (msg.kind === "coverage") {
        this.#answerTake(msg.id, msg.scripts);
        if (slot.calls >= COVERAGE_RECYCLE_CALLS && !slot.job) this.#recycle(slot, worker);
      } else this.#finish(slot, msg);
    });
    worker.on("error", (err: Error & { code?: string }) => {
      lastError = err;
    });
    worker.on("exit", (code) => {
      for (const [id, take] of this.#takes) if (take.worker === worker) this.#answerTake(id, []);
      if (slot.standby?.worker === worker) slot.standby = undefined; // the recycle starts a fresh one
      if (slot.worker !== worker) return; // replaced already (watchdog), a standby, or closed
      slot.worker = undefined;
      this.#clearWatchdog(slot);
      this.#handBack(slot);
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        const message =
          lastError?.code === "ERR_WORKER_OUT_OF_MEMORY" || code === MEMORY_EXIT_CODE
            ? `function exceeded the memory limit (${this.#memoryLimitMb} MB)`
            : lastError
              ? `function runtime crashed: ${lastError.message}`
              : `function runtime worker exited unexpectedly (exit code ${code})`;
        job.resolve(failure(job.req.id, "FunctionExecutionError", message));
      }
      if (this.#closed) return;
      slot.crashes++;
      const delay = slot.crashes <= 1 ? 0 : Math.min(5000, 50 * 2 ** slot.crashes);
      slot.respawn = setTimeout(() => {
        slot.respawn = undefined;
        if (this.#closed) return;
        this.#spawn(slot);
        this.#dispatch();
      }, delay);
    });
    if (this.#app) worker.postMessage({ kind: "app", app: this.#app });
  }

  /** The call sent ahead to a slot whose worker is gone goes back to the head of the queue (it never started). */
  #handBack(slot: Slot): void {
    const next = slot.next;
    slot.next = undefined;
    if (next && !next.answered) {
      next.recalled = false;
      this.#queue.unshift(next);
    }
  }

  /** Replaces an idle worker with a fresh one (same app). */
  #recycle(slot: Slot, worker: Worker): void {
    for (const [id, take] of this.#takes) if (take.worker === worker) this.#answerTake(id, []);
    slot.worker = undefined;
    void worker.terminate();
    const standby = slot.standby;
    slot.standby = undefined;
    if (!standby) return this.#spawn(slot);
    slot.worker = standby.worker;
    slot.online = standby.online;
    slot.calls = 0;
  }

  #dispatch(): void {
    if (this.#closed) return;
    let idle = false;
    for (const slot of this.#slots) {
      if (slot.job || !slot.worker) continue;
      const job = this.#queue.shift();
      if (!job) {
        idle = true;
        break;
      }
      slot.job = job;
      slot.calls++;
      slot.worker.postMessage(job.req);
      if (slot.online) this.#startWatchdog(slot);
      if (this.#coverage && !slot.standby && slot.calls >= COVERAGE_RECYCLE_CALLS - COVERAGE_STANDBY_LEAD) this.#spawn(slot, true);
    }
    if (idle) {
      this.#recall();
      return;
    }
    // Every worker is busy: send the waiting calls ahead, one a worker (not with coverage, whose
    // takes and recycling count on a worker's calls being known).
    if (this.#coverage) return;
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (!slot.job || slot.next || !slot.worker) continue;
      const job = this.#queue.shift()!;
      job.sentAt = performance.now();
      slot.next = job;
      slot.calls++;
      slot.worker.postMessage(job.req);
    }
  }

  /** A worker is free and nothing waits: ask back the calls sent ahead that are stuck behind a long call. */
  #recall(): void {
    const now = performance.now();
    for (const slot of this.#slots) {
      const next = slot.next;
      if (!next || next.answered || next.recalled || now - (next.sentAt ?? now) < NEXT_RECALL_MS) continue;
      next.recalled = true;
      slot.worker?.postMessage({ kind: "drop", id: next.req.id });
    }
    if (this.#slots.some((s) => s.next && !s.next.answered && !s.next.recalled)) this.#scheduleRecall();
  }

  /** Looks again once a call sent ahead has waited NEXT_RECALL_MS (a free worker may be waiting for it). */
  #scheduleRecall(): void {
    if (this.#recallTimer) return;
    this.#recallTimer = setTimeout(() => {
      this.#recallTimer = undefined;
      if (!this.#closed) this.#dispatch();
    }, NEXT_RECALL_MS);
    this.#recallTimer.unref();
  }

  #startWatchdog(slot: Slot): void {
    this.#clearWatchdog(slot);
    const job = slot.job;
    if (!job) return;
    slot.watchdog = setTimeout(() => {
      if (slot.job !== job) return;
      this.#abandon(slot, failure(job.req.id, "ExecutionTimeLimitExceeded", "execution time limit exceeded"));
    }, job.req.timeLimitMs + this.#marginMs);
  }

  /** Answers the slot's running call with `result`, terminates its worker and starts a fresh one. */
  #abandon(slot: Slot, result: CallResult): void {
    const job = slot.job;
    if (!job) return;
    slot.job = undefined;
    this.#clearWatchdog(slot);
    job.resolve(result);
    const stuck = slot.worker;
    slot.worker = undefined;
    if (stuck) void stuck.terminate();
    this.#handBack(slot);
    if (!this.#closed) {
      this.#spawn(slot);
      this.#dispatch();
    }
  }

  #clearWatchdog(slot: Slot): void {
    if (slot.watchdog) clearTimeout(slot.watchdog);
    slot.watchdog = undefined;
  }

  #finish(slot: Slot, result: CallResult): void {
    const next = slot.next;
    if (!result.ok && result.dropped) {
      // The worker dropped a call sent ahead (cancelled or recalled) before starting it; it posts
      // that before the result of the call it was running, so the call is still the slot's `next`.
      if (next?.req.id !== result.id) return;
      slot.next = undefined;
      if (!next.answered) {
        next.recalled = false;
        this.#queue.unshift(next);
      }
      this.#dispatch();
      return;
    }
    const job = slot.job;
    if (!job || job.req.id !== result.id) return;
    this.#clearWatchdog(slot);
    slot.job = undefined;
    slot.crashes = 0;
    if (!job.answered) job.resolve(result);
    if (next) {
      // The worker went on to the call sent ahead as it posted this result.
      slot.job = next;
      slot.next = undefined;
      if (slot.online) this.#startWatchdog(slot);
    }
    this.#dispatch();
  }

  #answerDb(worker: Worker, slot: Slot, req: DbRequest): void {
    const { kind: _kind, rpc, ...call } = req;
    void _kind;
    const answer = (reply: DbReply) => {
      if (slot.worker === worker) worker.postMessage(reply);
    };
    const fail = (err: unknown) => answer({ kind: "db-result", rpc, ok: false, message: err instanceof Error ? err.message : String(err) });
    // One promise step to the reply instead of three (bench/README.md, serve, 2026-12-07); a backend
    // that throws before it returns a promise answers the function with that error.
    let pending: Promise<string>;
    try {
      pending = this.#db(call);
    } catch (err) {
      fail(err);
      return;
    }
    pending.then((value) => answer({ kind: "db-result", rpc, ok: true, value }), fail);
  }
}
