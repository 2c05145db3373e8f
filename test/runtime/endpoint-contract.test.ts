// What a caller sees of an endpoint where it differs from the webhook (docs/parity.md): the
// documented authentication errors, HEAD, Accept negotiation, and which body fields count as
// webhook credentials. The migrated app is made by `migrate` itself, verbatim (no rewrite rules).

import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../src/commands/migrate.js";
import { bufferIo } from "../../src/cli/io.js";
import { runShim, type ShimOptions } from "../../src/cli/shim.js";
import { RULE_IDS } from "../../src/rewrite/registry.js";
import type { ShimRequest } from "../../src/runtime/http.js";
import { dispatch } from "../../src/runtime/server.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { openSession, type Session } from "../../src/runtime/session.js";
import { fixture, tempDir } from "../helpers.js";

const APP = "shimbasic-abcde";
const users = {
  users: [{ id: "64a000000000000000000001", email: "ada@example.com", password: "pw-1", accessTokens: ["token-1"] }],
  apiKeys: [{ id: "64a000000000000000000002", key: "key-1" }],
};

function req(method: string, p: string, o: { headers?: Record<string, string>; body?: string } = {}): ShimRequest {
  return {
    method,
    path: p,
    rawQuery: "",
    rawHeaders: Object.entries(o.headers ?? {}).flat(),
    body: o.body === undefined ? undefined : Buffer.from(o.body),
    remoteAddress: "127.0.0.1",
  };
}
const hook = (name: string) => `/api/client/v2.0/app/${APP}/service/api/incoming_webhook/${name}`;
const ep = (route: string) => `/app/${APP}/endpoint${route}`;
const json = (b: Buffer) => JSON.parse(b.toString("utf8"));

let original: Session;
let migrated: Session;
let out: string;

