// The function runtime's surface as App Services documents it (issue 11, items 6 and 7): BSON
// globals, EJSON.stringify, cursors, bulkWrite, getCollectionNames, setBody, the app's own npm
// dependencies, geospatial operators in the embedded store, and the request facts (%%request
// service / action / webhookUrl, create_user_on_auth, fetch_custom_user_data).

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeBackend } from "../../src/runtime/functions/db-bridge.js";
import { BSON } from "../../src/runtime/functions/bson-global.js";
import { decodeEJSON } from "../../src/runtime/functions/ejson-codec.js";
import { makeEJSON } from "../../src/runtime/functions/ejson-global.js";
import type { AppSpec, CallResult, UserSpec } from "../../src/runtime/functions/protocol.js";
import { runInProcess, type RunRequest } from "../../src/runtime/functions/sandbox.js";
import type { ShimRequest } from "../../src/runtime/http.js";
import { defaultSemantics } from "../../src/runtime/semantics.js";
import { dispatch } from "../../src/runtime/server.js";
import { openSession, type Session } from "../../src/runtime/session.js";
import { openStore } from "../../src/runtime/store/index.js";
import type { Store } from "../../src/runtime/store/types.js";
import { UserStore, WEBHOOK_CREATING_PROVIDERS } from "../../src/runtime/users.js";
import { tempDir } from "../helpers.js";

const SYSTEM: UserSpec = { id: "", type: "system", data: {}, custom_data: {}, identities: [] };
const NORMAL: UserSpec = { id: "u1", type: "normal", data: {}, custom_data: {}, identities: [] };

function spec(over: Partial<AppSpec> = {}): AppSpec {
  return {
    app: {
      id: "a",
      clientAppId: "a",
      name: "a",
      projectId: "p",
      deployment: { model: "GLOBAL", providerRegion: "aws-us-east-1" },
      lastDeployed: "",
      hostingUri: "",
    },
    environment: { tag: "", values: {} },
    functions: {},
    values: {},
    services: { "mongodb-atlas": "mongodb-atlas" },
    ...over,
  };
}

let store: Store;
beforeAll(async () => {
  store = await openStore({});
});

function run(source: string, over: Partial<RunRequest> = {}, app: AppSpec = spec()): Promise<CallResult> {
  return runInProcess(
    app,
    {
      source,
      sourceFile: "functions/probe.js",
      args: "[]",
      withResponse: false,
      user: SYSTEM,
      runningAsSystem: true,
      timeLimitMs: 5000,
      allowNetwork: false,
      ...over,
    },
    storeBackend(() => store),
  );
}

function value(r: CallResult): unknown {
  if (!r.ok) throw new Error(`call failed: ${r.error.message}`);
  return r.value === undefined ? undefined : decodeEJSON(r.value);
}

function failure(r: CallResult): { message: string; line?: number } {
  if (r.ok) throw new Error(`call succeeded: ${r.value}`);
  return r.error;
}

describe("BSON globals (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#bson--binary-json-)", () => {
  it("BSON.Double() is 0 without an argument, as documented", () => {
    expect(BSON.Double().valueOf()).toBe(0);
    expect(BSON.Double(1234.5678).valueOf()).toBe(1234.5678);
  });

  it("BSON.ObjectId takes a 12-byte string, as documented", () => {
    expect(BSON.ObjectId("abcdefghijkl").toHexString()).toBe("6162636465666768696a6b6c");
    expect(BSON.ObjectId("5e58667d902d38559c802b13").toHexString()).toBe("5e58667d902d38559c802b13");
  });

  it("BSON.Timestamp: {t, i}, nothing, and the older (low = increment, high = seconds) form", async () => {
    expect(value(await run("exports = () => [BSON.Timestamp({ t: 5, i: 1 }), BSON.Timestamp(3, 7), new BSON.Timestamp()]"))).toEqual([
      BSON.Timestamp({ t: 5, i: 1 }),
      BSON.Timestamp({ t: 7, i: 3 }),
      BSON.Timestamp({ t: 0, i: 0 }),
    ]);
  });

  it("every documented BSON type is there and callable without new", async () => {
    const names = value(
      await run(
        "exports = () => ['ObjectId','BSONRegExp','Binary','MaxKey','MinKey','Int32','Long','Double','Decimal128','Timestamp'].filter((n) => typeof BSON[n] !== 'function')",
      ),
    );
    expect(names).toEqual([]);
  });
});

