// Embedded-store specifics beyond the shared conformance suite: the server's cross-type order,
// exact numeric arithmetic, arguments typed the way the function sandbox sends them (canonical
// EJSON: every number an Int32/Double), the operators mingo lacks, and the documented refusals.

import { Binary, Decimal128, EJSON, Int32, Long, ObjectId, Timestamp } from "bson";
import type { Document } from "bson";
import { describe, expect, it } from "vitest";
import { createEmbeddedStore } from "../../src/runtime/store/embedded.js";
import { openStore, parseSeed } from "../../src/runtime/store/index.js";
import { compareValues, equalityKey } from "../../src/runtime/store/compare.js";
import { toStored } from "../../src/runtime/store/values.js";

const canon = (v: unknown): unknown => JSON.parse(EJSON.stringify(v as Document, { relaxed: false }));
/** Arguments as the sandbox sends them: canonical EJSON parsed with relaxed: false. */
const sandbox = <T>(v: T): T => EJSON.parse(EJSON.stringify(v as Document, { relaxed: false }), { relaxed: false }) as T;

const coll = () => createEmbeddedStore().collection("db", "c");

describe("values", () => {
  it("orders values of different types as the server does", () => {
    const ordered = [
      null,
      -Infinity,
      new Int32(-1),
      Long.fromString("9007199254740993"),
      Decimal128.fromString("9007199254740993.5"),
      "A",
      "a",
      { a: 1 },
      [1],
      new Binary(Buffer.from("z")),
      new ObjectId("000000000000000000000001"),
      false,
      true,
      new Date(0),
      new Timestamp({ t: 1, i: 1 }),
      /x/,
    ];
    const shuffled = [...ordered].reverse();
    shuffled.sort(compareValues);
    expect(canon(shuffled)).toEqual(canon(ordered));
    expect(compareValues(new Int32(5), Long.fromNumber(5))).toBe(0);
    expect(compareValues(5, Decimal128.fromString("5.00"))).toBe(0);
    expect(equalityKey(Decimal128.fromString("5.00"))).toBe(equalityKey(new Int32(5)));
    expect(compareValues(Long.fromString("9007199254740993"), 9007199254740992)).toBe(1);
  });

  it("stores JS numbers as the driver serialises them", () => {
    const s = toStored({ a: 1, b: 1.5, c: 2 ** 40, d: 10n, e: undefined, f: () => 1, g: new Uint8Array([1]) });
    expect(canon(s)).toEqual({
      a: { $numberInt: "1" },
      b: { $numberDouble: "1.5" },
      c: { $numberDouble: "1099511627776.0" },
      d: { $numberLong: "10" },
      e: null,
      g: { $binary: { base64: "AQ==", subType: "00" } },
    });
  });
});

