// Custom JWT with a JWK URI (src/serve/jwks.ts): the app's custom-token provider names a JWK Set
// URL (auth/providers.json useJWKURI/jwkURI, https://www.mongodb.com/docs/atlas/app-services/authentication/custom-jwt/#use-a-jwk-uri);
// serve reads it at start and verifies each token with the key its `kid` header names. The set is
// served on loopback by the test, with RS256 keys made here by node:crypto.

import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { cp, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import jwt from "jsonwebtoken";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/runtime/limits.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { allowedJwkHost, keysOf, loadJwks } from "../../src/serve/jwks.js";
import { ServeStartError, startServe, type RunningServe } from "../../src/serve/start.js";
import { tempDir } from "../helpers.js";
import { ep, SERVE_APP, SERVE_APP_ID } from "./helpers.js";

const SECRETS = { HOOKSHIFT_SECRET_orders_x2D_key: "k", HOOKSHIFT_SECRET_upstream_x2D_token: "t" };
const TOKEN_SECRET = "0123456789abcdef0123456789abcdef-test";

interface Pair {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}
const pair = (kid: string): Pair => ({ kid, ...generateKeyPairSync("rsa", { modulusLength: 2048 }) });
const jwkOf = (p: Pair) => ({ ...p.publicKey.export({ format: "jwk" }), kid: p.kid, alg: "RS256", use: "sig" });
const tokenFor = (signer: Pair, kid: string, sub: string, audience = "servetest") =>
  jwt.sign({ name: sub }, signer.privateKey, { algorithm: "RS256", keyid: kid, subject: sub, audience, expiresIn: 300 });

const k1 = pair("k1");
const k2 = pair("k2");
const stranger = pair("k3");

// The issuer: its current set, and how many times it was read.
let published: unknown = { keys: [jwkOf(k1)] };
let reads = 0;
let jwksServer: http.Server;
let jwksUrl = "";
const running: RunningServe[] = [];

beforeAll(async () => {
  jwksServer = http.createServer((_req, res) => {
    reads++;
    if (published === "down") {
      res.statusCode = 503;
      return res.end();
    }
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify(published));
  });
  await new Promise<void>((r) => jwksServer.listen(0, "127.0.0.1", r));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(async () => {
  for (const r of running) await r.shutdown(1000).catch(() => undefined);
  await new Promise((r) => jwksServer.close(r));
});

/** A copy of the serve test app whose custom-token provider reads `jwkUri`. */
async function appWithJwkUri(jwkUri: string): Promise<string> {
  const dir = path.join(await tempDir(), "app");
  await cp(SERVE_APP, dir, { recursive: true });
  const file = path.join(dir, "auth", "providers.json");
  const providers = JSON.parse(await readFile(file, "utf8")) as Record<string, { config?: Record<string, unknown>; secret_config?: unknown }>;
  providers["custom-token"]!.config = { audience: ["servetest"], signingAlgorithm: "RS256", useJWKURI: true, jwkURI: jwkUri };
  delete providers["custom-token"]!.secret_config;
  await writeFile(file, JSON.stringify(providers, null, 2));
  return dir;
}

async function start(app: string, env: Record<string, string> = {}, allowHosts?: string[]): Promise<RunningServe> {
  const r = await startServe({
    app,
    host: "127.0.0.1",
    port: 0,
    webhooks: false,
    database: { kind: "embedded" },
    env: { ...SECRETS, HOOKSHIFT_TOKEN_SECRET: TOKEN_SECRET, ...env },
    allowNetwork: false,
    ...(allowHosts ? { allowHosts } : {}),
    sandboxPermissions: true,
    semantics: defaultSemantics(),
    limits: { ...DEFAULT_LIMITS },
    poolSize: 1,
    logger: pino({ level: "silent" }),
  });
  running.push(r);
  return r;
}

async function loginWith(base: string, token: string) {
  const r = await fetch(`${base}/api/client/v2.0/app/${SERVE_APP_ID}/auth/providers/custom-token/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token }),
  });
  return { status: r.status, body: (await r.json()) as { access_token?: string; user_id?: string; error?: string } };
}

describe("custom JWT with a JWK URI", () => {
  it("verifies with the key the token's kid names, picks up a rotation, refuses a stranger's key", async () => {
    published = { keys: [jwkOf(k1)] };
    const s = await start(await appWithJwkUri(jwksUrl), { HOOKSHIFT_JWKS_REFETCH_SECONDS: "0" });
    expect(s.logins).toContain("custom-token");

    const ada = await loginWith(s.url, tokenFor(k1, "k1", "ada"));
    expect(ada).toMatchObject({ status: 200, body: { user_id: "ada" } });
    const who = await fetch(`${s.url}${ep("/whoami")}`, { headers: { Authorization: `Bearer ${ada.body.access_token}` } });
    expect(await who.json()).toEqual({ id: "ada", type: "normal", providers: ["custom-token"] });

    // The issuer rotates to k2: a token with the new kid makes serve read the set again.
    published = { keys: [jwkOf(k2)] };
    const before = reads;
    expect(await loginWith(s.url, tokenFor(k2, "k2", "bob"))).toMatchObject({ status: 200, body: { user_id: "bob" } });
    expect(reads).toBe(before + 1);
    // k1 left the set: its tokens no longer verify.
    expect((await loginWith(s.url, tokenFor(k1, "k1", "ada"))).status).toBe(401);

    // Signed by a key the set does not hold, under a kid it holds or one it does not.
    expect((await loginWith(s.url, tokenFor(stranger, "k2", "mallory"))).status).toBe(401);
    expect((await loginWith(s.url, tokenFor(stranger, "k3", "mallory"))).status).toBe(401);
    // No kid at all; the wrong audience.
    expect((await loginWith(s.url, jwt.sign({}, k2.privateKey, { algorithm: "RS256", subject: "eve", audience: "servetest" }))).status).toBe(401);
    expect((await loginWith(s.url, tokenFor(k2, "k2", "eve", "another-app"))).status).toBe(401);
    // HS256 "signed" with the public key's PEM must not pass for RS256.
    const pem = k2.publicKey.export({ format: "pem", type: "spki" }).toString();
    const confused = `${Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "k2" })).toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "eve", aud: "servetest" })).toString("base64url")}`;
    const { createHmac } = await import("node:crypto");
    expect((await loginWith(s.url, `${confused}.${createHmac("sha256", pem).update(confused).digest("base64url")}`)).status).toBe(401);
  }, 60_000);

  it("an unreachable URI, one --allow-host does not name, or an empty one stops the start with the URI and the reason", async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const deadUri = `http://127.0.0.1:${port}/jwks.json`;
    const dead = start(await appWithJwkUri(deadUri));
    await expect(dead).rejects.toThrow(ServeStartError);
    await expect(dead).rejects.toThrow(`JWK URI ${deadUri} cannot be read: fetch failed`);

    await expect(start(await appWithJwkUri(jwksUrl), {}, ["issuer.example.com"])).rejects.toThrow(
      "which serve's --allow-host list does not: add --allow-host 127.0.0.1",
    );
    // Named in the list: it starts.
    published = { keys: [jwkOf(k1)] };
    expect((await start(await appWithJwkUri(jwksUrl), {}, ["127.0.0.1"])).logins).toContain("custom-token");

    await expect(start(await appWithJwkUri(""))).rejects.toThrow("JWK URI is empty (config.useJWKURI is true)");
    // A set without any usable key.
    published = { keys: [{ kty: "oct", k: "c2VjcmV0", kid: "hmac" }] };
    await expect(start(await appWithJwkUri(jwksUrl))).rejects.toThrow("it holds no RS256 signing key with a kid (skipped: hmac)");
    published = { keys: [jwkOf(k1)] };
  }, 60_000);

  it("reads the set again at most once per interval for unknown kids, and keeps its keys when the issuer is down", async () => {
    let t = 0;
    published = { keys: [jwkOf(k1)] };
    const before = reads;
    const keys = await loadJwks({ uri: jwksUrl, minRefetchMs: 60_000, now: () => t });
    expect(reads).toBe(before + 1);
    expect(await keys.keyFor("k1")).toBeDefined();
    published = { keys: [jwkOf(k1), jwkOf(k2)] };
    // Within the interval, made-up kids cost nothing.
    t = 1_000;
    for (const kid of ["nope-1", "nope-2", "k2"]) expect(await keys.keyFor(kid)).toBeUndefined();
    expect(reads).toBe(before + 1);
    // After it, one read, shared by concurrent lookups.
    t = 61_000;
    const [a, b] = await Promise.all([keys.keyFor("k2"), keys.keyFor("k2")]);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(reads).toBe(before + 2);
    // The issuer answers 503: the keys serve holds still verify.
    published = "down";
    t = 200_000;
    expect(await keys.keyFor("k9")).toBeUndefined();
    expect(reads).toBe(before + 3);
    expect(await keys.keyFor("k1")).toBeDefined();
    published = { keys: [jwkOf(k1)] };
    // A single JWK (not a set) is accepted too; more than MAX_KEYS keys are not all kept.
    expect([...keysOf(jwkOf(k2)).keys()]).toEqual(["k2"]);
    expect(keysOf({ keys: Array.from({ length: 40 }, (_, i) => ({ ...jwkOf(k1), kid: `k${i}` })) }).size).toBe(16);
  });

  it("matches --allow-host like the functions' list", () => {
    expect(allowedJwkHost("https://issuer.example.com/jwks", undefined)).toEqual({ ok: true });
    expect(allowedJwkHost("https://a.issuer.example.com/jwks", ["*.example.com"])).toEqual({ ok: true });
    expect(allowedJwkHost("https://example.com/jwks", ["*.example.com"])).toEqual({ ok: false, host: "example.com" });
    expect(allowedJwkHost("ftp://example.com/jwks", [])).toMatchObject({ ok: false, invalid: expect.stringContaining("ftp:") });
  });
});
