import { Double, Int32, Long, ObjectId, UUID } from "bson";
import { describe, expect, it, vi } from "vitest";
import { evaluateExpression, expand, validateExpression, type ExpressionEnv } from "../../src/runtime/expressions.js";

const OID = "5f1b2c3d4e5f6a7b8c9d0e1f";
const UUID_STR = "0b8a3c62-5a1f-4f4e-9c1d-3a2b1c0d9e8f";

function env(overrides: Partial<ExpressionEnv> = {}): ExpressionEnv {
  return {
    request: {
      remoteIPAddress: "203.0.113.7",
      httpMethod: "POST",
      webhookUrl: "/api/client/v2.0/app/a/service/s/incoming_webhook/w",
      rawQueryString: "a=1",
      httpUserAgent: "curl/8.0",
      service: "s",
      action: "w",
      requestHeaders: {
        "X-Api-Secret": ["s3cr3t"],
        Accept: ["application/json", "text/plain"],
        "Content-Type": ["application/json"],
      },
    },
    user: {
      id: OID,
      type: "normal",
      data: { email: "ada@example.com" },
      custom_data: { role: "admin", level: 3 },
      identities: [{ id: "i1", provider_type: "api-key" }],
    },
    values: { allowedIps: ["198.51.100.1", "203.0.113.7"], adminIds: [OID, "aaaaaaaaaaaaaaaaaaaaaaaa"], apiSecret: "s3cr3t" },
    environment: { tag: "production", values: { region: "eu", limit: 10 } },
    args: { someNumber: 7, name: "x", tags: ["a", "b"] },
    root: { _id: new ObjectId(OID), owner: OID, uuid: new UUID(UUID_STR) },
    prevRoot: { status: "draft" },
    ...overrides,
  };
}

