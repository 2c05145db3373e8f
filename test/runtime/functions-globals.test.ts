import crypto from "node:crypto";
import { Decimal128, DBRef, Long, ObjectId, Binary as BsonBinary, Int32 } from "bson";
import { describe, expect, it } from "vitest";
import { AppBinary, BSON } from "../../src/runtime/functions/bson-global.js";
import { makeConsole } from "../../src/runtime/functions/console.js";
import { cryptoUtils } from "../../src/runtime/functions/crypto-utils.js";
import { decodeEJSON, encodeEJSON } from "../../src/runtime/functions/ejson-codec.js";
import { makeEJSON } from "../../src/runtime/functions/ejson-global.js";
import { HTTPResponse } from "../../src/runtime/functions/http-response.js";
import { makeJwtUtils } from "../../src/runtime/functions/jwt-utils.js";
import { makeRequire } from "../../src/runtime/functions/require.js";

// The docs' JWT (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#function-utils-jwt): signed HS512 with "SuperSecret"; its payload says "Joe Schmoe".
const DOCS_JWT =
  "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvZSBTY2htb2UiLCJpYXQiOjE1NjU3MjEyMjMxODd9.-QL15ldu2BYuJokNWT6YRiwZQIiIpvq6Kyv-C6qslNdNiUVxo8zqLJZ1iEkNf2yZKMIrQuMCtIC1tzd2H31AxA";

// https://www.mongodb.com/docs/atlas/app-services/functions/globals/#function-utils-crypto
describe("utils.crypto (the docs' vectors)", () => {
  it("hmac: the docs vector in base64", () => {
    expect(cryptoUtils.hmac("hello!", "super-secret", "sha256", "base64")).toBe("SUXd6PRMaTXXgBGaGsIHzaDWgTSa6C3D44lRGrvRak0=");
  });

  it("hmac: the webhook / endpoint signature vectors in hex", () => {
    expect(cryptoUtils.hmac('{"message":"MESSAGE"}', "12345", "sha256", "hex")).toBe("828ee180512eaf8a6229eda7eea72323f68e9c0f0093b11a578b0544c5777862");
    expect(cryptoUtils.hmac('{ "message": "Hello!" }', "Super5ecr3tPa55w0rd", "sha256", "hex")).toBe(
      "d4f0537db4e230d7a6028a6f7c3bb1b57c9d16f39176d78697e559ac333e0b36",
    );
    expect(cryptoUtils.hmac('{"message":"Hello!"}', "Super5ecr3tPa55w0rd", "sha256", "hex")).toMatch(/^038c963c2a22/);
  });

  it("hmac: sha1 / sha512 accepted, other hashes and formats refused", () => {
    expect(cryptoUtils.hmac("a", "b", "sha1", "hex")).toHaveLength(40);
    expect(cryptoUtils.hmac("a", "b", "sha512", "hex")).toHaveLength(128);
    expect(() => cryptoUtils.hmac("a", "b", "md5", "hex")).toThrow(/unsupported hash/);
    expect(() => cryptoUtils.hmac("a", "b", "sha256", "latin1")).toThrow(/output format/);
  });

  it("hash: the docs vector, returned as a BSON.Binary", () => {
    const h = cryptoUtils.hash("sha256", "hello!");
    expect(h).toBeInstanceOf(AppBinary);
    expect(h.toBase64()).toBe("zgYJL7lI2f+sfRo3bkBLJrdXW8wR7gWkYV/vT+w6MIs=");
    expect(cryptoUtils.hash("sha256", BSON.Binary.fromBase64(Buffer.from("hello!").toString("base64"))).toBase64()).toBe(h.toBase64());
    expect(cryptoUtils.hash("md5", "").toHex()).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(() => cryptoUtils.hash("sha512", "x")).toThrow(/unsupported hash/);
  });

  it("decrypt: the docs' AES example ciphertext (observed layout: nonce ‖ ciphertext ‖ tag, AES-GCM)", () => {
    const encrypted = BSON.Binary.fromBase64("WPBuIvJ6Bity43Uh822dW8QlVYVJaFUiDeUjlTiJXzptUuTYIKPlXekBQAJb");
    expect(cryptoUtils.decrypt("aes", encrypted, "603082712271C525E087BD999A4E0738").text()).toBe("MongoDB is great!");
  });

  it("encrypt / decrypt round-trip with 16, 24 and 32 byte keys; wrong keys fail", () => {
    for (const key of ["0123456789abcdef", "0123456789abcdef01234567", "0123456789abcdef0123456789abcdef"]) {
      const enc = cryptoUtils.encrypt("aes", "MongoDB is great!", key);
      expect(enc.length()).toBe(12 + 17 + 16);
      expect(cryptoUtils.decrypt("aes", enc, key).text()).toBe("MongoDB is great!");
    }
    expect(() => cryptoUtils.encrypt("aes", "x", "short")).toThrow(/16, 24 or 32 bytes/);
    const enc = cryptoUtils.encrypt("aes", "x", "0123456789abcdef");
    expect(() => cryptoUtils.decrypt("aes", enc, "fedcba9876543210")).toThrow(/authentication failed/);
    expect(() => cryptoUtils.encrypt("des", "x", "0123456789abcdef")).toThrow(/only "aes"/);
  });

  it("sign / verify with a PKCS#1 RSA key, pss (default) and pkcs1v15", () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", {
      modulusLength: 1024,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "pkcs1", format: "pem" },
    });
    expect(privateKey).toContain("BEGIN RSA PRIVATE KEY");
    const pss = cryptoUtils.sign("rsa", "MongoDB is great!", privateKey);
    expect(pss).toBeInstanceOf(AppBinary);
    expect(cryptoUtils.verify("rsa", "MongoDB is great!", publicKey, pss, "pss")).toBe(true);
    expect(cryptoUtils.verify("rsa", "MongoDB is great?", publicKey, pss, "pss")).toBe(false);
    const v15 = cryptoUtils.sign("rsa", "m", privateKey, "pkcs1v15");
    expect(cryptoUtils.verify("rsa", "m", publicKey, v15, "pkcs1v15")).toBe(true);
    // pkcs1v15 is deterministic
    expect(cryptoUtils.sign("rsa", "m", privateKey, "pkcs1v15").toBase64()).toBe(v15.toBase64());
    expect(() => cryptoUtils.sign("rsa", "m", privateKey, "oaep")).toThrow(/signature scheme/);
  });
});

