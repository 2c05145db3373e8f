import { describe, expect, it } from "vitest";
import { readsOf } from "../../src/verify/reads.js";
import type { FieldRead } from "../../src/verify/types.js";

/** A webhook function whose handler body is `body` (lines of the body start at line 2). */
const hook = (body: string, params = "payload, response") => `exports = async function (${params}) {\n${body}\n};`;
const names = (fields: FieldRead[]) => fields.map((f) => `${f.from}:${f.name}`);
const field = (source: string, from: FieldRead["from"], name: string) => readsOf(source).fields.find((f) => f.from === from && f.name === name);

describe("readsOf: query parameters and headers", () => {
  it("reads query parameters by member and element access, with 1-based lines", () => {
    const r = readsOf(hook(`const a = payload.query.id;\n  return payload.query["page-size"];`));
    expect(r.fields).toEqual([
      { from: "query", name: "id", type: "string", literals: [], line: 2 },
      { from: "query", name: "page-size", type: "string", literals: [], line: 3 },
    ]);
    expect(r.body).toBe("none");
  });

  it("follows aliases of payload.query and of the fields themselves", () => {
    const r = readsOf(hook(`const q = payload.query;\nconst { query } = payload;\nconst s = q.status;\nif (s === "open") {}\nreturn query.limit;`));
    expect(names(r.fields)).toEqual(["query:status", "query:limit"]);
    expect(field(hook(`const q = payload.query;\nconst s = q.status;\nif (s === "open") {}`), "query", "status")?.literals).toEqual(["open"]);
  });

  it("reads destructured query parameters; a number default makes the parameter a number", () => {
    const r = readsOf(hook(`const { id, page = 1, sort: order } = payload.query;\nif (order === "asc") {}`));
    expect(r.fields).toEqual([
      { from: "query", name: "id", type: "string", literals: [], line: 2 },
      { from: "query", name: "page", type: "number", literals: [], line: 2 },
      { from: "query", name: "sort", type: "string", literals: ["asc"], line: 2 },
    ]);
  });

  it("reads headers by element and member access; headers[name][0] is the same header", () => {
    const r = readsOf(
      hook(
        `const token = payload.headers["X-Token"][0];\nconst auth = payload.headers.Authorization;\nif (payload.headers["X-Token"][0] === "s3cret") {}\nconst [first] = payload.headers["X-Id"];`,
      ),
    );
    expect(names(r.fields)).toEqual(["header:X-Token", "header:Authorization", "header:X-Id"]);
    expect(r.fields[0]).toMatchObject({ type: "string", literals: ["s3cret"], line: 2 });
  });

  it("handles arrow handlers, destructured parameters, `var exports` and any parameter name", () => {
    const arrow = readsOf(`exports = async (req, res) => {\n  return req.query.q;\n};`);
    expect(arrow.fields).toMatchObject([{ from: "query", name: "q", line: 2 }]);
    const destructured = readsOf(
      `exports = function ({ query, headers, body }, response) {\n  const data = JSON.parse(body.text());\n  return [query.a, headers["X-B"], data.c];\n};`,
    );
    expect(names(destructured.fields)).toEqual(["query:a", "header:X-B", "body:c"]);
    expect(destructured.body).toBe("json");
    const nested = readsOf(`exports = function ({ query: { id } }) {\n  return id;\n};`);
    expect(nested.fields).toMatchObject([{ from: "query", name: "id", line: 1 }]);
    expect(names(readsOf(`var exports = function (p) { return p.query.x; };`).fields)).toEqual(["query:x"]);
    expect(names(readsOf(`function handle(r) { return r.headers.Host; }\nexports = handle;`).fields)).toEqual(["header:Host"]);
  });

  it("does not take other objects, or a parameter that shadows the request, for the request", () => {
    const r = readsOf(hook(`const other = { query: { id: 1 } };\nother.query.id;\n[1].map((payload) => payload.query.x);\nreturn payload.query.y;`));
    expect(names(r.fields)).toEqual(["query:y"]);
    expect(readsOf(`function f(payload) { return payload.query.id; }`).fields).toEqual([]);
  });
});

