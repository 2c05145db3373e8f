// One test per row of docs/parity.md that the pipeline tests do not already cover: services,
// users, expressions with %function, endpoint encodings, and every flag that changes a default.

import { createHmac } from "node:crypto";
import jwt from "jsonwebtoken";
import { EJSON } from "bson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signature, type ShimRequest } from "../../src/runtime/http.js";
import { dispatch } from "../../src/runtime/server.js";
import { applyErrorStatus, defaultSemantics } from "../../src/runtime/semantics.js";
import { openSession, type Session } from "../../src/runtime/session.js";
import { fixture } from "../helpers.js";

const APP = "shimsvc-fghij";
const users = {
  users: [{ id: "64a000000000000000000001", email: "ada@example.com", password: "pw-1" }],
  customJwt: { secret: "jwt-secret-1", algorithms: ["HS256"], idField: "sub" },
};
const seed = EJSON.stringify({ app: { profiles: [{ user_id: "ext-7", plan: "gold" }] } });

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
const hook = (svc: string, name: string) => `/api/client/v2.0/app/${APP}/service/${svc}/incoming_webhook/${name}`;
const ep = (route: string) => `/app/${APP}/endpoint${route}`;
const json = (b: Buffer) => JSON.parse(b.toString("utf8"));

let s: Session;
beforeAll(async () => {
  const sem = defaultSemantics();
  sem.timeLimitMs = 2000;
  s = await openSession({ app: fixture("shim-services"), users, seedText: seed, semantics: sem });
}, 30_000);
afterAll(async () => s?.close());

