// The sandbox and `context`, in-process (runInProcess). The worker pool is tested in
// functions-pool.test.ts.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { AppSpec, CallResult, DbRequest, UserSpec } from "../../src/runtime/functions/protocol.js";
import { compileSource, runInProcess, type RunRequest } from "../../src/runtime/functions/sandbox.js";
import type { DbBackend } from "../../src/runtime/functions/context.js";
import { decodeEJSON, encodeEJSON } from "../../src/runtime/functions/ejson-codec.js";
import { storeBackend } from "../../src/runtime/functions/db-bridge.js";
import type { Store } from "../../src/runtime/store/types.js";

const SYSTEM_USER: UserSpec = { id: "", type: "system", data: {}, custom_data: {}, identities: [] };

function app(functions: Record<string, string> = {}, over: Partial<AppSpec> = {}): AppSpec {
  return {
    app: {
      id: "64b000000000000000000001",
      clientAppId: "myapp-abcde",
      name: "myapp",
      projectId: "proj1",
      deployment: { model: "GLOBAL", providerRegion: "aws-us-east-1" },
      lastDeployed: "2024-01-01T00:00:00Z",
      hostingUri: "myapp-abcde.mongodbstitch.com",
    },
    environment: { tag: "development", values: { region: "eu", limits: { max: 3 } } },
    functions: Object.fromEntries(Object.entries(functions).map(([k, source]) => [k, { source, private: false }])),
    values: { greeting: "hello", list: [1, 2], secretValue: "s3cr3t" },
    services: { "mongodb-atlas": "mongodb-atlas", myHttp: "http", tw: "twilio", gh: "github", s3: "aws" },
    ...over,
  };
}

/** A DbBackend that records every request and answers from `answer`. */
function fakeDb(answer: (req: Omit<DbRequest, "kind" | "rpc">) => unknown = () => null) {
  const requests: Omit<DbRequest, "kind" | "rpc">[] = [];
  const backend: DbBackend = async (req) => {
    requests.push(req);
    return encodeEJSON(answer(req)) ?? "null";
  };
  return { backend, requests };
}

async function run(source: string, over: Partial<RunRequest> = {}, spec: AppSpec = app(), db: DbBackend = fakeDb().backend): Promise<CallResult> {
  return runInProcess(
    spec,
    { source, args: "[]", withResponse: false, user: SYSTEM_USER, runningAsSystem: true, timeLimitMs: 2000, allowNetwork: false, ...over },
    db,
  );
}

function ok(result: CallResult) {
  if (!result.ok) throw new Error(`call failed: ${result.error.code}: ${result.error.message}`);
  return result;
}
const value = (result: CallResult) => {
  const v = ok(result).value;
  return v === undefined ? undefined : decodeEJSON(v);
};

// https://www.mongodb.com/docs/atlas/app-services/functions/, https://www.mongodb.com/docs/atlas/app-services/functions/javascript-support/
describe("loading sources", () => {
  it("`exports = …` and `var exports = …` both define the handler", async () => {
    expect(value(await run("exports = function () { return 1; };"))).toBe(1);
    expect(value(await run("var exports = function () { return 2; };"))).toBe(2);
    expect(value(await run("function helper(x) { return x * 3; }\nexports = (x) => helper(x);", { args: '[{"$numberInt":"4"}]' }))).toBe(12);
  });

  it("`module` is absent; the App Services globals are present", async () => {
    const v = value(
      await run(
        "exports = () => [typeof module, typeof exports, typeof context, typeof utils, typeof EJSON, typeof BSON, typeof console, typeof require, typeof HTTPResponse]",
      ),
    );
    expect(v).toEqual(["undefined", "function", "object", "object", "object", "object", "object", "function", "function"]);
    const r = await run("module.exports = () => 1;");
    expect(r).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: "module is not defined" } });
  });

  it("a source without an exported function is an error", async () => {
    expect(await run("const x = 1;")).toMatchObject({
      ok: false,
      error: { code: "FunctionExecutionError", message: expect.stringMatching(/does not export a function/) },
    });
    expect(await run("exports = function ( {")).toMatchObject({
      ok: false,
      error: { code: "FunctionExecutionError", message: expect.stringMatching(/Unexpected/) },
    });
  });

  it("compiles each source once", () => {
    const src = "exports = () => 'cached';";
    expect(compileSource(src)).toBe(compileSource(src));
    expect(compileSource(src)).not.toBe(compileSource(src + " "));
  });

  it("runs app functions by name; an unknown name is FunctionNotFound", async () => {
    const spec = app({ hello: "exports = (name) => `hi ${name}`;" });
    const call = (functionName: string) =>
      runInProcess(
        spec,
        { functionName, args: '["bob"]', withResponse: false, user: SYSTEM_USER, runningAsSystem: true, timeLimitMs: 1000, allowNetwork: false },
        fakeDb().backend,
      );
    expect(value(await call("hello"))).toBe("hi bob");
    expect(await call("nope")).toMatchObject({ ok: false, error: { code: "FunctionNotFound", message: "function not found: nope" } });
  });
});

