// serve's login route (src/serve/login-routes.ts): an anonymous user, when the app enables the
// anon-user provider, logs in and reaches an endpoint with application authentication through
// `Authorization: Bearer <access_token>`; email/password and API keys log in the same way. A
// provider the app does not enable, another app id, a token serve did not sign and a deleted
// API key are refused; without HOOKSHIFT_TOKEN_SECRET logins say how to turn them on.

import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/runtime/limits.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { openStore } from "../../src/runtime/store/index.js";
import { UserStore } from "../../src/runtime/users.js";
import { accessTokens } from "../../src/serve/access-tokens.js";
import { adminOps } from "../../src/serve/admin.js";
import { apiKeyHash, DbUserDirectory } from "../../src/serve/db-users.js";
import { ServeStartError, startServe, type RunningServe } from "../../src/serve/start.js";
import { tempDir } from "../helpers.js";
import { ep, SERVE_APP, SERVE_APP_ID } from "./helpers.js";

const SECRETS = { HOOKSHIFT_SECRET_orders_x2D_key: "k", HOOKSHIFT_SECRET_upstream_x2D_token: "t", HOOKSHIFT_SECRET_jwt_x2D_key: "j" };
const TOKEN_SECRET = "0123456789abcdef0123456789abcdef-test";
const running: RunningServe[] = [];
afterAll(async () => {
  for (const r of running) await r.shutdown(1000).catch(() => undefined);
});