async function allowed(expr: unknown, e: ExpressionEnv = env(), opts?: Parameters<typeof evaluateExpression>[2]): Promise<boolean> {
  return (await evaluateExpression(expr, e, opts)).allowed;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

// Examples built on https://www.mongodb.com/docs/atlas/app-services/rules/expressions/
describe("expression examples", () => {
  const ipAllowList = { "%%request.httpMethod": "POST", "%%request.remoteIPAddress": { $in: "%%values.allowedIps" } };

  it("allows only POST from an allow-list of IPs", async () => {
    expect(await allowed(ipAllowList)).toBe(true);
    expect(await allowed(ipAllowList, env({ request: { ...env().request, httpMethod: "GET" } }))).toBe(false);
    expect(await allowed(ipAllowList, env({ request: { ...env().request, remoteIPAddress: "10.0.0.1" } }))).toBe(false);
  });

  it("requires a shared header", async () => {
    expect(await allowed({ "%%request.requestHeaders.X-Api-Secret": "s3cr3t" })).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.X-Api-Secret": "wrong" })).toBe(false);
    const noHeader = env({ request: { requestHeaders: {} } });
    expect(await allowed({ "%%request.requestHeaders.X-Api-Secret": "s3cr3t" }, noHeader)).toBe(false);
  });

  it("gates on a function", async () => {
    const callFunction = vi.fn((name: string, args: unknown[]) => name === "isAllowed" && args[0] === OID);
    const expr = { "%%true": { "%function": { name: "isAllowed", arguments: ["%%user.id"] } } };
    expect(await allowed(expr, env({ callFunction }))).toBe(true);
    expect(callFunction).toHaveBeenCalledWith("isAllowed", [OID]);
    expect(await allowed(expr, env({ callFunction, user: { id: "someone-else" } }))).toBe(false);
  });

  it("blocks IPs (docs webhook example)", async () => {
    const expr = { "%%request.remoteIPAddress": { $nin: ["248.88.57.58", "19.241.23.116"] } };
    expect(await allowed(expr)).toBe(true);
    expect(await allowed(expr, env({ request: { remoteIPAddress: "19.241.23.116" } }))).toBe(false);
  });

  it("checks a range with %and inside a key", async () => {
    const expr = { "%%args.someNumber": { "%and": [{ $gt: 0 }, { $lte: 42 }] } };
    expect(await allowed(expr, env({ args: { someNumber: 42 } }))).toBe(true);
    expect(await allowed(expr, env({ args: { someNumber: 1 } }))).toBe(true);
    expect(await allowed(expr, env({ args: { someNumber: 0 } }))).toBe(false);
    expect(await allowed(expr, env({ args: { someNumber: 43 } }))).toBe(false);
    expect(await allowed(expr, env({ args: {} }))).toBe(false);
  });
});

describe("literal expressions", () => {
  it("true, false and {}", async () => {
    expect(await allowed(true)).toBe(true);
    expect(await allowed(false)).toBe(false);
    expect(await allowed({})).toBe(true);
    expect(await allowed({}, {})).toBe(true);
  });

  it("no expression allows", async () => {
    expect(await allowed(undefined)).toBe(true);
  });

  it("an expansion yielding a boolean is an expression, other values are not", async () => {
    expect(await allowed("%%true")).toBe(true);
    expect(await allowed("%%false")).toBe(false);
    await expect(evaluateExpression("%%user.id", env())).rejects.toThrow(/must expand to true or false/);
  });

  it("every key must hold (AND)", async () => {
    expect(await allowed({ "%%request.httpMethod": "POST", "%%user.type": "normal" })).toBe(true);
    expect(await allowed({ "%%request.httpMethod": "POST", "%%user.type": "server" })).toBe(false);
  });

  it("rejects non-expressions", async () => {
    await expect(evaluateExpression(42, env())).rejects.toThrow(/must be true, false, an object or an expansion/);
    await expect(evaluateExpression("POST", env())).rejects.toThrow(/must be true, false/);
  });
});

describe("expansions", () => {
  const e = env();

  it("%%true and %%false as keys", async () => {
    expect(await allowed({ "%%true": true, "%%false": false })).toBe(true);
    expect(await allowed({ "%%true": false })).toBe(false);
  });

  it("%%values.<name>", async () => {
    expect(expand("%%values.apiSecret", e)).toBe("s3cr3t");
    expect(await allowed({ "%%request.requestHeaders.X-Api-Secret": "%%values.apiSecret" })).toBe(true);
    expect(await allowed({ "%%values.apiSecret": "other" })).toBe(false);
  });

  it("%%environment.tag and %%environment.values.<name>", async () => {
    expect(await allowed({ "%%environment.tag": "production", "%%environment.values.region": "eu" })).toBe(true);
    expect(await allowed({ "%%environment.tag": "development" })).toBe(false);
    expect(await allowed({ "%%environment.values.limit": { $gte: 10 } })).toBe(true);
  });

  it("%%request.<field>", async () => {
    expect(
      await allowed({
        "%%request.httpMethod": "POST",
        "%%request.remoteIPAddress": "203.0.113.7",
        "%%request.rawQueryString": "a=1",
        "%%request.httpUserAgent": "curl/8.0",
        "%%request.service": "s",
        "%%request.action": "w",
        "%%request.webhookUrl": "/api/client/v2.0/app/a/service/s/incoming_webhook/w",
      }),
    ).toBe(true);
    expect(await allowed({ "%%request.service": "other" })).toBe(false);
  });

  it("%%user and its fields", async () => {
    expect(await allowed({ "%%user.id": OID, "%%user.type": "normal" })).toBe(true);
    expect(await allowed({ "%%user.data.email": "ada@example.com", "%%user.custom_data.role": "admin" })).toBe(true);
    expect(await allowed({ "%%user.custom_data.role": "viewer" })).toBe(false);
    expect(await allowed({ "%%user.identities.0.provider_type": "api-key" })).toBe(true);
    expect(await allowed({ "%%user": { $exists: true } })).toBe(true);
    expect(await allowed({ "%%user": { $exists: true } }, env({ user: undefined }))).toBe(false);
    expect(expand("%%user", e)).toBe(e.user);
  });

  it("%%args.<name>", async () => {
    expect(await allowed({ "%%args.name": "x" })).toBe(true);
    expect(await allowed({ "%%args.name": "y" })).toBe(false);
  });

  it("%%root and %%prevRoot", async () => {
    expect(await allowed({ "%%root.owner": "%%user.id", "%%prevRoot.status": "draft" })).toBe(true);
    expect(await allowed({ "%%prevRoot.status": "published" })).toBe(false);
  });

  it("expand replaces deeply, leaves other values and does not mutate", () => {
    const input = deepFreeze({ a: "%%user.id", b: ["%%environment.tag", 1, { c: "%%values.missing" }], d: "literal %%x", e: null });
    const out = expand(input, e);
    expect(out).toEqual({ a: OID, b: ["production", 1, { c: undefined }], d: "literal %%x", e: null });
    expect(input.a).toBe("%%user.id");
  });

  it("a missing path expands to undefined, and does not walk the prototype", () => {
    expect(expand("%%user.data.nope.deeper", e)).toBeUndefined();
    expect(expand("%%values.constructor", e)).toBeUndefined();
    expect(expand("%%args.tags.length", e)).toBeUndefined();
    expect(expand("%%request.httpMethod", {})).toBeUndefined();
  });

  it("unknown and unsupported expansions throw", async () => {
    expect(() => expand("%%bogus.x", e)).toThrow(/unknown expansion "%%bogus.x"/);
    expect(() => expand("%%partition", e)).toThrow(/unsupported expansion/);
    await expect(evaluateExpression({ "%%requests.httpMethod": "POST" }, e)).rejects.toThrow(/unknown expansion/);
    await expect(evaluateExpression({ "%%this": 1 }, e)).rejects.toThrow(/%%this/);
  });
});

describe("headers", () => {
  it("match the header name case-insensitively", async () => {
    expect(await allowed({ "%%request.requestHeaders.x-api-secret": "s3cr3t" })).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.X-API-SECRET": "s3cr3t" })).toBe(true);
    const lower = env({ request: { requestHeaders: { "x-secret-key": ["k"] } } });
    expect(await allowed({ "%%request.requestHeaders.X-Secret-Key": "k" }, lower)).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.X-Secret-Key2": "k" }, lower)).toBe(false);
  });

  it("an array value matches a scalar when any element equals it", async () => {
    expect(await allowed({ "%%request.requestHeaders.Accept": "text/plain" })).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.Accept": "application/json" })).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.Accept": "text/html" })).toBe(false);
    expect(await allowed({ "%%request.requestHeaders.Accept": ["application/json", "text/plain"] })).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.Accept": { $ne: "text/html" } })).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.Accept": { $ne: "text/plain" } })).toBe(false);
  });

  it("$in with an array-valued key matches when any element is in the list", async () => {
    expect(await allowed({ "%%request.requestHeaders.accept": { $in: ["text/plain", "x/y"] } })).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.accept": { $in: ["x/y"] } })).toBe(false);
    expect(await allowed({ "%%request.requestHeaders.accept": { $nin: ["text/plain"] } })).toBe(false);
    expect(await allowed({ "%%args.tags": { "%in": ["b"] } })).toBe(true);
  });

  it("merges values of one header sent under several spellings", async () => {
    const e = env({ request: { requestHeaders: { "x-a": ["1"], "X-A": ["2"] } } });
    expect(await allowed({ "%%request.requestHeaders.x-A": "2" }, e)).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.x-A": "1" }, e)).toBe(true);
  });
});

