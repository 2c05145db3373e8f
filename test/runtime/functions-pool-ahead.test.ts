// Calls sent ahead (pool.ts): when every worker is busy, a waiting call goes to a worker before it
// is free, so the worker starts it at once. Such a call has not started: a worker that is replaced
// hands it back, a cancelled one never runs, and one stuck behind a long call moves to a worker
// that came free. Like functions-pool.test.ts, this imports FunctionRuntime from dist/.

import { afterEach, describe, expect, it } from "vitest";
import type { AppSpec, CallRequest, DbRequest, UserSpec } from "../../src/runtime/functions/protocol.js";
import type * as PoolModule from "../../src/runtime/functions/pool.js";

const { FunctionRuntime, CANCELLED_MESSAGE } = (await import(new URL("../../dist/src/runtime/functions/pool.js", import.meta.url).href)) as typeof PoolModule;
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

const sleep = (ms: number) => `exports = async () => { await new Promise((r) => setTimeout(r, ${ms})); return ${ms}; };`;
const hello = (name: string) => req({ functionName: "hello", args: JSON.stringify([name]) });

describe("FunctionRuntime: calls sent ahead", () => {
  it("a worker that is busy runs the waiting calls in order, and counts them as queued meanwhile", async () => {
    const rt = open({ workers: 1 });
    await rt.call(hello("warm"));
    const first = rt.call(req({ source: sleep(300) }));
    const rest = ["a", "b", "c"].map((n) => rt.call(hello(n)));
    expect(rt.stats()).toEqual({ workers: 1, busy: 1, queued: 3 });
    expect(await first).toMatchObject({ ok: true, value: '{"$numberInt":"300"}' });
    expect((await Promise.all(rest)).map((r) => r.ok && r.value)).toEqual(['"hello a"', '"hello b"', '"hello c"']);
    expect(rt.stats()).toEqual({ workers: 1, busy: 0, queued: 0 });
  });

  it("a call stuck behind a long one moves to a worker that came free", async () => {
    const rt = open({ workers: 2 });
    await Promise.all([rt.call(hello("warm")), rt.call(hello("warm"))]);
    const long = rt.call(req({ source: sleep(4000) }));
    const short = rt.call(req({ source: sleep(300) }));
    const started = Date.now();
    const waiting = rt.call(hello("waiting")).then((r) => ({ r, ms: Date.now() - started }));
    const { r, ms } = await waiting;
    expect(r).toMatchObject({ ok: true, value: '"hello waiting"' });
    expect(ms).toBeLessThan(3000); // not after the 4 s call
    await Promise.all([long, short]);
  });

  it("a worker the watchdog replaces hands the call sent to it ahead back, and that call runs", async () => {
    const rt = open({ workers: 1 });
    await rt.call(hello("warm"));
    const stuck = rt.call(req({ source: "exports = async () => { for (;;) { await null; } };", timeLimitMs: 300 }));
    const after = rt.call(hello("after"));
    expect(await stuck).toMatchObject({ ok: false, error: { code: "ExecutionTimeLimitExceeded" } });
    expect(await after).toMatchObject({ ok: true, value: '"hello after"' });
  });

  it("a call sent ahead whose caller aborts never runs", async () => {
    const seen: string[] = [];
    const rt = open({
      workers: 1,
      db: async (r: Omit<DbRequest, "kind" | "rpc">) => {
        seen.push(r.args);
        return '{"insertedId":null}';
      },
    });
    await rt.call(hello("warm"));
    const first = rt.call(req({ source: sleep(500) }));
    const abort = new AbortController();
    const write = (tag: string) =>
      req({
        source: `exports = async () => { await context.services.get("mongodb-atlas").db("d").collection("c").insertOne({ tag: "${tag}" }); return "${tag}"; };`,
      });
    const cancelled = rt.call(write("cancelled"), { signal: abort.signal });
    await new Promise((r) => setTimeout(r, 100));
    abort.abort();
    expect(await cancelled).toMatchObject({ ok: false, error: { message: CANCELLED_MESSAGE } });
    await first;
    expect(await rt.call(write("later"))).toMatchObject({ ok: true });
    expect(seen.join()).toContain("later");
    expect(seen.join()).not.toContain("cancelled");
  });
});
