// Update operators on typed documents, with the server's semantics. mingo 7's updater mutates in
// place, compares with JS semantics (Int32(5) ≠ 5), silently ignores type errors and has no
// $setOnInsert and no upsert, so the embedded store implements updates itself and uses mingo only
// to match (positional `$`, `$pull` conditions) and to run pipeline-style updates.
//
// Supported: $set, $unset, $inc, $mul, $min, $max, $rename, $push ($each, $position, $slice, $sort),
// $addToSet ($each), $pull, $pullAll, $pop, $currentDate, $setOnInsert, $bit; dotted paths,
// numeric array indexes, the positional `$` (first element matched by the filter) and `$[]`.
// Fields are applied in lexicographic path order, as servers since 5.0 do, so new fields land in
// the same order. Not supported: `$[<identifier>]` (the Store contract has no arrayFilters).
//
// The parts: ./update-operators.ts (the operator document: checks, field operators),
// ./update-arrays.ts (array operators), ./update-paths.ts (where each write lands, positional
// segments), ./upsert.ts (the document an upsert inserts, replacements).

import { serialize } from "bson";
import type { Document } from "bson";
import { valuesEqual } from "./compare.js";
import { StoreError } from "./errors.js";
import { fromView, runPipeline, toView } from "./mingo.js";
import { applyOperators } from "./update-operators.js";
import { cloneValue, hasOwn, idFirst, isDocument, toStored } from "./values.js";

const PIPELINE_STAGES = new Set(["$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith"]);

export interface UpdateContext {
  /** The filter that selected the document (for the positional `$`). */
  filter: Document;
  /** True while building an upserted document ($setOnInsert applies). */
  isInsert: boolean;
  /** The time `$currentDate` and `$$NOW` use. */
  now: Date;
}

/** Throws unless `update` is a non-empty document of update operators or a pipeline (as the driver does). */
export function validateUpdate(update: unknown): asserts update is Document | Document[] {
  if (Array.isArray(update)) {
    if (update.length === 0) throw new StoreError("Update pipeline must not be empty", 2);
    return;
  }
  if (!isDocument(update)) throw new StoreError("Update document must be an object or a pipeline", 2);
  const keys = Object.keys(update);
  if (keys.length === 0 || !keys.every((k) => k.startsWith("$"))) throw new StoreError("Update document requires atomic operators", 2);
}

/** Throws unless `replacement` is a document without update operators. */
export function validateReplacement(replacement: unknown): asserts replacement is Document {
  if (!isDocument(replacement)) throw new StoreError("Replacement document must be an object", 2);
  if (Object.keys(replacement).some((k) => k.startsWith("$"))) throw new StoreError("Replacement document must not contain atomic operators", 2);
}

/** True when the two documents differ in their BSON bytes (what makes the server count a modification). */
export function documentsDiffer(a: Document, b: Document): boolean {
  return !Buffer.from(serialize(a)).equals(Buffer.from(serialize(b)));
}

/** Applies an update (operator document or pipeline) to a copy of `doc` and returns the copy. */
export function applyUpdate(doc: Document, update: Document | Document[], ctx: UpdateContext): Document {
  validateUpdate(update);
  if (Array.isArray(update)) return applyPipeline(doc, update, ctx);
  const out = cloneValue(doc);
  applyOperators(out, update, ctx);
  return out;
}

function applyPipeline(doc: Document, pipeline: Document[], ctx: UpdateContext): Document {
  for (const stage of pipeline) {
    const keys = isDocument(stage) ? Object.keys(stage) : [];
    if (keys.length !== 1 || !PIPELINE_STAGES.has(keys[0]!)) {
      throw new StoreError(`${keys[0] ?? "stage"} is not allowed to be used within an update`, 72);
    }
  }
  const out = runPipeline([toView(doc)], toView(pipeline) as Document[], { variables: { NOW: ctx.now } });
  const result = fromView(out[0] ?? {}, doc) as Document;
  if (hasOwn(doc, "_id")) {
    if (!hasOwn(result, "_id")) result._id = cloneValue(doc._id);
    else if (!valuesEqual(result._id, doc._id)) {
      throw new StoreError(`Performing an update on the path '_id' would modify the immutable field '_id'`, 66);
    }
  }
  return idFirst(toStored(result));
}