describe("operators in $ and % forms", () => {
  const forms = ["$", "%"] as const;
  for (const p of forms) {
    it(`${p}exists`, async () => {
      expect(await allowed({ "%%request.httpReferrer": { [`${p}exists`]: false } })).toBe(true);
      expect(await allowed({ "%%request.httpReferrer": { [`${p}exists`]: true } })).toBe(false);
      expect(await allowed({ "%%request.httpUserAgent": { [`${p}exists`]: true } })).toBe(true);
      expect(await allowed({ "%%request.httpUserAgent": { [`${p}exists`]: false } })).toBe(false);
      expect(await allowed({ "%%user.custom_data.nope": { [`${p}exists`]: 0 } })).toBe(true);
    });

    it(`${p}in and ${p}nin`, async () => {
      expect(await allowed({ "%%user.custom_data.role": { [`${p}in`]: ["admin", "owner"] } })).toBe(true);
      expect(await allowed({ "%%user.custom_data.role": { [`${p}in`]: ["owner"] } })).toBe(false);
      expect(await allowed({ "%%user.custom_data.role": { [`${p}nin`]: ["owner"] } })).toBe(true);
      expect(await allowed({ "%%user.custom_data.role": { [`${p}nin`]: ["admin"] } })).toBe(false);
      expect(await allowed({ "%%user.id": { [`${p}in`]: "%%values.adminIds" } })).toBe(true);
      expect(await allowed({ "%%user.id": { [`${p}nin`]: "%%values.adminIds" } })).toBe(false);
      expect(await allowed({ "%%user.custom_data.role": { [`${p}in`]: ["%%environment.values.region", "admin"] } })).toBe(true);
    });

    it(`${p}eq and ${p}ne`, async () => {
      expect(await allowed({ "%%request.httpMethod": { [`${p}eq`]: "POST" } })).toBe(true);
      expect(await allowed({ "%%request.httpMethod": { [`${p}eq`]: "GET" } })).toBe(false);
      expect(await allowed({ "%%request.httpMethod": { [`${p}ne`]: "GET" } })).toBe(true);
      expect(await allowed({ "%%request.httpMethod": { [`${p}ne`]: "POST" } })).toBe(false);
    });

    it(`${p}gt ${p}gte ${p}lt ${p}lte`, async () => {
      const lvl = "%%user.custom_data.level"; // 3
      const cases: [string, number, boolean][] = [
        ["gt", 2, true],
        ["gt", 3, false],
        ["gte", 3, true],
        ["gte", 4, false],
        ["lt", 4, true],
        ["lt", 3, false],
        ["lte", 3, true],
        ["lte", 2, false],
      ];
      for (const [op, n, want] of cases) {
        expect(await allowed({ [lvl]: { [`${p}${op}`]: n } }), `${p}${op} ${n}`).toBe(want);
      }
      expect(await allowed({ "%%request.httpMethod": { [`${p}gt`]: "GET" } })).toBe(true); // strings compare
      expect(await allowed({ "%%request.httpMethod": { [`${p}gt`]: 1 } })).toBe(false); // across types: never
      expect(await allowed({ "%%user.custom_data.missing": { [`${p}lt`]: 1 } })).toBe(false);
    });
  }

  it("several operators on one key must all hold", async () => {
    expect(await allowed({ "%%args.someNumber": { $gt: 5, "%lt": 10 } })).toBe(true);
    expect(await allowed({ "%%args.someNumber": { $gt: 5, "%lt": 7 } })).toBe(false);
  });

  it("compares BSON numbers numerically", async () => {
    const e = env({ args: { i: new Int32(5), l: Long.fromNumber(5), d: new Double(5.5) } });
    expect(await allowed({ "%%args.i": 5, "%%args.l": 5, "%%args.d": { $gt: 5, $lt: 6 } }, e)).toBe(true);
    expect(await allowed({ "%%args.l": { $in: [4, 5] } }, e)).toBe(true);
    expect(await allowed({ "%%args.i": 6 }, e)).toBe(false);
    expect(await allowed({ "%%args.i": "5" }, e)).toBe(false);
    expect(await allowed({ "%%args.i": { $numberInt: "5" } }, e)).toBe(true);
  });
});