describe("EJSON.stringify (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#ejson.stringify--)", () => {
  const EJSON = makeEJSON();
  it("the docs example: an integer is $numberLong, a date canonical", () => {
    expect(EJSON.stringify({ answer: 42, submittedAt: new Date("2020-03-02T16:46:47.977Z") })).toBe(
      '{"answer":{"$numberLong":"42"},"submittedAt":{"$date":{"$numberLong":"1583167607977"}}}',
    );
  });

  it("fractions stay doubles, typed values keep their type, relaxed stays plain", async () => {
    expect(EJSON.stringify({ f: 1.5, i: BSON.Int32(7), n: [1, -0] })).toBe(
      '{"f":{"$numberDouble":"1.5"},"i":{"$numberInt":"7"},"n":[{"$numberLong":"1"},{"$numberDouble":"-0.0"}]}',
    );
    expect(EJSON.stringify({ a: 42 }, { relaxed: true })).toBe('{"a":42}');
    // objects from the function's own realm too
    expect(value(await run("exports = () => EJSON.stringify({ a: { b: [2] } })"))).toBe('{"a":{"b":[{"$numberLong":"2"}]}}');
  });
});

describe("MongoDB client (https://www.mongodb.com/docs/atlas/app-services/functions/mongodb/api/)", () => {
  it("cursor.next() resolves to undefined once the cursor is exhausted (find and aggregate)", async () => {
    const src = `exports = async () => {
      const c = context.services.get("mongodb-atlas").db("surface").collection("next");
      await c.insertOne({ a: 1 });
      const cur = c.find({});
      const first = await cur.next();
      const end = await cur.next();
      const agg = c.aggregate([{ $match: { a: 2 } }]);
      const aggEnd = await agg.next();
      return [first.a, end === undefined, aggEnd === undefined];
    };`;
    expect(value(await run(src))).toEqual([1, true, true]);
  });

  it("bulkWrite resolves to null; the docs' `{ insertOne: doc }` form inserts doc", async () => {
    const src = `exports = async () => {
      const c = context.services.get("mongodb-atlas").db("surface").collection("bulk");
      const r = await c.bulkWrite([{ insertOne: { name: "velvet elvis", quantity: 20 } }, { insertOne: { document: { name: "mock turtleneck" } } },
        { updateOne: { filter: { name: "velvet elvis" }, update: { $inc: { quantity: 1 } } } }], { ordered: true });
      const docs = await c.find({}, { _id: 0 }).sort({ name: -1 }).toArray();
      return { r, docs };
    };`;
    expect(value(await run(src))).toEqual({ r: null, docs: [{ name: "velvet elvis", quantity: 21 }, { name: "mock turtleneck" }] });
  });

  it("bulkWrite options.ordered: false runs every operation, then fails with the first error; ordered stops", async () => {
    const src = (ordered: boolean) => `exports = async () => {
      const c = context.services.get("mongodb-atlas").db("surface").collection("bulk${ordered ? "O" : "U"}");
      try {
        await c.bulkWrite([{ insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 2 } } }], { ordered: ${ordered} });
        return "no error";
      } catch (e) {
        return { error: /duplicate key/.test(e.message), ids: (await c.find({}).toArray()).map((d) => d._id) };
      }
    };`;
    expect(value(await run(src(false)))).toEqual({ error: true, ids: [1, 2] });
    expect(value(await run(src(true)))).toEqual({ error: true, ids: [1] });
  });

  it("getCollectionNames / getDBNames: system functions only", async () => {
    const src = `exports = async () => {
      const m = context.services.get("mongodb-atlas");
      await m.db("surface").collection("names").insertOne({});
      return (await m.db("surface").getCollectionNames()).includes("names") && (await m.admin().getDBNames()).includes("surface");
    };`;
    expect(value(await run(src))).toBe(true);
    const asUser = await run(src, { user: NORMAL, runningAsSystem: false });
    expect(failure(asUser).message).toMatch(/getCollectionNames\(\) is only available in system functions/);
    const dbNames = await run('exports = () => context.services.get("mongodb-atlas").admin().getDBNames()', { user: NORMAL, runningAsSystem: false });
    expect(failure(dbNames).message).toMatch(/getDBNames\(\) is only available in system functions/);
  });

  it("a database error names the function's line: the $geoNear stage is not implemented", async () => {
    const r = await run(`exports = async () => {
      const c = context.services.get("mongodb-atlas").db("surface").collection("geo");
      return c.aggregate([{ $geoNear: { near: [0, 0] } }]).toArray();
    };`);
    expect(failure(r).message).toMatch(/^unsupported aggregation stage \$geoNear/);
    expect(failure(r).line).toBe(3);
  });
});