// https://www.mongodb.com/docs/atlas/app-services/functions/globals/#function-utils-jwt
describe("utils.jwt (the docs' token)", () => {
  const jwtUtils = makeJwtUtils();

  it("decodes the docs token with SuperSecret", () => {
    expect(jwtUtils.decode(DOCS_JWT, "SuperSecret", false, ["HS512"])).toEqual({ sub: "1234567890", name: "Joe Schmoe", iat: 1565721223187 });
    const withHeader = jwtUtils.decode(DOCS_JWT, "SuperSecret", true) as { header: unknown; payload: unknown };
    expect(withHeader.header).toEqual({ alg: "HS512", typ: "JWT" });
    expect(withHeader.payload).toMatchObject({ name: "Joe Schmoe" });
  });

  it("refuses a wrong key and a signing method not accepted", () => {
    expect(() => jwtUtils.decode(DOCS_JWT, "WrongSecret")).toThrow(/invalid signature/);
    expect(() => jwtUtils.decode(DOCS_JWT, "SuperSecret", false, ["HS256"])).toThrow(/invalid algorithm/);
  });

  it("encodes the docs token byte for byte (no iat added), and round-trips with custom header fields", () => {
    expect(jwtUtils.encode("HS512", { sub: "1234567890", name: "Joe Schmoe", iat: 1565721223187 }, "SuperSecret")).toBe(DOCS_JWT);
    const token = jwtUtils.encode("HS256", { n: 1, when: new Date("2023-05-05T01:02:03.456Z") }, "s3cr3t", { kid: "k1" });
    const out = jwtUtils.decode(token, "s3cr3t", true) as { header: Record<string, unknown>; payload: Record<string, unknown> };
    expect(out.header).toEqual({ alg: "HS256", typ: "JWT", kid: "k1" });
    expect(out.payload.n).toBe(1);
    // EJSON-typed payload: a relaxed $date comes back as a Date
    expect(out.payload.when).toEqual(new Date("2023-05-05T01:02:03.456Z"));
    expect(() => jwtUtils.encode("none", {}, "x")).toThrow(/unsupported signing method/);
  });
});

