// The worker-thread runtime. Worker threads need compiled JavaScript (Node 20 cannot run
// worker.ts), so this test imports FunctionRuntime from dist/, which the vitest globalSetup
// (test/global-setup.ts) builds with tsc before any test runs. Types come from the source.

import { afterEach, describe, expect, it } from "vitest";
import type { AppSpec, CallRequest, DbRequest, UserSpec } from "../../src/runtime/functions/protocol.js";
import type * as PoolModule from "../../src/runtime/functions/pool.js";
import { workerScriptUrl } from "../../src/runtime/functions/pool.js";

const { FunctionRuntime } = (await import(new URL("../../dist/src/runtime/functions/pool.js", import.meta.url).href)) as typeof PoolModule;
type Runtime = InstanceType<typeof FunctionRuntime>;

const SYSTEM_USER: UserSpec = { id: "", type: "system", data: {}, custom_data: {}, identities: [] };

const APP: AppSpec = {
  app: {
    id: "1",
    clientAppId: "app-abc",
    name: "app",
    projectId: "p",
    deployment: { model: "GLOBAL", providerRegion: "aws-us-east-1" },
    lastDeployed: "",
    hostingUri: "",
  },
  environment: { tag: "", values: {} },
  functions: {
    hello: { source: "exports = (name) => `hello ${name} from ${context.app.name}`;", private: false },
    save: {
      source:
        "exports = async (doc) => { const r = await context.services.get('mongodb-atlas').db('d').collection('c').insertOne(doc); console.log('saved'); return r; };",
      private: false,
    },
  },
  values: {},
  services: { "mongodb-atlas": "mongodb-atlas" },
};

function req(over: Partial<Omit<CallRequest, "kind" | "id">>): Omit<CallRequest, "kind" | "id"> {
  return { args: "[]", withResponse: false, user: SYSTEM_USER, runningAsSystem: true, timeLimitMs: 2000, allowNetwork: false, ...over };
}

const runtimes: Runtime[] = [];
function open(opts: Partial<ConstructorParameters<typeof FunctionRuntime>[0]> = {}) {
  const dbRequests: Omit<DbRequest, "kind" | "rpc">[] = [];
  const rt = new FunctionRuntime({
    db: async (r) => {
      dbRequests.push(r);
      if (r.method === "insertOne") return '{"insertedId":{"$oid":"5e58667d902d38559c802b13"}}';
      throw new Error(`unexpected ${r.method}`);
    },
    watchdogMarginMs: 300,
    ...opts,
  });
  rt.setApp(APP);
  runtimes.push(rt);
  return { rt, dbRequests };
}

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((rt) => rt.close()));
});