beforeAll(async () => {
  out = path.join(await tempDir(), "migrated");
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

describe("endpoint authentication errors (the Data API's OpenAPI)", () => {
  it("no credentials: 400 InvalidParameter, 'no authentication methods were specified', with a link", async () => {
    const r = await dispatch(req("POST", ep("/api/whoami")), migrated.deps);
    expect(r.status).toBe(400);
    expect(json(r.body)).toEqual({ error: "no authentication methods were specified", error_code: "InvalidParameter", link: expect.any(String) });
    // Credentials in the body are not read by endpoints: the same answer.
    const inBody = await dispatch(req("POST", ep("/api/whoami"), { body: JSON.stringify({ "api-key": "key-1" }) }), migrated.deps);
    expect(inBody.status).toBe(400);
    expect(json(inBody.body).error_code).toBe("InvalidParameter");
  });

  it("an incomplete set (an email header without its password): 400 MissingParameter", async () => {
    const r = await dispatch(req("POST", ep("/api/whoami"), { headers: { email: "ada@example.com" } }), migrated.deps);
    expect(r.status).toBe(400);
    expect(json(r.body)).toMatchObject({
      error: "must specify some form of authentication (either email+password, api-key, or jwt) in the request header or body",
      error_code: "MissingParameter",
    });
  });

  it("credentials no user matches: 401 InvalidSession, the reason in the log only", async () => {
    const r = await dispatch(req("POST", ep("/api/whoami"), { headers: { email: "ada@example.com", password: "nope" } }), migrated.deps);
    expect(r.status).toBe(401);
    expect(json(r.body)).toMatchObject({ error: "invalid session: error finding user for endpoint", error_code: "InvalidSession" });
    expect(r.logs.join("\n")).toMatch(/invalid username\/password/);
    expect((await dispatch(req("POST", ep("/api/whoami"), { headers: { Authorization: "Bearer nope" } }), migrated.deps)).status).toBe(401);
    expect((await dispatch(req("POST", ep("/api/whoami"), { headers: { apiKey: "key-1" } }), migrated.deps)).status).toBe(200);
  });

  it("the webhook keeps its own answers: 401 MissingAuthReq without credentials", async () => {
    const r = await dispatch(req("POST", hook("whoami")), original.deps);
    expect(r.status).toBe(401);
    expect(json(r.body).error_code).toBe("MissingAuthReq");
    const partial = await dispatch(req("POST", hook("whoami"), { headers: { email: "ada@example.com" } }), original.deps);
    expect(partial.status).toBe(401);
    expect(json(partial.body).error_code).toBe("MissingAuthReq");
  });
});

describe("HEAD on endpoints", () => {
  it("a GET endpoint does not answer HEAD as a GET: the route's method-not-allowed answer (405 by default)", async () => {
    const r = await dispatch(req("HEAD", ep("/api/processed")), migrated.deps);
    expect(r.status).toBe(405);
    expect(r.body.length).toBe(0);
    expect((await dispatch(req("GET", ep("/api/processed")), migrated.deps)).status).toBe(200);
  });

  it("a * endpoint handles every method, HEAD included", async () => {
    const r = await dispatch(req("HEAD", ep("/api/anything")), migrated.deps);
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
  });

  it("--endpoint-head-as-get serves HEAD from the GET endpoint, without a body", async () => {
    const sem = { ...migrated.deps.sem, endpointHeadAsGet: true };
    const r = await dispatch(req("HEAD", ep("/api/processed")), { ...migrated.deps, sem });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
  });
});

describe("hookshift shim --endpoint-head-as-get", () => {
  async function headStatus(endpointHeadAsGet: boolean): Promise<number> {
    const io = bufferIo();
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const opts: ShimOptions = {
      app: out,
      port: 0,
      host: "127.0.0.1",
      allowNetwork: false,
      errorStatus: [],
      webhookNoResultStatus: 200,
      endpointNoResultStatus: 204,
      headerCase: "canonical",
      querySecret: "visible",
      rawQueryQuestionMark: false,
      webhookEmptyBody: "undefined",
      webhookSignatureOver: "raw",
      timeLimit: 5,
      endpointHeadAsGet,
    };
    const running = runShim(opts, io, until);
    let url: string | undefined;
    for (let i = 0; i < 200 && !url; i++) {
      url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(io.stdout())?.[1];
      if (!url) await new Promise((r) => setTimeout(r, 50));
    }
    try {
      return (await fetch(`${url}/app/${APP}/endpoint/api/processed`, { method: "HEAD" })).status;
    } finally {
      stop();
      expect(await running).toBe(0);
    }
  }

  it("is off by default (405) and serves HEAD from the GET endpoint when given", async () => {
    expect(await headStatus(false)).toBe(405);
    expect(await headStatus(true)).toBe(200);
  }, 30_000);
});

describe("Accept negotiation on an EJSON endpoint", () => {
  it("axios' `application/json, text/plain, */*` keeps EJSON; `application/json` alone switches to JSON", async () => {
    const axios = await dispatch(req("GET", ep("/api/processed"), { headers: { Accept: "application/json, text/plain, */*" } }), migrated.deps);
    expect(axios.body.toString()).toBe('{"Processed":{"$numberInt":"900"}}');
    expect(axios.headers["Content-Type"]).toEqual(["application/json"]);
    const plain = await dispatch(req("GET", ep("/api/processed"), { headers: { Accept: "application/json" } }), migrated.deps);
    expect(plain.body.toString()).toBe('{"Processed":900}');
    const ejson = await dispatch(req("GET", ep("/api/processed"), { headers: { Accept: "application/json;q=0.5, application/ejson" } }), migrated.deps);
    expect(ejson.body.toString()).toBe('{"Processed":{"$numberInt":"900"}}');
    expect(ejson.headers["Content-Type"]).toEqual(["application/ejson"]);
  });
});

describe("webhook credentials in the body", () => {
  const headerCreds = { email: "ada@example.com", password: "pw-1", "Content-Type": "application/json" };

  it("business fields called email, password, key or secret next to header credentials are the caller's data", async () => {
    for (const body of [
      { email: "customer@example.com", items: [1] },
      { password: "their-new-password" },
      { key: "k-1", secret: "s-1" },
      { email: 7, password: "x" },
      { apiKey: "k" },
    ]) {
      const r = await dispatch(req("POST", hook("whoami"), { headers: headerCreds, body: JSON.stringify(body) }), original.deps);
      expect(r.status, JSON.stringify(body)).toBe(200);
      expect(json(r.body)).toMatchObject({ id: "64a000000000000000000001" });
    }
  });

  it("a complete set in both places is still refused (400)", async () => {
    for (const body of [{ email: "ada@example.com", password: "pw-1" }, { "api-key": "key-1" }, { jwtTokenString: "t" }]) {
      const r = await dispatch(req("POST", hook("whoami"), { headers: headerCreds, body: JSON.stringify(body) }), original.deps);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("a lone email in the body is no credentials: without headers, the missing-credentials answer", async () => {
    const r = await dispatch(req("POST", hook("whoami"), { body: JSON.stringify({ email: "ada@example.com" }) }), original.deps);
    expect(r.status).toBe(401);
    expect(json(r.body).error_code).toBe("MissingAuthReq");
  });
});
