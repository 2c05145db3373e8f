// `hookshift serve` as an operator runs it: start-up errors, the JSON log without secrets, the
// reserved paths, and a graceful stop on SIGTERM that finishes the request in flight.

import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SHUTDOWN_CUT_SHORT_EXIT_CODE } from "../../src/cli/serve.js";
import { ep, logLines, runServeCli, SERVE_APP, startServeCli } from "./helpers.js";

const SECRETS = {
  HOOKSHIFT_SECRET_orders_x2D_key: "orders-secret-4711",
  HOOKSHIFT_SECRET_upstream_x2D_token: "upstream-secret-0815",
  HOOKSHIFT_SECRET_jwt_x2D_key: "jwt-signing-key-2024",
};

describe("hookshift serve: start-up", () => {
  it("without a database it names both choices and exits 1 before anything listens", async () => {
    const r = await runServeCli([SERVE_APP, "--port", "0"], { ...SECRETS, MONGODB_URI: "" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("give --mongodb-uri <uri> (or set MONGODB_URI)");
    expect(r.stderr).toContain("--embedded");
    expect(r.stdout).not.toContain('"event":"listening"');
  });

  it("a Secret that is not set stops the start with its name, what uses it and the variable to set", async () => {
    const r = await runServeCli([SERVE_APP, "--port", "0", "--embedded"], { HOOKSHIFT_SECRET_upstream_x2D_token: "x", HOOKSHIFT_SECRET_jwt_x2D_key: "j" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Secret orders-key (used by endpoint POST /orders): set HOOKSHIFT_SECRET_orders_x2D_key");
    expect(r.stderr).not.toContain("upstream-token (used by");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("--seed goes with --embedded only, and a database URI with --embedded is refused", async () => {
    const seed = path.join(SERVE_APP, "realm_config.json");
    const r = await runServeCli([SERVE_APP, "--port", "0", "--mongodb-uri", "mongodb://127.0.0.1:1", "--seed", seed], SECRETS);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--seed and --dump go with --embedded only");
    const both = await runServeCli([SERVE_APP, "--port", "0", "--embedded"], { ...SECRETS, MONGODB_URI: "mongodb://127.0.0.1:1" });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("give either MONGODB_URI or --embedded, not both");
  });
});

describe("hookshift serve: the port", () => {
  it("listens on $PORT when --port is not given (the container image's health check asks that port)", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (probe.address() as net.AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const s = await startServeCli([SERVE_APP, "--embedded"], { ...SECRETS, PORT: String(port) });
    try {
      expect(s.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      s.child.kill("SIGTERM");
      await s.exit;
    }
  }, 30_000);
});

describe("hookshift serve: running", () => {
  it("serves endpoints, logs JSON lines without secrets, answers /healthz /readyz /metrics, and on SIGTERM finishes the slow request and exits 0", async () => {
    const s = await startServeCli([SERVE_APP, "--port", "0", "--embedded", "--time-limit", "3", "--shutdown-timeout", "20"], SECRETS);
    expect(s.stderr()).toMatch(/WARNING: --embedded: the database lives in this process's memory/);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const hello = await fetch(`${s.url}${ep("/hello")}?name=ada`, { headers: { "X-Request-Id": "req-hello-1" } });
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ hello: "ada" });
    const order = await fetch(`${s.url}${ep("/orders")}?secret=${SECRETS.HOOKSHIFT_SECRET_orders_x2D_key}`, { method: "POST", body: '{"sku":"a","qty":2}' });
    expect(await order.json()).toEqual({ count: 1 });
    const wrong = await fetch(`${s.url}${ep("/orders")}?secret=nope`, { method: "POST", body: "{}" });
    expect(wrong.status).toBe(401);
    const leaky = await fetch(`${s.url}${ep("/leaky")}`);
    expect(leaky.status).toBe(400);
    const spin = await fetch(`${s.url}${ep("/spin")}`);
    expect((await spin.json()).error_code).toBe("ExecutionTimeLimitExceeded");
    // Webhook URLs are not served without --webhooks.
    expect((await fetch(`${s.url}/api/client/v2.0/app/servetest-abcde/service/x/incoming_webhook/y`)).status).toBe(404);

    expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${s.url}/readyz`)).json()).toEqual({ status: "ready" });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toMatch(/hookshift_http_requests_total\{method="GET",route="\/hello",status="200",outcome="ok"\} 1/);
    expect(metrics).toMatch(/hookshift_function_errors_total\{function="leaky"\} 1/);
    expect(metrics).toMatch(/hookshift_function_time_limit_kills_total\{function="spin"\} 1/);
    expect(metrics).toMatch(/hookshift_http_request_duration_seconds_bucket\{le="[\d.]+",route="\/orders"\}/);
    expect(metrics).toMatch(/hookshift_pool_queued_calls \d+/);

    // SIGTERM while a request runs: it completes, new connections are refused, exit 0.
    const slow = fetch(`${s.url}${ep("/slow")}?ms=1500`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await new Promise((r) => setTimeout(r, 400));
    s.child.kill("SIGTERM");
    const answered = await slow;
    expect(answered).toEqual({ status: 200, body: { slept: 1500 } });
    expect(await s.exit).toBe(0);
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();

    const out = s.stdout();
    for (const secret of Object.values(SECRETS)) {
      expect(out).not.toContain(secret);
      expect(s.stderr()).not.toContain(secret);
    }
    const lines = logLines(out);
    const requests = lines.filter((l) => l.event === "request");
    const first = requests.find((l) => l.reqId === "req-hello-1");
    expect(first).toMatchObject({ level: "info", method: "GET", route: "/hello", function: "hello", status: 200, outcome: "ok" });
    expect(typeof first!.ms).toBe("number");
    expect(requests.find((l) => l.route === "/orders" && l.status === 200)?.url).toBe("/app/servetest-abcde/endpoint/orders?secret=«redacted»");
    expect(requests.find((l) => l.route === "/leaky")).toMatchObject({
      level: "warn",
      function: "leaky",
      outcome: "function-error",
      error: "upstream refused token «redacted»",
    });
    expect(requests.find((l) => l.route === "/spin")).toMatchObject({ level: "warn", outcome: "timeout" });
    expect(requests.find((l) => l.route === "/slow")).toMatchObject({ status: 200 });
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(["listening", "shutdown", "stopped"]));
    expect(lines.find((l) => l.event === "stopped")?.msg).toContain("every request in flight was answered");
  }, 60_000);

  it("exits 3 (not 0) when --shutdown-timeout cut a request in flight short, and says so", async () => {
    const s = await startServeCli([SERVE_APP, "--port", "0", "--embedded", "--shutdown-timeout", "1"], SECRETS);
    const slow = fetch(`${s.url}${ep("/slow")}?ms=20000`).then(
      (r) => r.status,
      () => "cut",
    );
    // Wait until the request is in flight (the pool is busy), then stop.
    const deadline = Date.now() + 20_000;
    while (!/hookshift_pool_busy_workers 1/.test(await (await fetch(`${s.url}/metrics`)).text()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    s.child.kill("SIGTERM");
    expect(await s.exit).toBe(SHUTDOWN_CUT_SHORT_EXIT_CODE);
    expect(SHUTDOWN_CUT_SHORT_EXIT_CODE).toBe(3);
    expect(await slow).not.toBe(200);
    expect(s.stderr()).toMatch(/requests still running after --shutdown-timeout 1s; they were cut off \(exit 3\)/);
    expect(logLines(s.stdout()).find((l) => l.event === "stopped")).toMatchObject({ level: "warn", exitCode: 3 });
  }, 60_000);
});