describe("arguments and results", () => {
  // Observed: https://alexbevi.com/blog/2020/03/30/working-around-mongodb-stitchs-max-async-work-queue-limit/
  it("webhook return serialisation: {Processed: 900} → canonical EJSON", async () => {
    expect(ok(await run("exports = function (payload, response) { return { Processed: 900 }; };", { withResponse: true })).value).toBe(
      '{"Processed":{"$numberInt":"900"}}',
    );
  });

  it("undefined stays undefined; promises are awaited; returned cursors too", async () => {
    const r = ok(await run("exports = () => undefined;"));
    expect(r.value).toBeUndefined();
    expect("value" in r).toBe(false);
    expect(ok(await run("exports = async () => { await new Promise((r) => setTimeout(r, 5)); return 'late'; };")).value).toBe('"late"');
  });

  it("decodes arguments into the function's realm with BSON types and Binary.text()", async () => {
    const payload = {
      query: { a: "1" },
      headers: { "Content-Type": ["application/json"] },
      body: { $binary: { base64: Buffer.from('{"x":1}').toString("base64"), subType: "00" } },
      n: { $numberLong: "9007199254740993" },
      at: { $date: { $numberLong: "1683248523456" } },
    };
    const src = `exports = function (payload) {
      return {
        parsed: JSON.parse(payload.body.text()),
        isObject: payload instanceof Object && payload.query.constructor === Object,
        isArray: payload.headers["Content-Type"] instanceof Array,
        isDate: payload.at instanceof Date,
        long: payload.n instanceof BSON.Long && payload.n.toString(),
        ejson: EJSON.parse(payload.body.text()).x,
      };
    };`;
    expect(value(await run(src, { args: JSON.stringify([payload]) }))).toEqual({
      parsed: { x: 1 },
      isObject: true,
      isArray: true,
      isDate: true,
      long: "9007199254740993",
      ejson: 1,
    });
  });

  it("BSON.ObjectId is callable without new inside functions", async () => {
    const v = value(
      await run(
        "exports = () => { const a = BSON.ObjectId('5e58667d902d38559c802b13'); return [a, a instanceof BSON.ObjectId, new BSON.ObjectId().toHexString().length]; };",
      ),
    );
    expect(v).toEqual([expect.objectContaining({}), true, 24]);
    expect(encodeEJSON((v as unknown[])[0])).toBe('{"$oid":"5e58667d902d38559c802b13"}');
  });
});

