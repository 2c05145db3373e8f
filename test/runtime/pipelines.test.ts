// The webhook and endpoint pipelines end to end on a fixture app (no sockets: `dispatch` takes a
// request and returns the response). The migrated app is produced by `migrate` itself.

import path from "node:path";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/commands/migrate.js";
import { RULE_IDS } from "../../src/rewrite/registry.js";
import { signature, type ShimRequest } from "../../src/runtime/http.js";
import { dispatch } from "../../src/runtime/server.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { openSession, type Session } from "../../src/runtime/session.js";
import { fixture, tempDir } from "../helpers.js";

const APP = "shimbasic-abcde";
const users = {
  users: [{ id: "64a000000000000000000001", email: "ada@example.com", password: "pw-1", accessTokens: ["token-1"], custom_data: { role: "admin" } }],
  apiKeys: [{ id: "64a000000000000000000002", key: "key-1" }],
};

function req(method: string, p: string, o: { query?: string; headers?: Record<string, string>; body?: string } = {}): ShimRequest {
  return {
    method,
    path: p,
    rawQuery: o.query ?? "",
    rawHeaders: Object.entries(o.headers ?? {}).flat(),
    body: o.body === undefined ? undefined : Buffer.from(o.body),
    remoteAddress: "127.0.0.1",
  };
}
const hook = (name: string) => `/api/client/v2.0/app/${APP}/service/api/incoming_webhook/${name}`;
const ep = (route: string) => `/app/${APP}/endpoint${route}`;
const text = (b: Buffer) => b.toString("utf8");

let original: Session;
let migrated: Session;

beforeAll(async () => {
  const tmp = await tempDir();
  const out = path.join(tmp, "migrated");
  // A verbatim conversion (no rewrite rules), to see the endpoint semantics themselves.
  const r = await migrate({
    app: fixture("shim-basic"),
    out,
    dryRun: false,
    inPlace: false,
    allowDirty: false,
    removeWebhooks: false,
    force: false,
    skipRules: RULE_IDS,
  });
  expect(r.code).not.toBe(1);
  const sem = defaultSemantics();
  sem.timeLimitMs = 2000;
  original = await openSession({ app: fixture("shim-basic"), users, semantics: sem });
  migrated = await openSession({ app: out, users, semantics: sem, secretsFile: path.join(r.reportDir!, "secrets.json") });
}, 60_000);

afterAll(async () => {
  await original?.close();
  await migrated?.close();
});

describe("webhook pipeline", () => {
  // Observed: https://alexbevi.com/blog/2020/03/30/working-around-mongodb-stitchs-max-async-work-queue-limit/
  it("answers the return value as canonical EJSON (observed {Processed: 900})", async () => {
    const r = await dispatch(req("GET", hook("processed")), original.deps);
    expect(r.status).toBe(200);
    expect(text(r.body)).toBe('{"Processed":{"$numberInt":"900"}}');
  });

  it("checks the method and knows its webhooks", async () => {
    expect((await dispatch(req("POST", hook("processed")), original.deps)).status).toBe(405);
    const missing = await dispatch(req("GET", hook("nope")), original.deps);
    expect(missing.status).toBe(404);
    expect(JSON.parse(text(missing.body))).toMatchObject({ error_code: "IncomingWebhookNotFound" });
  });

  it("SECRET_AS_QUERY_PARAM: none and wrong are rejected, right passes; the response methods win over the return value", async () => {
    const body = '{"items":[1]}';
    expect((await dispatch(req("POST", hook("created"), { body }), original.deps)).status).toBe(401);
    expect((await dispatch(req("POST", hook("created"), { body, query: "secret=nope" }), original.deps)).status).toBe(401);
    const ok = await dispatch(req("POST", hook("created"), { body, query: "secret=fixture-secret-21" }), original.deps);
    expect(ok.status).toBe(201);
    expect(ok.body.length).toBe(0);
  });

  it("VERIFY_PAYLOAD: X-Hook-Signature over the raw body", async () => {
    const body = '{ "message": "Hello!" }';
    const bad = await dispatch(req("POST", hook("signed"), { body, headers: { "X-Hook-Signature": "sha256=00" } }), original.deps);
    expect(bad.status).toBe(401);
    expect(JSON.parse(text(bad.body)).error_code).toBe("IncomingWebhookAuthFailed");
    const good = await dispatch(
      req("POST", hook("signed"), { body, headers: { "X-Hook-Signature": signature("fixture-secret-22", body), "Content-Type": "application/json" } }),
      original.deps,
    );
    expect(good.status).toBe(200);
    expect(good.body.length).toBe(0);
    expect(good.logs.join("\n")).toMatch(/signed call/);
  });

  it("ANY accepts every method; a body-less request has no body", async () => {
    const r = await dispatch(req("DELETE", hook("anything"), { query: "a=1&a=2" }), original.deps);
    expect(JSON.parse(text(r.body))).toEqual({ method: "DELETE", query: { a: "1" }, hasBody: false });
  });

  it("application auth: credentials in headers or body, never both; custom data", async () => {
    const none = await dispatch(req("POST", hook("whoami")), original.deps);
    expect(none.status).toBe(401);
    const headers = await dispatch(req("POST", hook("whoami"), { headers: { email: "ada@example.com", password: "pw-1" } }), original.deps);
    expect(JSON.parse(text(headers.body))).toMatchObject({ id: "64a000000000000000000001", type: "normal", role: "admin" });
    const body = await dispatch(req("POST", hook("whoami"), { body: JSON.stringify({ "api-key": "key-1" }) }), original.deps);
    expect(JSON.parse(text(body.body))).toMatchObject({ id: "64a000000000000000000002", type: "server" });
    const both = await dispatch(req("POST", hook("whoami"), { headers: { "api-key": "key-1" }, body: JSON.stringify({ "api-key": "key-1" }) }), original.deps);
    expect(both.status).toBe(400);
    const wrong = await dispatch(req("POST", hook("whoami"), { headers: { email: "ada@example.com", password: "nope" } }), original.deps);
    expect(JSON.parse(text(wrong.body)).error_code).toBe("InvalidSession");
  });

  it("can_evaluate with a header matched case-insensitively; values and environment", async () => {
    expect((await dispatch(req("GET", hook("guarded")), original.deps)).status).toBe(403);
    const ok = await dispatch(req("GET", hook("guarded"), { headers: { "x-api-version": "2" } }), original.deps);
    expect(JSON.parse(text(ok.body))).toEqual({ ok: true, greeting: "hello", region: "local" });
  });

  it("a throwing function answers FunctionExecutionError; outbound HTTP is refused", async () => {
    const r = await dispatch(req("POST", hook("fails")), original.deps);
    expect(r.status).toBe(400);
    expect(JSON.parse(text(r.body))).toMatchObject({ error: "order store is down", error_code: "FunctionExecutionError" });
    const out = await dispatch(req("POST", hook("outbound")), original.deps);
    expect(JSON.parse(text(out.body))).toEqual({ refused: true });
    expect(out.outbound[0]).toMatchObject({ kind: "http.get", sent: false });
  });

  it("database writes land in the store with their BSON types", async () => {
    await dispatch(req("POST", hook("created"), { body: '{"items":[7]}', query: "secret=fixture-secret-21" }), original.deps);
    const snap = await original.deps.store.snapshot();
    const last = snap.shop!.orders!.at(-1)!;
    expect(last.items.map(Number)).toEqual([7]);
    expect(last.createdAt).toBeInstanceOf(Date);
  });
});

