// /readyz follows the database: a driver store pointed at a closed port (short server selection
// timeout) is not ready while /healthz still answers; the embedded store is ready.

import net from "node:net";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/runtime/limits.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { startServe, type RunningServe } from "../../src/serve/start.js";
import { SERVE_APP } from "./helpers.js";

const env = { HOOKSHIFT_SECRET_orders_x2D_key: "k", HOOKSHIFT_SECRET_upstream_x2D_token: "t", HOOKSHIFT_SECRET_jwt_x2D_key: "j" };
const running: RunningServe[] = [];
afterAll(async () => {
  for (const r of running) await r.shutdown(1000);
});

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function start(database: Parameters<typeof startServe>[0]["database"]): Promise<RunningServe> {
  return startServe({
    app: SERVE_APP,
    host: "127.0.0.1",
    port: 0,
    webhooks: false,
    database,
    env,
    allowNetwork: false,
    sandboxPermissions: true,
    semantics: defaultSemantics(),
    limits: { ...DEFAULT_LIMITS },
    poolSize: 1,
    logger: pino({ level: "silent" }),
    pingTimeoutMs: 1500,
  }).then((r) => {
    running.push(r);
    return r;
  });
}

describe("readiness", () => {
  it("fails (503, with the reason) while the MongoDB server cannot be reached; health stays 200", async () => {
    const port = await closedPort();
    const s = await start({ kind: "driver", uri: `mongodb://127.0.0.1:${port}/?serverSelectionTimeoutMS=300&connectTimeoutMS=300` });
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; reason: string };
    expect(body.status).toBe("not ready");
    expect(body.reason).toMatch(/^database unreachable: /);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
    // An endpoint that does not touch the database still answers.
    expect((await fetch(`${s.url}/app/servetest-abcde/endpoint/hello`)).status).toBe(200);
  }, 30_000);

  it("is 200 on the embedded store; the reserved paths take GET and HEAD only", async () => {
    const s = await start({ kind: "embedded" });
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${s.url}/readyz`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${s.url}/metrics`)).headers.get("content-type")).toMatch(/^text\/plain/);
  }, 30_000);
});