describe("%and / %or / %not / %nor", () => {
  it("top-level %and and %or take arrays of expressions", async () => {
    const expr = {
      "%or": [{ "%%user.custom_data.role": "owner" }, { "%and": [{ "%%request.httpMethod": "POST" }, { "%%environment.tag": "production" }] }],
    };
    expect(await allowed(expr)).toBe(true);
    expect(await allowed(expr, env({ environment: { tag: "qa", values: {} } }))).toBe(false);
    expect(await allowed({ "%or": [false, true] })).toBe(true);
    expect(await allowed({ "%or": [] })).toBe(false);
    expect(await allowed({ "%and": [] })).toBe(true);
    expect(await allowed({ "%and": [true, false] })).toBe(false);
    expect(await allowed({ "%and": [true, {}] })).toBe(true);
  });

  it("%or inside a key applies each alternative to the key's value", async () => {
    const expr = { "%%args.someNumber": { "%or": [{ $lt: 0 }, { "%and": [{ $gt: 5 }, { $lt: 8 }] }, 100] } };
    expect(await allowed(expr, env({ args: { someNumber: -1 } }))).toBe(true);
    expect(await allowed(expr, env({ args: { someNumber: 7 } }))).toBe(true);
    expect(await allowed(expr, env({ args: { someNumber: 100 } }))).toBe(true);
    expect(await allowed(expr, env({ args: { someNumber: 3 } }))).toBe(false);
  });

  it("%not and %nor (inferred)", async () => {
    expect(await allowed({ "%not": { "%%request.httpMethod": "GET" } })).toBe(true);
    expect(await allowed({ "%not": { "%%request.httpMethod": "POST" } })).toBe(false);
    expect(await allowed({ "%nor": [{ "%%request.httpMethod": "GET" }, { "%%user.type": "server" }] })).toBe(true);
    expect(await allowed({ "%nor": [{ "%%request.httpMethod": "GET" }, { "%%user.type": "normal" }] })).toBe(false);
    expect(await allowed({ "%%args.someNumber": { "%not": { $gt: 5 } } })).toBe(false);
    expect(await allowed({ "%%args.someNumber": { "%not": { $gt: 10 } } })).toBe(true);
    expect(await allowed({ "%%args.someNumber": { "%nor": [{ $lt: 0 }, 7] } })).toBe(false);
    expect(await allowed({ "%%args.someNumber": { "%nor": [{ $lt: 0 }, 8] } })).toBe(true);
    expect(await allowed({ $or: [false, { $and: [true] }] })).toBe(true);
  });

  it("rejects malformed logical operands", async () => {
    await expect(evaluateExpression({ "%or": { a: 1 } }, env())).rejects.toThrow(/%or needs an array/);
    await expect(evaluateExpression({ "%%args.n": { "%and": { $gt: 1 } } }, env())).rejects.toThrow(/%and needs an array/);
  });
});

