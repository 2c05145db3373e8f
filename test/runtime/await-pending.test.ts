// Work a function started and did not await (database calls, context.http, timers): App Services
// answers once it has settled (docs/parity.md, "Function runtime"). In-process (runInProcess and
// the webhook / endpoint pipelines over an in-process runner), so the sandbox under test is this
// source tree's.

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readApp } from "../../src/app/read/index.js";
import { buildServedApp } from "../../src/runtime/app-spec.js";
import { storeBackend } from "../../src/runtime/functions/db-bridge.js";
import type { AppSpec, CallResult } from "../../src/runtime/functions/protocol.js";
import { runInProcess, type RunRequest } from "../../src/runtime/functions/sandbox.js";
import type { ShimRequest } from "../../src/runtime/http.js";
import type { PipelineDeps } from "../../src/runtime/pipeline.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { dispatch } from "../../src/runtime/server.js";
import { openSession } from "../../src/runtime/session.js";
import { openStore } from "../../src/runtime/store/index.js";
import type { Store } from "../../src/runtime/store/types.js";
import { SYSTEM_USER, UserStore } from "../../src/runtime/users.js";
import { tempDir } from "../helpers.js";

const SPEC: AppSpec = {
  app: {
    id: "a",
    clientAppId: "a-abcde",
    name: "a",
    projectId: "p",
    deployment: { model: "GLOBAL", providerRegion: "aws-us-east-1" },
    lastDeployed: "",
    hostingUri: "",
  },
  environment: { tag: "", values: {} },
  functions: {},
  values: {},
  services: { "mongodb-atlas": "mongodb-atlas" },
};

const COLL = "context.services.get('mongodb-atlas').db('d').collection('c')";

async function run(source: string, over: Partial<RunRequest> = {}, store?: Store): Promise<{ r: CallResult; store: Store }> {
  const s = store ?? (await openStore({}));
  const r = await runInProcess(
    SPEC,
    { source, args: "[{}]", withResponse: true, user: SYSTEM_USER, runningAsSystem: true, timeLimitMs: 2000, allowNetwork: false, ...over },
    storeBackend(() => s),
  );
  return { r, store: s };
}

describe("runInProcess waits for the work a function did not await", () => {
  it("an unawaited insertOne(...).then(() => response.setStatusCode(201)) answers 201, the document written first", async () => {
    const { r, store } = await run(`exports = function (payload, response) {
      ${COLL}.insertOne({ a: 1 }).then(() => response.setStatusCode(201));
    };`);
    expect(r.ok).toBe(true);
    expect(r.response.statusCode).toBe(201);
    // Read right after the answer, before any other turn of the event loop.
    expect((await store.collection("d", "c").find({}, {})).map((d) => Number(d.a))).toEqual([1]);
  });

  it("an unawaited async batch loop (the public transcript's pattern) is written whole before the answer", async () => {
    const { r, store } = await run(`
      const work = async function (n) {
        const c = ${COLL};
        for (let i = 0; i < n; i += 10) {
          const batch = [];
          for (let j = i; j < i + 10 && j < n; j++) batch.push(c.insertOne({ a: j }));
          await Promise.all(batch);
        }
      };
      exports = function (payload, response) { work(50); return { Processed: 50 }; };`);
    expect(r).toMatchObject({ ok: true, value: '{"Processed":{"$numberInt":"50"}}' });
    expect(await store.collection("d", "c").countDocuments({})).toBe(50);
  });

  it("timers the call set run before the answer; their response calls apply", async () => {
    const { r } = await run(`exports = function (payload, response) {
      setTimeout(() => response.setHeader("X-Late", "yes"), 20);
      setImmediate(() => response.addHeader("X-Soon", "1"));
      return "x";
    };`);
    expect(r.ok && r.response.headers).toEqual({ "X-Late": ["yes"], "X-Soon": ["1"] });
  });

  it("an error in that work that nothing handles replaces the answer with FunctionExecutionError", async () => {
    const { r } = await run(`exports = function () {
      ${COLL}.insertOne({ a: 1 }).then(() => { throw new Error("late boom"); });
      return "ok";
    };`);
    expect(r).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: "late boom" } });
    const timer = await run(`exports = function () { setTimeout(() => { throw new Error("timer boom"); }, 5); return "ok"; };`);
    expect(timer.r).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: "timer boom" } });
    // A timer already due when the handler returns runs before the wait starts: still the answer.
    const due = await run(
      `exports = function () { setTimeout(() => { throw new Error("due boom"); }, 0); const t = Date.now(); while (Date.now() - t < 5) {} return "ok"; };`,
    );
    expect(due.r).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: "due boom" } });
  });

  it("a rejection the function handles, or awaits later, does not fail the call", async () => {
    const { r } = await run(`exports = async function () {
      const c = ${COLL};
      await c.insertOne({ _id: 1 });
      c.insertOne({ _id: 1 }).catch((e) => console.log("caught"));
      const later = c.insertOne({ _id: 1 });
      await new Promise((resolve) => setTimeout(resolve, 10));
      try { await later; } catch (e) { return "handled"; }
    };`);
    expect(r).toMatchObject({ ok: true, value: '"handled"' });
    expect(r.logs).toEqual(["caught"]);
  });

  it("a function that throws: its pending write still lands before the error is answered", async () => {
    const { r, store } = await run(`exports = function () { ${COLL}.insertOne({ a: 1 }); throw new Error("thrown"); };`);
    expect(r).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: "thrown" } });
    expect(await store.collection("d", "c").countDocuments({})).toBe(1);
  });

  it("work still pending at the time limit ends the call with ExecutionTimeLimitExceeded", async () => {
    const { r } = await run("exports = function () { setTimeout(() => {}, 10000); return 1; };", { timeLimitMs: 200 });
    expect(r).toMatchObject({ ok: false, error: { code: "ExecutionTimeLimitExceeded" } });
    const interval = await run("exports = function () { setInterval(() => {}, 5); return 1; };", { timeLimitMs: 200 });
    expect(interval.r).toMatchObject({ ok: false, error: { code: "ExecutionTimeLimitExceeded" } });
  });

  it("awaitPending: false answers when the handler returns (--no-await-pending)", async () => {
    const { r } = await run(
      `exports = function (payload, response) {
        ${COLL}.insertOne({ a: 1 }).then(() => response.setStatusCode(201));
        setTimeout(() => response.setHeader("X-Late", "yes"), 5);
      };`,
      { awaitPending: false },
    );
    expect(r.ok).toBe(true);
    expect(r.response).toMatchObject({ methodsCalled: false, headers: {} });
  });
});