// https://www.mongodb.com/docs/atlas/app-services/services/webhook-requests-and-responses/#webhook-response-object,
// https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/#endpoint-response-object
describe("HTTPResponse in a call", () => {
  it("tracks the response state when `withResponse`; the return value is still encoded", async () => {
    const r = ok(
      await run(
        "exports = (payload, response) => { response.setStatusCode(201).setHeader('Content-Type', 'text/plain').addHeader('X-Multi', 'a').addHeader('X-Multi', 'b').setBody('created'); return { ignored: true }; };",
        { withResponse: true, args: "[{}]" },
      ),
    );
    expect(r.response).toEqual({
      methodsCalled: true,
      statusCode: 201,
      headers: { "Content-Type": ["text/plain"], "X-Multi": ["a", "b"] },
      body: Buffer.from("created").toString("base64"),
      bodySet: true,
    });
    expect(r.returnedResponse).toBe(false);
    expect(r.value).toBe('{"ignored":true}');
  });

  it("returning the response object itself (tutorial pattern) sets returnedResponse", async () => {
    const r = ok(await run("exports = (req, response) => response.setStatusCode(200).setHeader('A', 'b');", { withResponse: true, args: "[{}]" }));
    expect(r.returnedResponse).toBe(true);
    expect(r.value).toBeUndefined();
    expect(r.response).toEqual({ methodsCalled: true, statusCode: 200, headers: { A: ["b"] }, bodySet: false });
  });

  it("no response object without `withResponse`; an untouched response has the empty state", async () => {
    expect(value(await run("exports = (...args) => args.length;"))).toBe(0);
    const r = ok(await run("exports = (payload, response) => typeof response.setBody;", { withResponse: true, args: "[{}]" }));
    expect(r.value).toBe('"function"');
    expect(r.response).toEqual({ methodsCalled: false, headers: {}, bodySet: false });
  });
});

describe("console and require inside functions", () => {
  it("captures console lines per call", async () => {
    const r = ok(await run("exports = () => { console.log('a', 1); console.error('bad'); console.warn('w'); console.info('i'); return 0; };"));
    expect(r.logs).toEqual(["a 1", "bad", "w", "i"]);
    const again = ok(await run("exports = () => 0;"));
    expect(again.logs).toEqual([]);
  });

  it("require: a supported module works, a refused one throws a clear error", async () => {
    expect(value(await run("exports = () => require('path').join('a', 'b');"))).toBe("a/b");
    expect(await run("exports = () => require('child_process').execSync('true');")).toMatchObject({
      ok: false,
      error: { code: "FunctionExecutionError", message: 'require("child_process"): the "child_process" module is not supported by App Services functions' },
    });
  });
});

