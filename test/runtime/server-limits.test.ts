// The shim server under abuse (issue 16, items 10-13): a caller that gives up cancels its function
// call, so runaway functions do not stall the others; request bodies held at once are bounded;
// a malformed %-escape in the query answers 400; the request log hides a secret however its name
// is escaped. The app is shim-basic plus a looping and a slow webhook.

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutSecret } from "../../src/runtime/http.js";
import { loggedUrl, startShimServer, type ShimServer } from "../../src/runtime/server.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { openSession, type Session } from "../../src/runtime/session.js";
import { copyFixture } from "../helpers.js";

let session: Session;
let server: ShimServer;
const lines: string[] = [];
const BASE = "/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook";

async function addWebhook(app: string, name: string, source: string): Promise<void> {
  const dir = path.join(app, "http_endpoints/api/incoming_webhooks", name);
  await mkdir(dir, { recursive: true });
  const config = {
    name,
    run_as_authed_user: false,
    run_as_user_id: "",
    run_as_user_id_script_source: "",
    can_evaluate: {},
    options: { httpMethod: "ANY", validationMethod: "NO_VALIDATION" },
    respond_result: true,
  };
  await writeFile(path.join(dir, "config.json"), JSON.stringify(config, null, 4));
  await writeFile(path.join(dir, "source.js"), source);
}

beforeAll(async () => {
  const app = await copyFixture("shim-basic");
  await addWebhook(app, "loop", "exports = async function () { for (;;) { await null; } };\n");
  await addWebhook(app, "slow", "exports = function () { return new Promise((r) => setTimeout(() => r('done'), 600)); };\n");
  const sem = defaultSemantics();
  sem.maxBodyBytes = 1000;
  sem.timeLimitMs = 60_000; // far beyond every wait here: only cancelling frees the worker
  session = await openSession({ app, semantics: sem, workers: 1 });
  server = await startShimServer(session.deps, { host: "127.0.0.1", port: 0, log: (l) => lines.push(l), maxInflightBodyBytes: 2500 });
}, 30_000);

afterAll(async () => {
  await server?.close();
  await session?.close();
});

describe("shim server: abandoned calls (item 10)", () => {
  it("a client that gives up cancels its call: looping functions do not delay the next request", async () => {
    const gaveUp = await Promise.all(
      [1, 2, 3].map((i) =>
        fetch(`${server.url}${BASE}/loop?n=${i}`, { signal: AbortSignal.timeout(300) }).then(
          () => "answered",
          (e: Error) => e.name,
        ),
      ),
    );
    expect(gaveUp).toEqual(["TimeoutError", "TimeoutError", "TimeoutError"]);
    const started = Date.now();
    const r = await fetch(`${server.url}${BASE}/processed`, { signal: AbortSignal.timeout(10_000) });
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect.poll(() => lines.filter((l) => / \/api\/.*\/loop\?n=\d → cancelled: the client closed the connection \(\d+ ms\)$/.test(l)).length).toBe(3);
  }, 20_000);
});

describe("shim server: request bodies in flight (item 11)", () => {
  it("past the bound on bodies held at once a request gets 503 with a JSON error; the bytes come back after the answers", async () => {
    const post = () => fetch(`${server.url}${BASE}/slow`, { method: "POST", body: "x".repeat(1000) });
    const answers = await Promise.all([post(), post(), post()]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 503]);
    const busy = answers.find((a) => a.status === 503)!;
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(await busy.json()).toMatchObject({ error_code: "ServiceUnavailable", error: expect.stringContaining("--max-inflight-body-mb") });
    for (const a of answers.filter((x) => x.status === 200)) expect(await a.text()).toBe('"done"');
    expect((await post()).status).toBe(200);
  }, 20_000);
});

describe("shim server: malformed query escapes (item 12)", () => {
  it.each(["%ZZ=1", "a=1&%4=2", "secret=%G1", "q=100%"])("?%s answers 400 InvalidParameter on webhook, endpoint and unknown routes", async (query) => {
    for (const p of [`${BASE}/anything`, "/app/shimbasic-abcde/endpoint/nothing", "/elsewhere"]) {
      const r = await fetch(`${server.url}${p}?${query}`);
      expect(r.status).toBe(400);
      const body = await r.json();
      expect(body).toMatchObject({ error_code: "InvalidParameter" });
      expect(body.error).toMatch(/^malformed query string: invalid %-escape in the (name|value) of parameter /);
    }
  });

  it("well-formed escapes, including invalid UTF-8 and a plus sign, still reach the function", async () => {
    const r = await fetch(`${server.url}${BASE}/anything?%41=%42&b=%FF&c=a+b`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ query: { A: "B", b: "\ufffd", c: "a b" } });
  });
});

describe("shim server: secrets in the request log (item 13)", () => {
  it.each(["secret", "%73ecret", "s%65cret", "SECRET", "%73%65%63%72%65%74"])("?%s=<value> is redacted in the log", async (name) => {
    const r = await fetch(`${server.url}${BASE}/created?${name}=fixture-secret-21&x=1`, { method: "POST", body: "{}" });
    if (name !== "SECRET") expect(r.status).toBe(201); // the escaped names authenticate
    const line = lines.at(-1)!;
    expect(line).toContain(`/created?${name}=«redacted»&x=1 → `);
    expect(line).not.toContain("fixture-secret-21");
  });

  it("loggedUrl keeps other parameters and names that only look like secret", () => {
    expect(loggedUrl("/p?secretary=1&%73ecret=abc&q=%ZZ")).toBe("/p?secretary=1&%73ecret=«redacted»&q=%ZZ");
    expect(loggedUrl("/p?%73ecret")).toBe("/p?%73ecret=«redacted»");
    expect(loggedUrl("/p")).toBe("/p");
  });

  it("rawQueryString drops the secret by its decoded name and never throws on a bad escape", () => {
    expect(withoutSecret("%73ecret=abc&a=2&s%65cret=d&%ZZ=3")).toBe("a=2&%ZZ=3");
    expect(withoutSecret("a=1&?secret=2")).toBe("a=1&?secret=2");
  });
});