async function start(env: Record<string, string>, extra: { usersFile?: string; seed?: string } = {}): Promise<RunningServe> {
  const r = await startServe({
    app: SERVE_APP,
    host: "127.0.0.1",
    port: 0,
    webhooks: false,
    database: { kind: "embedded", ...(extra.seed ? { seed: extra.seed } : {}) },
    env: { ...SECRETS, ...env },
    ...(extra.usersFile ? { usersFile: extra.usersFile } : {}),
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

const loginUrl = (base: string, provider: string, appId = SERVE_APP_ID) => `${base}/api/client/v2.0/app/${appId}/auth/providers/${provider}/login`;
async function login(base: string, provider: string, body?: unknown, appId?: string) {
  const r = await fetch(loginUrl(base, provider, appId), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as { access_token?: string; user_id?: string; error?: string; error_code?: string } };
}
async function whoami(base: string, token?: string) {
  const r = await fetch(`${base}${ep("/whoami")}`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe("serve's login route", () => {
  it("an anonymous user logs in and reaches an endpoint with application authentication", async () => {
    const dir = await tempDir();
    const seed = path.join(dir, "seed.json");
    await writeFile(seed, JSON.stringify({ hookshift: { api_keys: [{ _id: "key-1", name: "billing", key_hash: apiKeyHash("billing-key-secret") }] } }));
    const usersFile = path.join(dir, "users.json");
    await writeFile(usersFile, JSON.stringify({ users: [{ id: "u-ada", email: "ada@example.com", password: "correct horse" }] }));
    const s = await start({ HOOKSHIFT_TOKEN_SECRET: TOKEN_SECRET }, { seed, usersFile });
    expect(s.logins).toEqual(["anon-user", "local-userpass", "api-key", "custom-token"]);

    // No credentials at all: refused (the Data API answers 400 for that).
    expect((await whoami(s.url)).status).toBe(400);
    const anon = await login(s.url, "anon-user");
    expect(anon.status).toBe(200);
    expect(anon.body.user_id).toMatch(/^[0-9a-f]{24}$/);
    expect(await whoami(s.url, anon.body.access_token)).toEqual({ status: 200, body: { id: anon.body.user_id, type: "normal", providers: ["anon-user"] } });
    // Each anonymous login is a new user.
    expect((await login(s.url, "anon-user", {})).body.user_id).not.toBe(anon.body.user_id);

    // A token serve did not sign (another secret, or altered) is refused.
    const [h, p] = anon.body.access_token!.split(".");
    const forged = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    const altered = `${h}.${Buffer.from(JSON.stringify({ ...forged, sub: "someone-else" })).toString("base64url")}.${anon.body.access_token!.split(".")[2]}`;
    expect((await whoami(s.url, altered)).status).toBe(401);

    // Email/password (the --users file here) and an API key (the database) log in too.
    expect(await login(s.url, "local-userpass", { username: "ada@example.com", password: "wrong" })).toEqual({
      status: 401,
      body: { error: "invalid username/password", error_code: "InvalidPassword" },
    });
    const ada = await login(s.url, "local-userpass", { username: "ada@example.com", password: "correct horse" });
    expect(ada.body.user_id).toBe("u-ada");
    expect(await whoami(s.url, ada.body.access_token)).toEqual({ status: 200, body: { id: "u-ada", type: "normal", providers: ["local-userpass"] } });
    const key = await login(s.url, "api-key", { key: "billing-key-secret" });
    expect(await whoami(s.url, key.body.access_token)).toEqual({ status: 200, body: { id: "key-1", type: "server", providers: ["api-key"] } });
    expect((await login(s.url, "api-key", { key: "nope" })).status).toBe(401);
    expect((await login(s.url, "api-key", {})).status).toBe(400);

    // Not enabled by the app, not one serve logs in with, another app, not POST.
    expect((await login(s.url, "oauth2-google", {})).body.error_code).toBe("AuthProviderNotFound");
    expect((await login(s.url, "anon-user", {}, "other-app-abcde")).status).toBe(404);
    expect((await fetch(loginUrl(s.url, "anon-user"))).status).toBe(405);
  }, 60_000);

  it("without HOOKSHIFT_TOKEN_SECRET logins are off and say how to turn them on; a short secret stops the start", async () => {
    const s = await start({});
    expect(s.logins).toEqual([]);
    const r = await login(s.url, "anon-user");
    expect(r.status).toBe(503);
    expect(r.body.error).toContain("HOOKSHIFT_TOKEN_SECRET");
    await expect(start({ HOOKSHIFT_TOKEN_SECRET: "short" })).rejects.toThrow(ServeStartError);
    await expect(start({ HOOKSHIFT_TOKEN_SECRET: "short" })).rejects.toThrow(/at least 32/);
  }, 60_000);

  it("a token from a server with another secret is refused", async () => {
    const a = await start({ HOOKSHIFT_TOKEN_SECRET: TOKEN_SECRET });
    const b = await start({ HOOKSHIFT_TOKEN_SECRET: TOKEN_SECRET.replace("0", "9") });
    const { body } = await login(a.url, "anon-user");
    expect((await whoami(a.url, body.access_token)).status).toBe(200);
    expect((await whoami(b.url, body.access_token)).status).toBe(401);
  }, 60_000);

  it("a session ends with its user: a deleted API key's or user's token is refused", async () => {
    const store = await openStore();
    try {
      const tokens = accessTokens(TOKEN_SECRET, SERVE_APP_ID);
      const dir = new DbUserDirectory(store, new UserStore(), { accessTokens: tokens });
      const ops = adminOps(store);
      const key = await ops.addKey("billing");
      const user = await ops.addUser("ada@example.com", "correct horse");
      const keyToken = tokens.sign({ sub: key.id, prov: "api-key", src: "db", utype: "server" });
      const userToken = tokens.sign({ sub: user.id, prov: "local-userpass", src: "db", utype: "normal" });
      expect(await dir.authenticate({ kind: "bearer", token: keyToken }, false)).toMatchObject({ ok: true, user: { id: key.id, type: "server" } });
      expect(await dir.authenticate({ kind: "bearer", token: userToken }, false)).toMatchObject({ ok: true, user: { id: user.id, type: "normal" } });
      await ops.deleteKey(key.id);
      await ops.deleteUser(user.id);
      expect(await dir.authenticate({ kind: "bearer", token: keyToken }, false)).toMatchObject({ ok: false, code: "InvalidSession" });
      expect(await dir.authenticate({ kind: "bearer", token: userToken }, false)).toMatchObject({ ok: false, code: "InvalidSession" });
    } finally {
      await store.close();
    }
  });

  it("refuses credentials of a provider auth/providers.json does not enable (every provider works without the file)", async () => {
    const store = await openStore();
    try {
      const file = new UserStore({ apiKeys: [{ id: "k1", key: "key-one" }], users: [{ id: "u1", email: "ada@example.com", password: "pw" }] });
      const strict = new DbUserDirectory(store, file, { enabled: new Set(["local-userpass"]) });
      expect(await strict.authenticate({ kind: "api-key", key: "key-one" }, false)).toMatchObject({ ok: false, code: "AuthProviderNotFound" });
      expect(await strict.authenticate({ kind: "local-userpass", email: "ada@example.com", password: "pw" }, false)).toMatchObject({
        ok: true,
        user: { id: "u1" },
      });
      const open = new DbUserDirectory(store, file, {});
      expect(await open.authenticate({ kind: "api-key", key: "key-one" }, false)).toMatchObject({ ok: true, user: { id: "k1" } });
      // A token issued for a provider the app no longer enables is refused too.
      const tokens = accessTokens(TOKEN_SECRET, SERVE_APP_ID);
      const withTokens = new DbUserDirectory(store, file, { enabled: new Set(["local-userpass"]), accessTokens: tokens });
      expect(
        await withTokens.authenticate({ kind: "bearer", token: tokens.sign({ sub: "anon1", prov: "anon-user", src: "none", utype: "normal" }) }, false),
      ).toMatchObject({ ok: false, code: "AuthProviderNotFound" });
    } finally {
      await store.close();
    }
  });
});