// https://www.mongodb.com/docs/atlas/app-services/functions/context/
describe("context", () => {
  it("app, environment, values, user, request, runningAsSystem", async () => {
    const src = `exports = () => ({
      app: context.app.name, clientAppId: context.app.clientAppId,
      tag: context.environment.tag, region: context.environment.values.region,
      greeting: context.values.get("greeting"), list: context.values.get("list"), missing: context.values.get("missing") === undefined,
      userType: context.user.type, system: context.runningAsSystem(),
      request: context.request === undefined ? "none" : context.request.httpMethod,
    })`;
    expect(value(await run(src))).toEqual({
      app: "myapp",
      clientAppId: "myapp-abcde",
      tag: "development",
      region: "eu",
      greeting: "hello",
      list: [1, 2],
      missing: true,
      userType: "system",
      system: true,
      request: "none",
    });
    const request = { remoteIPAddress: "1.2.3.4", requestHeaders: { "X-A": ["b"] }, webhookUrl: "/hook", httpMethod: "POST", rawQueryString: "a=1" };
    const user: UserSpec = { id: "u1", type: "normal", data: { email: "a@b.c" }, custom_data: {}, identities: [{ id: "i1", provider_type: "local-userpass" }] };
    expect(
      value(
        await run(
          "exports = () => [context.request.httpMethod, context.request.requestHeaders['X-A'][0], context.user.id, context.user.data.email, context.runningAsSystem()]",
          {
            request,
            user,
            runningAsSystem: false,
          },
        ),
      ),
    ).toEqual(["POST", "b", "u1", "a@b.c", false]);
  });

  it("values handed out are copies: a function cannot change the app's values", async () => {
    const spec = app();
    await run("exports = () => { context.values.get('list').push(99); return 0; };", {}, spec);
    expect(spec.values.list).toEqual([1, 2]);
  });

  it("functions.execute: sync functions return their value, async ones a Promise; unknown names throw", async () => {
    const spec = app({
      add: "exports = (a, b) => a + b;",
      double: "exports = async (x) => { await null; return x * 2; };",
      logs: "exports = () => { console.log('from child'); return context.values.get('greeting'); };",
    });
    const src = `exports = async () => {
      const sum = context.functions.execute("add", 1, 2);
      const p = context.functions.execute("double", 21);
      let missing;
      try { context.functions.execute("nope"); } catch (e) { missing = e.message; }
      return { sum, isPromise: typeof p.then === "function", doubled: await p, missing, child: context.functions.execute("logs") };
    };`;
    const r = ok(await run(src, {}, spec));
    expect(decodeEJSON(r.value!)).toEqual({ sum: 3, isPromise: true, doubled: 42, missing: "function not found: nope", child: "hello" });
    expect(r.logs).toEqual(["from child"]);
  });

  it("context.http is refused without allowNetwork, and recorded", async () => {
    const src = `exports = async () => {
      try { await context.http.post({ url: "https://api.example.com/hook?token=abc", headers: { "X-A": ["1"] }, body: { a: 1 }, encodeBodyAsJSON: true }); return "sent"; }
      catch (e) { return e.message; }
    };`;
    const r = ok(await run(src));
    const message = decodeEJSON(r.value!) as string;
    expect(message).toMatch(/outbound network calls are disabled in the shim/);
    expect(message).toMatch(/--allow-network/);
    expect(message).not.toContain("token=abc");
    expect(r.outbound).toHaveLength(1);
    expect(r.outbound[0]).toMatchObject({ kind: "http.post", sent: false });
    expect(r.outbound[0]).not.toHaveProperty("service");
    expect(decodeEJSON(r.outbound[0]!.args)).toEqual([
      { url: "https://api.example.com/hook?token=abc", headers: { "X-A": ["1"] }, body: { a: 1 }, encodeBodyAsJSON: true },
    ]);
  });

  it("a fire-and-forget refused call neither fails the function nor leaves an unhandled rejection", async () => {
    const r = ok(await run("exports = () => { context.http.get({ scheme: 'https', host: 'example.com', path: 'x' }); return 'done'; };"));
    expect(r.value).toBe('"done"');
    expect(r.outbound.map((o) => o.kind)).toEqual(["http.get"]);
  });

  it("with allowNetwork, context.http sends through fetch and answers {status, statusCode, contentLength, headers, cookies, body}", async () => {
    const received: { method?: string; url?: string; headers?: http.IncomingHttpHeaders; body?: string } = {};
    const server = http.createServer((rq, rs) => {
      let body = "";
      rq.on("data", (c: Buffer) => (body += c.toString()));
      rq.on("end", () => {
        Object.assign(received, { method: rq.method, url: rq.url, headers: rq.headers, body });
        rs.setHeader("content-type", "application/json");
        rs.setHeader("set-cookie", ["a=1", "b=2"]);
        rs.statusCode = 201;
        rs.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const src = `exports = async () => {
        const res = await context.http.post({ scheme: "http", host: "127.0.0.1:${port}", path: "/hook", query: { q: ["1", "2"] },
          headers: { "X-Custom": ["v1"] }, body: { n: 1, at: new Date(0) }, encodeBodyAsJSON: true, username: "u", password: "p" });
        return { status: res.status, statusCode: res.statusCode, contentLength: res.contentLength, type: res.headers["Content-Type"],
          cookies: res.headers["Set-Cookie"], body: JSON.parse(res.body.text()), isBinary: res.body instanceof BSON.Binary };
      };`;
      const r = ok(await run(src, { allowNetwork: true }));
      expect(decodeEJSON(r.value!)).toEqual({
        status: "201 Created",
        statusCode: 201,
        contentLength: 11,
        type: ["application/json"],
        cookies: ["a=1", "b=2"],
        body: { ok: true },
        isBinary: true,
      });
      expect(received).toMatchObject({ method: "POST", url: "/hook?q=1&q=2", body: '{"n":1,"at":{"$date":"1970-01-01T00:00:00Z"}}' });
      expect(received.headers?.["x-custom"]).toBe("v1");
      expect(received.headers?.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
      expect(r.outbound).toMatchObject([{ kind: "http.post", sent: true }]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a context.http request still in flight when the call ends is aborted (--no-await-pending)", async () => {
    let closed!: () => void;
    const requestClosed = new Promise<void>((resolve) => (closed = resolve));
    // Answers nothing: only the call's end can close the request.
    const server = http.createServer((rq) => rq.socket.once("close", () => closed()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // The request reaches the server while the function waits; the call then ends without it.
      const src = `exports = async () => {
        context.http.get({ url: "http://127.0.0.1:${port}/slow" }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return "answered";
      };`;
      const r = ok(await run(src, { allowNetwork: true, awaitPending: false }));
      expect(decodeEJSON(r.value!)).toBe("answered");
      await requestClosed;
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("http services behave like context.http, recorded as http-service.<method>", async () => {
    const r = ok(
      await run("exports = async () => { try { await context.services.get('myHttp').delete({ url: 'https://x.test/1' }); } catch (e) { return e.message; } };"),
    );
    expect(decodeEJSON(r.value!)).toMatch(/disabled in the shim/);
    expect(r.outbound).toEqual([{ kind: "http-service.delete", service: "myHttp", args: '[{"url":"https://x.test/1"}]', sent: false }]);
  });

  it("twilio send is recorded, never sent, and returns undefined", async () => {
    const r = ok(
      await run(
        "exports = () => { const res = context.services.get('tw').send({ to: '+15558675309', from: '+18057166646', body: 'Hello' }); return res === undefined; };",
      ),
    );
    expect(r.value).toBe("true");
    expect(r.outbound).toEqual([{ kind: "twilio.send", service: "tw", args: '[{"to":"+15558675309","from":"+18057166646","body":"Hello"}]', sent: false }]);
  });

  it("github / aws clients throw a clear error; unknown services are undefined", async () => {
    const r = await run("exports = () => context.services.get('gh').createIssue({});");
    expect(r).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: expect.stringMatching(/not supported by the hookshift shim/) } });
    expect(await run("exports = () => context.services.get('s3').s3('us-east-1');")).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/type "aws"/) },
    });
    expect(value(await run("exports = () => context.services.get('nope') === undefined;"))).toBe(true);
  });
});

describe("MongoDB service calls reach the DbBackend", () => {
  it("BSON types survive the round trip (ObjectId, Date, Long, Decimal128)", async () => {
    const stored: unknown[] = [];
    const { backend, requests } = fakeDb((req) => {
      const args = decodeEJSON(req.args) as unknown[];
      if (req.method === "insertOne") {
        stored.push(args[0]);
        return { insertedId: (args[0] as { _id: unknown })._id };
      }
      if (req.method === "findOne") return stored[0] ?? null;
      return null;
    });
    const src = `exports = async () => {
      const coll = context.services.get("mongodb-atlas").db("shop").collection("orders");
      const doc = { _id: BSON.ObjectId("5e58667d902d38559c802b13"), at: new Date(1683248523456), big: BSON.Long.fromString("9007199254740993"), price: BSON.Decimal128.fromString("9823.1297"), qty: 3 };
      const { insertedId } = await coll.insertOne(doc);
      const back = await coll.findOne({ _id: insertedId });
      return {
        back,
        types: [back._id instanceof BSON.ObjectId, back.at instanceof Date, back.big instanceof BSON.Long, back.price instanceof BSON.Decimal128, typeof back.qty],
        same: insertedId.equals(doc._id),
      };
    };`;
    const r = ok(await run(src, {}, app(), backend));
    expect(requests[0]).toEqual({
      service: "mongodb-atlas",
      db: "shop",
      collection: "orders",
      method: "insertOne",
      args: '[{"_id":{"$oid":"5e58667d902d38559c802b13"},"at":{"$date":{"$numberLong":"1683248523456"}},"big":{"$numberLong":"9007199254740993"},"price":{"$numberDecimal":"9823.1297"},"qty":{"$numberInt":"3"}}]',
    });
    expect(requests[1]).toMatchObject({ method: "findOne", args: '[{"_id":{"$oid":"5e58667d902d38559c802b13"}},{}]' });
    expect(r.value).toBe(
      '{"back":{"_id":{"$oid":"5e58667d902d38559c802b13"},"at":{"$date":{"$numberLong":"1683248523456"}},"big":{"$numberLong":"9007199254740993"},"price":{"$numberDecimal":"9823.1297"},"qty":{"$numberInt":"3"}},' +
        '"types":[true,true,true,true,"number"],"same":true}',
    );
  });

  it("find cursors (sort/skip/limit/toArray/next, thenable), aggregate, count, distinct, names", async () => {
    const docs = [{ a: 1 }, { a: 2 }];
    const { backend, requests } = fakeDb((req) => {
      switch (req.method) {
        case "find":
        case "aggregate":
          return docs;
        case "countDocuments":
        case "count":
          return 2;
        case "distinct":
          return [1, 2];
        case "listCollections":
          return ["orders"];
        case "listDatabases":
          return ["shop", "admin"];
        default:
          return { matchedCount: 1, modifiedCount: 1 };
      }
    });
    const src = `exports = async () => {
      const mongodb = context.services.get("mongodb-atlas");
      const coll = mongodb.db("shop").collection("orders");
      const arr = await coll.find({ a: { $gt: 0 } }, { a: 1 }).sort({ a: -1 }).skip(1).limit(5).toArray();
      const awaited = await coll.find();
      const cursor = coll.find({});
      const first = await cursor.next(); const second = await cursor.next(); const third = await cursor.next();
      const agg = await coll.aggregate([{ $match: {} }]).limit(1);
      const upd = await coll.updateOne({ a: 1 }, { $set: { b: 2 } }, { upsert: true });
      return { arr: arr.length, awaited: awaited.length, first, second, third, agg: agg.length,
        count: await coll.count(), countDocuments: await coll.countDocuments({ a: 1 }), distinct: await coll.distinct("a"),
        names: await mongodb.db("shop").getCollectionNames(), dbs: await mongodb.admin().getDBNames(), matched: upd.matchedCount };
    };`;
    const r = ok(await run(src, {}, app(), backend));
    expect(decodeEJSON(r.value!)).toEqual({
      arr: 2,
      awaited: 2,
      first: { a: 1 },
      second: { a: 2 },
      third: null,
      agg: 2,
      count: 2,
      countDocuments: 2,
      distinct: [1, 2],
      names: ["orders"],
      dbs: ["shop", "admin"],
      matched: 1,
    });
    const byMethod = (m: string) => requests.filter((q) => q.method === m).map((q) => decodeEJSON(q.args));
    expect(byMethod("find")[0]).toEqual([{ a: { $gt: 0 } }, { projection: { a: 1 }, sort: { a: -1 }, skip: 1, limit: 5 }]);
    expect(byMethod("find")[1]).toEqual([{}, {}]);
    expect(byMethod("aggregate")[0]).toEqual([[{ $match: {} }, { $limit: 1 }]]);
    expect(byMethod("updateOne")[0]).toEqual([{ a: 1 }, { $set: { b: 2 } }, { upsert: true }]);
    expect(byMethod("distinct")[0]).toEqual(["a"]);
    expect(requests.find((q) => q.method === "listCollections")).toEqual({ service: "mongodb-atlas", db: "shop", method: "listCollections", args: "[]" });
    expect(requests.find((q) => q.method === "listDatabases")).toEqual({ service: "mongodb-atlas", db: "admin", method: "listDatabases", args: "[]" });
  });

  // Old code returns the cursor, e.g. https://github.com/10gen/realm-cli/blob/master/internal/local/testdata/full_project/services/http/incoming_webhooks/find/source.js
  it("a sync webhook returning a cursor gets the array (old code)", async () => {
    const { backend } = fakeDb(() => [{ x: 1 }]);
    expect(ok(await run("exports = () => context.services.get('mongodb-atlas').db('d').collection('c').find({});", {}, app(), backend)).value).toBe(
      '[{"x":{"$numberInt":"1"}}]',
    );
  });

  it("database errors reach the function as exceptions", async () => {
    const backend: DbBackend = async () => {
      throw new Error("duplicate key");
    };
    expect(await run("exports = async () => context.services.get('mongodb-atlas').db('d').collection('c').insertOne({});", {}, app(), backend)).toMatchObject({
      ok: false,
      error: { code: "FunctionExecutionError", message: "duplicate key" },
    });
  });

  it("storeBackend (db-bridge) calls the Store with decoded arguments and encodes the result", async () => {
    const calls: unknown[][] = [];
    const coll = {
      find: async (...args: unknown[]) => {
        calls.push(args);
        return [{ n: 1, big: decodeEJSON('{"$numberLong":"5"}') }];
      },
    };
    const store = { collection: () => coll, listDatabases: async () => ["d"], listCollections: async () => ["c"] } as unknown as Store;
    const backend = storeBackend(() => store);
    const r = ok(
      await run("exports = async () => context.services.get('mongodb-atlas').db('d').collection('c').find({ n: { $gte: 1 } }).limit(2);", {}, app(), backend),
    );
    expect(calls).toEqual([[{ n: { $gte: 1 } }, { limit: 2 }]]);
    expect(r.value).toBe('[{"n":{"$numberInt":"1"},"big":{"$numberLong":"5"}}]');
  });
});

describe("limits and errors", () => {
  it("a thrown error → FunctionExecutionError with its message (logs kept)", async () => {
    const r = await run("exports = () => { console.log('before'); throw new Error('boom'); };");
    expect(r).toMatchObject({ ok: false, error: { code: "FunctionExecutionError", message: "boom" }, logs: ["before"] });
    expect(await run("exports = async () => { throw 'plain string'; };")).toMatchObject({ ok: false, error: { message: "plain string" } });
  });

  it("a synchronous infinite loop ends with ExecutionTimeLimitExceeded", async () => {
    const started = Date.now();
    const r = await run("exports = () => { while (true) {} };", { timeLimitMs: 200 });
    expect(r).toMatchObject({ ok: false, error: { code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("an infinite loop while loading the script, or in an executed function, also times out", async () => {
    expect(await run("while (true) {}\nexports = () => 1;", { timeLimitMs: 200 })).toMatchObject({ ok: false, error: { code: "ExecutionTimeLimitExceeded" } });
    const spec = app({ spin: "exports = () => { for (;;) {} };" });
    // Even when the caller swallows the error, the call has run out of time.
    expect(
      await run("exports = () => { try { context.functions.execute('spin'); } catch (e) {} return 'survived'; };", { timeLimitMs: 200 }, spec),
    ).toMatchObject({
      ok: false,
      error: { code: "ExecutionTimeLimitExceeded" },
    });
  });

  it("a never-settling promise ends with ExecutionTimeLimitExceeded", async () => {
    const r = await run("exports = () => new Promise(() => {});", { timeLimitMs: 200 });
    expect(r).toMatchObject({ ok: false, error: { code: "ExecutionTimeLimitExceeded", message: "execution time limit exceeded" } });
  });

  it("a loop in a timer callback is stopped and fails the call; timers are cleared when the call ends", async () => {
    expect(await run("exports = () => new Promise((resolve) => setTimeout(() => { while (true) {} }, 1));", { timeLimitMs: 200 })).toMatchObject({
      ok: false,
      error: { code: "ExecutionTimeLimitExceeded" },
    });
    expect(await run("exports = () => new Promise(() => setTimeout(() => { throw new Error('timer failed'); }, 1));")).toMatchObject({
      ok: false,
      error: { code: "FunctionExecutionError", message: "timer failed" },
    });
    // With --no-await-pending (awaitPending: false); by default the call waits for its timers (test/runtime/await-pending.test.ts).
    const r = ok(await run("exports = () => { setInterval(() => console.log('tick'), 1); return 1; };", { awaitPending: false }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(r.logs).toEqual([]);
  });
});