describe("%function", () => {
  it("calls a sync function with expanded arguments", async () => {
    const calls: unknown[][] = [];
    const callFunction = (name: string, args: unknown[]): unknown => {
      calls.push([name, args]);
      return args[1] === "production";
    };
    const expr = {
      "%%true": { "%function": { name: "check", arguments: ["%%user.custom_data.role", "%%environment.tag", { ip: "%%request.remoteIPAddress" }, 5] } },
    };
    expect(await allowed(expr, env({ callFunction }))).toBe(true);
    expect(calls).toEqual([["check", ["admin", "production", { ip: "203.0.113.7" }, 5]]]);
  });

  it("awaits an async function and compares its result", async () => {
    const callFunction = async (name: string, args: unknown[]): Promise<unknown> => {
      await new Promise((r) => setTimeout(r, 5));
      return name === "level" ? (args[0] as number) * 2 : undefined;
    };
    expect(await allowed({ "%%user.custom_data.level": { $lt: { "%function": { name: "level", arguments: [2] } } } }, env({ callFunction }))).toBe(true);
    expect(await allowed({ "%%false": { "%function": { name: "other" } } }, env({ callFunction }))).toBe(false);
    expect(await allowed({ "%%user.id": { $in: { "%function": { name: "ids", arguments: [] } } } }, env({ callFunction: async () => [OID] }))).toBe(true);
  });

  it("requires true exactly when compared with %%true", async () => {
    const expr = { "%%true": { "%function": { name: "f", arguments: [] } } };
    expect(await allowed(expr, env({ callFunction: () => 1 }))).toBe(false);
    expect(await allowed(expr, env({ callFunction: () => "true" }))).toBe(false);
    expect(await allowed(expr, env({ callFunction: async () => true }))).toBe(true);
  });

  it("reports a failing function and a missing runtime", async () => {
    const expr = { "%%true": { "%function": { name: "boom", arguments: [] } } };
    await expect(evaluateExpression(expr, env({ callFunction: () => Promise.reject(new Error("kaput")) }))).rejects.toThrow(/%function "boom" failed: kaput/);
    await expect(evaluateExpression(expr, env())).rejects.toThrow(/no function runtime/);
    await expect(evaluateExpression({ "%%true": { "%function": { arguments: [] } } }, env())).rejects.toThrow(/needs a function name/);
  });

  it("is not called when an earlier clause already failed", async () => {
    const callFunction = vi.fn(() => true);
    const expr = { "%%request.httpMethod": "GET", "%%true": { "%function": { name: "f" } } };
    expect(await allowed(expr, env({ callFunction }))).toBe(false);
    expect(callFunction).not.toHaveBeenCalled();
  });
});

