// One conformance suite for the Store contract (src/runtime/store/types.ts), written once against
// a Store factory and run on the embedded store always and on a real server when
// HOOKSHIFT_TEST_MONGODB_URI is set. Each test gets a fresh store (the driver store gets its own
// database prefix, dropped on close), so tests are independent and deterministic.

import { randomBytes } from "node:crypto";
import { Binary, Decimal128, Double, EJSON, Int32, Long, ObjectId, UUID } from "bson";
import type { Document } from "bson";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDriverStore } from "../../src/runtime/store/driver.js";
import { createEmbeddedStore } from "../../src/runtime/store/embedded.js";
import { dumpStore, loadSeedFile } from "../../src/runtime/store/index.js";
import type { CollectionApi, Store } from "../../src/runtime/store/types.js";

type Factory = () => Promise<Store>;

/** Canonical EJSON as a plain JSON tree: equal exactly when values and BSON types are equal. */
const canon = (v: unknown): unknown => JSON.parse(EJSON.stringify(v as Document, { relaxed: false }));
const tag = (v: unknown): string | undefined => (v as { _bsontype?: string } | null)?._bsontype;
const plain = (v: unknown): unknown => (tag(v) === "Int32" || tag(v) === "Double" ? (v as Int32 | Double).value : v);
const byCanon = (a: unknown, b: unknown): number => {
  const x = JSON.stringify(canon({ v: a }));
  const y = JSON.stringify(canon({ v: b }));
  return x < y ? -1 : x > y ? 1 : 0;
};

const T0 = new Date("2024-01-02T03:04:05.678Z");
const T1 = new Date("2024-06-01T00:00:00.000Z");
const T2 = new Date("2025-01-01T00:00:00.000Z");

