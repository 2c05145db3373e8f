// A graceful stop seen from a kept-alive client: the request in flight is answered, and its
// answer says "Connection: close" (an answer saying keep-alive, then a closed socket, makes a
// client that reuses the connection meet a reset).
// Also: metrics label every path no route matches as one "unmatched" route, and headers past
// --max-header-kb get 431 (RFC 6585, section 5).

import http from "node:http";
import net from "node:net";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/runtime/limits.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { startServe, type RunningServe } from "../../src/serve/start.js";
import { ep, SERVE_APP } from "./helpers.js";

const env = { HOOKSHIFT_SECRET_orders_x2D_key: "k", HOOKSHIFT_SECRET_upstream_x2D_token: "t", HOOKSHIFT_SECRET_jwt_x2D_key: "j" };
const running: RunningServe[] = [];
afterAll(async () => {
  for (const r of running) await r.shutdown(1000).catch(() => undefined);
});

function start(limits: Partial<typeof DEFAULT_LIMITS> = {}): Promise<RunningServe> {
  return startServe({
    app: SERVE_APP,
    host: "127.0.0.1",
    port: 0,
    webhooks: false,
    database: { kind: "embedded" },
    env,
    allowNetwork: false,
    sandboxPermissions: true,
    semantics: defaultSemantics(),
    limits: { ...DEFAULT_LIMITS, ...limits },
    poolSize: 1,
    logger: pino({ level: "silent" }),
  }).then((r) => {
    running.push(r);
    return r;
  });
}

function get(url: string, agent: http.Agent): Promise<{ status: number; connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      })
      .on("error", reject);
  });
}

describe("graceful stop", () => {
  it("answers the request in flight, with Connection: close", async () => {
    const s = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // The connection is kept alive before the stop...
    expect((await get(`${s.url}${ep("/hello")}`, agent)).connection).toBe("keep-alive");
    const slow = get(`${s.url}${ep("/slow")}?ms=1500`, agent);
    await new Promise((r) => setTimeout(r, 400));
    const stopping = s.shutdown(20_000);
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"slept":1500}');
    // ...and the answer finished during the stop tells the client it closes.
    expect(answer.connection).toBe("close");
    expect(await stopping).toEqual({ finished: true });
    agent.destroy();
  }, 60_000);

  it("labels every unmatched path as one route in /metrics", async () => {
    const s = await start();
    for (let i = 0; i < 5; i++) await fetch(`${s.url}/random-${i}/x?y=${i}`);
    await fetch(`${s.url}${ep("/no-such-route-" + Date.now())}`);
    const text = await (await fetch(`${s.url}/metrics`)).text();
    const lines = text.split("\n").filter((l) => l.startsWith("hookshift_http_requests_total{"));
    expect(lines.some((l) => l.includes("random-") || l.includes("no-such-route"))).toBe(false);
    expect(lines.filter((l) => l.includes('route="unmatched"'))).toEqual([
      'hookshift_http_requests_total{method="GET",route="unmatched",status="404",outcome="not-found"} 6',
    ]);
  }, 60_000);

  it("answers 431 to headers past --max-header-kb, and serves those under it", async () => {
    const s = await start({ maxHeaderBytes: 2048 });
    const { port } = new URL(s.url);
    const raw = (headerBytes: number) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), "127.0.0.1", () =>
          socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${"a".repeat(headerBytes)}\r\nConnection: close\r\n\r\n`),
        );
        let got = "";
        socket.on("data", (d) => (got += d));
        socket.on("end", () => resolve(got.split("\r\n")[0]!));
        socket.on("error", reject);
      });
    expect(await raw(4096)).toBe("HTTP/1.1 431 Request Header Fields Too Large");
    expect(await raw(512)).toBe("HTTP/1.1 200 OK");
  }, 60_000);
});