describe("geospatial queries in the embedded store (https://www.mongodb.com/docs/manual/reference/operator/query-geospatial/)", () => {
  const places = () => store.collection("geo", "places");
  const names = async (filter: Record<string, unknown>, sort?: Record<string, unknown>) =>
    (await places().find(filter, sort ? { sort } : {})).map((d) => d.name);
  const deg = (km: number) => km / 6378.1; // radians for a distance in km
  beforeAll(async () => {
    await places().insertMany([
      { name: "a", loc: { type: "Point", coordinates: [0, 0] } },
      { name: "b", loc: { type: "Point", coordinates: [0, 1] } },
      { name: "c", loc: [0, 0.5] },
      {
        name: "d",
        loc: {
          type: "Polygon",
          coordinates: [
            [
              [10, 10],
              [11, 10],
              [11, 11],
              [10, 11],
              [10, 10],
            ],
          ],
        },
      },
      { name: "e" },
    ]);
  });

  it("$near with a GeoJSON point: meters, nearest first, $maxDistance / $minDistance", async () => {
    const near = (extra: Record<string, unknown> = {}) => ({ loc: { $near: { $geometry: { type: "Point", coordinates: [0, 2] }, ...extra } } });
    expect(await names(near())).toEqual(["b", "c", "a", "d"]);
    expect(await names({ loc: { $near: { $geometry: { type: "Point", coordinates: [0, 0.1] }, $maxDistance: 100_000 } } })).toEqual(["a", "c"]);
    expect(await names(near({ $minDistance: 150_000, $maxDistance: 250_000 }))).toEqual(["c", "a"]);
    // an explicit sort still wins
    expect(await names(near(), { name: -1 })).toEqual(["d", "c", "b", "a"]);
  });

  it("legacy $near (flat units) and $nearSphere (radians) with sibling $maxDistance", async () => {
    expect(await names({ loc: { $near: [0, 0], $maxDistance: 0.6 } })).toEqual(["a", "c"]);
    expect(await names({ loc: { $nearSphere: [0, 0], $maxDistance: deg(100) } })).toEqual(["a", "c"]);
    expect(await names({ loc: { $nearSphere: { $geometry: { type: "Point", coordinates: [0, 0] }, $maxDistance: 60_000 } } })).toEqual(["a", "c"]);
  });

  it("$geoWithin: $centerSphere, $geometry, $box, $center, $polygon", async () => {
    expect(await names({ loc: { $geoWithin: { $centerSphere: [[0, 0], deg(100)] } } })).toEqual(["a", "c"]);
    const square = {
      type: "Polygon",
      coordinates: [
        [
          [-1, -1],
          [1, -1],
          [1, 0.75],
          [-1, 0.75],
          [-1, -1],
        ],
      ],
    };
    expect(await names({ loc: { $geoWithin: { $geometry: square } } })).toEqual(["a", "c"]);
    expect(
      await names({
        loc: {
          $geoWithin: {
            $box: [
              [-1, -1],
              [1, 2],
            ],
          },
        },
      }),
    ).toEqual(["a", "b", "c"]);
    expect(await names({ loc: { $geoWithin: { $center: [[0, 0], 0.5] } } })).toEqual(["a", "c"]);
    expect(
      await names({
        loc: {
          $geoWithin: {
            $polygon: [
              [9, 9],
              [12, 9],
              [12, 12],
              [9, 12],
            ],
          },
        },
      }),
    ).toEqual(["d"]);
  });

  it("$geoIntersects: a point in a stored polygon, a query polygon around stored points", async () => {
    expect(await names({ loc: { $geoIntersects: { $geometry: { type: "Point", coordinates: [10.5, 10.5] } } } })).toEqual(["d"]);
    const around = {
      type: "Polygon",
      coordinates: [
        [
          [-0.1, 0.4],
          [0.1, 0.4],
          [0.1, 0.6],
          [-0.1, 0.6],
          [-0.1, 0.4],
        ],
      ],
    };
    expect(await names({ loc: { $geoIntersects: { $geometry: around } } })).toEqual(["c"]);
    const crossing = {
      type: "LineString",
      coordinates: [
        [9, 10.5],
        [12, 10.5],
      ],
    };
    expect(await names({ loc: { $geoIntersects: { $geometry: crossing } } })).toEqual(["d"]);
  });

  it("bad geospatial queries fail clearly", async () => {
    await expect(places().find({ loc: { $maxDistance: 5 } })).rejects.toThrow(/\$maxDistance is only valid with \$near/);
    await expect(places().find({ loc: { $near: "here" } })).rejects.toThrow(/\$near needs a GeoJSON point/);
    await expect(places().find({ loc: { $geoWithin: { $geometry: { type: "Point", coordinates: [0, 0] } } } })).rejects.toThrow(/Polygon or MultiPolygon/);
  });

  it("through the function runtime, as App Services functions write them", async () => {
    const src = `exports = async () => {
      const c = context.services.get("mongodb-atlas").db("geo").collection("places");
      const near = await c.find({ loc: { $near: { $geometry: { type: "Point", coordinates: [0, 2] }, $maxDistance: 200000 } } }).toArray();
      return near.map((d) => d.name);
    };`;
    expect(value(await run(src))).toEqual(["b", "c"]);
  });
});