describe("endpoint pipeline on the migrated app", () => {
  it("respond_result: setStatusCode alone does not suppress the return value (the documented difference)", async () => {
    const r = await dispatch(req("POST", ep("/api/created"), { body: '{"items":[1]}', query: "secret=fixture-secret-21" }), migrated.deps);
    expect(r.status).toBe(201);
    expect(text(r.body)).toMatch(/^\{"insertedId":\{"\$oid":"[0-9a-f]{24}"\}\}$/);
  });

  it("respond_result off answers 204; Endpoint-Signature replaces X-Hook-Signature", async () => {
    const body = '{"a":1}';
    const old = await dispatch(req("POST", ep("/api/signed"), { body, headers: { "X-Hook-Signature": signature("fixture-secret-22", body) } }), migrated.deps);
    expect(old.status).toBe(401);
    const r = await dispatch(req("POST", ep("/api/signed"), { body, headers: { "Endpoint-Signature": signature("fixture-secret-22", body) } }), migrated.deps);
    expect(r.status).toBe(204);
  });

  it("the same EJSON as the webhook for a plain return; JSON when the caller asks", async () => {
    const r = await dispatch(req("GET", ep("/api/processed")), migrated.deps);
    expect(text(r.body)).toBe('{"Processed":{"$numberInt":"900"}}');
    const json = await dispatch(req("GET", ep("/api/processed"), { headers: { Accept: "application/json" } }), migrated.deps);
    expect(text(json.body)).toBe('{"Processed":900}');
  });

  it("* routes every method; application auth takes Bearer tokens and credential headers only", async () => {
    expect(JSON.parse(text((await dispatch(req("PATCH", ep("/api/anything")), migrated.deps)).body)).method).toBe("PATCH");
    const bearer = await dispatch(req("POST", ep("/api/whoami"), { headers: { Authorization: "Bearer token-1" } }), migrated.deps);
    expect(JSON.parse(text(bearer.body))).toMatchObject({ id: "64a000000000000000000001" });
    const inBody = await dispatch(req("POST", ep("/api/whoami"), { body: JSON.stringify({ "api-key": "key-1" }) }), migrated.deps);
    expect(inBody.status).toBe(400); // endpoints read no body credentials: "no authentication methods were specified"
  });

  it("unknown routes and methods", async () => {
    expect((await dispatch(req("GET", ep("/api/nope")), migrated.deps)).status).toBe(404);
    expect((await dispatch(req("GET", ep("/api/created")), migrated.deps)).status).toBe(405);
  });
});

describe("fixture sanity", () => {
  it("shim-basic's webhook secrets are the ones the tests sign with", async () => {
    const cfg = JSON.parse(await readFile(fixture("shim-basic/http_endpoints/api/incoming_webhooks/signed/config.json"), "utf8"));
    expect(cfg.options.secret).toBe("fixture-secret-22");
  });
});