// https://www.mongodb.com/docs/atlas/app-services/functions/globals/#bson
describe("BSON", () => {
  it("constructors are callable without new and keep instanceof", () => {
    const id = BSON.ObjectId("5e58667d902d38559c802b13");
    expect(id).toBeInstanceOf(ObjectId);
    expect(id).toBeInstanceOf(BSON.ObjectId);
    expect(id.toHexString()).toBe("5e58667d902d38559c802b13");
    expect(new BSON.ObjectId()).toBeInstanceOf(ObjectId);
    expect(BSON.ObjectId.isValid("5e58667d902d38559c802b13")).toBe(true);
    expect(BSON.Int32(42)).toBeInstanceOf(Int32);
    expect(BSON.Long(600206158, 342).toString()).toBe(String(342 * 2 ** 32 + 600206158));
    expect(BSON.Double(1234.5678).valueOf()).toBe(1234.5678);
    expect(BSON.Decimal128.fromString("9823.1297").toString()).toBe("9823.1297");
    expect(BSON.BSONRegExp("the great", "ig")).toMatchObject({ pattern: "the great", options: "i" });
    expect(new BSON.BSONRegExp("x", "gim").options).toBe("im");
    expect(encodeEJSON({ a: BSON.MinKey(), b: new BSON.MaxKey() })).toBe('{"a":{"$minKey":1},"b":{"$maxKey":1}}');
  });

  it("bare BSON.MaxKey / BSON.MinKey work as values (docs: `{ $lt: BSON.MaxKey }`)", () => {
    expect(encodeEJSON({ date: { $lt: BSON.MaxKey, $gt: BSON.MinKey } })).toBe('{"date":{"$lt":{"$maxKey":1},"$gt":{"$minKey":1}}}');
  });

  it("Binary: fromHex / fromBase64 (subtype 0 by default), toHex, toBase64, text", () => {
    const b = BSON.Binary.fromBase64("VGVzdCBtZXNzYWdlIHBsZWFzZSBpZ25vcmU=");
    expect(b.text()).toBe("Test message please ignore");
    expect(b.toHex()).toBe("54657374206d65737361676520706c656173652069676e6f7265");
    expect(b.sub_type).toBe(0);
    const h = BSON.Binary.fromHex("54657374", 5);
    expect(h.sub_type).toBe(5);
    expect(h.text()).toBe("Test");
    expect(h.toBase64()).toBe("VGVzdA==");
    expect(h).toBeInstanceOf(BsonBinary);
    expect(() => BSON.Binary.fromBase64("VGVzdA")).toThrow(/padded/);
    expect(() => BSON.Binary.fromHex("abc")).toThrow(/hexadecimal/);
    expect(encodeEJSON(h)).toBe('{"$binary":{"base64":"VGVzdA==","subType":"05"}}');
  });
});

describe("EJSON", () => {
  const EJSON = makeEJSON();

  // Observed: https://alexbevi.com/blog/2020/03/30/working-around-mongodb-stitchs-max-async-work-queue-limit/
  it("the webhook return serialisation vector: {Processed: 900} → canonical", () => {
    expect(encodeEJSON({ Processed: 900 })).toBe('{"Processed":{"$numberInt":"900"}}');
    // EJSON.stringify itself follows its docs (an integer is $numberLong): runtime-surface.test.ts.
    expect(EJSON.stringify({ Processed: 900 })).toBe('{"Processed":{"$numberLong":"900"}}');
  });

  it("the endpoint EJSON vector for dates; relaxed on request", () => {
    const v = { greeting: "Hello, Leafie!", date: new Date("2023-05-05T01:02:03.456Z") };
    expect(encodeEJSON(v)).toBe('{"greeting":"Hello, Leafie!","date":{"$date":{"$numberLong":"1683248523456"}}}');
    expect(EJSON.stringify({ n: 1 }, { relaxed: true })).toBe('{"n":1}');
    expect(EJSON.stringify({ n: 1 }, null, 2)).toBe('{\n  "n": {\n    "$numberLong": "1"\n  }\n}');
    expect(encodeEJSON(undefined)).toBeUndefined();
    expect(encodeEJSON("hi")).toBe('"hi"');
  });

  it("parse keeps Long / Decimal128 / ObjectId / Date, turns Int32 and Double into numbers, Binary gets .text()", () => {
    const text =
      '{"l":{"$numberLong":"42"},"i":{"$numberInt":"7"},"d":{"$numberDouble":"1.5"},"n":12345678901,"dec":{"$numberDecimal":"9823.1297"},' +
      '"id":{"$oid":"5e58667d902d38559c802b13"},"at":{"$date":{"$numberLong":"1583167607977"}},"bin":{"$binary":{"base64":"aGk=","subType":"00"}},' +
      '"q":{"$gt":{"$numberInt":"5"}},"arr":[{"$numberInt":"1"},2]}';
    const v = EJSON.parse(text) as Record<string, unknown>;
    expect(v.l).toBeInstanceOf(Long);
    expect(v.i).toBe(7);
    expect(v.d).toBe(1.5);
    expect(v.n).toBe(12345678901);
    expect(v.dec).toBeInstanceOf(Decimal128);
    expect(v.id).toBeInstanceOf(ObjectId);
    expect(v.at).toEqual(new Date(1583167607977));
    expect((v.bin as AppBinary).text()).toBe("hi");
    expect(v.q).toEqual({ $gt: 5 });
    expect(v.arr).toEqual([1, 2]);
    // the docs' EJSON.parse example: the Long survives a round trip
    expect(EJSON.stringify(EJSON.parse('{"answer":{"$numberLong":"42"}}'))).toBe('{"answer":{"$numberLong":"42"}}');
    expect(decodeEJSON('{"$numberInt":"5"}')).toBe(5);
  });

  it("a $ref without $id (a JSON Schema $ref in a document) stays a plain document; its children are still decoded", () => {
    // bson turns only {$ref, $id} into a DBRef and hands other $ref documents back as they are;
    // decoding them again recursed until the stack overflowed.
    expect(decodeEJSON('{"$ref":"x"}')).toEqual({ $ref: "x" });
    const v = decodeEJSON(
      '{"schema":{"$ref":"#/defs/a","n":{"$numberInt":"7"},"l":{"$numberLong":"9"},"in":{"$ref":"y","at":{"$date":{"$numberLong":"0"}}}}}',
    ) as {
      schema: { $ref: string; n: unknown; l: unknown; in: { $ref: string; at: unknown } };
    };
    expect(v.schema.$ref).toBe("#/defs/a");
    expect(v.schema.n).toBe(7);
    expect(v.schema.l).toBeInstanceOf(Long);
    expect(v.schema.in.$ref).toBe("y");
    expect(v.schema.in.at).toEqual(new Date(0));
    expect(decodeEJSON('{"$ref":"c","$id":{"$oid":"5e58667d902d38559c802b13"}}')).toBeInstanceOf(DBRef);
  });
});

