// Refresh tokens (src/serve/session-routes.ts, refresh-tokens.ts): a login answers a refresh
// token next to the access token; POST /api/client/v2.0/auth/session with it answers a new access
// token (https://www.mongodb.com/docs/atlas/app-services/users/sessions/); DELETE revokes it, and
// the revocation is kept in the auth database (what several serve processes share). Neither kind
// of token passes for the other.

import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import jwt from "jsonwebtoken";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/runtime/limits.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { openStore } from "../../src/runtime/store/index.js";
import { ACCESS_TOKEN_SECONDS, accessTokens, REFRESH_TOKEN_SECONDS } from "../../src/serve/access-tokens.js";
import { apiKeyHash } from "../../src/serve/db-users.js";
import { REVOKED_SESSIONS_COLLECTION, RevokedSessions } from "../../src/serve/refresh-tokens.js";
import { startServe, type RunningServe } from "../../src/serve/start.js";
import { tempDir } from "../helpers.js";
import { ep, SERVE_APP, SERVE_APP_ID } from "./helpers.js";

const SECRETS = { HOOKSHIFT_SECRET_orders_x2D_key: "k", HOOKSHIFT_SECRET_upstream_x2D_token: "t", HOOKSHIFT_SECRET_jwt_x2D_key: "j" };
const TOKEN_SECRET = "0123456789abcdef0123456789abcdef-test";
const running: RunningServe[] = [];
afterAll(async () => {
  for (const r of running) await r.shutdown(1000).catch(() => undefined);
});

async function start(env: Record<string, string>, database: { seed?: string; dump?: string } = {}): Promise<RunningServe> {
  const r = await startServe({
    app: SERVE_APP,
    host: "127.0.0.1",
    port: 0,
    webhooks: false,
    database: { kind: "embedded", ...database },
    env: { ...SECRETS, ...env },
    allowNetwork: false,
    sandboxPermissions: true,
    semantics: defaultSemantics(),
    limits: { ...DEFAULT_LIMITS },
    poolSize: 1,
    logger: pino({ level: "silent" }),
  });
  running.push(r);
  return r;
}

