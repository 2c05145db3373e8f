// The positional `$` matcher that updates and find projections share (src/runtime/store/positional.ts):
// the first element of an array that the query's conditions on that array match
// (https://www.mongodb.com/docs/manual/reference/operator/update/positional/,
// https://www.mongodb.com/docs/manual/reference/operator/projection/positional/).

import { EJSON, Int32 } from "bson";
import type { Document } from "bson";
import { describe, expect, it } from "vitest";
import { createEmbeddedStore } from "../../src/runtime/store/embedded.js";
import { positionalIndex } from "../../src/runtime/store/positional.js";

const canon = (v: unknown): unknown => JSON.parse(EJSON.stringify(v as Document, { relaxed: false }));
const items = [
  { sku: "x", q: 1 },
  { sku: "y", q: 5 },
  { sku: "y", q: 9 },
];

describe("positionalIndex", () => {
  it("gives the first element the conditions on the array's path match, by the server's equality", () => {
    expect(positionalIndex("items", items, { "items.sku": "y" }, { throughAnd: false })).toBe(1);
    expect(positionalIndex("items", items, { "items.sku": "y", "items.q": { $gt: new Int32(6) } }, { throughAnd: false })).toBe(2);
    expect(positionalIndex("a.items", items, { "a.items.q": 1 }, { throughAnd: false })).toBe(0);
  });

  it("says -1 when no element matches, and undefined when the filter has no condition on the path", () => {
    expect(positionalIndex("items", items, { "items.sku": "z" }, { throughAnd: false })).toBe(-1);
    expect(positionalIndex("items", items, { _id: 1, itemsX: 2 }, { throughAnd: false })).toBeUndefined();
  });

  it("reads the conditions inside $and clauses only when asked (updates ask)", () => {
    const filter = { $and: [{ _id: 1 }, { $and: [{ "items.sku": "y" }] }] };
    expect(positionalIndex("items", items, filter, { throughAnd: true })).toBe(1);
    expect(positionalIndex("items", items, filter, { throughAnd: false })).toBeUndefined();
  });
});

describe("the embedded store's positional $", () => {
  it("updates the element matched by a condition inside $and", async () => {
    const c = createEmbeddedStore().collection("db", "c");
    await c.insertOne({ _id: 1, items });
    await c.updateOne({ $and: [{ _id: 1 }, { "items.sku": "y" }] }, { $set: { "items.$.q": 0 } });
    expect(canon((await c.findOne({ _id: 1 }))!.items)).toEqual(
      canon([
        { sku: "x", q: 1 },
        { sku: "y", q: 0 },
        { sku: "y", q: 9 },
      ]),
    );
  });

  it("refuses a projection `field.$` without a condition on the field, and one whose condition matches no element", async () => {
    const c = createEmbeddedStore().collection("db", "c");
    await c.insertOne({ _id: 1, items });
    await expect(c.findOne({ _id: 1 }, { projection: { "items.$": 1 } })).rejects.toThrow(/requires corresponding field/);
    // The document matches (one element has sku "y", another q 1), but no single element does both.
    await expect(c.findOne({ "items.sku": "y", "items.q": 1 }, { projection: { "items.$": 1 } })).rejects.toThrow(/couldn't find a matching element/);
    expect(canon(await c.findOne({ "items.q": { $gt: 6 } }, { projection: { "items.$": 1 } }))).toEqual(canon({ _id: 1, items: [{ sku: "y", q: 9 }] }));
  });
});
