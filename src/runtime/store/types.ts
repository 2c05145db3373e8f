// The database the shim's functions talk to through `context.services.get("mongodb-atlas")`.
// Two implementations: an embedded store (mingo, the default; no server can be installed here)
// and the official driver against a real server (`--mongodb-uri`). Both keep BSON types
// (ObjectId, Date, Long, Decimal128 ...) in and out, so one conformance suite runs on both.

import type { Document } from "bson";

export interface FindOptions {
  projection?: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
}

export interface UpdateOptions {
  upsert?: boolean;
}

export interface FindOneAndOptions {
  projection?: Document;
  sort?: Document;
  upsert?: boolean;
  /** Return the document after the change (App Services' `returnNewDocument`). */
  returnNewDocument?: boolean;
}

export interface InsertOneResult {
  insertedId: unknown;
}
export interface InsertManyResult {
  insertedIds: unknown[];
}
export interface UpdateResult {
  matchedCount: number;
  modifiedCount: number;
  upsertedId?: unknown;
}
export interface DeleteResult {
  deletedCount: number;
}
export interface BulkWriteResult {
  insertedCount: number;
  matchedCount: number;
  modifiedCount: number;
  deletedCount: number;
  upsertedCount: number;
  insertedIds: Record<number, unknown>;
  upsertedIds: Record<number, unknown>;
}

/** One collection. Every method is async and never mutates its arguments. */
export interface CollectionApi {
  find(filter?: Document, options?: FindOptions): Promise<Document[]>;
  findOne(filter?: Document, options?: FindOptions): Promise<Document | null>;
  insertOne(doc: Document): Promise<InsertOneResult>;
  insertMany(docs: Document[]): Promise<InsertManyResult>;
  updateOne(filter: Document, update: Document | Document[], options?: UpdateOptions): Promise<UpdateResult>;
  updateMany(filter: Document, update: Document | Document[], options?: UpdateOptions): Promise<UpdateResult>;
  deleteOne(filter: Document): Promise<DeleteResult>;
  deleteMany(filter?: Document): Promise<DeleteResult>;
  findOneAndUpdate(filter: Document, update: Document | Document[], options?: FindOneAndOptions): Promise<Document | null>;
  findOneAndReplace(filter: Document, replacement: Document, options?: FindOneAndOptions): Promise<Document | null>;
  findOneAndDelete(filter: Document, options?: FindOneAndOptions): Promise<Document | null>;
  aggregate(pipeline: Document[]): Promise<Document[]>;
  count(filter?: Document): Promise<number>;
  countDocuments(filter?: Document): Promise<number>;
  distinct(key: string, filter?: Document): Promise<unknown[]>;
  /** `ordered` (default true) stops at the first failing operation; false runs them all and then fails with the first error. */
  bulkWrite(operations: Document[], options?: { ordered?: boolean }): Promise<BulkWriteResult>;
}

export interface Store {
  collection(db: string, coll: string): CollectionApi;
  listDatabases(): Promise<string[]>;
  listCollections(db: string): Promise<string[]>;
  /** Every document of every collection, for --dump and for verify's comparison of writes. */
  snapshot(): Promise<Record<string, Record<string, Document[]>>>;
  /** Loads documents (`{ "<db>": { "<coll>": [docs] } }`), replacing what those collections held. */
  load(data: Record<string, Record<string, Document[]>>): Promise<void>;
  /** Rejects while the database cannot be reached (serve's /readyz); the embedded store always answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