type Tokens = { access_token?: string; refresh_token?: string; user_id?: string; device_id?: string; error?: string; error_code?: string };
async function login(base: string, provider: string, body: unknown = {}) {
  const r = await fetch(`${base}/api/client/v2.0/app/${SERVE_APP_ID}/auth/providers/${provider}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await r.json()) as Tokens;
}
async function sessionCall(base: string, method: "POST" | "DELETE", token?: string) {
  const r = await fetch(`${base}/api/client/v2.0/auth/session`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as Tokens | undefined };
}
async function whoami(base: string, token: string) {
  const r = await fetch(`${base}${ep("/whoami")}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe("refresh tokens", () => {
  it("login -> refresh -> endpoint with the new access token; logout revokes the refresh token, in the database", async () => {
    const dump = path.join(await tempDir(), "dump.json");
    const s = await start({ HOOKSHIFT_TOKEN_SECRET: TOKEN_SECRET }, { dump });
    const anon = await login(s.url, "anon-user");
    expect(Object.keys(anon)).toEqual(["access_token", "refresh_token", "user_id", "device_id"]);
    // Their own type and lifetimes: 30 minutes and 60 days.
    const a = jwt.decode(anon.access_token!) as jwt.JwtPayload;
    const r = jwt.decode(anon.refresh_token!) as jwt.JwtPayload;
    expect([a.typ, a.exp! - a.iat!]).toEqual(["access", ACCESS_TOKEN_SECONDS]);
    expect([r.typ, r.exp! - r.iat!, typeof r.jti]).toEqual(["refresh", REFRESH_TOKEN_SECONDS, "string"]);
    expect(REFRESH_TOKEN_SECONDS).toBe(60 * 24 * 3600);

    const refreshed = await sessionCall(s.url, "POST", anon.refresh_token);
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body!)).toEqual(["access_token"]);
    expect(await whoami(s.url, refreshed.body!.access_token!)).toEqual({ status: 200, body: { id: anon.user_id, type: "normal", providers: ["anon-user"] } });

    // Each kind where the other is expected: refused.
    expect(await sessionCall(s.url, "POST", anon.access_token)).toMatchObject({ status: 401, body: { error_code: "InvalidSession" } });
    expect(await sessionCall(s.url, "DELETE", anon.access_token)).toMatchObject({ status: 401 });
    expect((await whoami(s.url, anon.refresh_token!)).status).toBe(401);
    expect(await sessionCall(s.url, "POST")).toMatchObject({ status: 401, body: { error_code: "MissingAuthReq" } });
    expect((await fetch(`${s.url}/api/client/v2.0/auth/session`)).status).toBe(405);

    // Log out: the refresh token is refused from then on; another session of the same user is not.
    const second = await login(s.url, "anon-user");
    expect(await sessionCall(s.url, "DELETE", anon.refresh_token)).toEqual({ status: 204, body: undefined });
    expect(await sessionCall(s.url, "POST", anon.refresh_token)).toMatchObject({
      status: 401,
      body: { error_code: "InvalidSession", error: expect.stringContaining("logged out") },
    });
    expect(await sessionCall(s.url, "DELETE", anon.refresh_token)).toMatchObject({ status: 204 });
    expect((await sessionCall(s.url, "POST", second.refresh_token)).status).toBe(200);

    // The revocation is in the auth database (hookshift.revoked_sessions), which replicas share.
    await s.shutdown(2000);
    running.splice(running.indexOf(s), 1);
    const saved = JSON.parse(await readFile(dump, "utf8")) as Record<string, Record<string, { _id: unknown; user_id: string }[]>>;
    expect(saved.hookshift?.[REVOKED_SESSIONS_COLLECTION]?.map((d) => d.user_id)).toEqual([anon.user_id]);
  }, 60_000);

  it("an API key's refresh token works; a server with another secret refuses it; without HOOKSHIFT_TOKEN_SECRET the route says so", async () => {
    const dir = await tempDir();
    const seed = path.join(dir, "seed.json");
    await writeFile(seed, JSON.stringify({ hookshift: { api_keys: [{ _id: "key-1", name: "billing", key_hash: apiKeyHash("billing-key-secret") }] } }));
    const s = await start({ HOOKSHIFT_TOKEN_SECRET: TOKEN_SECRET }, { seed });
    const key = await login(s.url, "api-key", { key: "billing-key-secret" });
    const fresh = await sessionCall(s.url, "POST", key.refresh_token);
    expect(fresh.status).toBe(200);
    expect(await whoami(s.url, fresh.body!.access_token!)).toEqual({ status: 200, body: { id: "key-1", type: "server", providers: ["api-key"] } });
    const other = await start({ HOOKSHIFT_TOKEN_SECRET: TOKEN_SECRET.replace("0", "9") });
    expect((await sessionCall(other.url, "POST", key.refresh_token)).status).toBe(401);
    const off = await start({});
    expect((await sessionCall(off.url, "POST", key.refresh_token)).status).toBe(503);
  }, 60_000);

  it("revocations are shared through the store, and a logout removes the expired ones", async () => {
    const store = await openStore();
    try {
      const tokens = accessTokens(TOKEN_SECRET, SERVE_APP_ID);
      const claims = tokens.verifyRefresh(tokens.signRefresh({ sub: "u1", prov: "anon-user", src: "none", utype: "normal" }))!;
      expect(tokens.verify(tokens.signRefresh({ sub: "u1", prov: "anon-user", src: "none", utype: "normal" }))).toBeUndefined();
      expect(tokens.verifyRefresh(tokens.sign({ sub: "u1", prov: "anon-user", src: "none", utype: "normal" }))).toBeUndefined();
      const a = new RevokedSessions(store, "hookshift");
      const b = new RevokedSessions(store, "hookshift");
      // A row whose refresh token expired long ago (another replica wrote it).
      await store.collection("hookshift", REVOKED_SESSIONS_COLLECTION).insertOne({ _id: "old", user_id: "u0", revoked: new Date(0), expires: new Date(1_000) });
      expect(await b.isRevoked("old")).toBe(true);
      await a.revoke(claims.jti, "u1", claims.exp);
      expect(await b.isRevoked(claims.jti)).toBe(true);
      expect(await b.isRevoked("old")).toBe(false);
      expect(await store.collection("hookshift", REVOKED_SESSIONS_COLLECTION).count()).toBe(1);
    } finally {
      await store.close();
    }
  });
});