describe("FunctionRuntime (worker threads)", () => {
  it("runs app functions and sources; database calls travel as DbRequest / DbReply", async () => {
    const { rt, dbRequests } = open();
    expect(await rt.call(req({ functionName: "hello", args: '["bob"]' }))).toMatchObject({ ok: true, value: '"hello bob from app"' });
    const saved = await rt.call(req({ functionName: "save", args: '[{"_id":{"$oid":"5e58667d902d38559c802b13"},"n":{"$numberLong":"5"}}]' }));
    expect(saved).toMatchObject({ ok: true, value: '{"insertedId":{"$oid":"5e58667d902d38559c802b13"}}', logs: ["saved"] });
    expect(dbRequests).toEqual([
      {
        service: "mongodb-atlas",
        db: "d",
        collection: "c",
        method: "insertOne",
        args: '[{"_id":{"$oid":"5e58667d902d38559c802b13"},"n":{"$numberLong":"5"}}]',
      },
    ]);
    expect(
      await rt.call(req({ source: "exports = (p, res) => { res.setStatusCode(204); return { Processed: 900 }; };", args: "[{}]", withResponse: true })),
    ).toMatchObject({
      ok: true,
      value: '{"Processed":{"$numberInt":"900"}}',
      response: { methodsCalled: true, statusCode: 204 },
    });
    expect(await rt.call(req({ functionName: "missing" }))).toMatchObject({ ok: false, error: { code: "FunctionNotFound" } });
  });

  it("a database error answers the function with an exception", async () => {
    const { rt } = open();
    expect(await rt.call(req({ source: "exports = () => context.services.get('mongodb-atlas').db('d').collection('c').find().toArray();" }))).toMatchObject({
      ok: false,
      error: { code: "FunctionExecutionError", message: "unexpected find" },
    });
  });

  it("a backend that throws before it returns a promise answers the function too, and the worker goes on", async () => {
    // The pool calls the backend straight from the worker's message (no promise step in front of
    // it since 2026-12-07): a synchronous throw must still come back as the database call's error.
    const { rt } = open({
      db: (r) => {
        if (r.method === "insertOne") return Promise.resolve('{"insertedId":{"$oid":"5e58667d902d38559c802b13"}}');
        throw new Error(`thrown at once by ${r.method}`);
      },
    });
    const source = "exports = () => context.services.get('mongodb-atlas').db('d').collection('c').findOne({ a: 1 }).catch((e) => 'caught: ' + e.message);";
    expect(await rt.call(req({ source }))).toMatchObject({ ok: true, value: '"caught: thrown at once by findOne"' });
    expect(await rt.call(req({ functionName: "save", args: "[{}]" }))).toMatchObject({ ok: true, value: '{"insertedId":{"$oid":"5e58667d902d38559c802b13"}}' });
  });

  it("a synchronous loop is stopped by the vm timeout, and the worker goes on", async () => {
    const { rt } = open();
    expect(await rt.call(req({ source: "exports = () => { while (true) {} };", timeLimitMs: 200 }))).toMatchObject({
      ok: false,
      error: { code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" },
    });
    expect(await rt.call(req({ functionName: "hello", args: '["again"]' }))).toMatchObject({ ok: true, value: '"hello again from app"' });
  });

  it("a worker that never yields (microtask loop) is terminated by the watchdog and replaced; the next call succeeds", async () => {
    const { rt } = open();
    const started = Date.now();
    expect(await rt.call(req({ source: "exports = async () => { for (;;) { await null; } };", timeLimitMs: 200 }))).toMatchObject({
      ok: false,
      error: { code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" },
    });
    expect(Date.now() - started).toBeLessThan(3000);
    // The replacement worker got the AppSpec again.
    expect(await rt.call(req({ functionName: "hello", args: '["next"]' }))).toMatchObject({ ok: true, value: '"hello next from app"' });
  });

  it("a worker that exceeds its memory limit answers FunctionExecutionError and is replaced; the next call succeeds", async () => {
    const { rt } = open({ memoryLimitMb: 64 });
    const hog = "exports = () => { const keep = []; for (;;) { keep.push(new Array(100000).fill(keep.length)); } };";
    const r = await rt.call(req({ source: hog, timeLimitMs: 15000 }));
    expect(r).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: "function exceeded the memory limit (64 MB)" } });
    expect(await rt.call(req({ functionName: "hello", args: '["survivor"]' }))).toMatchObject({ ok: true, value: '"hello survivor from app"' });
  });

  it("several workers run calls in parallel; queued calls wait their turn", async () => {
    const { rt } = open({ workers: 2 });
    const sleep = "exports = (ms) => new Promise((r) => setTimeout(() => r(ms), ms));";
    const started = Date.now();
    const results = await Promise.all([1, 2, 3, 4].map(() => rt.call(req({ source: sleep, args: '[{"$numberInt":"150"}]' }))));
    expect(results.every((x) => x.ok)).toBe(true);
    expect(new Set(results.map((x) => x.id)).size).toBe(4);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290); // two rounds of two
    expect(elapsed).toBeLessThan(2000);
  });

  it("finds the compiled worker from dist/ and from src/ (which falls back to dist/)", async () => {
    expect(workerScriptUrl().pathname).toMatch(/\/dist\/src\/runtime\/functions\/worker\.js$/);
  });

  it("close() answers calls made afterwards with an error", async () => {
    const { rt } = open();
    await rt.close();
    expect(await rt.call(req({ functionName: "hello" }))).toMatchObject({
      ok: false,
      error: { code: "FunctionExecutionError", message: "the function runtime is closed" },
    });
  });
});