describe("readsOf: the body", () => {
  it("detects each encoding, preferring ejson > json > form > text", () => {
    expect(readsOf(hook(`const b = JSON.parse(payload.body.text());`)).body).toBe("json");
    expect(readsOf(hook(`const b = EJSON.parse(payload.body.text());`)).body).toBe("ejson");
    expect(readsOf(hook(`const text = payload.body.text();\nconst data = EJSON.parse(text);\nJSON.parse(text);`)).body).toBe("ejson");
    expect(readsOf(hook(`const p = new URLSearchParams(payload.body.text());`)).body).toBe("form");
    expect(readsOf(hook(`const p = querystring.parse(payload.body.text());`)).body).toBe("form");
    expect(readsOf(hook(`const pairs = payload.body.text().split("&");`)).body).toBe("form");
    expect(readsOf(hook(`return payload.body.text().toUpperCase();`)).body).toBe("text");
    expect(readsOf(hook(`if (!payload.body) return 1;\nreturn payload.query.a;`)).body).toBe("none");
  });

  it("reads nested body paths as dotted leaves, not their parents", () => {
    const r = readsOf(hook(`const body = JSON.parse(payload.body.text());\nconst c = body.customer.id;\nconst n = body["order"].lines.count;`));
    expect(r.fields).toEqual([
      { from: "body", name: "customer.id", type: "string", literals: [], line: 3 },
      { from: "body", name: "order.lines.count", type: "string", literals: [], line: 4 },
    ]);
  });

  it("follows destructured body fields into their sub-fields", () => {
    const r = readsOf(hook(`const body = JSON.parse(payload.body.text());\nconst { items, customer } = body;\nconst id = customer.id;\nreturn items;`));
    expect(names(r.fields)).toEqual(["body:items", "body:customer.id"]);
    expect(r.fields[1]?.line).toBe(4);
    // Passed on as a whole (`{ customer }`), the parent is read on its own too.
    const whole = readsOf(hook(`const body = JSON.parse(payload.body.text());\nconst { customer } = body;\nconst id = customer.id;\nreturn { customer };`));
    expect(whole.fields).toMatchObject([{ name: "customer", type: "object", line: 3 }, { name: "customer.id" }]);
  });

  it("keeps a parent read on its own as well, typed object", () => {
    const r = readsOf(hook(`const body = JSON.parse(payload.body.text());\nif (body.customer) { return body.customer.id; }`));
    expect(r.fields).toMatchObject([
      { name: "customer", type: "object" },
      { name: "customer.id", type: "string" },
    ]);
  });

  it("reads form fields with params.get and querystring.parse", () => {
    const r = readsOf(hook(`const params = new URLSearchParams(payload.body.text());\nconst name = params.get("name");\nif (name === "bob") {}`));
    expect(r.fields).toEqual([{ from: "body", name: "name", type: "string", literals: ["bob"], line: 3 }]);
    const qs = readsOf(hook(`const form = querystring.parse(payload.body.text());\nreturn form.email;`));
    expect(qs.fields).toMatchObject([{ from: "body", name: "email" }]);
  });
});

describe("readsOf: literals and types", () => {
  it("collects literals from ===, reversed ===, !==, ==, switch and includes, in order and without repeats", () => {
    const r = readsOf(
      hook(
        `const s = payload.query.status;\nif (s === "paid") {}\nif ("open" === s) {}\nif (s !== "paid") {}\nswitch (s) { case "a": case "b": break; }\nif (["b", "c"].includes(s)) {}`,
      ),
    );
    expect(r.fields).toEqual([{ from: "query", name: "status", type: "string", literals: ["paid", "open", "a", "b", "c"], line: 2 }]);
  });

  it('a literal number makes the field a number; `=== "true"` leaves it a string; `=== true` makes it a boolean', () => {
    expect(field(hook(`if (payload.query.n == 3) {}`), "query", "n")).toMatchObject({ type: "number", literals: [3] });
    expect(field(hook(`if (payload.query.f === "true") {}`), "query", "f")).toMatchObject({ type: "string", literals: ["true"] });
    const b = hook(`const body = JSON.parse(payload.body.text());\nif (body.f === true) {}`);
    expect(field(b, "body", "f")).toMatchObject({ type: "boolean", literals: [true] });
  });

  it("infers objectId, number, date and array from how a field is used", () => {
    const source = hook(
      [
        `const body = JSON.parse(payload.body.text());`,
        `const a = new BSON.ObjectId(payload.query.a);`,
        `const b = BSON.ObjectId(payload.query.b);`,
        `const c = new ObjectId(payload.query.c);`,
        `const d = parseInt(payload.query.d, 10) + Number(payload.query.e) + +payload.query.f;`,
        `if (payload.query.g > 3) {}`,
        `const h = payload.query.h * 2;`,
        `const when = new Date(body.when);`,
        `const n = body.items.length;`,
        `body.tags.map((t) => t);`,
        `for (const line of body.lines) {}`,
        `if (Array.isArray(body.list)) {}`,
        `const plain = body.note.toLowerCase();`,
      ].join("\n"),
    );
    const types = Object.fromEntries(readsOf(source).fields.map((f) => [f.name, f.type]));
    expect(types).toEqual({
      a: "objectId",
      b: "objectId",
      c: "objectId",
      d: "number",
      e: "number",
      f: "number",
      g: "number",
      h: "number",
      when: "date",
      items: "array",
      tags: "array",
      lines: "array",
      list: "array",
      note: "string",
    });
  });

  it("takes a fallback as a hint: `|| []` an array, `?? 1` a number", () => {
    const source = hook(
      `const body = JSON.parse(payload.body.text());\nconst items = body.items || [];\nconst page = payload.query.page ?? 1;\nconst name = body.name || "anon";`,
    );
    const types = Object.fromEntries(readsOf(source).fields.map((f) => [f.name, f.type]));
    expect(types).toEqual({ items: "array", page: "number", name: "string" });
  });

  it("does not call a query parameter an array for `.length`", () => {
    expect(field(hook(`if (payload.query.q.length > 2) {}`), "query", "q")?.type).toBe("string");
  });
});