describe("conversions and BSON values", () => {
  it("compares ObjectIds by hex", async () => {
    const e = env({ args: { a: new ObjectId(OID), b: new ObjectId(OID) } });
    expect(await allowed({ "%%args.a": "%%args.b" }, e)).toBe(true);
    expect(await allowed({ "%%root._id": { $oid: OID } })).toBe(true);
    expect(await allowed({ "%%root._id": { $in: [{ $oid: "aaaaaaaaaaaaaaaaaaaaaaaa" }, new ObjectId(OID)] } })).toBe(true);
    expect(await allowed({ "%%root._id": { $oid: "aaaaaaaaaaaaaaaaaaaaaaaa" } })).toBe(false);
    // An ObjectId is not its hex string: that is what the conversions are for.
    expect(await allowed({ "%%root._id": OID })).toBe(false);
  });

  it("%stringToOid and %oidToString", async () => {
    expect(await allowed({ "%%root._id": { "%stringToOid": "%%user.id" } })).toBe(true);
    expect(await allowed({ "%%root._id": { "%stringToOid": OID } })).toBe(true);
    expect(await allowed({ "%%root._id": { "%stringToOid": "aaaaaaaaaaaaaaaaaaaaaaaa" } })).toBe(false);
    expect(await allowed({ "%%user.id": { "%oidToString": "%%root._id" } })).toBe(true);
    expect(await allowed({ "%%user.id": { $eq: { "%oidToString": "%%root._id" } } })).toBe(true);
    await expect(evaluateExpression({ "%%root._id": { "%stringToOid": "nope" } }, env())).rejects.toThrow(/not a 24-digit hex/);
    await expect(evaluateExpression({ "%%root._id": { "%stringToOid": { "%oidToString": "%%root._id" } } }, env())).rejects.toThrow(
      /needs a literal or an expansion/,
    );
  });

  it("%stringToUuid and %uuidToString", async () => {
    expect(await allowed({ "%%root.uuid": { "%stringToUuid": UUID_STR } })).toBe(true);
    expect(await allowed({ "%%root.uuid": { "%stringToUuid": "11111111-2222-4333-8444-555555555555" } })).toBe(false);
    const e = env({ args: { s: UUID_STR } });
    expect(await allowed({ "%%args.s": { "%uuidToString": "%%root.uuid" } }, e)).toBe(true);
    expect(await allowed({ "%%root.uuid": { "%stringToUuid": "%%args.s" } }, e)).toBe(true);
    await expect(evaluateExpression({ "%%root.uuid": { "%stringToUuid": "zz" } }, env())).rejects.toThrow(/not a UUID string/);
  });

  it("deep equality for documents and arrays", async () => {
    const e = env({ args: { doc: { a: 1, b: [1, { c: "x" }] }, list: [1, 2] } });
    expect(await allowed({ "%%args.doc": { b: [1, { c: "x" }], a: 1 } }, e)).toBe(true);
    expect(await allowed({ "%%args.doc": { a: 1, b: [1, { c: "y" }] } }, e)).toBe(false);
    expect(await allowed({ "%%args.doc": { a: 1 } }, e)).toBe(false);
    expect(await allowed({ "%%args.list": [1, 2] }, e)).toBe(true);
    expect(await allowed({ "%%args.list": [2, 1] }, e)).toBe(false);
    expect(await allowed({ "%%args.doc": {} }, e)).toBe(false);
    expect(await allowed({ "%%args.empty": {} }, env({ args: { empty: {} } }))).toBe(true);
  });
});