function conformance(factory: Factory): void {
  let store: Store;
  let c: CollectionApi;
  const opened: Store[] = [];
  const open = async () => {
    const s = await factory();
    opened.push(s);
    return s;
  };

  beforeEach(async () => {
    store = await open();
    c = store.collection("app", "items");
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  /** `_id`s of a find; numeric ids come back as Int32 (documents keep BSON types), compared as numbers. */
  const ids = async (filter: Document = {}, options = {}) => (await c.find(filter, options)).map((d) => plain(d._id));

  describe("insert", () => {
    it("insertOne adds an ObjectId _id when missing, first, without touching the argument", async () => {
      const doc = { name: "a", nested: { x: 1 } };
      const r = await c.insertOne(doc);
      expect(tag(r.insertedId)).toBe("ObjectId");
      expect(doc).toEqual({ name: "a", nested: { x: 1 } });
      const found = await c.findOne({});
      expect(Object.keys(found!)).toEqual(["_id", "name", "nested"]);
      expect((found!._id as ObjectId).toHexString()).toBe((r.insertedId as ObjectId).toHexString());
    });

    it("keeps a given _id, of any type, and stores a copy of the argument", async () => {
      const doc = { name: "b", _id: "key-1", tags: ["x"] };
      const r = await c.insertOne(doc);
      expect(r.insertedId).toBe("key-1");
      doc.tags.push("mutated");
      doc.name = "mutated";
      const found = await c.findOne({ _id: "key-1" });
      expect(canon(found)).toEqual(canon({ _id: "key-1", name: "b", tags: ["x"] }));
      expect(Object.keys(found!)[0]).toBe("_id");
    });

    it("rejects a duplicate _id with E11000 and keeps the first document", async () => {
      const id = new ObjectId();
      await c.insertOne({ _id: id, v: 1 });
      await expect(c.insertOne({ _id: new ObjectId(id.toHexString()), v: 2 })).rejects.toThrow(/E11000 duplicate key error/);
      await c.insertOne({ _id: 7, v: 1 });
      await expect(c.insertOne({ _id: 7, v: 2 })).rejects.toThrow(/E11000 duplicate key error/);
      expect(await c.countDocuments()).toBe(2);
      expect(canon(await c.findOne({ _id: id }))).toEqual(canon({ _id: id, v: 1 }));
    });

    it("insertMany returns ids in order and stops at the first duplicate (ordered)", async () => {
      const r = await c.insertMany([{ _id: 1 }, { _id: 2, a: "x" }, { a: "y" }]);
      expect(r.insertedIds.slice(0, 2)).toEqual([1, 2]);
      expect(tag(r.insertedIds[2])).toBe("ObjectId");
      await expect(c.insertMany([{ _id: 10 }, { _id: 11 }, { _id: 10 }, { _id: 12 }])).rejects.toThrow(/E11000 duplicate key error/);
      const all = await ids();
      expect(all.slice(0, 2)).toEqual([1, 2]);
      expect(all.slice(3)).toEqual([10, 11]);
    });
  });

  describe("BSON types", () => {
    it("round-trip with their types and values", async () => {
      const oid = new ObjectId("64b7f0c2a1b2c3d4e5f60718");
      const doc = {
        _id: oid,
        date: T0,
        long: Long.fromString("9007199254740993"),
        negLong: Long.fromString("-42"),
        dec: Decimal128.fromString("1234.5000"),
        int: new Int32(-7),
        dbl: new Double(5),
        frac: 2.5,
        bin: new Binary(Buffer.from([0, 1, 2, 250, 255]), 0),
        uuid: new UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
        nested: { at: [T1, new Int32(3), Long.fromNumber(4)], oid },
      };
      await c.insertOne(doc);
      const got = (await c.findOne({ _id: oid }))!;
      expect(canon(got)).toEqual(canon(doc));
      expect(tag(got._id)).toBe("ObjectId");
      expect(got.date).toBeInstanceOf(Date);
      expect((got.date as Date).getTime()).toBe(T0.getTime());
      expect(tag(got.long)).toBe("Long");
      expect((got.long as Long).toString()).toBe("9007199254740993");
      expect(tag(got.dec)).toBe("Decimal128");
      expect((got.dec as Decimal128).toString()).toBe("1234.5000");
      expect(tag(got.int)).toBe("Int32");
      expect((got.int as Int32).value).toBe(-7);
      expect(tag(got.dbl)).toBe("Double");
      expect(tag(got.bin)).toBe("Binary");
      expect((got.bin as Binary).sub_type).toBe(0);
      expect(Buffer.from((got.bin as Binary).value()).toString("hex")).toBe("000102faff");
      expect((got.uuid as UUID).toHexString().replace(/-/g, "")).toBe("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
      expect((got.uuid as Binary).sub_type).toBe(4);
      expect(tag((got.nested as Document).oid)).toBe("ObjectId");
    });

    it("match ObjectIds by value, dates by time, and numbers across Int32/Long/Double/Decimal128", async () => {
      const oid = new ObjectId();
      await c.insertMany([
        { _id: 1, ref: oid, at: T0, n: new Int32(5) },
        { _id: 2, ref: new ObjectId(), at: T1, n: Long.fromNumber(5) },
        { _id: 3, at: T2, n: new Double(5.5) },
        { _id: 4, n: Decimal128.fromString("6.25") },
        { _id: 5, n: Long.fromString("9007199254740993") },
      ]);
      expect(await ids({ ref: new ObjectId(oid.toHexString()) })).toEqual([1]);
      expect(await ids({ ref: { $in: [new ObjectId(oid.toHexString())] } })).toEqual([1]);
      expect(await ids({ at: { $gte: T1 } })).toEqual([2, 3]);
      expect(await ids({ at: { $lt: new Date(T1.getTime()) } })).toEqual([1]);
      expect(await ids({ n: 5 })).toEqual([1, 2]);
      expect(await ids({ n: new Int32(5) })).toEqual([1, 2]);
      expect(await ids({ n: { $gt: 5, $lt: 7 } })).toEqual([3, 4]);
      expect(await ids({ n: { $gte: Decimal128.fromString("6") } })).toEqual([4, 5]);
      expect(await ids({ n: { $gt: 1e9 } })).toEqual([5]);
      expect(await ids({ _id: { $type: "int" } })).toHaveLength(5);
      expect(await ids({ ref: { $type: "objectId" } })).toEqual([1, 2]);
    });

    it("sort ObjectIds, Dates, Longs beyond 2^53 and mixed numeric types by value", async () => {
      await c.insertMany([
        { _id: "a", n: Long.fromString("9007199254740995"), at: T2 },
        { _id: "b", n: Long.fromString("9007199254740993"), at: T0 },
        { _id: "c", n: new Double(-1.5), at: T1 },
        { _id: "d", n: Decimal128.fromString("100.5") },
        { _id: "e", n: new Int32(3) },
      ]);
      expect(await ids({}, { sort: { n: 1 } })).toEqual(["c", "e", "d", "b", "a"]);
      expect(await ids({ at: { $exists: true } }, { sort: { at: -1 } })).toEqual(["a", "c", "b"]);
      const o1 = new ObjectId("000000000000000000000001");
      const o2 = new ObjectId("0000000000000000000000ff");
      await c.insertMany([{ _id: o2 }, { _id: o1 }]);
      const sorted = await c.find({ _id: { $type: "objectId" } }, { sort: { _id: 1 } });
      expect(sorted.map((d) => (d._id as ObjectId).toHexString())).toEqual([o1.toHexString(), o2.toHexString()]);
    });
  });

  describe("find", () => {
    beforeEach(async () => {
      await c.insertMany([
        { _id: 1, name: "delta", qty: 4, size: { h: 10, w: 2 }, tags: ["a", "b"] },
        { _id: 2, name: "alpha", qty: 9, size: { h: 5, w: 1 }, tags: ["b"] },
        { _id: 3, name: "charlie", qty: 4, size: { h: 7, w: 3 }, tags: [] },
        { _id: 4, name: "bravo", qty: 1, size: { h: 1, w: 9 } },
        { _id: 5, name: "echo", qty: 9, size: { h: 2, w: 2 }, tags: ["c"] },
      ]);
    });

    it("returns documents in insertion order without a sort", async () => {
      expect(await ids()).toEqual([1, 2, 3, 4, 5]);
      expect(await ids({ qty: { $gte: 4 } })).toEqual([1, 2, 3, 5]);
      expect(await ids({ tags: "b" })).toEqual([1, 2]);
      expect(await ids({ "size.h": { $lt: 6 } })).toEqual([2, 4, 5]);
      expect(await ids({ $or: [{ name: /^a/ }, { qty: 1 }] })).toEqual([2, 4]);
    });

    it("sorts on several keys, then skips and limits", async () => {
      expect(await ids({}, { sort: { qty: -1, name: 1 } })).toEqual([2, 5, 3, 1, 4]);
      expect(await ids({}, { sort: { qty: -1, name: 1 }, skip: 1, limit: 3 })).toEqual([5, 3, 1]);
      expect(await ids({}, { sort: { "size.w": 1, _id: -1 }, limit: 2 })).toEqual([2, 5]);
      expect(await ids({}, { skip: 3 })).toEqual([4, 5]);
      expect(await ids({}, { sort: { name: 1 }, skip: 10 })).toEqual([]);
      // Numeric options may arrive as Int32 (the function sandbox sends canonical EJSON).
      expect(await ids({}, { sort: { qty: new Int32(1), _id: new Int32(1) }, skip: new Int32(1), limit: new Int32(2) } as never)).toEqual([1, 3]);
    });

    it("projects with inclusion (document order, _id kept), exclusion and dotted paths", async () => {
      const inc = await c.find({ _id: 1 }, { projection: { qty: 1, name: 1 } });
      expect(inc).toHaveLength(1);
      expect(Object.keys(inc[0]!)).toEqual(["_id", "name", "qty"]);
      expect(canon(inc[0])).toEqual(canon({ _id: 1, name: "delta", qty: 4 }));
      expect(canon(await c.findOne({ _id: 2 }, { projection: { _id: 0, "size.h": 1 } }))).toEqual(canon({ size: { h: 5 } }));
      expect(canon(await c.findOne({ _id: 2 }, { projection: { size: 0, tags: 0 } }))).toEqual(canon({ _id: 2, name: "alpha", qty: 9 }));
      expect(canon(await c.findOne({ _id: 2 }, { projection: { "size.w": 0, _id: 0, name: 0 } }))).toEqual(canon({ qty: 9, size: { h: 5 }, tags: ["b"] }));
      expect(canon(await c.findOne({ _id: 1 }, { projection: { tags: { $slice: 1 }, name: 1 } }))).toEqual(canon({ _id: 1, name: "delta", tags: ["a"] }));
    });

    it("findOne honours filter, sort and projection, and returns null when nothing matches", async () => {
      expect(plain((await c.findOne({ qty: 9 }))!._id)).toBe(2);
      expect(plain((await c.findOne({ qty: 9 }, { sort: { name: -1 } }))!._id)).toBe(5);
      expect(canon(await c.findOne({ qty: 4 }, { sort: { name: 1 }, projection: { name: 1, _id: 0 } }))).toEqual(canon({ name: "charlie" }));
      expect(await c.findOne({ qty: 100 })).toBeNull();
      expect(await store.collection("app", "missing").findOne({})).toBeNull();
      expect(await store.collection("app", "missing").find()).toEqual([]);
    });

    it("count and countDocuments count matches", async () => {
      expect(await c.count()).toBe(5);
      expect(await c.count({ qty: 4 })).toBe(2);
      expect(await c.countDocuments({ tags: { $size: 0 } })).toBe(1);
      expect(await c.countDocuments({})).toBe(5);
      expect(await store.collection("app", "missing").countDocuments()).toBe(0);
    });

    it("distinct flattens arrays, removes duplicates and honours the filter", async () => {
      const tags = await c.distinct("tags");
      expect([...tags].sort()).toEqual(["a", "b", "c"]);
      const qty = await c.distinct("qty", { _id: { $lte: 3 } });
      expect(canon([...qty].sort(byCanon))).toEqual(canon([4, 9]));
      expect([...(await c.distinct("size.w", { qty: 9 }))].sort(byCanon).map(Number)).toEqual([1, 2]);
      const a = new ObjectId();
      const other = store.collection("app", "refs");
      await other.insertMany([{ r: a }, { r: new ObjectId(a.toHexString()) }, { r: [a] }, { r: T0 }, { r: new Date(T0.getTime()) }]);
      const refs = await other.distinct("r");
      expect(refs).toHaveLength(2);
      expect(refs.map(tag).filter(Boolean)).toEqual(["ObjectId"]);
    });
  });

  describe("update", () => {
    beforeEach(async () => {
      await c.insertMany([
        {
          _id: 1,
          n: new Int32(1),
          l: Long.fromNumber(10),
          d: 1.5,
          tags: ["a", "b", "a"],
          items: [
            { sku: "x", q: 1 },
            { sku: "y", q: 2 },
          ],
          old: "o",
          lo: 5,
          hi: 5,
        },
        { _id: 2, n: new Int32(2), tags: [] },
        { _id: 3, n: new Int32(3) },
      ]);
    });

    it("applies $set $unset $inc $mul $min $max $rename $push $addToSet $pull $currentDate with the server's types", async () => {
      const before = Date.now();
      const r = await c
        .updateOne(
          { _id: 1 },
          {
            $set: { "meta.by": "u1", "items.1.q": 20 },
            $unset: { old: "" },
            $inc: { n: 4, l: 1, d: new Int32(1), fresh: 2 },
            $mul: { lo: 3 },
            $min: { lo: 2 },
            $max: { hi: 8 },
            $rename: { hi: "high" },
            $push: { tags: { $each: ["c", "d"], $slice: -4 } },
            $addToSet: { set: { $each: ["p", "q", "p"] } },
            $currentDate: { touched: true },
          },
        )
        .catch((e: Error) => e);
      // $min and $mul on one path conflict (as do $max and $rename on `hi`): the server refuses.
      expect(r).toBeInstanceOf(Error);
      expect(String((r as Error).message)).toMatch(/conflict/);
      expect((await c.findOne({ _id: 1 }))!.old).toBe("o");

      const ok = await c.updateOne(
        { _id: 1 },
        {
          $set: { "meta.by": "u1", "items.1.q": 20 },
          $unset: { old: "" },
          $inc: { n: 4, l: 1, d: new Int32(1), fresh: 2 },
          $mul: { lo: 3 },
          $max: { hi: 8 },
          $push: { tags: { $each: ["c", "d"], $slice: -4 } },
          $addToSet: { set: { $each: ["p", "q", "p"] } },
          $currentDate: { touched: true },
        },
      );
      expect(ok).toEqual({ matchedCount: 1, modifiedCount: 1 });
      const doc = (await c.findOne({ _id: 1 }))!;
      expect(canon({ ...doc, touched: null })).toEqual(
        canon({
          _id: 1,
          n: new Int32(5),
          l: Long.fromNumber(11),
          d: new Double(2.5),
          tags: ["b", "a", "c", "d"],
          items: [
            { sku: "x", q: 1 },
            { sku: "y", q: 20 },
          ],
          lo: 15,
          hi: 8,
          fresh: 2,
          meta: { by: "u1" },
          set: ["p", "q"],
          touched: null,
        }),
      );
      expect(doc.touched).toBeInstanceOf(Date);
      expect((doc.touched as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(tag(doc.n)).toBe("Int32");
      expect(tag(doc.l)).toBe("Long");

      await c.updateOne({ _id: 1 }, { $min: { lo: 2 }, $rename: { hi: "high" }, $pull: { tags: { $in: ["a", "d"] }, items: { q: { $gt: 5 } } } });
      const after = (await c.findOne({ _id: 1 }, { projection: { lo: 1, hi: 1, high: 1, tags: 1, items: 1 } }))!;
      expect(canon(after)).toEqual(canon({ _id: 1, tags: ["b", "c"], items: [{ sku: "x", q: 1 }], lo: 2, high: 8 }));
    });

    it("updates the element the positional $ matched", async () => {
      await c.updateOne({ _id: 1, "items.sku": "y" }, { $set: { "items.$.q": 99 }, $inc: { "items.$.n": 1 } });
      const doc = (await c.findOne({ _id: 1 }))!;
      expect(canon(doc.items)).toEqual(
        canon([
          { sku: "x", q: 1 },
          { sku: "y", q: 99, n: 1 },
        ]),
      );
    });

    it("counts matched and modified documents; an update that changes nothing modifies nothing", async () => {
      expect(await c.updateMany({ n: { $gte: 2 } }, { $set: { flag: true } })).toEqual({ matchedCount: 2, modifiedCount: 2 });
      expect(await c.updateMany({ n: { $gte: 2 } }, { $set: { flag: true } })).toEqual({ matchedCount: 2, modifiedCount: 0 });
      expect(await c.updateOne({ n: { $gte: 1 } }, { $set: { flag: false } })).toEqual({ matchedCount: 1, modifiedCount: 1 });
      expect(await c.updateOne({ n: 100 }, { $set: { flag: false } })).toEqual({ matchedCount: 0, modifiedCount: 0 });
      expect(await ids({ flag: true })).toEqual([2, 3]);
      expect(await ids({ flag: false })).toEqual([1]);
    });

    it("upserts from the filter's equality fields, applying $setOnInsert only on insert", async () => {
      const ins = await c.updateOne(
        { sku: "new", "dims.kind": "box", qty: { $gt: 5 } },
        { $set: { price: 10 }, $setOnInsert: { createdAt: T0, qty: 6 }, $inc: { hits: 1 } },
        { upsert: true },
      );
      expect(ins.matchedCount).toBe(0);
      expect(ins.modifiedCount).toBe(0);
      expect(tag(ins.upsertedId)).toBe("ObjectId");
      const created = (await c.findOne({ sku: "new" }))!;
      expect(Object.keys(created)[0]).toBe("_id");
      expect((created._id as ObjectId).toHexString()).toBe((ins.upsertedId as ObjectId).toHexString());
      const { _id: _ignored, ...rest } = created;
      expect(canon(rest)).toEqual(canon({ sku: "new", dims: { kind: "box" }, price: 10, createdAt: T0, qty: 6, hits: 1 }));

      const match = await c.updateOne(
        { sku: "new" },
        { $set: { price: 12 }, $setOnInsert: { createdAt: T2, extra: true }, $inc: { hits: 1 } },
        { upsert: true },
      );
      expect(match).toEqual({ matchedCount: 1, modifiedCount: 1 });
      expect("upsertedId" in match && match.upsertedId !== undefined).toBe(false);
      const matched = (await c.findOne({ sku: "new" }))!;
      expect(canon(matched.createdAt)).toEqual(canon(T0));
      expect(matched.extra).toBeUndefined();
      expect(canon(matched.price)).toEqual(canon(12));
      expect(canon(matched.hits)).toEqual(canon(2));
      expect(await c.countDocuments({ sku: "new" })).toBe(1);

      const withId = await c.updateMany({ _id: "fixed" }, { $set: { v: 1 } }, { upsert: true });
      expect(withId.upsertedId).toBe("fixed");
      expect(canon(await c.findOne({ _id: "fixed" }))).toEqual(canon({ _id: "fixed", v: 1 }));
    });

    it("rejects a replacement document, an unknown operator and a change of _id", async () => {
      await expect(c.updateOne({ _id: 1 }, { n: 5 })).rejects.toThrow();
      await expect(c.updateMany({}, { $frobnicate: { n: 5 } })).rejects.toThrow();
      await expect(c.updateOne({ _id: 1 }, { $set: { _id: 9 } })).rejects.toThrow(/_id/);
      await expect(c.updateOne({ _id: 1 }, { $inc: { tags: 1 } })).rejects.toThrow();
      expect(canon((await c.findOne({ _id: 1 }))!.n)).toEqual(canon(new Int32(1)));
    });

    it("applies pipeline-style updates", async () => {
      await c.insertOne({ _id: 10, a: new Int32(2), b: new Int32(3), l: Long.fromNumber(7) });
      await c.updateOne({ _id: 10 }, [{ $set: { total: { $add: ["$a", "$b"] }, label: { $concat: ["n-", { $toString: "$a" }] } } }, { $unset: "b" }]);
      const doc = (await c.findOne({ _id: 10 }))!;
      expect(canon(doc)).toEqual(canon({ _id: 10, a: new Int32(2), l: Long.fromNumber(7), total: new Int32(5), label: "n-2" }));
    });

    it("replaceOne keeps _id (through bulkWrite) and deleteOne/deleteMany count", async () => {
      const r = await c.bulkWrite([{ replaceOne: { filter: { _id: 2 }, replacement: { name: "two" } } }]);
      expect(r.matchedCount).toBe(1);
      expect(r.modifiedCount).toBe(1);
      expect(canon(await c.findOne({ _id: 2 }))).toEqual(canon({ _id: 2, name: "two" }));
      expect(await c.deleteOne({ n: { $gte: 1 } })).toEqual({ deletedCount: 1 });
      expect(await ids()).toEqual([2, 3]);
      expect(await c.deleteOne({ n: 100 })).toEqual({ deletedCount: 0 });
      expect(await c.deleteMany({})).toEqual({ deletedCount: 2 });
      expect(await c.countDocuments()).toBe(0);
    });
  });

  describe("findOneAnd*", () => {
    beforeEach(async () => {
      await c.insertMany([
        { _id: 1, group: "g", rank: 1, v: "a" },
        { _id: 2, group: "g", rank: 3, v: "b" },
        { _id: 3, group: "g", rank: 2, v: "c" },
      ]);
    });

    it("findOneAndUpdate returns the document before, or after with returnNewDocument", async () => {
      const before = await c.findOneAndUpdate({ _id: 1 }, { $set: { v: "A" } });
      expect(canon(before)).toEqual(canon({ _id: 1, group: "g", rank: 1, v: "a" }));
      const after = await c.findOneAndUpdate({ _id: 1 }, { $set: { v: "AA" } }, { returnNewDocument: true });
      expect(canon(after)).toEqual(canon({ _id: 1, group: "g", rank: 1, v: "AA" }));
      const explicit = await c.findOneAndUpdate({ _id: 1 }, { $set: { v: "AAA" } }, { returnNewDocument: false });
      expect(explicit!.v).toBe("AA");
      expect(await c.findOneAndUpdate({ _id: 99 }, { $set: { v: "x" } })).toBeNull();
      expect(await c.countDocuments()).toBe(3);
    });

    it("findOneAndUpdate picks by sort and applies the projection", async () => {
      const top = await c.findOneAndUpdate(
        { group: "g" },
        { $inc: { rank: 10 } },
        { sort: { rank: -1 }, projection: { rank: 1, _id: 0 }, returnNewDocument: true },
      );
      expect(canon(top)).toEqual(canon({ rank: 13 }));
      const low = await c.findOneAndUpdate({ group: "g" }, { $set: { low: true } }, { sort: { rank: 1 }, projection: { v: 1 } });
      expect(canon(low)).toEqual(canon({ _id: 1, v: "a" }));
    });

    it("findOneAndUpdate upserts: null without returnNewDocument, the new document with it", async () => {
      expect(await c.findOneAndUpdate({ _id: 50 }, { $set: { v: "u" }, $setOnInsert: { born: T1 } }, { upsert: true })).toBeNull();
      expect(canon(await c.findOne({ _id: 50 }))).toEqual(canon({ _id: 50, v: "u", born: T1 }));
      const made = await c.findOneAndUpdate({ key: "k" }, { $set: { v: "w" } }, { upsert: true, returnNewDocument: true });
      expect(made!.key).toBe("k");
      expect(made!.v).toBe("w");
      expect(tag(made!._id)).toBe("ObjectId");
    });

    it("findOneAndReplace keeps _id, returns before or after, and upserts", async () => {
      const before = await c.findOneAndReplace({ _id: 2 }, { v: "z" });
      expect(before!.v).toBe("b");
      expect(canon(await c.findOne({ _id: 2 }))).toEqual(canon({ _id: 2, v: "z" }));
      const after = await c.findOneAndReplace({ group: "g" }, { v: "top", group: "g" }, { sort: { rank: -1 }, returnNewDocument: true });
      expect(canon(after)).toEqual(canon({ _id: 3, v: "top", group: "g" }));
      const up = await c.findOneAndReplace({ _id: 77 }, { v: "new" }, { upsert: true, returnNewDocument: true });
      expect(canon(up)).toEqual(canon({ _id: 77, v: "new" }));
      await expect(c.findOneAndReplace({ _id: 1 }, { $set: { v: 1 } })).rejects.toThrow();
    });

    it("findOneAndDelete removes the first document in sort order and returns it projected", async () => {
      const gone = await c.findOneAndDelete({ group: "g" }, { sort: { rank: -1 }, projection: { v: 1 } });
      expect(canon(gone)).toEqual(canon({ _id: 2, v: "b" }));
      expect(await ids()).toEqual([1, 3]);
      expect(await c.findOneAndDelete({ _id: 42 })).toBeNull();
    });
  });

  describe("aggregate", () => {
    it("runs $match/$group/$sort/$project with $toObjectId and keeps passed-through types", async () => {
      const owner = new ObjectId("5f1d7c0e9b1e8a0012345678");
      await c.insertMany([
        { _id: 1, owner, kind: "a", n: new Int32(2), big: Long.fromString("9007199254740993"), at: T0 },
        { _id: 2, owner: new ObjectId(owner.toHexString()), kind: "b", n: new Int32(3), at: T1 },
        { _id: 3, owner: new ObjectId(), kind: "a", n: new Int32(6), at: T2 },
        { _id: 4, kind: "c", n: new Int32(100) },
      ]);
      const grouped = await c.aggregate([
        { $match: { n: { $lt: 50 } } },
        { $group: { _id: "$owner", total: { $sum: "$n" }, count: { $sum: 1 }, first: { $min: "$at" } } },
        { $sort: { total: -1 } },
        { $project: { _id: 0, owner: "$_id", total: 1, count: 1, first: 1 } },
      ]);
      expect(grouped).toHaveLength(2);
      expect(canon(grouped[0]!.total)).toEqual(canon(6));
      expect(canon(grouped[1])).toEqual(canon({ total: 5, count: 2, first: T0, owner }));
      expect(canon(grouped.map((g) => g.count))).toEqual(canon([1, 2]));

      const conv = await c.aggregate([
        { $match: { _id: 1 } },
        { $project: { big: 1, at: 1, ref: { $toObjectId: "5f1d7c0e9b1e8a0012345678" }, hex: { $toString: "$owner" } } },
      ]);
      expect(conv).toHaveLength(1);
      expect(tag(conv[0]!.ref)).toBe("ObjectId");
      expect((conv[0]!.ref as ObjectId).equals(owner)).toBe(true);
      expect(conv[0]!.hex).toBe(owner.toHexString());
      expect(tag(conv[0]!.big)).toBe("Long");
      expect((conv[0]!.big as Long).toString()).toBe("9007199254740993");
      expect(conv[0]!.at).toBeInstanceOf(Date);
      expect(Object.keys(conv[0]!)[0]).toBe("_id");

      const looked = await c.aggregate([
        { $match: { kind: "a" } },
        { $group: { _id: "$kind", ids: { $push: "$_id" } } },
        { $addFields: { n: { $size: "$ids" } } },
      ]);
      expect(canon(looked)).toEqual(canon([{ _id: "a", ids: [1, 3], n: 2 }]));
      expect(await c.aggregate([{ $match: { kind: "zzz" } }])).toEqual([]);
    });

    it("supports $lookup into another collection of the same database", async () => {
      await store.collection("app", "owners").insertMany([
        { _id: "o1", name: "Ann" },
        { _id: "o2", name: "Bo" },
      ]);
      await c.insertMany([
        { _id: 1, owner: "o2" },
        { _id: 2, owner: "o1" },
      ]);
      const joined = await c.aggregate([{ $lookup: { from: "owners", localField: "owner", foreignField: "_id", as: "o" } }, { $sort: { _id: 1 } }]);
      expect(canon(joined)).toEqual(
        canon([
          { _id: 1, owner: "o2", o: [{ _id: "o2", name: "Bo" }] },
          { _id: 2, owner: "o1", o: [{ _id: "o1", name: "Ann" }] },
        ]),
      );
    });
  });

  describe("bulkWrite", () => {
    it("applies every operation in the driver's shape and reports counts and ids", async () => {
      await c.insertMany([
        { _id: 1, v: 1 },
        { _id: 2, v: 2 },
        { _id: 3, v: 3 },
      ]);
      const r = await c.bulkWrite([
        { insertOne: { document: { _id: 10, v: 10 } } },
        { updateOne: { filter: { _id: 1 }, update: { $set: { v: 100 } } } },
        { updateMany: { filter: { v: { $lte: 3 } }, update: { $inc: { v: 1 } } } },
        { updateOne: { filter: { _id: 20 }, update: { $set: { v: 20 } }, upsert: true } },
        { replaceOne: { filter: { _id: 3 }, replacement: { v: 33 } } },
        { deleteOne: { filter: { _id: 10 } } },
        { insertOne: { document: { v: 50 } } },
        { deleteMany: { filter: { v: { $gte: 100 } } } },
      ]);
      expect(r.insertedCount).toBe(2);
      expect(r.matchedCount).toBe(4);
      expect(r.modifiedCount).toBe(4);
      expect(r.deletedCount).toBe(2);
      expect(r.upsertedCount).toBe(1);
      expect(r.insertedIds[0]).toBe(10);
      expect(tag(r.insertedIds[6])).toBe("ObjectId");
      expect(r.upsertedIds).toEqual({ 3: 20 });
      const docs = await c.find({}, { sort: { _id: 1 }, projection: { _id: 0, v: 1 } });
      expect(canon(docs.map((d) => d.v))).toEqual(canon([3, 33, 20, 50]));
      expect(canon(await c.find({ _id: { $in: [2, 3, 20] } }, { sort: { _id: 1 } }))).toEqual(
        canon([
          { _id: 2, v: 3 },
          { _id: 3, v: 33 },
          { _id: 20, v: 20 },
        ]),
      );
      expect(await c.countDocuments()).toBe(4);
    });

    it("stops at the first failing operation", async () => {
      await expect(
        c.bulkWrite([{ insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 1 } } }, { insertOne: { document: { _id: 2 } } }]),
      ).rejects.toThrow(/E11000 duplicate key error/);
      expect(await ids()).toEqual([1]);
    });
  });

  describe("copies", () => {
    it("hands out copies: mutating a result never changes the store", async () => {
      await c.insertOne({ _id: 1, a: { b: [1, 2] }, at: T0 });
      const mutate = (d: Document | null) => {
        (d!.a as Document).b.push(3);
        d!.x = 1;
        (d!.at as Date).setTime(0);
      };
      mutate((await c.find())[0]!);
      mutate(await c.findOne({ _id: 1 }));
      mutate((await c.aggregate([{ $match: {} }]))[0]!);
      mutate(await c.findOneAndUpdate({ _id: 1 }, { $set: { y: 1 } }, { returnNewDocument: true }));
      const snap = await store.snapshot();
      mutate(snap.app!.items![0]!);
      const stored = await c.findOne({ _id: 1 });
      expect(canon(stored)).toEqual(canon({ _id: 1, a: { b: [1, 2] }, at: T0, y: 1 }));
    });

    it("never mutates its arguments", async () => {
      const docs = [{ v: 1 }, { v: 2 }];
      await c.insertMany(docs);
      expect(docs).toEqual([{ v: 1 }, { v: 2 }]);
      const filter = { v: { $gte: 1 } };
      const update = { $push: { list: { $each: [1, 2] } } };
      await c.updateMany(filter, update);
      expect(update).toEqual({ $push: { list: { $each: [1, 2] } } });
      const op = { insertOne: { document: { v: 3 } } };
      await c.bulkWrite([op]);
      expect(op).toEqual({ insertOne: { document: { v: 3 } } });
      expect(filter).toEqual({ v: { $gte: 1 } });
    });
  });

  describe("snapshot, load, dump", () => {
    const seed = {
      zeta: { b: [{ _id: 2, n: new Int32(1) }], a: [{ _id: 1, when: T0 }] },
      alpha: {
        logs: [
          { _id: new ObjectId("65a1b2c3d4e5f60718293a4b"), amount: Decimal128.fromString("9823.1297"), big: Long.fromString("2022") },
          { _id: 2, bin: new Binary(Buffer.from("hi"), 0) },
        ],
      },
    };

    it("load replaces the named collections only; snapshot is sorted by db, collection, insertion order", async () => {
      await store.collection("zeta", "a").insertMany([{ _id: "old" }]);
      await store.collection("zeta", "keep").insertOne({ _id: "kept" });
      await store.load(seed);
      expect(await store.listDatabases()).toEqual(["alpha", "zeta"]);
      expect(await store.listCollections("zeta")).toEqual(["a", "b", "keep"]);
      expect(await store.listCollections("nope")).toEqual([]);
      const snap = await store.snapshot();
      expect(Object.keys(snap)).toEqual(["alpha", "zeta"]);
      expect(Object.keys(snap.zeta!)).toEqual(["a", "b", "keep"]);
      expect(canon(snap)).toEqual(canon({ alpha: seed.alpha, zeta: { a: seed.zeta.a, b: seed.zeta.b, keep: [{ _id: "kept" }] } }));
      expect(tag(snap.alpha!.logs![0]!.amount)).toBe("Decimal128");
    });

    it("dumpStore is canonical EJSON that loadSeedFile reads back to the same dump", async () => {
      await store.load(seed);
      await store.collection("alpha", "logs").insertOne({ _id: 3, at: T1, u: new UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0") });
      const dump = await dumpStore(store);
      expect(dump).toContain('"$numberDecimal": "9823.1297"');
      expect(dump).toContain('"$numberLong": "2022"');
      expect(dump).toContain('"$numberInt": "1"');
      expect(dump.indexOf('"alpha"')).toBeLessThan(dump.indexOf('"zeta"'));
      expect(dump).toBe(`${JSON.stringify(canon(await store.snapshot()), undefined, 2)}\n`);
      const other = await open();
      await loadSeedFile(other, dump);
      expect(await dumpStore(other)).toBe(dump);
      expect(await dumpStore(store)).toBe(dump);
    });

    it("loadSeedFile rejects a malformed seed and loads nothing", async () => {
      await expect(loadSeedFile(store, "{ not json")).rejects.toThrow();
      await expect(loadSeedFile(store, '{"db": {"c": {"not": "an array"}}}')).rejects.toThrow();
      expect(await store.listDatabases()).toEqual([]);
    });
  });

  describe("ping (serve's /readyz)", () => {
    it("answers while the database can be reached", async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

describe("embedded store", () => {
  conformance(async () => createEmbeddedStore());
});

const uri = process.env.HOOKSHIFT_TEST_MONGODB_URI;
describe.skipIf(!uri)("driver store (set HOOKSHIFT_TEST_MONGODB_URI to run)", () => {
  conformance(async () => createDriverStore(uri!, { dbPrefix: `hs_${randomBytes(4).toString("hex")}_` }));
});
