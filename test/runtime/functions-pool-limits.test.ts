// The worker pool's limits (issue 16, items 10 and 11): a call whose caller went away is cancelled
// (dropped from the queue, or its worker terminated and replaced), and memory outside the JS heap
// (Buffers, typed arrays) counts against the worker's memory limit. Like functions-pool.test.ts,
// this imports FunctionRuntime from dist/ (worker threads run compiled JavaScript).

import os from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { AppSpec, CallRequest, UserSpec } from "../../src/runtime/functions/protocol.js";
import type * as PoolModule from "../../src/runtime/functions/pool.js";

const { FunctionRuntime, CANCELLED_MESSAGE, defaultWorkerCount } = (await import(
  new URL("../../dist/src/runtime/functions/pool.js", import.meta.url).href
)) as typeof PoolModule;
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
  functions: { hello: { source: "exports = (name) => `hello ${name}`;", private: false } },
  values: {},
  services: {},
};

function req(over: Partial<Omit<CallRequest, "kind" | "id">>): Omit<CallRequest, "kind" | "id"> {
  return { args: "[]", withResponse: false, user: SYSTEM_USER, runningAsSystem: true, timeLimitMs: 60_000, allowNetwork: false, ...over };
}

const runtimes: Runtime[] = [];
function open(opts: Partial<ConstructorParameters<typeof FunctionRuntime>[0]> = {}): Runtime {
  const rt = new FunctionRuntime({ db: async () => "null", watchdogMarginMs: 300, ...opts });
  rt.setApp(APP);
  runtimes.push(rt);
  return rt;
}

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((rt) => rt.close()));
});

const LOOP = "exports = async () => { for (;;) { await null; } };";

describe("FunctionRuntime: cancelled calls", () => {
  it("a queued call whose caller aborts leaves the queue; a running one's worker is replaced; the next call runs at once", async () => {
    const rt = open({ workers: 1 });
    const running = new AbortController();
    const queued = new AbortController();
    const first = rt.call(req({ source: LOOP }), { signal: running.signal });
    const second = rt.call(req({ source: LOOP }), { signal: queued.signal });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    queued.abort();
    expect(await second).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: CANCELLED_MESSAGE } });
    running.abort();
    expect(await first).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: CANCELLED_MESSAGE } });
    expect(await rt.call(req({ functionName: "hello", args: '["next"]' }))).toMatchObject({ ok: true, value: '"hello next"' });
    expect(Date.now() - started).toBeLessThan(5000); // not the 60 s time limit
  });

  it("an already aborted signal answers at once; a finished call ignores a later abort", async () => {
    const rt = open({ workers: 1 });
    expect(await rt.call(req({ functionName: "hello", args: '["x"]' }), { signal: AbortSignal.abort() })).toMatchObject({
      ok: false,
      error: { message: CANCELLED_MESSAGE },
    });
    const ac = new AbortController();
    expect(await rt.call(req({ functionName: "hello", args: '["y"]' }), { signal: ac.signal })).toMatchObject({ ok: true, value: '"hello y"' });
    ac.abort();
    expect(await rt.call(req({ functionName: "hello", args: '["z"]' }))).toMatchObject({ ok: true, value: '"hello z"' });
  });

  it("the shim's default pool size is one worker per core", () => {
    expect(defaultWorkerCount()).toBe(Math.max(1, os.availableParallelism()));
  });
});

describe("FunctionRuntime: memory outside the heap", () => {
  it("Buffer.alloc past the limit ends the call with the memory-limit error, and the worker is replaced", async () => {
    const rt = open({ memoryLimitMb: 64 });
    const hog = "exports = () => { const keep = []; for (let i = 0; i < 10; i++) keep.push(Buffer.alloc(100 * 1024 * 1024)); return keep.length; };";
    expect(await rt.call(req({ source: hog }))).toMatchObject({
      ok: false,
      error: { code: "FunctionExecutionError", message: "function exceeded the memory limit (64 MB)" },
    });
    expect(await rt.call(req({ functionName: "hello", args: '["survivor"]' }))).toMatchObject({ ok: true, value: '"hello survivor"' });
    // The real Buffer behind any Buffer value is guarded too: the allocation is refused before it
    // happens (unguarded, the buffer would be made, dropped, collected, and the call would succeed).
    const around = "exports = () => { const B = Buffer.from('').constructor; B.allocUnsafe(200 * 1024 * 1024); return 'allocated'; };";
    expect(await rt.call(req({ source: around }))).toMatchObject({ ok: false, error: { message: "function exceeded the memory limit (64 MB)" } });
  });

  it("Buffers made by Buffer.from / concat and typed arrays held across an await count too", async () => {
    const rt = open({ memoryLimitMb: 64 });
    const fromHog =
      "exports = () => { const keep = []; const s = 'x'.repeat(16 * 1024 * 1024); for (let i = 0; i < 20; i++) keep.push(Buffer.from(s)); return keep.length; };";
    expect(await rt.call(req({ source: fromHog }))).toMatchObject({ ok: false, error: { message: "function exceeded the memory limit (64 MB)" } });
    const typed =
      "exports = async () => { const keep = [new Uint8Array(100 * 1024 * 1024).fill(1)]; await new Promise((r) => setTimeout(r, 500)); return keep.length; };";
    expect(await rt.call(req({ source: typed }))).toMatchObject({ ok: false, error: { message: "function exceeded the memory limit (64 MB)" } });
  });

  it("the guarded Buffer is still Node's Buffer to function code", async () => {
    const rt = open({ memoryLimitMb: 64 });
    const src =
      "exports = () => [Buffer.alloc(1) instanceof Buffer, Buffer.isBuffer(Buffer.from('a')), Buffer.alloc === Buffer.alloc, Buffer.concat([Buffer.from('a'), Buffer.from('b')]).toString()];";
    expect(await rt.call(req({ source: src }))).toMatchObject({ ok: true, value: '[true,true,true,"ab"]' });
  });

  it("garbage does not count: a loop that drops each Buffer stays under the limit", async () => {
    const rt = open({ memoryLimitMb: 64 });
    const churn = "exports = () => { let n = 0; for (let i = 0; i < 20; i++) n += Buffer.alloc(20 * 1024 * 1024).length; return n > 0; };";
    expect(await rt.call(req({ source: churn }))).toMatchObject({ ok: true, value: "true" });
  });
});
