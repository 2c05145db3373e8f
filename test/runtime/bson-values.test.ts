// The BSON / Extended JSON helpers the runtime's parts share (src/runtime/bson-values.ts), and the
// two readers of Extended JSON type wrappers built on its key list: the function-side decoder and
// the expression evaluator.

import { Binary, Code, DBRef, Int32, ObjectId } from "bson";
import { describe, expect, it } from "vitest";
import { binaryBytes, bsonTag, relaxedJson } from "../../src/runtime/bson-values.js";
import { evaluateExpression } from "../../src/runtime/expressions.js";
import { decodeEJSON } from "../../src/runtime/functions/ejson-codec.js";

describe("bson-values", () => {
  it("tags bson values by class and nothing else", () => {
    expect(bsonTag(new ObjectId())).toBe("ObjectId");
    expect(bsonTag(new Int32(1))).toBe("Int32");
    expect(bsonTag({ _bsontype: 1 })).toBeUndefined();
    expect(bsonTag({ a: 1 })).toBeUndefined();
    expect(bsonTag("ObjectId")).toBeUndefined();
  });

  it("gives a Binary's written bytes, not its whole buffer", () => {
    const b = new Binary();
    b.write(Buffer.from("abc"), 0);
    expect(b.buffer.length).toBeGreaterThan(3);
    expect(Buffer.from(binaryBytes(b)).toString()).toBe("abc");
  });

  it("turns BSON values into plain relaxed Extended JSON data", () => {
    const id = new ObjectId("64a0000000000000000000bb");
    expect(relaxedJson({ _id: id, n: new Int32(5), at: new Date(0) })).toEqual({
      _id: { $oid: id.toHexString() },
      n: 5,
      at: { $date: "1970-01-01T00:00:00Z" },
    });
  });
});

describe("Extended JSON type wrappers", () => {
  it("the function decoder reads $code with $scope and a DBRef, and leaves a lone $scope a document", () => {
    expect(decodeEJSON('{"c":{"$code":"x()","$scope":{"a":1}}}')).toEqual({ c: new Code("x()", { a: new Int32(1) }) });
    expect((decodeEJSON('{"r":{"$ref":"users","$id":1}}') as { r: unknown }).r).toBeInstanceOf(DBRef);
    expect(decodeEJSON('{"$scope":{"a":1}}')).toEqual({ $scope: { a: 1 } });
  });

  it("the evaluator reads a wrapper as a literal of its type, and a $ref as no wrapper", async () => {
    const env = { args: { id: new ObjectId("64a0000000000000000000bb") } };
    expect((await evaluateExpression({ id: { $oid: "64a0000000000000000000bb" } }, env)).allowed).toBe(true);
    await expect(evaluateExpression({ id: { $ref: "x" } }, env)).rejects.toThrow(/unknown operator "\$ref"/);
  });
});