describe("response.setBody with neither a string nor a BSON.Binary (undocumented: --set-body-other)", () => {
  const src = "exports = (response) => { response.setBody({ a: 1 }); };";
  it("fails by default with the value's type", async () => {
    expect(failure(await run(src, { withResponse: true })).message).toMatch(/setBody: the body must be a string or a BSON.Binary, not object/);
  });
  it("string: String(value); ejson: canonical EJSON", async () => {
    const asString = await run(src, { withResponse: true, setBodyOther: "string" });
    expect(asString.ok && Buffer.from(asString.response.body!, "base64").toString()).toBe("[object Object]");
    const asEjson = await run(src, { withResponse: true, setBodyOther: "ejson" });
    expect(asEjson.ok && Buffer.from(asEjson.response.body!, "base64").toString()).toBe('{"a":{"$numberInt":"1"}}');
  });
});

describe("require of the app's npm dependencies (https://www.mongodb.com/docs/atlas/app-services/functions/dependencies/)", () => {
  let nodeModules: string;
  beforeAll(async () => {
    nodeModules = path.join(await tempDir(), "functions", "node_modules");
    await mkdir(path.join(nodeModules, "leftpad-lite", "lib"), { recursive: true });
    await writeFile(path.join(nodeModules, "leftpad-lite", "package.json"), JSON.stringify({ name: "leftpad-lite", main: "index.js" }));
    await writeFile(path.join(nodeModules, "leftpad-lite", "index.js"), "module.exports = (s, n) => String(s).padStart(n, '0');");
    await writeFile(path.join(nodeModules, "leftpad-lite", "lib", "upper.js"), "module.exports = (s) => String(s).toUpperCase();");
  });

  it("loads a package and a package subfolder from the app's functions/node_modules", async () => {
    const app = spec({ dependencies: { nodeModules } });
    expect(
      value(await run("exports = () => { const pad = require('leftpad-lite'); return pad(7, 3) + require('leftpad-lite/lib/upper')('x'); };", {}, app)),
    ).toBe("007X");
  });

  it("never loads hookshift's own packages", async () => {
    // bson is one of hookshift's dependencies, not the app's.
    const r = await run("exports = () => require('bson');", {}, spec({ dependencies: { nodeModules } }));
    expect(failure(r).message).toMatch(
      /not available in the hookshift shim: it is neither a Node built-in App Services supports nor a package in the app's functions\/node_modules/,
    );
    expect(failure(await run("exports = () => require('bson');")).message).toMatch(/not available/);
  });

  it("a package listed in functions/package.json but not installed says so", async () => {
    const r = await run("exports = () => require('ramda');", {}, spec({ dependencies: { declared: ["ramda"] } }));
    expect(failure(r).message).toMatch(/"ramda" is listed in functions\/package.json but the app has no functions\/node_modules/);
  });
});