describe("readsOf: collections", () => {
  it("reads literal and request-derived filters of an inline chain, with the method call's line", () => {
    const r = readsOf(
      hook(
        [
          `const id = payload.query.id;`,
          `return context.services.get("mongodb-atlas").db("shop").collection("orders")`,
          `  .findOne({ _id: new BSON.ObjectId(id), status: "open", qty: 3, paid: false, gone: null, total: { $gt: 3 }, "n": parseInt(payload.query.n), who: payload.headers["X-User"][0] });`,
        ].join("\n"),
      ),
    );
    expect(r.collections).toEqual([
      {
        service: "mongodb-atlas",
        db: "shop",
        collection: "orders",
        method: "findOne",
        line: 4,
        filter: {
          _id: { kind: "field", field: { from: "query", name: "id" }, objectId: true, number: false },
          status: { kind: "literal", value: "open" },
          qty: { kind: "literal", value: 3 },
          paid: { kind: "literal", value: false },
          gone: { kind: "literal", value: null },
          total: { kind: "unknown" },
          n: { kind: "field", field: { from: "query", name: "n" }, objectId: false, number: true },
          who: { kind: "field", field: { from: "header", name: "X-User" }, objectId: false, number: false },
        },
      },
    ]);
    expect(
      field(hook(`const id = payload.query.id;\ncontext.services.get("m").db("d").collection("c").findOne({ _id: new BSON.ObjectId(id) });`), "query", "id")
        ?.type,
    ).toBe("objectId");
  });

  it("follows the service, database and collection through variables, and filters through variables", () => {
    const r = readsOf(
      hook(
        [
          `mongodb = context.services.get("mongodb-atlas");`,
          `const db = mongodb.db("shop");`,
          `const orders = db.collection("orders");`,
          `const body = JSON.parse(payload.body.text());`,
          `const { customer } = body;`,
          `const filter = { customer: customer.id };`,
          `await orders.find(filter).toArray();`,
          `const { sku } = payload.query;`,
          `await orders.updateOne({ sku }, { $set: { seen: true } });`,
          `await orders.insertOne({ sku });`,
          `await orders.aggregate([{ $match: { sku } }]);`,
          `await orders.deleteMany(makeFilter());`,
          `await context.services.get("mongodb-atlas").db(name).collection("x").findOne({ a: 1 });`,
        ].join("\n"),
      ),
    );
    expect(r.collections.map((c) => [c.collection, c.method, c.line])).toEqual([
      ["orders", "find", 8],
      ["orders", "updateOne", 10],
    ]);
    expect(r.collections[0]?.filter).toEqual({ customer: { kind: "field", field: { from: "body", name: "customer.id" }, objectId: false, number: false } });
    expect(r.collections[1]?.filter).toEqual({ sku: { kind: "field", field: { from: "query", name: "sku" }, objectId: false, number: false } });
  });

  it("records a call without a filter as an empty filter", () => {
    const r = readsOf(hook(`return context.services.get("a").db("b").collection("c").find().toArray();`));
    expect(r.collections).toMatchObject([{ service: "a", db: "b", collection: "c", method: "find", filter: {} }]);
  });
});

