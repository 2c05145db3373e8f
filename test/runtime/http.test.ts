import { Binary, Decimal128, Long, ObjectId } from "bson";
import { describe, expect, it } from "vitest";
import { chooseEncoding } from "../../src/runtime/endpoint.js";
import { canonicalHeaderName, credentialsIn, ejsonToJson, headersOf, parseQuery, signature, toDataApiJson, withoutSecret } from "../../src/runtime/http.js";

describe("HTTP pieces of the shim", () => {
  // Vectors: https://www.mongodb.com/docs/atlas/app-services/services/webhook-requests-and-responses/#webhook-verify-payload-signature
  // and the live-tested call in https://github.com/mongodb/docs-app-services/blob/master/examples/data-api/custom-endpoints.sh
  it("signatures: the test vectors of the App Services docs", () => {
    expect(signature("12345", '{"message":"MESSAGE"}')).toBe("sha256=828ee180512eaf8a6229eda7eea72323f68e9c0f0093b11a578b0544c5777862");
    expect(signature("Super5ecr3tPa55w0rd", '{ "message": "Hello!" }')).toBe("sha256=d4f0537db4e230d7a6028a6f7c3bb1b57c9d16f39176d78697e559ac333e0b36");
  });

  it("canonical header names, as Go's backend writes them", () => {
    expect(canonicalHeaderName("content-type")).toBe("Content-Type");
    expect(canonicalHeaderName("X-HOOK-SIGNATURE")).toBe("X-Hook-Signature");
    expect(headersOf(["x-a", "1", "X-A", "2", "accept", "*/*"], "canonical")).toEqual({ "X-A": ["1", "2"], Accept: ["*/*"] });
    expect(headersOf(["x-a", "1"], "as-sent")).toEqual({ "x-a": ["1"] });
  });

  it("query: first occurrence wins; rawQueryString drops secret", () => {
    expect(parseQuery("a=1&a=2&b=x").first).toEqual({ a: "1", b: "x" });
    expect(withoutSecret("secret=hello&someParam=42")).toBe("someParam=42");
    expect(withoutSecret("x=1&secret=s&secret=t")).toBe("x=1");
  });

  it("names a request chooses (__proto__, constructor) become own keys, never inherited ones (bench/fuzz.mjs)", () => {
    const q = parseQuery("__proto__=x&constructor=y&constructor=z&toString=1");
    expect(Object.entries(q.first)).toEqual([
      ["__proto__", "x"],
      ["constructor", "y"],
      ["toString", "1"],
    ]);
    expect(Object.entries(q.all)).toEqual([
      ["__proto__", ["x"]],
      ["constructor", ["y", "z"]],
      ["toString", ["1"]],
    ]);
    expect(Object.getPrototypeOf(q.first)).toBe(Object.prototype);
    const h = headersOf(["__proto__", "1", "constructor", "2", "constructor", "3"], "as-sent");
    expect(Object.entries(h)).toEqual([
      ["__proto__", ["1"]],
      ["constructor", ["2", "3"]],
    ]);
  });

  it("credentials from headers or a body, email+password before api-key before jwt", () => {
    expect(credentialsIn({ email: "a@b.c", password: "p" })).toEqual({ kind: "local-userpass", email: "a@b.c", password: "p" });
    expect(credentialsIn({ apikey: "k" })).toEqual({ kind: "api-key", key: "k" });
    expect(credentialsIn({ "api-key": "k" })).toEqual({ kind: "api-key", key: "k" });
    expect(credentialsIn({ jwttokenstring: "t" })).toEqual({ kind: "custom-token", token: "t" });
    expect(credentialsIn({})).toBeUndefined();
  });

  // https://www.mongodb.com/docs/atlas/app-services/data-api/data-formats/; the JSON/EJSON vector of https://github.com/mongodb/docs-app-services/blob/master/examples/data-api/custom-endpoints.sh
  it("the Data API JSON mapping and the docs' JSON/EJSON vector", () => {
    const date = new Date("2023-05-05T01:02:03.456Z");
    expect(
      toDataApiJson({
        d: date,
        id: new ObjectId("64a000000000000000000001"),
        l: Long.fromNumber(5),
        dec: Decimal128.fromString("9823.1297"),
        b: new Binary(Buffer.from("hi")),
      }),
    ).toEqual({
      d: "2023-05-05T01:02:03.456Z",
      id: "64a000000000000000000001",
      l: 5,
      dec: "9823.1297",
      b: { Subtype: 0, Data: "aGk=" },
    });
    expect(JSON.parse(ejsonToJson('{"greeting":"Hello, Leafie!","date":{"$date":{"$numberLong":"1683248523456"}}}'))).toEqual({
      greeting: "Hello, Leafie!",
      date: "2023-05-05T01:02:03.456Z",
    });
    // A Binary written into (its buffer larger than its content) sends only what it holds.
    const grown = new Binary();
    grown.write(Buffer.from("hi"), 0);
    expect(toDataApiJson(grown)).toEqual({ Subtype: 0, Data: "aGk=" });
  });

  it("Accept overrides return_type; a missing return_type reads as EJSON", () => {
    expect(chooseEncoding("application/json", "EJSON")).toBe("JSON");
    expect(chooseEncoding("application/ejson", "JSON")).toBe("EJSON");
    expect(chooseEncoding(undefined, "JSON")).toBe("JSON");
    expect(chooseEncoding("*/*", undefined)).toBe("EJSON");
  });
});
