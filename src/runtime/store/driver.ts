// The store on a real server through the official driver (`--mongodb-uri`). Reads use
// `promoteValues: false` so documents keep their BSON types (Int32, Double, Long, Decimal128 …)
// as the embedded store does. Arguments are copied before they reach the driver (its insertOne
// and insertMany add `_id` to the caller's object) and numeric options arriving as Int32 (as they
// do from the function sandbox's canonical EJSON) become plain numbers.
//
// `dbPrefix` maps every database name `x` to `<prefix>x`; listDatabases only shows (and strips)
// prefixed names, and close() drops the prefixed databases, so a test run on a shared server
// touches nothing but its own databases.

import { MongoClient } from "mongodb";
import type { Collection, Db } from "mongodb";
import type { Document } from "bson";
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
import { StoreError } from "./errors.js";
import { isNumeric, toJsNumber } from "./numbers.js";
import { cloneValue, isDocument } from "./values.js";

const READ = { promoteValues: false, promoteLongs: false, promoteBuffers: false } as const;
const SYSTEM_DBS = new Set(["admin", "config", "local"]);

function num(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  return isNumeric(v) ? toJsNumber(v) : (v as number);
}

function sortSpec(sort: Document | undefined): Document | undefined {
  if (!isDocument(sort)) return sort;
  const out: Document = {};
  for (const k of Object.keys(sort)) out[k] = isNumeric(sort[k]) ? toJsNumber(sort[k]) : sort[k];
  return out;
}

function findOptions(options: FindOptions = {}): Document {
  const out: Document = { ...READ };
  if (options.projection !== undefined) out.projection = cloneValue(options.projection);
  if (options.sort !== undefined) out.sort = sortSpec(options.sort);
  if (options.skip !== undefined) out.skip = num(options.skip);
  if (options.limit !== undefined) out.limit = num(options.limit);
  return out;
}

function updateResult(r: { matchedCount: number; modifiedCount: number; upsertedCount: number; upsertedId: unknown }): UpdateResult {
  const out: UpdateResult = { matchedCount: r.matchedCount, modifiedCount: r.modifiedCount };
  if (r.upsertedCount > 0 && r.upsertedId !== null && r.upsertedId !== undefined) out.upsertedId = r.upsertedId;
  return out;
}

function findAndModifyOptions(options: FindOneAndOptions = {}): Document {
  const out: Document = { ...READ, returnDocument: options.returnNewDocument ? "after" : "before" };
  if (options.projection !== undefined) out.projection = cloneValue(options.projection);
  if (options.sort !== undefined) out.sort = sortSpec(options.sort);
  if (options.upsert !== undefined) out.upsert = options.upsert;
  return out;
}

const copy = <T>(v: T): T => cloneValue(v);

class DriverCollection implements CollectionApi {
  constructor(private readonly coll: Collection<Document>) {}

  async find(filter?: Document, options?: FindOptions): Promise<Document[]> {
    return this.coll.find(copy(filter ?? {}), findOptions(options)).toArray();
  }

  async findOne(filter?: Document, options?: FindOptions): Promise<Document | null> {
    return this.coll.findOne(copy(filter ?? {}), findOptions(options));
  }

  async insertOne(doc: Document): Promise<InsertOneResult> {
    const r = await this.coll.insertOne(copy(doc));
    return { insertedId: r.insertedId };
  }

  async insertMany(docs: Document[]): Promise<InsertManyResult> {
    if (!Array.isArray(docs)) throw new StoreError("insertMany requires an array of documents", 2);
    const r = await this.coll.insertMany(docs.map(copy), { ordered: true });
    return { insertedIds: docs.map((_, i) => r.insertedIds[i]) };
  }

