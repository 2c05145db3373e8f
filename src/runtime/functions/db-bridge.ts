// The main-thread side of the DbRequest contract (context.ts): decodes the arguments, calls the
// `Store` (src/runtime/store/types.ts) and encodes the result as canonical EJSON. Use it as the
// `db` option of FunctionRuntime, or as the DbBackend of runInProcess.

import type { CollectionApi, Store } from "../store/types.js";
import type { DbBackend } from "./context.js";
import { decodeEJSON, encodeEJSON } from "./ejson-codec.js";

const COLLECTION_METHODS = new Set<keyof CollectionApi>([
  "find",
  "findOne",
  "insertOne",
  "insertMany",
  "updateOne",
  "updateMany",
  "deleteOne",
  "deleteMany",
  "findOneAndUpdate",
  "findOneAndReplace",
  "findOneAndDelete",
  "aggregate",
  "count",
  "countDocuments",
  "distinct",
  "bulkWrite",
]);

/**
 * A DbBackend over stores: `storeFor(serviceName)` gives the store behind a MongoDB service
 * (usually the same one for every name), or undefined when there is none.
 */
export function storeBackend(storeFor: (service: string) => Store | undefined): DbBackend {
  return async (req) => {
    const store = storeFor(req.service);
    if (!store) throw new Error(`no database behind service "${req.service}"`);
    const args = decodeEJSON(req.args);
    if (!Array.isArray(args)) throw new Error("database call arguments must be an array");
    let result: unknown;
    if (req.method === "listDatabases") result = await store.listDatabases();
    else if (req.method === "listCollections") result = await store.listCollections(req.db);
    else {
      if (req.collection === undefined) throw new Error(`${req.method}: no collection given`);
      if (!COLLECTION_METHODS.has(req.method as keyof CollectionApi)) throw new Error(`unsupported database method "${req.method}"`);
      const coll = store.collection(req.db, req.collection);
      const fn = coll[req.method as keyof CollectionApi] as (...a: unknown[]) => Promise<unknown>;
      result = await fn.apply(coll, args);
    }
    return encodeEJSON(result) ?? "null";
  };
}