describe("embedded store", () => {
  it("works with arguments typed as the sandbox sends them", async () => {
    const c = coll();
    await c.insertMany(
      sandbox([
        { _id: 1, n: 5, tags: ["a"] },
        { _id: 2, n: 7.5 },
      ]),
    );
    expect((await c.find(sandbox({ n: { $gte: 5 } }), sandbox({ sort: { n: -1 }, limit: 1 }))).map((d) => canon(d._id))).toEqual([{ $numberInt: "2" }]);
    await c.updateOne(sandbox({ _id: 1 }), sandbox({ $inc: { n: 1 }, $push: { tags: { $each: ["b", "c"], $position: 0, $slice: 2 } } }));
    expect(canon(await c.findOne({ _id: 1 }))).toEqual(canon({ _id: 1, n: 6, tags: ["b", "c"] }));
    expect(await c.countDocuments(sandbox({ _id: { $in: [1, 2] } }))).toBe(2);
    // Regular expressions arrive as BSONRegExp.
    expect((await c.find(sandbox({ tags: /^B$/i }))).map((d) => Number(d._id))).toEqual([1]);
    await c.updateOne(sandbox({ _id: 1 }), sandbox({ $pull: { tags: /^b/ } }));
    expect(canon((await c.findOne({ _id: 1 }))!.tags)).toEqual(canon(["c"]));
  });

  it("finds, updates and deletes by ObjectId through the _id index: the same ObjectId only, copies handed out", async () => {
    const c = coll();
    const hex = "64a000000000000000000001";
    const { insertedId } = await c.insertOne(sandbox({ n: 1 }));
    await c.insertMany(sandbox([{ _id: new ObjectId(hex), n: 2 }, { _id: hex, n: 3 }, { n: 4 }]));
    expect(canon(await c.findOne(sandbox({ _id: insertedId })))).toEqual(canon({ _id: insertedId, n: 1 }));
    // A string of the same hex is another _id.
    expect((await c.find(sandbox({ _id: new ObjectId(hex) }))).map((d) => Number(d.n))).toEqual([2]);
    expect(await c.findOne(sandbox({ _id: new ObjectId("64a0000000000000000000ff") }))).toBeNull();
    const found = await c.findOne(sandbox({ _id: insertedId }));
    found!.n = 99;
    expect(Number((await c.findOne(sandbox({ _id: insertedId })))!.n)).toBe(1);
    expect(await c.updateOne(sandbox({ _id: new ObjectId(hex) }), sandbox({ $set: { n: 20 } }))).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
    expect(await c.deleteOne(sandbox({ _id: insertedId }))).toMatchObject({ deletedCount: 1 });
    expect((await c.find()).map((d) => Number(d.n))).toEqual([20, 3, 4]);
    // A missing collection has nothing to find.
    expect(
      await createEmbeddedStore()
        .collection("db", "none")
        .findOne(sandbox({ _id: insertedId })),
    ).toBeNull();
  });

  it("does exact integer, long and decimal arithmetic with the server's result types", async () => {
    const c = coll();
    await c.insertOne({ _id: 1, i: new Int32(2147483647), d: Decimal128.fromString("0.1"), l: Long.fromString("9007199254740993"), m: new Int32(3) });
    await c.updateOne({ _id: 1 }, { $inc: { i: 1, d: Decimal128.fromString("0.2"), l: 2 }, $mul: { m: 0.5 } });
    const doc = (await c.findOne({ _id: 1 }))!;
    expect(canon(doc)).toEqual(
      canon({ _id: 1, i: Long.fromNumber(2147483648), d: Decimal128.fromString("0.3"), l: Long.fromString("9007199254740995"), m: 1.5 }),
    );
    await c.updateOne({ _id: 1 }, { $mul: { missing: Long.fromNumber(3) }, $bit: { flags: { or: 5 } } });
    expect(canon((await c.findOne({ _id: 1 }, { projection: { missing: 1, flags: 1, _id: 0 } }))!)).toEqual(canon({ missing: Long.fromNumber(0), flags: 5 }));
  });

  it("implements $pop, $pullAll, $push $sort, $unset of array elements, and $setOnInsert from $and/$eq filters", async () => {
    const c = coll();
    await c.insertOne({ _id: 1, a: [3, 1, 2], b: [1, 2, 1, 3], s: [{ k: 2 }, { k: 1 }], u: [1, 2, 3] });
    await c.updateOne({ _id: 1 }, { $pop: { a: -1 }, $pullAll: { b: [1, 3] }, $push: { s: { $each: [{ k: 0 }], $sort: { k: 1 } } }, $unset: { "u.1": "" } });
    expect(canon(await c.findOne({ _id: 1 }))).toEqual(canon({ _id: 1, a: [1, 2], b: [2], s: [{ k: 0 }, { k: 1 }, { k: 2 }], u: [1, null, 3] }));
    const r = await c.updateOne({ $and: [{ org: "o" }, { kind: { $eq: "k" } }], n: { $gt: 1 } }, { $setOnInsert: { n: 5 } }, { upsert: true });
    expect(canon(await c.findOne({ _id: r.upsertedId }))).toEqual(canon({ _id: r.upsertedId, org: "o", kind: "k", n: 5 }));
    const rep = await c.bulkWrite([{ replaceOne: { filter: { _id: "r1", x: 1 }, replacement: { y: 2 }, upsert: true } }]);
    expect(rep.upsertedIds).toEqual({ 0: "r1" });
    expect(canon(await c.findOne({ _id: "r1" }))).toEqual(canon({ _id: "r1", y: 2 }));
  });

  it("distinguishes int, long, double and decimal in $type queries and supports positional projections", async () => {
    const c = coll();
    await c.insertMany([
      { _id: 1, v: new Int32(1) },
      { _id: 2, v: Long.fromNumber(1) },
      { _id: 3, v: 1.5 },
      { _id: 4, v: Decimal128.fromString("1") },
    ]);
    const typed = async (t: string) => (await c.find({ v: { $type: t } })).map((d) => Number(d._id));
    expect(await typed("int")).toEqual([1]);
    expect(await typed("long")).toEqual([2]);
    expect(await typed("double")).toEqual([3]);
    expect(await typed("decimal")).toEqual([4]);
    expect(await typed("number")).toEqual([1, 2, 3, 4]);
    await c.insertOne({ _id: 5, items: [{ k: "a" }, { k: "b", q: 1 }] });
    expect(canon(await c.findOne({ "items.k": "b" }, { projection: { "items.$": 1 } }))).toEqual(canon({ _id: 5, items: [{ k: "b", q: 1 }] }));
    expect(canon(await c.findOne({ _id: 5 }, { projection: { items: { $elemMatch: { k: "a" } } } }))).toEqual(canon({ _id: 5, items: [{ k: "a" }] }));
  });

  it("groups on Binary and ObjectId values by content, and writes $out", async () => {
    const store = createEmbeddedStore();
    const c = store.collection("db", "c");
    const oid = new ObjectId();
    await c.insertMany([
      { b: new Binary(Buffer.from("x")), o: oid, n: Long.fromNumber(2) },
      { b: new Binary(Buffer.from("x")), o: new ObjectId(oid.toHexString()), n: Long.fromNumber(3) },
      { b: new Binary(Buffer.from("y")), o: new ObjectId(), n: Long.fromNumber(4) },
    ]);
    const byBin = await c.aggregate([{ $group: { _id: "$b", n: { $sum: 1 } } }, { $sort: { n: -1 } }]);
    expect(byBin.map((g) => [Buffer.from((g._id as Binary).value()).toString(), Number(g.n)])).toEqual([
      ["x", 2],
      ["y", 1],
    ]);
    expect(await c.aggregate([{ $group: { _id: "$o" } }])).toHaveLength(2);
    expect(await c.aggregate([{ $match: { n: { $gte: 3 } } }, { $project: { _id: 0, n: 1 } }, { $out: "big" }])).toEqual([]);
    const out = await store.collection("db", "big").find({}, { projection: { _id: 0 } });
    expect(canon(out)).toEqual(canon([{ n: Long.fromNumber(3) }, { n: Long.fromNumber(4) }]));
    await expect(c.aggregate([{ $merge: { into: "x" } }])).rejects.toThrow(/\$merge/);
  });

  it("refuses what the server refuses", async () => {
    const c = coll();
    await c.insertOne({ _id: 1, s: "x", a: [1] });
    await expect(c.updateOne({ _id: 1 }, { $inc: { s: 1 } })).rejects.toThrow(/non-numeric/);
    await expect(c.updateOne({ _id: 1 }, { $push: { s: 1 } })).rejects.toThrow(/must be an array/);
    await expect(c.updateOne({ _id: 1 }, { $set: { "s.x": 1 } })).rejects.toThrow(/Cannot create field/);
    await expect(c.updateOne({ _id: 1 }, { $set: { "a.$[e]": 1 } })).rejects.toThrow(/arrayFilters/);
    await expect(c.updateOne({ _id: 1 }, { $set: { "a.$": 1 } })).rejects.toThrow(/positional operator/);
    await expect(c.find({}, { projection: { a: 1, s: 0 } })).rejects.toThrow(/exclusion/);
    await expect(c.insertOne({ _id: [1] })).rejects.toThrow(/array/);
    expect(canon(await c.findOne({ _id: 1 }))).toEqual(canon({ _id: 1, s: "x", a: [1] }));
  });
});

describe("store index", () => {
  it("opens the embedded store without a URI and checks seed files", async () => {
    const store = await openStore({});
    await store.collection("d", "c").insertOne({ _id: 1 });
    expect(await store.listDatabases()).toEqual(["d"]);
    expect(() => parseSeed("[]")).toThrow(/must be an object/);
    expect(() => parseSeed('{"d": {"c": [1]}}')).toThrow(/array of documents/);
    expect(canon(parseSeed('{"d": {"c": [{"_id": {"$numberLong": "5"}}]}}'))).toEqual({ d: { c: [{ _id: { $numberLong: "5" } }] } });
  });
});
