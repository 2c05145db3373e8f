// Upserts and replacements: the document an update with `upsert` inserts when nothing matched
// (the filter's equality conditions, then the update applied as an insert), and a replacement
// document checked and given the `_id` it must keep.

import { ObjectId } from "bson";
import type { Document } from "bson";
import { bsonTag } from "../bson-values.js";
import { valuesEqual } from "./compare.js";
import { StoreError, preview } from "./errors.js";
import { applyUpdate, type UpdateContext, validateReplacement, validateUpdate } from "./update.js";
import { cloneValue, hasOwn, idFirst, isDocument, toStored } from "./values.js";

function setPath(doc: Document, path: string, value: unknown): void {
  const segs = path.split(".");
  let node: Document = doc;
  segs.forEach((s, i) => {
    if (i === segs.length - 1) {
      if (hasOwn(node, s)) throw new StoreError(`cannot infer query fields to set, path '${path}' is matched twice`, 54);
      node[s] = value;
      return;
    }
    if (!hasOwn(node, s)) node[s] = {};
    const next = node[s];
    if (!isDocument(next)) throw new StoreError(`cannot infer query fields to set, path '${path}' is matched twice`, 54);
    node = next;
  });
}

function addEqualities(doc: Document, filter: Document): void {
  for (const k of Object.keys(filter)) {
    const v = filter[k];
    if (k === "$and" && Array.isArray(v)) {
      for (const clause of v) if (isDocument(clause)) addEqualities(doc, clause);
      continue;
    }
    if (k.startsWith("$")) continue;
    if (isDocument(v)) {
      const ks = Object.keys(v);
      if (ks.length > 0 && ks[0]!.startsWith("$")) {
        if (hasOwn(v, "$eq")) setPath(doc, k, toStored(v.$eq));
        continue;
      }
    }
    if (v instanceof RegExp || bsonTag(v) === "BSONRegExp") continue;
    setPath(doc, k, toStored(v));
  }
}

/** The document the server starts an upsert from: the filter's equality conditions. */
function upsertSeed(filter: Document): Document {
  const doc: Document = {};
  addEqualities(doc, filter);
  return doc;
}

/** The document an update with `upsert` inserts when nothing matched. */
export function buildUpsert(filter: Document, update: Document | Document[], now: Date): Document {
  validateUpdate(update);
  const ctx: UpdateContext = { filter, isInsert: true, now };
  const seed = upsertSeed(filter);
  const doc = applyUpdate(seed, update, ctx);
  if (!hasOwn(doc, "_id")) doc._id = new ObjectId();
  return idFirst(doc);
}

/** The document a replacement with `upsert` inserts: the replacement, `_id` from the filter if it fixes one. */
export function buildReplacementUpsert(filter: Document, replacement: Document): Document {
  validateReplacement(replacement);
  const doc = toStored(replacement);
  if (!hasOwn(doc, "_id")) {
    const seed = upsertSeed(filter);
    doc._id = hasOwn(seed, "_id") ? seed._id : new ObjectId();
  }
  return idFirst(doc);
}

/** `existing` replaced by `replacement`, keeping `existing._id`. */
export function replaceDocument(existing: Document, replacement: Document): Document {
  validateReplacement(replacement);
  const doc = toStored(replacement);
  if (hasOwn(doc, "_id") && !valuesEqual(doc._id, existing._id)) {
    throw new StoreError(`After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${preview(doc._id)}`, 66);
  }
  if (hasOwn(existing, "_id")) doc._id = cloneValue(existing._id);
  return idFirst(doc);
}