  async updateOne(filter: Document, update: Document | Document[], options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.coll.updateOne(copy(filter ?? {}), copy(update), { upsert: options.upsert === true }));
  }

  async updateMany(filter: Document, update: Document | Document[], options: UpdateOptions = {}): Promise<UpdateResult> {
    return updateResult(await this.coll.updateMany(copy(filter ?? {}), copy(update), { upsert: options.upsert === true }));
  }

  async deleteOne(filter: Document): Promise<DeleteResult> {
    return { deletedCount: (await this.coll.deleteOne(copy(filter ?? {}))).deletedCount };
  }

  async deleteMany(filter?: Document): Promise<DeleteResult> {
    return { deletedCount: (await this.coll.deleteMany(copy(filter ?? {}))).deletedCount };
  }

  async findOneAndUpdate(filter: Document, update: Document | Document[], options?: FindOneAndOptions): Promise<Document | null> {
    return this.coll.findOneAndUpdate(copy(filter ?? {}), copy(update), findAndModifyOptions(options));
  }

  async findOneAndReplace(filter: Document, replacement: Document, options?: FindOneAndOptions): Promise<Document | null> {
    return this.coll.findOneAndReplace(copy(filter ?? {}), copy(replacement), findAndModifyOptions(options));
  }

  async findOneAndDelete(filter: Document, options: FindOneAndOptions = {}): Promise<Document | null> {
    const opts = findAndModifyOptions(options);
    delete opts.returnDocument;
    delete opts.upsert;
    return this.coll.findOneAndDelete(copy(filter ?? {}), opts);
  }

  async aggregate(pipeline: Document[]): Promise<Document[]> {
    return this.coll.aggregate(copy(pipeline), READ).toArray();
  }

  async count(filter?: Document): Promise<number> {
    return this.countDocuments(filter);
  }

  async countDocuments(filter?: Document): Promise<number> {
    return Number(await this.coll.countDocuments(copy(filter ?? {})));
  }

  async distinct(key: string, filter?: Document): Promise<unknown[]> {
    return this.coll.distinct(key, copy(filter ?? {}), READ);
  }

  async bulkWrite(operations: Document[], options: { ordered?: boolean } = {}): Promise<BulkWriteResult> {
    if (!Array.isArray(operations)) throw new StoreError("bulkWrite requires an array of operations", 2);
    const r = await this.coll.bulkWrite(copy(operations) as never, { ordered: options?.ordered !== false });
    return {
      insertedCount: r.insertedCount,
      matchedCount: r.matchedCount,
      modifiedCount: r.modifiedCount,
      deletedCount: r.deletedCount,
      upsertedCount: r.upsertedCount,
      insertedIds: { ...r.insertedIds },
      upsertedIds: { ...r.upsertedIds },
    };
  }
}

/**
 * `lazy` (serve): return without waiting for the server; the driver connects on the first
 * operation and `ping` says whether it can be reached, so a server that starts before its
 * database (or loses it) reports not ready instead of failing.
 */
export async function createDriverStore(uri: string, opts: { dbPrefix?: string; lazy?: boolean } = {}): Promise<Store> {
  const prefix = opts.dbPrefix ?? "";
  const client = new MongoClient(uri, { ignoreUndefined: false });
  if (!opts.lazy) await client.connect();
  const db = (name: string): Db => client.db(prefix + name);

  const listDatabases = async (): Promise<string[]> => {
    const { databases } = await client.db("admin").admin().listDatabases({ nameOnly: true, authorizedDatabases: true });
    const names = databases.map((d) => d.name);
    if (prefix)
      return names
        .filter((n) => n.startsWith(prefix))
        .map((n) => n.slice(prefix.length))
        .sort();
    return names.filter((n) => !SYSTEM_DBS.has(n)).sort();
  };
  const listCollections = async (name: string): Promise<string[]> => {
    const colls = await db(name).listCollections({}, { nameOnly: true }).toArray();
    return colls
      .map((c) => c.name)
      .filter((n) => !n.startsWith("system."))
      .sort();
  };

  return {
    collection: (dbName, coll) => new DriverCollection(db(dbName).collection(coll)),
    listDatabases,
    listCollections,
    async snapshot() {
      const out: Record<string, Record<string, Document[]>> = {};
      for (const dbName of await listDatabases()) {
        const colls: Record<string, Document[]> = {};
        for (const coll of await listCollections(dbName)) {
          colls[coll] = await db(dbName).collection(coll).find({}, READ).sort({ $natural: 1 }).toArray();
        }
        out[dbName] = colls;
      }
      return out;
    },
    async load(data) {
      if (!isDocument(data)) throw new StoreError("load expects { <db>: { <collection>: [documents] } }", 2);
      for (const dbName of Object.keys(data)) {
        const colls = data[dbName];
        if (!isDocument(colls)) throw new StoreError(`load: database '${dbName}' must map collection names to arrays of documents`, 2);
        for (const name of Object.keys(colls)) {
          const docs = colls[name];
          if (!Array.isArray(docs)) throw new StoreError(`load: ${dbName}.${name} must be an array of documents`, 2);
          const coll = db(dbName).collection(name);
          await coll.deleteMany({});
          if (docs.length > 0) await coll.insertMany(docs.map(copy), { ordered: true });
          else if (!(await listCollections(dbName)).includes(name)) await db(dbName).createCollection(name);
        }
      }
    },
    async ping() {
      await client.db("admin").command({ ping: 1 });
    },
    async close() {
      try {
        if (prefix) {
          const { databases } = await client.db("admin").admin().listDatabases({ nameOnly: true });
          for (const d of databases) if (d.name.startsWith(prefix)) await client.db(d.name).dropDatabase();
        }
      } finally {
        await client.close();
      }
    },
  };
}