describe("missing values", () => {
  it("$exists: false holds for a missing field", async () => {
    expect(await allowed({ "%%user.custom_data.banned": { $exists: false } })).toBe(true);
    expect(await allowed({ "%%user.custom_data.role": { $exists: false } })).toBe(false);
    expect(await allowed({ "%%request.requestHeaders.X-Nope": { "%exists": false } })).toBe(true);
    expect(await allowed({ "%%request.requestHeaders.x-api-secret": { "%exists": true } })).toBe(true);
  });

  it("null matches missing or null", async () => {
    expect(await allowed({ "%%user.custom_data.banned": null })).toBe(true);
    expect(await allowed({ "%%args.n": null }, env({ args: { n: null } }))).toBe(true);
    expect(await allowed({ "%%user.custom_data.role": null })).toBe(false);
  });

  it("a missing expansion on the value side never matches, so a missing secret does not open the door", async () => {
    const e = env({ values: {}, request: { requestHeaders: {} } });
    expect(await allowed({ "%%request.requestHeaders.X-Api-Secret": "%%values.apiSecret" }, e)).toBe(false);
    expect(await allowed({ "%%request.requestHeaders.X-Api-Secret": { $eq: "%%values.apiSecret" } }, e)).toBe(false);
  });

  it("$in with an expansion that is not an array throws", async () => {
    await expect(evaluateExpression({ "%%request.remoteIPAddress": { $in: "%%values.nope" } }, env())).rejects.toThrow(
      /\$in needs an array, but "%%values.nope" is missing/,
    );
    await expect(evaluateExpression({ "%%request.remoteIPAddress": { $in: "%%values.apiSecret" } }, env())).rejects.toThrow(/needs an array/);
    await expect(evaluateExpression({ "%%request.remoteIPAddress": { $in: "1.2.3.4" } }, env())).rejects.toThrow(/needs an array/);
  });
});

describe("bare field names (undocumented for can_evaluate)", () => {
  it("default to %%args", async () => {
    expect(await allowed({ someNumber: 7, name: "x" })).toBe(true);
    expect(await allowed({ someNumber: { $gt: 7 } })).toBe(false);
    expect(await allowed({ httpMethod: "POST" })).toBe(false);
  });

  it("can mean %%request", async () => {
    expect(await allowed({ httpMethod: "POST" }, env(), { bareFieldsAs: "request" })).toBe(true);
    expect(await allowed({ "requestHeaders.x-api-secret": "s3cr3t" }, env(), { bareFieldsAs: "request" })).toBe(true);
    expect(await allowed({ someNumber: 7 }, env(), { bareFieldsAs: "request" })).toBe(false);
  });

  it("can be literal strings", async () => {
    expect(await allowed({ POST: "POST" }, env(), { bareFieldsAs: "literal" })).toBe(true);
    expect(await allowed({ POST: "%%request.httpMethod" }, env(), { bareFieldsAs: "literal" })).toBe(true);
    expect(await allowed({ someNumber: 7 }, env(), { bareFieldsAs: "literal" })).toBe(false);
  });

  it("can mean %%root", async () => {
    expect(await allowed({ owner: "%%user.id" }, env(), { bareFieldsAs: "root" })).toBe(true);
  });
});

describe("errors", () => {
  it("throws on an unknown operator, with a clear message", async () => {
    await expect(evaluateExpression({ "%%request.httpMethod": { $regex: "^P" } }, env())).rejects.toThrow(/unknown operator "\$regex"/);
    await expect(evaluateExpression({ "%xor": [] }, env())).rejects.toThrow(/unknown operator "%xor"/);
    await expect(evaluateExpression({ "%%args.n": { "%and": [{ $gt: 1 }, { "%between": [1, 2] }] } }, env())).rejects.toThrow(/unknown operator "%between"/);
  });

  it("throws even when an earlier clause already decided", async () => {
    await expect(evaluateExpression({ "%%request.httpMethod": "GET", "%%args.n": { $bogus: 1 } }, env())).rejects.toThrow(/unknown operator "\$bogus"/);
  });

  it("rejects comparison operators without a field and mixed objects", async () => {
    await expect(evaluateExpression({ $gt: 1 }, env())).rejects.toThrow(/must be applied to a field/);
    await expect(evaluateExpression({ "%%args.n": { $gt: 1, a: 2 } }, env())).rejects.toThrow(/mixes operators and field names/);
  });

  it("validateExpression lists problems without an environment", () => {
    expect(validateExpression({ "%%request.httpMethod": "POST", "%%request.remoteIPAddress": { $in: "%%values.allowedIps" } })).toEqual([]);
    const problems = validateExpression({ a: { $foo: 1 }, "%%nope": 1, b: { $exists: "yes" } });
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/unknown operator "\$foo"/);
    expect(problems.join("\n")).toMatch(/unknown expansion "%%nope"/);
    expect(problems.join("\n")).toMatch(/\$exists needs true or false/);
  });
});

