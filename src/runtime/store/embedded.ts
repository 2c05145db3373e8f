// The embedded store: an in-memory database on mingo, the shim's default (no server can be
// installed here). It behaves like a server read through the driver with `promoteValues: false`:
// documents keep their BSON types (ObjectId, Date, Int32, Long, Double, Decimal128, Binary …), JS
// numbers are stored as Int32/Double the way the driver serialises them, `_id` comes first, and
// unsorted reads return documents in insertion order (a fresh collection scan).
//
// Matching and aggregation run in mingo on normalised views (./mingo.ts); sorting, equality,
// updates, upserts, projections and distinct use the server's rules directly (./compare.ts,
// ./sort.ts, ./update.ts, ./upsert.ts, ./projection.ts). Every document handed out is a copy; every
// document taken in is copied. Operations are synchronous inside their promise, so each one is atomic.
//
// Known limits (see also ./mingo.ts and ./update.ts):
// - Long values beyond ±2^53 and Decimal128 values are matched and aggregated as doubles (sorting,
//   equality in updates, the _id index and distinct are exact).
// - Aggregation results computed by expressions are typed by value (Int32 when integral and in
//   range, else Double): `$avg` of [4, 6] gives Int32 5 where the server gives Double 5.0, and
//   `$toLong`/`$toDecimal` give Int32/Double. Values passed through unchanged keep their type
//   (found by identity, by position after $project/$addFields/$set/$unset, or by `_id`); a
//   computed number equal to what the same path held before takes that value's type.
// - `upsertedId` is promoted as the driver promotes a server reply (Int32 → number); documents
//   are not (a stored 5 reads back as Int32 5, as through the driver with promoteValues: false).
// - Aggregation `$sort` orders mixed types in mingo's order, not the server's.
// - No indexes besides the unique `_id`; no `$merge` (but `$out`), no arrayFilters, no collation.
// - Geospatial operators need no index and approximate polygon edges (./geo.ts); no `$geoNear` stage.

import { ObjectId } from "bson";
import type { Document } from "bson";
import { bsonTag } from "../bson-values.js";
import { compileFilter, fromView, runPipeline, toView, viewIdKey } from "./mingo.js";
import { compileProjection } from "./projection.js";
import type {
  BulkWriteResult,
  CollectionApi,
  DeleteResult,
  FindOneAndOptions,
  FindOptions,
  InsertManyResult,
  InsertOneResult,
  Store,
  UpdateOptions,
  UpdateResult,
} from "./types.js";
import { applyUpdate, documentsDiffer, validateReplacement, validateUpdate } from "./update.js";
import { buildReplacementUpsert, buildUpsert, replaceDocument } from "./upsert.js";
import { compareValues, equalityKey } from "./compare.js";
import { preview, StoreError } from "./errors.js";
import { intOption } from "./numbers.js";
import { pathValues } from "./paths.js";
import { compareBySort, parseSort } from "./sort.js";
import { cloneValue, hasOwn, isDocument, promoteValue, storedDocument } from "./values.js";

interface Entry {
  doc: Document;
  /** mingo view of `doc`, made on first use and dropped when `doc` is replaced. */
  view?: unknown;
}

interface CollData {
  entries: Entry[];
  /** The unique `_id` index: equalityKey(_id) → entry. */
  byId: Map<string, Entry>;
}

type Dbs = Map<string, Map<string, CollData>>;

/** Aggregation stages whose n-th output document comes from the n-th input document. */
const ONE_TO_ONE_STAGES = new Set(["$project", "$addFields", "$set", "$unset"]);

const viewOf = (e: Entry): unknown => (e.view ??= toView(e.doc));

