// `serve --allow-host`: context.http reaches the hosts on the list and nothing else, redirects
// included (each hop is checked).

import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ep, SERVE_APP, startServeCli, type ServeChild } from "./helpers.js";

const SECRETS = { HOOKSHIFT_SECRET_orders_x2D_key: "k", HOOKSHIFT_SECRET_upstream_x2D_token: "t", HOOKSHIFT_SECRET_jwt_x2D_key: "j" };
let upstream: http.Server;
let port: number;
let s: ServeChild;
const hits: string[] = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    hits.push(`${req.headers.host} ${req.url}`);
    if (req.url === "/away") {
      // A redirect to a host that is not on the list (the same server under another name).
      res.writeHead(302, { Location: `http://localhost:${port}/landed` });
      res.end();
    } else res.end("ok");
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
  port = (upstream.address() as AddressInfo).port;
  s = await startServeCli([SERVE_APP, "--port", "0", "--embedded", "--allow-host", "127.0.0.1"], SECRETS);
}, 40_000);

afterAll(async () => {
  s?.child.kill("SIGTERM");
  await s?.exit;
  await new Promise<void>((r) => upstream.close(() => r()));
});

const call = async (url: string, follow = false) => (await fetch(`${s.url}${ep("/fetch")}?url=${encodeURIComponent(url)}${follow ? "&follow=1" : ""}`)).json();

describe("serve --allow-host", () => {
  it("lets context.http reach a listed host", async () => {
    expect(await call(`http://127.0.0.1:${port}/hello`)).toEqual({ status: 200 });
    expect(hits).toContain(`127.0.0.1:${port} /hello`);
  });

  it("refuses a host that is not listed, without sending anything", async () => {
    const before = hits.length;
    const r = (await call(`http://localhost:${port}/secret-path`)) as { refused: string };
    expect(r.refused).toContain("outbound call to localhost refused: it is not in serve's --allow-host list (127.0.0.1)");
    expect(hits.length).toBe(before);
  });

  it("checks every redirect hop: a listed host redirecting to an unlisted one is refused there", async () => {
    const r = (await call(`http://127.0.0.1:${port}/away`, true)) as { refused: string };
    expect(r.refused).toContain("outbound call to localhost refused");
    expect(hits).toContain(`127.0.0.1:${port} /away`);
    expect(hits.some((h) => h.endsWith("/landed"))).toBe(false);
  });
});