describe("trace", () => {
  it("says which clause failed", async () => {
    const expr = { "%%request.httpMethod": "POST", "%%request.remoteIPAddress": { $in: "%%values.allowedIps" } };
    const r = await evaluateExpression(expr, env({ request: { httpMethod: "POST", remoteIPAddress: "10.9.8.7" } }));
    expect(r.allowed).toBe(false);
    expect(r.trace).toContain('%%request.httpMethod == "POST": pass (value: "POST")');
    expect(r.trace).toContain('%%request.remoteIPAddress $in "%%values.allowedIps": FAIL (value: "10.9.8.7")');
    expect(r.trace.at(-1)).toBe('result: denied (failed: %%request.remoteIPAddress $in "%%values.allowedIps")');
  });

  it("names the failing part of a nested clause", async () => {
    const r = await evaluateExpression({ "%%args.someNumber": { "%and": [{ $gt: 0 }, { $lte: 42 }] } }, env({ args: { someNumber: 50 } }));
    expect(r.allowed).toBe(false);
    expect(r.trace).toEqual([
      "%%args.someNumber %and: FAIL (value: 50)",
      "  %%args.someNumber $gt 0: pass (value: 50)",
      "  %%args.someNumber $lte 42: FAIL (value: 50)",
      "result: denied (failed: %%args.someNumber %and)",
    ]);
  });

  it("reports allowed and function results", async () => {
    const r = await evaluateExpression({ "%%true": { "%function": { name: "isAllowed", arguments: ["%%user.id"] } } }, env({ callFunction: () => true }));
    expect(r.allowed).toBe(true);
    expect(r.trace.some((l) => l.includes('%function isAllowed("%%user.id") returned true'))).toBe(true);
    expect(r.trace.at(-1)).toBe("result: allowed");
  });

  it("does not reveal secrets", async () => {
    const r = await evaluateExpression(
      { "%%request.requestHeaders.X-Api-Secret": "%%values.apiSecret" },
      env({ request: { requestHeaders: { "x-api-secret": ["guess"] } } }),
    );
    expect(r.allowed).toBe(false);
    const text = r.trace.join("\n");
    expect(text).not.toContain("guess");
    expect(text).not.toContain("s3cr3t");
    expect(text).toContain("<redacted>");
    const lit = await evaluateExpression({ "%%request.requestHeaders.Authorization": "Bearer xyz" }, env());
    expect(lit.trace.join("\n")).not.toContain("xyz");
    // A value equal to a Value's string is hidden too, whatever key it came from.
    const v = await evaluateExpression({ "%%args.p": "nope" }, env({ args: { p: "s3cr3t" } }));
    expect(v.trace.join("\n")).not.toContain("s3cr3t");
  });
});

describe("purity", () => {
  it("never mutates the expression or the environment", async () => {
    const expr = deepFreeze({
      "%%request.remoteIPAddress": { $in: "%%values.allowedIps" },
      "%or": [{ "%%args.tags": { "%in": ["a"] } }, false],
      "%%true": { "%function": { name: "f", arguments: ["%%user.id", { x: "%%environment.tag" }] } },
      "%%root._id": { "%stringToOid": "%%user.id" },
    });
    const e = env({
      callFunction: (_n, args) => {
        (args[1] as Record<string, unknown>).mutated = true;
        return true;
      },
    });
    const snapshot = structuredClone({ ...e, callFunction: undefined, root: undefined });
    const before = JSON.stringify(expr);
    expect(await allowed(expr, e)).toBe(true);
    expect(JSON.stringify(expr)).toBe(before);
    expect(structuredClone({ ...e, callFunction: undefined, root: undefined })).toEqual(snapshot);
  });
});