// ---------------------------------------------------------------------------------------------
// webhook and endpoint

const APP_ID = "pending-abcde";
const SOURCE = `exports = function (arg, response) {
  context.services.get("mongodb-atlas").db("d").collection("c").insertOne({ a: 1 }).then(() => response.setStatusCode(201));
  return "returned";
};
`;

async function writeApp(): Promise<string> {
  const root = path.join(await tempDir(), "app");
  const w = async (rel: string, data: unknown) => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), typeof data === "string" ? data : JSON.stringify(data, null, 4));
  };
  await w("realm_config.json", {
    app_id: APP_ID,
    config_version: 20210101,
    name: "pending",
    location: "US-VA",
    deployment_model: "GLOBAL",
    environment: "",
    allowed_request_origins: [],
  });
  await w("http_endpoints/api/config.json", { name: "api", type: "http", config: {}, version: 1 });
  await w("http_endpoints/api/incoming_webhooks/later/config.json", {
    name: "later",
    run_as_authed_user: false,
    run_as_user_id: "",
    run_as_user_id_script_source: "",
    can_evaluate: {},
    options: { httpMethod: "POST", validationMethod: "NO_VALIDATION" },
    respond_result: true,
    disable_arg_logs: true,
    fetch_custom_user_data: false,
    create_user_on_auth: false,
  });
  await w("http_endpoints/api/incoming_webhooks/later/source.js", SOURCE);
  await w("http_endpoints/config.json", [
    {
      route: "/api/later",
      http_method: "POST",
      function_name: "api_later",
      validation_method: "NO_VALIDATION",
      respond_result: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
      disabled: false,
      return_type: "EJSON",
    },
  ]);
  await w("functions/config.json", [{ name: "api_later", private: false, run_as_system: true }]);
  await w("functions/api_later.js", SOURCE);
  return root;
}

async function deps(root: string, awaitPending: boolean): Promise<PipelineDeps> {
  const served = await buildServedApp(await readApp(root));
  const store = await openStore({});
  const sem = defaultSemantics();
  sem.timeLimitMs = 2000;
  sem.awaitPending = awaitPending;
  const backend = storeBackend(() => store);
  return { served, runner: { call: (req) => runInProcess(served.spec, req, backend) }, users: new UserStore({}), store, sem, allowNetwork: false };
}

function post(p: string): ShimRequest {
  return { method: "POST", path: p, rawQuery: "", rawHeaders: ["Content-Type", "application/json"], body: Buffer.from("{}"), remoteAddress: "127.0.0.1" };
}

describe("webhook and endpoint answer after the pending work", () => {
  const hook = `/api/client/v2.0/app/${APP_ID}/service/api/incoming_webhook/later`;
  const ep = `/app/${APP_ID}/endpoint/api/later`;

  it("the webhook answers the status set in the .then (201), the document written before the answer", async () => {
    const d = await deps(await writeApp(), true);
    const r = await dispatch(post(hook), d);
    expect(r.status).toBe(201);
    expect(r.body.length).toBe(0);
    expect(await d.store.collection("d", "c").countDocuments({})).toBe(1);
  });

  it("the endpoint answers 201 with the return value (setStatusCode alone keeps it), the document written", async () => {
    const d = await deps(await writeApp(), true);
    const r = await dispatch(post(ep), d);
    expect(r.status).toBe(201);
    expect(r.body.toString("utf8")).toBe('"returned"');
    expect(await d.store.collection("d", "c").countDocuments({})).toBe(1);
  });

  it("through the worker pool (the shim's runtime) too: 201, the document written", async () => {
    const root = await writeApp();
    const sem = defaultSemantics();
    sem.timeLimitMs = 2000;
    const session = await openSession({ app: root, semantics: sem });
    try {
      const r = await dispatch(post(hook), session.deps);
      expect(r.status).toBe(201);
      expect(await session.deps.store.collection("d", "c").countDocuments({})).toBe(1);
    } finally {
      await session.close();
    }
  });

  it("with --no-await-pending both answer at return, as before", async () => {
    const d = await deps(await writeApp(), false);
    const w = await dispatch(post(hook), d);
    expect(w.status).toBe(200);
    expect(w.body.toString("utf8")).toBe('"returned"');
    expect((await dispatch(post(ep), d)).status).toBe(200);
  });
});