// https://www.mongodb.com/docs/atlas/app-services/services/webhook-requests-and-responses/#webhook-response-object
describe("HTTPResponse", () => {
  it("chains and tracks its state", () => {
    const r = new HTTPResponse();
    expect(HTTPResponse.stateOf(r)).toEqual({ methodsCalled: false, headers: {}, bodySet: false });
    expect(r.setStatusCode(201).setHeader("Content-Type", "text/plain").addHeader("X-A", "1").addHeader("x-a", "2").setBody("héllo")).toBe(r);
    expect(HTTPResponse.stateOf(r)).toEqual({
      methodsCalled: true,
      statusCode: 201,
      headers: { "Content-Type": ["text/plain"], "X-A": ["1", "2"] },
      body: Buffer.from("héllo").toString("base64"),
      bodySet: true,
    });
    r.setHeader("content-type", "application/json");
    expect(HTTPResponse.stateOf(r).headers).toEqual({ "content-type": ["application/json"], "X-A": ["1", "2"] });
    r.setBody(BSON.Binary.fromHex("00ff"));
    expect(HTTPResponse.stateOf(r).body).toBe("AP8=");
    expect(() => r.setBody({ a: 1 })).toThrow(/string or a BSON.Binary/);
    expect(encodeEJSON(r)).toBe("{}");
  });

  it("setStatusCode alone marks the response as used without a body", () => {
    const r = new HTTPResponse().setStatusCode(200);
    expect(HTTPResponse.stateOf(r)).toEqual({ methodsCalled: true, statusCode: 200, headers: {}, bodySet: false });
  });
});

describe("console and require", () => {
  it("console captures one line per call", () => {
    const lines: string[] = [];
    const c = makeConsole(lines);
    c.log("a", 1, true);
    c.error("boom");
    c.warn({ x: 1 });
    c.info("%s=%d", "n", 5);
    expect(lines).toEqual(["a 1 true", "boom", "[object Object]", "n=5"]);
  });

  it("require: supported built-ins load, refused ones and npm packages throw clearly", () => {
    const req = makeRequire();
    expect((req("path") as typeof import("node:path")).join("a", "b")).toBe("a/b");
    expect(req("node:util")).toBeTypeOf("object");
    expect((req("crypto") as typeof import("node:crypto")).createHash).toBeTypeOf("function");
    expect((req("process") as { exit?: unknown }).exit).toBeUndefined();
    for (const m of ["child_process", "cluster", "domain", "readline", "v8", "vm", "node:vm"]) {
      expect(() => req(m)).toThrow(/is not supported by App Services functions/);
    }
    expect(() => req("lodash")).toThrow(/neither a Node built-in App Services supports nor a package in the app's functions\/node_modules/);
    expect(() => req("./other")).toThrow(/cannot import other files/);
  });
});