describe("create_user_on_auth providers", () => {
  it("webhooks: unknown email/password credentials create a user; endpoints (custom JWT only) do not; API keys never", () => {
    const users = new UserStore({ users: [], apiKeys: [] });
    expect(users.authenticate({ kind: "local-userpass", email: "new@example.com", password: "pw" }, true).ok).toBe(false);
    const made = users.authenticate({ kind: "local-userpass", email: "new@example.com", password: "pw" }, true, WEBHOOK_CREATING_PROVIDERS);
    expect(made).toMatchObject({ ok: true, created: true, user: { data: { email: "new@example.com" } } });
    // the created user logs in afterwards, and a wrong password still fails
    expect(users.authenticate({ kind: "local-userpass", email: "new@example.com", password: "pw" }, false)).toMatchObject({ ok: true, created: false });
    expect(users.authenticate({ kind: "local-userpass", email: "new@example.com", password: "nope" }, true, WEBHOOK_CREATING_PROVIDERS).ok).toBe(false);
    expect(users.authenticate({ kind: "local-userpass", email: "other@example.com", password: "pw" }, false, WEBHOOK_CREATING_PROVIDERS).ok).toBe(false);
    expect(users.authenticate({ kind: "api-key", key: "k" }, true, WEBHOOK_CREATING_PROVIDERS).ok).toBe(false);
  });
});