describe("readsOf: context.user and conditions", () => {
  it("reads context.user paths, directly and through a variable, without repeats", () => {
    const r = readsOf(
      hook(
        `const user = context.user;\nif (user.data.email) {}\nconst id = context.user.id;\nconst plan = context.user.custom_data.plan;\nuser.data.email.toLowerCase();`,
      ),
    );
    expect(r.userFields).toEqual(["data.email", "id", "custom_data.plan"]);
    const guarded = readsOf(hook(`const tier = (context.user.custom_data && context.user.custom_data.tier) || "standard";`));
    expect(guarded.userFields).toEqual(["custom_data.tier"]);
    expect(r.fields).toEqual([]);
    expect(r.conditions).toEqual([]);
  });

  it("records if, ?:, switch and outermost &&/|| conditions that name request fields", () => {
    const r = readsOf(
      hook(
        [
          `const { status, n } = payload.query;`,
          `if (status === "paid" && n > 3) {}`,
          `const label = payload.headers["X-Mode"] ? "a" : "b";`,
          `switch (status) { case "x": break; case 2: break; }`,
          `const fallback = payload.query.page || 1;`,
          `if (context.user.id === "u") {}`,
          `if (1 < 2) {}`,
        ].join("\n"),
      ),
    );
    expect(r.conditions).toEqual([
      {
        line: 3,
        fields: [
          { from: "query", name: "status" },
          { from: "query", name: "n" },
        ],
        documentFields: [],
        literals: ["paid", 3],
      },
      { line: 4, fields: [{ from: "header", name: "X-Mode" }], documentFields: [], literals: [] },
      { line: 5, fields: [{ from: "query", name: "status" }], documentFields: [], literals: ["x", 2] },
      { line: 6, fields: [{ from: "query", name: "page" }], documentFields: [], literals: [1] },
    ]);
  });
});

describe("readsOf: documents the function reads", () => {
  it("reads fields of a findOne result through await and aliases, with their literals and types, and conditions on them", () => {
    const r = readsOf(
      hook(
        [
          `const customers = context.services.get("mongodb-atlas").db("shop").collection("customers");`,
          `const c = await customers.findOne({ email: payload.query.email });`,
          `if (c.plan === "pro" || c.address.country === "FR") {}`,
          `return c.credits > 10 ? 1 : 0;`,
        ].join("\n"),
      ),
    );
    expect(r.documentFields).toEqual([
      { db: "shop", collection: "customers", path: "plan", type: "string", literals: ["pro"], line: 4 },
      { db: "shop", collection: "customers", path: "address.country", type: "string", literals: ["FR"], line: 4 },
      { db: "shop", collection: "customers", path: "credits", type: "number", literals: [], line: 5 },
    ]);
    expect(r.conditions.map((c) => [c.line, c.documentFields.map((d) => d.path)])).toEqual([
      [4, ["plan", "address.country"]],
      [5, ["credits"]],
    ]);
    expect(names(r.fields)).toEqual(["query:email"]);
  });

  it("twilio and GitHub payloads are the decoded body itself", () => {
    const r = readsOf(`exports = function (payload) {\n  if (payload.Body.trim() === "STOP") {}\n};`, "form");
    expect(r.body).toBe("form");
    expect(r.fields).toEqual([{ from: "body", name: "Body", type: "string", literals: ["STOP"], line: 2 }]);
  });
});

describe("readsOf: any input", () => {
  it("does not throw on broken syntax, and reads what it can", () => {
    const r = readsOf(`exports = function (payload) {\n  const id = payload.query.id;\n  if (id === "a" {\n    return payload.headers.Host`);
    expect(names(r.fields)).toEqual(["query:id", "header:Host"]);
    for (const junk of ["}}}{{", "exports = ", "exports = function (", "\u0000\uffff", "exports = (p) => p.query[", "<<<>>>"]) {
      expect(() => readsOf(junk)).not.toThrow();
    }
  });

  it("an empty source reads nothing", () => {
    expect(readsOf("")).toEqual({ body: "none", fields: [], collections: [], userFields: [], documentFields: [], conditions: [] });
  });
});