function checkName(kind: "database" | "collection", name: unknown): string {
  if (typeof name !== "string" || name === "") throw new StoreError(`Invalid ${kind} name: ${String(name)}`, 73);
  if (kind === "database" && /[/\\. "$\0]/.test(name)) throw new StoreError(`Invalid database name: '${name}'`, 73);
  if (kind === "collection" && (name.includes("$") || name.includes("\0"))) throw new StoreError(`Invalid collection name: '${name}'`, 73);
  return name;
}

function duplicateKeyError(db: string, coll: string, id: unknown): StoreError {
  return new StoreError(`E11000 duplicate key error collection: ${db}.${coll} index: _id_ dup key: { _id: ${preview(id)} }`, 11000);
}

/**
 * A stored copy of a document about to be inserted (`_id` added when missing, checked, first),
 * and the id to report: the caller's own `_id` value, as the driver reports it.
 */
function prepareInsert(doc: unknown): { stored: Document; id: unknown } {
  if (!isDocument(doc)) throw new StoreError("document must be an object", 2);
  let stored = storedDocument(doc);
  if (!hasOwn(stored, "_id")) stored = { _id: new ObjectId(), ...stored };
  checkId(stored._id);
  return { stored, id: hasOwn(doc, "_id") ? cloneValue(doc._id) : cloneValue(stored._id) };
}

function checkId(id: unknown): void {
  if (Array.isArray(id)) throw new StoreError("The '_id' value cannot be of type array", 53);
  if (id instanceof RegExp) throw new StoreError("can't use a regex for _id", 2);
}

function limitOf(v: unknown): number | undefined {
  const n = intOption(v, "limit");
  return n === undefined || n === 0 ? undefined : Math.abs(n);
}

function skipOf(v: unknown): number {
  const n = intOption(v, "skip") ?? 0;
  if (n < 0) throw new StoreError("skip value must be non-negative", 2);
  return n;
}

class EmbeddedCollection implements CollectionApi {
  constructor(
    private readonly dbs: Dbs,
    private readonly db: string,
    private readonly name: string,
  ) {}

  private data(): CollData | undefined {
    return this.dbs.get(this.db)?.get(this.name);
  }

  private ensure(): CollData {
    let colls = this.dbs.get(this.db);
    if (!colls) this.dbs.set(this.db, (colls = new Map()));
    let data = colls.get(this.name);
    if (!data) colls.set(this.name, (data = { entries: [], byId: new Map() }));
    return data;
  }

  /** Entries matching `filter`, in insertion order. */
  private match(filter: Document | undefined): Entry[] {
    const data = this.data();
    // `{_id: <ObjectId>}` (a document read back by the id its insert reported) is the _id index's
    // answer alone: an ObjectId equals only the same ObjectId. No query is compiled, which costs
    // more than the lookup (mingo copies its operator tables for each one; bench/README.md, serve).
    if (isDocument(filter) && bsonTag(filter._id) === "ObjectId" && Object.keys(filter).length === 1) {
      const e = data?.byId.get(equalityKey(filter._id));
      return e ? [e] : [];
    }
    const pred = compileFilter(filter);
    if (!data) return [];
    // `{_id: <value>}` goes through the _id index.
    if (filter && Object.keys(filter).length === 1 && hasOwn(filter, "_id")) {
      const id = filter._id;
      const isCondition = (isDocument(id) && Object.keys(id).some((k) => k.startsWith("$"))) || id instanceof RegExp || bsonTag(id) === "BSONRegExp";
      if (!isCondition && !Array.isArray(id)) {
        const e = data.byId.get(equalityKey(id));
        return e && pred(viewOf(e)) ? [e] : [];
      }
    }
    const found = data.entries.filter((e) => pred(viewOf(e)));
    // `$near` / `$nearSphere` answer nearest first (a `sort` given with them still wins).
    const distance = pred.nearDistance;
    if (!distance) return found;
    const keyed = found.map((e) => ({ e, d: distance(viewOf(e)) }));
    return keyed.sort((a, b) => a.d - b.d).map((k) => k.e);
  }

  private sorted(entries: Entry[], sort: Document | undefined): Entry[] {
    const spec = parseSort(sort);
    if (spec.length === 0) return entries;
    const cmp = compareBySort(spec);
    // Array.prototype.sort is stable: ties keep insertion order.
    return [...entries].sort((a, b) => cmp(a.doc, b.doc));
  }

  private insertStored(stored: Document): void {
    const data = this.ensure();
    const key = equalityKey(stored._id);
    if (data.byId.has(key)) throw duplicateKeyError(this.db, this.name, stored._id);
    const entry: Entry = { doc: stored };
    data.entries.push(entry);
    data.byId.set(key, entry);
  }

  private replaceStored(entry: Entry, doc: Document): void {
    entry.doc = doc;
    entry.view = undefined;
  }

  private remove(entries: Entry[]): void {
    const data = this.data();
    if (!data || entries.length === 0) return;
    const gone = new Set(entries);
    data.entries = data.entries.filter((e) => !gone.has(e));
    for (const e of entries) data.byId.delete(equalityKey(e.doc._id));
  }

  async find(filter?: Document, options: FindOptions = {}): Promise<Document[]> {
    const project = compileProjection(options.projection, filter ?? {});
    let entries = this.sorted(this.match(filter), options.sort);
    const skip = skipOf(options.skip);
    const limit = limitOf(options.limit);
    entries = entries.slice(skip, limit === undefined ? undefined : skip + limit);
    return entries.map((e) => project(e.doc));
  }

  async findOne(filter?: Document, options: FindOptions = {}): Promise<Document | null> {
    const [doc] = await this.find(filter, { ...options, limit: 1 });
    return doc ?? null;
  }

  async insertOne(doc: Document): Promise<InsertOneResult> {
    const { stored, id } = prepareInsert(doc);
    this.insertStored(stored);
    return { insertedId: id };
  }

  async insertMany(docs: Document[]): Promise<InsertManyResult> {
    if (!Array.isArray(docs)) throw new StoreError("insertMany requires an array of documents", 2);
    if (docs.length === 0) throw new StoreError("Invalid BulkOperation, Batch cannot be empty", 2);
    const prepared = docs.map(prepareInsert);
    const insertedIds: unknown[] = [];
    // Ordered, like the server: documents before a failing one stay inserted.
    for (const { stored, id } of prepared) {
      this.insertStored(stored);
      insertedIds.push(id);
    }
    return { insertedIds };
  }

  private updateEntries(filter: Document, update: Document | Document[], options: UpdateOptions, many: boolean): UpdateResult {
    validateUpdate(update);
    const now = new Date();
    const matched = this.match(filter);
    const targets = many ? matched : matched.slice(0, 1);
    let modifiedCount = 0;
    for (const e of targets) {
      const next = applyUpdate(e.doc, update, { filter, isInsert: false, now });
      if (documentsDiffer(e.doc, next)) {
        this.replaceStored(e, next);
        modifiedCount++;
      }
    }
    if (targets.length === 0 && options.upsert) {
      const doc = buildUpsert(filter, update, now);
      checkId(doc._id);
      this.insertStored(doc);
      return { matchedCount: 0, modifiedCount: 0, upsertedId: promoteValue(doc._id) };
    }
    return { matchedCount: targets.length, modifiedCount };
  }

  async updateOne(filter: Document, update: Document | Document[], options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.updateEntries(filter ?? {}, update, options, false);
  }

  async updateMany(filter: Document, update: Document | Document[], options: UpdateOptions = {}): Promise<UpdateResult> {
    return this.updateEntries(filter ?? {}, update, options, true);
  }

  private replaceEntry(filter: Document, replacement: Document, options: UpdateOptions): UpdateResult {
    validateReplacement(replacement);
    const [e] = this.match(filter);
    if (e) {
      const next = replaceDocument(e.doc, replacement);
      const modified = documentsDiffer(e.doc, next);
      if (modified) this.replaceStored(e, next);
      return { matchedCount: 1, modifiedCount: modified ? 1 : 0 };
    }
    if (options.upsert) {
      const doc = buildReplacementUpsert(filter, replacement);
      checkId(doc._id);
      this.insertStored(doc);
      return { matchedCount: 0, modifiedCount: 0, upsertedId: promoteValue(doc._id) };
    }
    return { matchedCount: 0, modifiedCount: 0 };
  }

  async deleteOne(filter: Document): Promise<DeleteResult> {
    const [e] = this.match(filter ?? {});
    if (e) this.remove([e]);
    return { deletedCount: e ? 1 : 0 };
  }

  async deleteMany(filter?: Document): Promise<DeleteResult> {
    const entries = this.match(filter);
    this.remove(entries);
    return { deletedCount: entries.length };
  }

  private findAndModify(
    filter: Document,
    options: FindOneAndOptions,
    change: { update?: Document | Document[]; replacement?: Document; remove?: boolean },
  ): Document | null {
    filter = filter ?? {};
    const project = compileProjection(options.projection, filter);
    if (change.update !== undefined) validateUpdate(change.update);
    if (change.replacement !== undefined) validateReplacement(change.replacement);
    const [e] = this.sorted(this.match(filter), options.sort);
    const now = new Date();
    if (e) {
      const before = e.doc;
      if (change.remove) {
        this.remove([e]);
        return project(before);
      }
      const after =
        change.update !== undefined ? applyUpdate(before, change.update, { filter, isInsert: false, now }) : replaceDocument(before, change.replacement!);
      if (documentsDiffer(before, after)) this.replaceStored(e, after);
      return project(options.returnNewDocument ? e.doc : before);
    }
    if (options.upsert && !change.remove) {
      const doc = change.update !== undefined ? buildUpsert(filter, change.update, now) : buildReplacementUpsert(filter, change.replacement!);
      checkId(doc._id);
      this.insertStored(doc);
      return options.returnNewDocument ? project(doc) : null;
    }
    return null;
  }

  async findOneAndUpdate(filter: Document, update: Document | Document[], options: FindOneAndOptions = {}): Promise<Document | null> {
    return this.findAndModify(filter, options, { update });
  }

  async findOneAndReplace(filter: Document, replacement: Document, options: FindOneAndOptions = {}): Promise<Document | null> {
    return this.findAndModify(filter, options, { replacement });
  }

  async findOneAndDelete(filter: Document, options: FindOneAndOptions = {}): Promise<Document | null> {
    return this.findAndModify(filter, options, { remove: true });
  }

  async aggregate(pipeline: Document[]): Promise<Document[]> {
    if (!Array.isArray(pipeline)) throw new StoreError("aggregate requires a pipeline array", 14);
    let stages = pipeline;
    let out: unknown;
    pipeline.forEach((stage, i) => {
      const keys = isDocument(stage) ? Object.keys(stage) : [];
      if (keys.length !== 1) throw new StoreError("A pipeline stage specification object must contain exactly one field.", 40323);
      if (keys[0] === "$merge") throw new StoreError("$merge is not supported by the embedded store (use $out)", 2);
      if (keys[0] === "$out") {
        if (i !== pipeline.length - 1) throw new StoreError("$out can only be the final stage in the pipeline", 40601);
        out = stage.$out;
        stages = pipeline.slice(0, -1);
      }
    });

    // Stage by stage, converting back to typed documents in between, so that values a stage
    // passes through keep their BSON types: one-to-one stages are matched by position, the rest
    // by identity or by `_id` among the stage's inputs and looked-up documents (see fromView).
    let byId = new Map<string, Document>();
    const register = (doc: Document): unknown => {
      const view = toView(doc) as Document;
      const key = viewIdKey(view._id);
      if (key !== undefined && !byId.has(key)) byId.set(key, doc);
      return view;
    };
    const collectionResolver = (name: string) => (this.dbs.get(this.db)?.get(name)?.entries ?? []).map((e) => register(e.doc)) as Document[];
    let typed: Document[] = (this.data()?.entries ?? []).map((e) => e.doc);
    for (const stage of stages) {
      byId = new Map();
      const views = typed.map(register);
      const name = Object.keys(stage)[0]!;
      const outViews = runPipeline(views, [toView(stage) as Document], { collectionResolver });
      const aligned = ONE_TO_ONE_STAGES.has(name) && outViews.length === typed.length;
      const inputs = typed;
      typed = outViews.map((d, i) => fromView(d, aligned ? inputs[i] : undefined, byId) as Document);
    }
    // With no stages, `typed` still holds the stored documents themselves.
    const results = stages.length === 0 ? typed.map((d) => cloneValue(d)) : typed;

    if (out !== undefined) {
      const target = typeof out === "string" ? { db: this.db, coll: out } : isDocument(out) ? { db: String(out.db), coll: String(out.coll) } : undefined;
      if (!target) throw new StoreError("$out requires a collection name or {db, coll}", 16990);
      const coll = new EmbeddedCollection(this.dbs, checkName("database", target.db), checkName("collection", target.coll));
      coll.replaceAll(results.map((d) => prepareInsert(d).stored));
      return [];
    }
    return results;
  }

  async count(filter?: Document): Promise<number> {
    return this.match(filter).length;
  }

  async countDocuments(filter?: Document): Promise<number> {
    return this.match(filter).length;
  }

  async distinct(key: string, filter?: Document): Promise<unknown[]> {
    if (typeof key !== "string" || key === "") throw new StoreError("distinct requires a field name", 2);
    const values: unknown[] = [];
    for (const e of this.match(filter)) {
      for (const v of pathValues(e.doc, key.split("."))) {
        if (Array.isArray(v)) values.push(...v);
        else if (v !== undefined) values.push(v);
      }
    }
    const seen = new Set<string>();
    const unique = values.filter((v) => {
      const k = equalityKey(v);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return unique.sort(compareValues).map((v) => cloneValue(v));
  }

  async bulkWrite(operations: Document[], options: { ordered?: boolean } = {}): Promise<BulkWriteResult> {
    if (!Array.isArray(operations)) throw new StoreError("bulkWrite requires an array of operations", 2);
    if (operations.length === 0) throw new StoreError("Invalid BulkOperation, Batch cannot be empty", 2);
    const result: BulkWriteResult = {
      insertedCount: 0,
      matchedCount: 0,
      modifiedCount: 0,
      deletedCount: 0,
      upsertedCount: 0,
      insertedIds: {},
      upsertedIds: {},
    };
    const addUpdate = (i: number, r: UpdateResult) => {
      result.matchedCount += r.matchedCount;
      result.modifiedCount += r.modifiedCount;
      if (r.upsertedId !== undefined) {
        result.upsertedCount++;
        result.upsertedIds[i] = r.upsertedId;
      }
    };
    // Ordered: stops at the first failing operation; the ones before it stay applied. Unordered
    // (`ordered: false`): every operation runs; the first failure is thrown afterwards.
    const ordered = options?.ordered !== false;
    let firstError: unknown;
    const apply = (op: Document, i: number): void => {
      const keys = isDocument(op) ? Object.keys(op) : [];
      const name = keys[0];
      const spec = name !== undefined ? op[name] : undefined;
      if (keys.length !== 1 || !isDocument(spec)) throw new StoreError(`Invalid bulkWrite operation at index ${i}: ${preview(op)}`, 2);
      switch (name) {
        case "insertOne": {
          const { stored, id } = prepareInsert(spec.document);
          this.insertStored(stored);
          result.insertedCount++;
          result.insertedIds[i] = id;
          return;
        }
        case "updateOne":
        case "updateMany":
          addUpdate(i, this.updateEntries(spec.filter ?? {}, spec.update, { upsert: spec.upsert === true }, name === "updateMany"));
          return;
        case "replaceOne":
          addUpdate(i, this.replaceEntry(spec.filter ?? {}, spec.replacement, { upsert: spec.upsert === true }));
          return;
        case "deleteOne":
        case "deleteMany": {
          const entries = this.match(spec.filter ?? {});
          const gone = name === "deleteOne" ? entries.slice(0, 1) : entries;
          this.remove(gone);
          result.deletedCount += gone.length;
          return;
        }
      }
      throw new StoreError(`Invalid bulkWrite operation at index ${i}: unknown operation ${String(name)}`, 2);
    };
    operations.forEach((op, i) => {
      if (ordered) return apply(op, i);
      try {
        apply(op, i);
      } catch (err) {
        firstError ??= err;
      }
    });
    if (firstError !== undefined) throw firstError;
    return result;
  }

  /** Replaces the collection's documents (for `load`). */
  replaceAll(docs: Document[]): void {
    const data = this.ensure();
    data.entries = [];
    data.byId = new Map();
    for (const d of docs) this.insertStored(d);
  }
}

export function createEmbeddedStore(): Store {
  const dbs: Dbs = new Map();
  const collection = (db: string, coll: string) => new EmbeddedCollection(dbs, checkName("database", db), checkName("collection", coll));
  const listDatabases = () => [...dbs.keys()].filter((db) => (dbs.get(db)?.size ?? 0) > 0).sort();
  const listCollections = (db: string) => [...(dbs.get(db)?.keys() ?? [])].sort();
  return {
    collection,
    async listDatabases() {
      return listDatabases();
    },
    async listCollections(db: string) {
      return listCollections(db);
    },
    async snapshot() {
      const out: Record<string, Record<string, Document[]>> = {};
      for (const db of listDatabases()) {
        const colls: Record<string, Document[]> = {};
        for (const name of listCollections(db))
          colls[name] = dbs
            .get(db)!
            .get(name)!
            .entries.map((e) => cloneValue(e.doc));
        out[db] = colls;
      }
      return out;
    },
    async load(data) {
      if (!isDocument(data)) throw new StoreError("load expects { <db>: { <collection>: [documents] } }", 2);
      // Check everything first so a bad seed changes nothing.
      const staged: Array<[EmbeddedCollection, Document[]]> = [];
      for (const db of Object.keys(data)) {
        const colls = data[db];
        if (!isDocument(colls)) throw new StoreError(`load: database '${db}' must map collection names to arrays of documents`, 2);
        for (const name of Object.keys(colls)) {
          const docs = colls[name];
          if (!Array.isArray(docs)) throw new StoreError(`load: ${db}.${name} must be an array of documents`, 2);
          const prepared = docs.map((d) => prepareInsert(d).stored);
          const seen = new Set<string>();
          for (const d of prepared) {
            const key = equalityKey(d._id);
            if (seen.has(key)) throw duplicateKeyError(db, name, d._id);
            seen.add(key);
          }
          staged.push([collection(db, name), prepared]);
        }
      }
      for (const [coll, docs] of staged) coll.replaceAll(docs);
    },
    async ping() {
      // In this process: always reachable.
    },
    async close() {
      // Nothing to release; the data lives as long as the store object.
    },
  };
}