describe("services", () => {
  it("GitHub: X-Hub-Signature-256 (or sha1 X-Hub-Signature) checked; payload is the parsed event; headers via context.request", async () => {
    const body = JSON.stringify({ ref: "refs/heads/main" });
    expect((await dispatch(req("POST", hook("gh", "onPush"), { body }), s.deps)).status).toBe(401);
    const ok = await dispatch(
      req("POST", hook("gh", "onPush"), { body, headers: { "X-Hub-Signature-256": signature("fixture-secret-31", body), "X-GitHub-Event": "push" } }),
      s.deps,
    );
    expect(ok.status).toBe(200);
    expect(EJSON.parse(ok.body.toString())).toEqual({ ref: "refs/heads/main", event: "push" });
    const sha1 = "sha1=" + createHmac("sha1", "fixture-secret-31").update(body).digest("hex");
    expect((await dispatch(req("POST", hook("gh", "onPush"), { body, headers: { "X-Hub-Signature": sha1, "X-GitHub-Event": "push" } }), s.deps)).status).toBe(
      200,
    );
  });

  it("Twilio: form fields as the payload; send is recorded, never sent", async () => {
    const body = new URLSearchParams({ From: "+15558675309", To: "+18057166646", Body: "hi", MessageSid: "SM1" }).toString();
    const r = await dispatch(req("POST", hook("sms", "inbound"), { body, headers: { "Content-Type": "application/x-www-form-urlencoded" } }), s.deps);
    // With Respond With Result the Twilio service texted the value back: the shim answers that TwiML.
    expect(r.body.toString()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>thanks</Message></Response>');
    expect(r.headers["Content-Type"]).toEqual(["text/xml"]);
    expect(r.outbound).toHaveLength(1);
    expect(r.outbound[0]).toMatchObject({ kind: "twilio.send", service: "sms", sent: false });
    expect(JSON.parse(r.outbound[0]!.args)).toEqual([{ to: "+15558675309", from: "+18057166646", body: "Got: hi" }]);
  });
});

describe("users", () => {
  it("a script picks the user, or the system user", async () => {
    expect(EJSON.parse((await dispatch(req("POST", hook("api", "byScript"), { query: "as=64a000000000000000000001" }), s.deps)).body.toString())).toEqual({
      id: "64a000000000000000000001",
      system: false,
    });
    expect(EJSON.parse((await dispatch(req("POST", hook("api", "byScript"), { query: "as=system" }), s.deps)).body.toString())).toEqual({
      id: null,
      system: true,
    });
  });

  it("a fixed user id the users file does not know still runs, with a note", async () => {
    const r = await dispatch(req("POST", hook("api", "ghost")), s.deps);
    expect(EJSON.parse(r.body.toString())).toEqual({ id: "64a0000000000000000000ee" });
    expect(r.logs.join("\n")).toMatch(/not in the --users file/);
  });

  it("create_user_on_auth creates a user on a valid custom JWT; fetch_custom_user_data reads the collection", async () => {
    const token = jwt.sign({ sub: "ext-7" }, "jwt-secret-1");
    const r = await dispatch(req("POST", hook("api", "jwtUser"), { headers: { jwtTokenString: token } }), s.deps);
    expect(EJSON.parse(r.body.toString())).toEqual({ id: "ext-7" });
    expect(r.logs.join("\n")).toMatch(/created user ext-7/);
    const p = await dispatch(req("GET", ep("/profile"), { headers: { jwtTokenString: token } }), s.deps);
    expect(EJSON.parse(p.body.toString())).toEqual({ id: "ext-7", plan: "gold" });
    const bad = await dispatch(req("POST", hook("api", "jwtUser"), { headers: { jwtTokenString: jwt.sign({ sub: "x" }, "other") } }), s.deps);
    expect(bad.status).toBe(401);
  });

  it("can_evaluate calls an app function through %function", async () => {
    expect((await dispatch(req("POST", hook("api", "gated"), { headers: { "User-Agent": "weekday-bot" } }), s.deps)).status).toBe(200);
    expect((await dispatch(req("POST", hook("api", "gated"), { headers: { "User-Agent": "other" } }), s.deps)).status).toBe(403);
  });
});

describe("endpoint encodings", () => {
  it("return_type JSON follows the Data API mapping; Accept: application/ejson overrides it", async () => {
    expect(json((await dispatch(req("GET", ep("/report")), s.deps)).body)).toEqual({
      at: "2023-05-05T01:02:03.456Z",
      id: "64a0000000000000000000dd",
      total: "9823.1297",
    });
    const e = await dispatch(req("GET", ep("/report"), { headers: { Accept: "application/ejson" } }), s.deps);
    expect(json(e.body).at).toEqual({ $date: { $numberLong: "1683248523456" } });
    expect(e.headers["Content-Type"]).toEqual(["application/ejson"]);
  });

  it("a disabled endpoint answers as if absent", async () => {
    expect((await dispatch(req("GET", ep("/retired")), s.deps)).status).toBe(404);
  });
});

describe("flags that change a default", () => {
  it("--webhook-no-result-status, --header-case as-sent and --error-status", async () => {
    const sem = defaultSemantics();
    sem.webhookNoResultStatus = 204;
    sem.headerCase = "as-sent";
    expect(applyErrorStatus(sem, ["webhookNotFound=410"])).toBeUndefined();
    expect(applyErrorStatus(sem, ["nonsense=1"])).toMatch(/expected <kind>=<status>/);
    const deps = { ...s.deps, sem };
    const r = await dispatch(req("POST", hook("api", "silent"), { headers: { "x-lower": "1" } }), deps);
    expect(r.status).toBe(204);
    const d = await dispatch(req("POST", hook("api", "silent"), { headers: { "x-lower": "1" } }), s.deps);
    expect(d.status).toBe(200);
    expect((await dispatch(req("GET", hook("api", "nope")), deps)).status).toBe(410);
  });
});

describe("flags for the undocumented request shapes", () => {
  let basic: Session;
  beforeAll(async () => {
    basic = await openSession({ app: fixture("shim-basic") });
  }, 30_000);
  afterAll(async () => basic?.close());
  const anything = `/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook/anything`;
  const signed = `/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook/signed`;

  it("--query-secret hidden drops secret from payload.query; visible keeps it", async () => {
    const sem = defaultSemantics();
    expect(EJSON.parse((await dispatch(req("GET", anything, { query: "secret=s&x=1" }), basic.deps)).body.toString()).query).toEqual({ secret: "s", x: "1" });
    sem.querySecretVisible = false;
    expect(EJSON.parse((await dispatch(req("GET", anything, { query: "secret=s&x=1" }), { ...basic.deps, sem })).body.toString()).query).toEqual({ x: "1" });
  });

  it("--webhook-empty-body empty-binary gives an empty Binary to body-less requests", async () => {
    const sem = defaultSemantics();
    sem.webhookEmptyBody = "empty-binary";
    expect(EJSON.parse((await dispatch(req("GET", anything), { ...basic.deps, sem })).body.toString()).hasBody).toBe(true);
    expect(EJSON.parse((await dispatch(req("GET", anything), basic.deps)).body.toString()).hasBody).toBe(false);
  });

  it("--webhook-signature-over ejson signs the re-serialised body", async () => {
    const sem = defaultSemantics();
    sem.webhookSignatureOver = "ejson";
    const body = '{ "message": "MESSAGE" }';
    const compact = signature("fixture-secret-22", EJSON.stringify(EJSON.parse(body)));
    expect((await dispatch(req("POST", signed, { body, headers: { "X-Hook-Signature": compact } }), { ...basic.deps, sem })).status).toBe(200);
    expect((await dispatch(req("POST", signed, { body, headers: { "X-Hook-Signature": compact } }), basic.deps)).status).toBe(401);
  });

  it("--raw-query-question-mark prefixes rawQueryString", async () => {
    const { requestSpec } = await import("../../src/runtime/webhook.js");
    const sem = defaultSemantics();
    expect(requestSpec(req("GET", anything, { query: "a=1&secret=x" }), basic.deps).rawQueryString).toBe("a=1");
    sem.rawQueryLeadingQuestionMark = true;
    expect(requestSpec(req("GET", anything, { query: "a=1&secret=x" }), { ...basic.deps, sem }).rawQueryString).toBe("?a=1");
  });
});
