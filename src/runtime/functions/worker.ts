// Worker-thread entry of the function runtime (started by pool.ts). Receives ToWorker messages,
// keeps the latest AppSpec, runs CallRequests one at a time with runInProcess, forwards database
// calls to the main thread as DbRequests and posts CallResults.

import { setAllowedHosts } from "./allow-hosts.js";
import { parentPort, workerData } from "node:worker_threads";
import { CoverageCollector } from "./coverage.js";
import type { AppSpec, CallRequest, CoverageRequest, DbReply, FromWorker, ToWorker } from "./protocol.js";
import { runInProcess, setVmTimeouts } from "./sandbox.js";
import { checkMemory, installMemoryGuard } from "./memory-guard.js";
import type { DbBackend } from "./context.js";
import { hardenWorker } from "./harden.js";

if (!parentPort) throw new Error("worker.ts must run as a worker thread (see pool.ts)");
const port = parentPort;
// The pool's watchdog bounds every call here (it terminates this worker), so skip the costly
// per-run vm timeouts; see sandbox.ts setVmTimeouts.
setVmTimeouts(false);
// The heap limit is the pool's resourceLimits; memory outside the heap (Buffers) is bounded here.
installMemoryGuard((workerData as { memoryLimitMb?: number } | undefined)?.memoryLimitMb);
// Defence in depth before any function code runs (harden.ts; the wall is the permission model, permissions.ts).
setAllowedHosts((workerData as { allowHosts?: string[] } | undefined)?.allowHosts);
hardenWorker({ allowNetwork: (workerData as { allowNetwork?: boolean } | undefined)?.allowNetwork === true });

const EMPTY_APP: AppSpec = {
  app: { id: "", clientAppId: "", name: "", projectId: "", deployment: { model: "", providerRegion: "" }, lastDeployed: "", hostingUri: "" },
  environment: { tag: "", values: {} },
  functions: {},
  values: {},
  services: {},
};

/**
 * Set when the pool asks for coverage (verify): see coverage.ts. One call runs first, so the
 * runtime's own code (EJSON, the context object, the response object) is compiled before coverage
 * starts: V8 instruments only what compiles after, and instrumented glue made every call slower.
 */
const coverage = (workerData as { coverage?: boolean } | undefined)?.coverage ? await warmedCollector() : undefined;

async function warmedCollector(): Promise<CoverageCollector> {
  // What a typical webhook touches: the response object, the body, EJSON and BSON, a collection's
  // reads and writes (the stub answers null; a failure is caught), a timer the call waits for.
  const warm = `exports = async function (p, r) {
    r.setStatusCode(201); r.setHeader("A", "b"); r.addHeader("A", "c"); r.setBody("x");
    const out = { a: [1, "b", p.query, p.headers], body: JSON.parse(p.body.text()), e: EJSON.stringify(EJSON.parse('{"n":{"$numberInt":"1"}}')) };
    out.id = new BSON.ObjectId("64a000000000000000000001").toHexString();
    try {
      const c = context.services.get("mongodb-atlas").db("d").collection("c");
      out.found = await c.findOne({ _id: new BSON.ObjectId(out.id) });
      await c.insertOne({ a: 1 });
      await c.updateOne({ a: 1 }, { $set: { b: 2 } });
      out.list = await c.find({ a: 1 }).toArray();
    } catch (e) { out.error = String(e); }
    try { out.v = context.values.get("x"); } catch (e) { out.error = String(e); }
    await new Promise((resolve) => setTimeout(resolve, 0));
    return out;
  };`;
  // And the way out of a function that throws (its error and line go back with the result), and
  // of one whose outbound request is refused (recorded as not sent).
  const failing = `exports = async function (p) {
    try { await context.http.get({ url: "http://127.0.0.1:9/" }); } catch (e) { /* refused: the network is off */ }
    if (p.query.q) throw new Error("warm-up");
    return null;
  };`;
  const user = { id: "warm", type: "system" as const, data: {}, custom_data: {}, identities: [] };
  const args = '[{"query":{"q":"1"},"headers":{"H":["v"]},"body":{"$binary":{"base64":"e30=","subType":"00"}}}]';
  const call = (source: string, withResponse: boolean) =>
    runInProcess(
      EMPTY_APP,
      { source, sourceFile: "hookshift:warm", args, withResponse, user, runningAsSystem: true, timeLimitMs: 1000, allowNetwork: false },
      () => Promise.resolve("null"),
    );
  for (let i = 0; i < 3; i++) {
    await call(warm, true);
    await call(failing, false);
  }
  return new CoverageCollector();
}

let app: AppSpec = EMPTY_APP;
let nextRpc = 1;
const pendingDb = new Map<number, { resolve: (value: string) => void; reject: (err: Error) => void }>();
// Calls and coverage requests in arrival order: a take answers for every call before it.
const queue: (CallRequest | CoverageRequest)[] = [];
let running = false;

function post(msg: FromWorker): void {
  port.postMessage(msg);
}

const db: DbBackend = (req) =>
  new Promise<string>((resolve, reject) => {
    const rpc = nextRpc++;
    pendingDb.set(rpc, { resolve, reject });
    post({ kind: "db", rpc, ...req });
  });

function onDbReply(reply: DbReply): void {
  const pending = pendingDb.get(reply.rpc);
  if (!pending) return;
  pendingDb.delete(reply.rpc);
  if (reply.ok) pending.resolve(reply.value);
  else pending.reject(new Error(reply.message));
}

async function pump(): Promise<void> {
  if (running) return;
  running = true;
  try {
    if (coverage) await coverage.ready;
    for (let req = queue.shift(); req; req = queue.shift()) {
      if (req.kind === "coverage") {
        post({ kind: "coverage", id: req.id, scripts: coverage ? await coverage.take(req.url) : [] });
        continue;
      }
      const result = await runInProcess(app, req, db);
      checkMemory(); // exits when the call left the worker over its memory limit
      post({ ...result, id: req.id });
    }
  } finally {
    running = false;
  }
}

port.on("message", (msg: ToWorker) => {
  switch (msg.kind) {
    case "app":
      app = msg.app;
      break;
    case "db-result":
      onDbReply(msg);
      break;
    case "call":
    case "coverage":
      queue.push(msg);
      void pump();
      break;
    case "drop": {
      // A call sent ahead that has not started yet leaves the queue (pool.ts); a started one runs on.
      const at = queue.findIndex((q) => q.kind === "call" && q.id === msg.id);
      if (at >= 0) {
        queue.splice(at, 1);
        post({
          kind: "result",
          id: msg.id,
          ok: false,
          error: { message: "dropped before it started", code: "FunctionExecutionError" },
          response: { methodsCalled: false, headers: {}, bodySet: false },
          logs: [],
          outbound: [],
          dropped: true,
        });
      }
      break;
    }
  }
});

// Function code may leave a rejected promise unhandled (a fire-and-forget call): the sandbox judges
// the call's own work itself (CallState.unhandledRejection, docs/parity.md), and the worker must
// not die of any of them.
process.on("unhandledRejection", () => undefined);