describe("request facts in the pipelines", () => {
  let session: Session;
  const APP = "facts-abcde";
  beforeAll(async () => {
    const root = path.join(await tempDir(), "facts");
    const w = async (rel: string, content: unknown) => {
      await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
      await writeFile(path.join(root, rel), typeof content === "string" ? content : JSON.stringify(content, null, 2));
    };
    await w("realm_config.json", {
      app_id: APP,
      config_version: 20210101,
      name: "facts",
      location: "US-VA",
      deployment_model: "GLOBAL",
      environment: "",
      allowed_request_origins: [],
    });
    await w("http_endpoints/hooks/config.json", { name: "hooks", type: "http", config: {}, version: 1 });
    const hookCfg = (name: string, over: Record<string, unknown> = {}) => ({
      name,
      run_as_authed_user: false,
      run_as_user_id: "",
      run_as_user_id_script_source: "",
      can_evaluate: {},
      options: { httpMethod: "ANY", validationMethod: "NO_VALIDATION" },
      respond_result: true,
      disable_arg_logs: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
      ...over,
    });
    await w(
      "http_endpoints/hooks/incoming_webhooks/facts/config.json",
      hookCfg("facts", { can_evaluate: { "%%request.service": "hooks", "%%request.action": "facts" } }),
    );
    await w(
      "http_endpoints/hooks/incoming_webhooks/facts/source.js",
      "exports = function () { const r = context.request; return { service: r.service, action: r.action, url: r.webhookUrl }; };",
    );
    await w("http_endpoints/hooks/incoming_webhooks/signup/config.json", hookCfg("signup", { run_as_authed_user: true, create_user_on_auth: true }));
    await w("http_endpoints/hooks/incoming_webhooks/signup/source.js", "exports = function () { return context.user.data.email; };");
    await w(
      "http_endpoints/hooks/incoming_webhooks/fixed/config.json",
      hookCfg("fixed", { run_as_user_id: "64a000000000000000000001", fetch_custom_user_data: true }),
    );
    await w("http_endpoints/hooks/incoming_webhooks/fixed/source.js", "exports = function () { return context.user.custom_data; };");
    await w("http_endpoints/hooks/incoming_webhooks/objbody/config.json", hookCfg("objbody"));
    await w("http_endpoints/hooks/incoming_webhooks/objbody/source.js", "exports = function (payload, response) { response.setBody({ ok: 1 }); };");
    await w("http_endpoints/config.json", [
      {
        route: "/facts",
        http_method: "GET",
        function_name: "endpointFacts",
        validation_method: "NO_VALIDATION",
        respond_result: true,
        fetch_custom_user_data: false,
        create_user_on_auth: false,
        disabled: false,
        return_type: "JSON",
      },
    ]);
    await w("functions/config.json", [{ name: "endpointFacts", private: false, run_as_system: true, can_evaluate: { "%%request.action": "endpointFacts" } }]);
    await w(
      "functions/endpointFacts.js",
      "exports = function () { const r = context.request; return { service: r.service === undefined, action: r.action, url: r.webhookUrl }; };",
    );
    const sem = defaultSemantics();
    sem.timeLimitMs = 5000;
    session = await openSession({
      app: root,
      semantics: sem,
      users: { users: [{ id: "64a000000000000000000001", email: "ada@example.com", password: "pw-1", custom_data: { role: "admin" } }] },
    });
  }, 60_000);
  afterAll(async () => {
    await session?.close();
  });

  const req = (method: string, p: string, headers: Record<string, string> = {}, body?: string): ShimRequest => ({
    method,
    path: p,
    rawQuery: "x=1",
    rawHeaders: Object.entries({ Host: "shim.local:8080", ...headers }).flat(),
    body: body === undefined ? undefined : Buffer.from(body),
    remoteAddress: "127.0.0.1",
  });
  const hook = (name: string) => `/api/client/v2.0/app/${APP}/service/hooks/incoming_webhook/${name}`;

  it("webhook: %%request.service is the service, %%request.action the webhook, webhookUrl the full URL", async () => {
    const r = await dispatch(req("GET", hook("facts")), session.deps);
    expect(r.status).toBe(200);
    expect(decodeEJSON(r.body.toString())).toEqual({ service: "hooks", action: "facts", url: `http://shim.local:8080${hook("facts")}` });
    const https = await dispatch(req("GET", hook("facts"), { "X-Forwarded-Proto": "https" }), session.deps);
    expect((decodeEJSON(https.body.toString()) as { url: string }).url).toBe(`https://shim.local:8080${hook("facts")}`);
  });

  it("endpoint: %%request.action is the endpoint's function, webhookUrl the route, no service", async () => {
    const r = await dispatch(req("GET", `/app/${APP}/endpoint/facts`), session.deps);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({ service: true, action: "endpointFacts", url: "/facts" });
  });

  it("webhook create_user_on_auth creates an email/password user", async () => {
    const r = await dispatch(req("POST", hook("signup"), { email: "grace@example.com", password: "pw-2" }), session.deps);
    expect(r.status).toBe(200);
    expect(decodeEJSON(r.body.toString())).toBe("grace@example.com");
  });

  it("Semantics.setBodyOther (--set-body-other) reaches the function runtime", async () => {
    const failed = await dispatch(req("GET", hook("objbody")), session.deps);
    expect(failed.status).toBe(400);
    expect(failed.body.toString()).toContain("setBody: the body must be a string or a BSON.Binary, not object");
    session.deps.sem.setBodyOther = "ejson";
    try {
      const r = await dispatch(req("GET", hook("objbody")), session.deps);
      expect(r.status).toBe(200);
      expect(r.body.toString()).toBe('{"ok":{"$numberInt":"1"}}');
    } finally {
      session.deps.sem.setBodyOther = "error";
    }
  });

  it("fetch_custom_user_data only with run_as_authed_user (config reference): a fixed user gets {}", async () => {
    const r = await dispatch(req("GET", hook("fixed")), session.deps);
    expect(r.status).toBe(200);
    expect(decodeEJSON(r.body.toString())).toEqual({});
  });
});
