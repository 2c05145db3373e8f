// serve and shim answer every endpoint request alike: they share one request pipeline
// (runtime/server.ts startHttpServer), and this proves nothing serve adds (logs, metrics,
// reserved paths, Secrets from the environment) changes an answer. The same requests go to a
// shim server and to serve (embedded store, same seed, same users), on two apps: shim-basic
// migrated by `migrate` itself (every validation method, auth modes, HEAD, Accept, respond_result
// on and off, failing functions) and test/serve/app; status, headers and body are compared.

import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/commands/migrate.js";
import { RULE_IDS } from "../../src/rewrite/registry.js";
import { DEFAULT_LIMITS } from "../../src/runtime/limits.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { startShimServer, type ShimServer } from "../../src/runtime/server.js";
import { openSession, type Session } from "../../src/runtime/session.js";
import { startServe, type RunningServe } from "../../src/serve/start.js";
import { fixture, tempDir } from "../helpers.js";
import { SERVE_APP } from "./helpers.js";

const users = {
  users: [{ id: "64a000000000000000000001", email: "ada@example.com", password: "pw-1", accessTokens: ["token-1"] }],
  apiKeys: [{ id: "64a000000000000000000002", key: "key-1" }],
};

interface Pair {
  shim: ShimServer;
  serve: RunningServe;
  session: Session;
  appId: string;
  secrets: Record<string, string>;
  routes: { route: string; method: string; secretName?: string }[];
}
const pairs: Pair[] = [];

async function pair(app: string, secrets: Record<string, string>, webhooks: boolean): Promise<Pair> {
  const dir = await tempDir();
  const secretsFile = path.join(dir, "secrets.json");
  const usersFile = path.join(dir, "users.json");
  await writeFile(secretsFile, JSON.stringify(secrets));
  await writeFile(usersFile, JSON.stringify(users));
  const sem = defaultSemantics();
  sem.timeLimitMs = 2000;
  const session = await openSession({ app, users, secrets, semantics: sem });
  const shim = await startShimServer(session.deps, { host: "127.0.0.1", port: 0, log: () => undefined });
  const serve = await startServe({
    app,
    host: "127.0.0.1",
    port: 0,
    webhooks,
    database: { kind: "embedded" },
    secretsFile,
    usersFile,
    env: {},
    allowNetwork: false,
    sandboxPermissions: true,
    semantics: defaultSemantics(),
    limits: { ...DEFAULT_LIMITS, timeLimitMs: 2000 },
    poolSize: 1,
    logger: pino({ level: "silent" }),
  });
  const routes = session.served.endpoints.map((e) => ({ route: e.entry.route, method: String(e.entry.http_method), secretName: e.entry.secret_name }));
  const p = { shim, serve, session, appId: session.served.appId, secrets, routes };
  pairs.push(p);
  return p;
}

afterAll(async () => {
  for (const p of pairs) {
    await p.shim.close();
    await p.session.close();
    await p.serve.shutdown(1000);
  }
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What a caller sees, without what differs by clock or connection (Date, Connection, Keep-Alive) or by generated ids. */
async function ask(base: string, p: string, init: RequestInit): Promise<Answer> {
  const r = await fetch(base + p, init);
  const headers: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    if (!["date", "connection", "keep-alive"].includes(k)) headers[k] = v;
  });
  const body = (await r.text()).replace(/[0-9a-f]{24}/g, "<objectid>");
  return { status: r.status, headers, body };
}

/** Requests for every endpoint: its method and others, with and without each kind of credential, secret and body. */
function requests(p: Pair): { path: string; init: RequestInit }[] {
  const out: { path: string; init: RequestInit }[] = [];
  const base = `/app/${p.appId}/endpoint`;
  const creds: Record<string, string>[] = [
    {},
    { email: "ada@example.com", password: "pw-1" },
    { "api-key": "key-1" },
    { Authorization: "Bearer token-1" },
    { email: "ada@example.com" },
    { "api-key": "wrong" },
  ];
  for (const r of p.routes) {
    // The looping and the sleeping function cost seconds a call: one request each is their test.
    if (r.route === "/spin" || r.route === "/slow") {
      out.push({ path: `${base}${r.route}?ms=50`, init: {} });
      continue;
    }
    const methods = r.method === "*" ? ["GET", "POST", "HEAD"] : [r.method, "HEAD", r.method === "GET" ? "DELETE" : "GET"];
    const secret = r.secretName ? p.secrets[r.secretName] : undefined;
    for (const method of methods) {
      for (const headers of creds) {
        for (const query of ["", `?secret=${secret ?? "x"}&name=ada`, "?secret=wrong"]) {
          const withBody = method !== "GET" && method !== "HEAD";
          out.push({
            path: `${base}${r.route}${query}`,
            init: { method, headers: { ...headers, Accept: "application/json" }, ...(withBody ? { body: '{"sku":"a","qty":1,"n":{"$numberLong":"7"}}' } : {}) },
          });
        }
      }
    }
  }
  out.push({ path: `${base}/no/such/route`, init: {} });
  out.push({ path: `${base}/hello?bad=%zz`, init: {} });
  out.push({ path: `/app/other-app/endpoint/x`, init: {} });
  return out;
}

async function compareAll(p: Pair): Promise<number> {
  let n = 0;
  for (const r of requests(p)) {
    const a = await ask(p.shim.url, r.path, r.init);
    const b = await ask(p.serve.url, r.path, r.init);
    expect(b, `${r.init.method ?? "GET"} ${r.path} ${JSON.stringify(r.init.headers ?? {})}`).toEqual(a);
    n++;
  }
  return n;
}

describe("serve answers endpoint requests exactly as the shim does", () => {
  let migratedApp: string;
  let migratedSecrets: Record<string, string>;
  beforeAll(async () => {
    migratedApp = path.join(await tempDir(), "migrated");
    const r = await migrate({
      app: fixture("shim-basic"),
      out: migratedApp,
      dryRun: false,
      inPlace: false,
      allowDirty: false,
      removeWebhooks: false,
      force: false,
      skipRules: RULE_IDS,
    });
    expect(r.code).not.toBe(1);
    migratedSecrets = JSON.parse(await readFile(path.join(r.reportDir!, "secrets.json"), "utf8")) as Record<string, string>;
  }, 60_000);

  it("shim-basic migrated: every endpoint × methods × credentials × secret", async () => {
    const p = await pair(migratedApp, migratedSecrets, true);
    expect(p.routes.length).toBeGreaterThan(5);
    const n = await compareAll(p);
    expect(n).toBeGreaterThan(100);
  }, 240_000);

  it("test/serve/app: database writes, a from_secret Value, failures and the time limit", async () => {
    const p = await pair(SERVE_APP, { "orders-key": "orders-secret", "upstream-token": "tok", "jwt-key": "jwt-secret" }, false);
    await compareAll(p);
  }, 240_000);

  it("with --webhooks serve answers the old webhook URLs as the shim does; without, they are not found", async () => {
    const p = pairs[0]!;
    const hook = `/api/client/v2.0/app/${p.appId}/service/api/incoming_webhook/processed`;
    expect(await ask(p.serve.url, hook, {})).toEqual(await ask(p.shim.url, hook, {}));
    const q = pairs[1]!;
    expect((await ask(q.serve.url, `/api/client/v2.0/app/${q.appId}/service/api/incoming_webhook/x`, {})).status).toBe(404);
  }, 30_000);
});
