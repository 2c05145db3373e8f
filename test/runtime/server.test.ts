// The shim's HTTP server: both URL families over real sockets on loopback, and hostile input.

import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startShimServer, type ShimServer } from "../../src/runtime/server.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { openSession, type Session } from "../../src/runtime/session.js";
import { fixture } from "../helpers.js";

let session: Session;
let server: ShimServer;
const lines: string[] = [];

beforeAll(async () => {
  const sem = defaultSemantics();
  sem.maxBodyBytes = 1024;
  sem.timeLimitMs = 2000;
  session = await openSession({ app: fixture("shim-basic"), semantics: sem });
  server = await startShimServer(session.deps, { host: "127.0.0.1", port: 0, log: (l) => lines.push(l) });
}, 30_000);

afterAll(async () => {
  await server?.close();
  await session?.close();
});

function raw(text: string): Promise<string> {
  const { port } = new URL(server.url);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), "127.0.0.1", () => s.write(text));
    let out = "";
    s.on("data", (d) => (out += d.toString()));
    s.on("end", () => resolve(out));
    s.on("error", () => resolve(out));
    setTimeout(() => {
      s.destroy();
      resolve(out);
    }, 3000);
  });
}

describe("shim server", () => {
  it("listens on loopback and answers a webhook URL", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await fetch(`${server.url}/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook/processed`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('{"Processed":{"$numberInt":"900"}}');
    expect(lines.at(-1)).toMatch(/^GET \/api\/client\/v2\.0\/app\/shimbasic-abcde\/service\/api\/incoming_webhook\/processed → 200 ok \(\d+ ms\)$/);
  });

  it("a malformed request gets 400 and the server stays up", async () => {
    expect(await raw("THIS IS NOT HTTP\r\n\r\n")).toMatch(/^HTTP\/1\.1 400/);
    const r = await fetch(`${server.url}/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook/processed`);
    expect(r.status).toBe(200);
  });

  it("a body over the limit gets 413", async () => {
    const r = await fetch(`${server.url}/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook/anything`, {
      method: "POST",
      body: "x".repeat(5000),
    });
    expect(r.status).toBe(413);
    expect((await r.json()).error_code).toBe("ReadSizeLimitExceeded");
  });

  it("an unknown path answers a JSON error", async () => {
    const r = await fetch(`${server.url}/nothing/here`);
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ error_code: "FunctionNotFound" });
  });
});
