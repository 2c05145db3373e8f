// What a stored value is, and how the store copies one: the document test, deep copies that keep
// every value's type, the coercions the driver applies on the way to the server (`toStored`), and
// the promotion it applies to a command reply (`promoteValue`). The server's order and equality
// are in ./compare.ts, numbers in ./numbers.ts, dotted paths in ./paths.ts, sorting in ./sort.ts.
//
// Every function here works on the *typed* values the store keeps (bson classes), never on mingo's
// normalised views (see ./mingo.ts).

import { Binary, BSONRegExp, BSONSymbol, Code, DBRef, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from "bson";
import type { Document } from "bson";
import { binaryBytes, bsonTag } from "../bson-values.js";
import { StoreError } from "./errors.js";
import { INT32_MAX, INT32_MIN, toJsNumber } from "./numbers.js";

/** A document (sub-document): an object that is not an array, a bson value, a Date, a RegExp or bytes. */
export function isDocument(v: unknown): v is Document {
  return (
    v !== null &&
    typeof v === "object" &&
    !Array.isArray(v) &&
    bsonTag(v) === undefined &&
    !(v instanceof Date) &&
    !(v instanceof RegExp) &&
    !ArrayBuffer.isView(v) &&
    !(v instanceof ArrayBuffer)
  );
}

export const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);

function copyBinary(b: Binary): Binary {
  const bytes = Uint8Array.from(binaryBytes(b));
  // The driver and EJSON.parse read a 16-byte subtype-4 binary as a UUID; so does the store.
  if (b.sub_type === Binary.SUBTYPE_UUID && bytes.length === 16) return new UUID(bytes);
  return new Binary(bytes, b.sub_type);
}

/** A BSONRegExp as a JS RegExp (flags JS lacks, such as x and l, are dropped), or undefined if invalid. */
export function jsRegExp(r: BSONRegExp): RegExp | undefined {
  try {
    return new RegExp(r.pattern, [...new Set(r.options.split("").filter((f) => "imsu".includes(f)))].join(""));
  } catch {
    return undefined;
  }
}

/** Copies one bson class instance. */
function copyBson(v: object, tag: string, normalise: boolean): unknown {
  switch (tag) {
    case "ObjectId":
      return new ObjectId((v as ObjectId).toHexString());
    case "Int32":
      return new Int32((v as Int32).value);
    case "Double":
      return new Double((v as Double).value);
    case "Long": {
      const l = v as Long;
      // The server keeps signed 64-bit integers only.
      return new Long(l.low, l.high, normalise ? false : l.unsigned);
    }
    case "Decimal128":
      return new Decimal128(Uint8Array.from((v as Decimal128).bytes));
    case "Binary":
      return copyBinary(v as Binary);
    case "Timestamp": {
      const t = v as Timestamp;
      return new Timestamp({ t: t.t, i: t.i });
    }
    case "BSONRegExp": {
      const r = v as BSONRegExp;
      // The driver reads a BSON regular expression back as a RegExp (bsonRegExp: false).
      return (normalise && jsRegExp(r)) || new BSONRegExp(r.pattern, r.options);
    }
    case "BSONSymbol":
      return new BSONSymbol((v as BSONSymbol).value);
    case "Code": {
      const c = v as Code;
      return new Code(c.code, c.scope ? (copy(c.scope, normalise) as Document) : null);
    }
    case "DBRef": {
      const d = v as DBRef;
      return new DBRef(d.collection, copy(d.oid, normalise) as ObjectId, d.db, copy(d.fields, normalise) as Document);
    }
    case "MinKey":
      return new MinKey();
    case "MaxKey":
      return new MaxKey();
  }
  return v;
}

function copy(v: unknown, normalise: boolean, seen: Set<object> = new Set()): unknown {
  switch (typeof v) {
    case "number":
      if (!normalise) return v;
      return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX && !Object.is(v, -0) ? new Int32(v) : new Double(v);
    case "bigint":
      return normalise ? Long.fromBigInt(BigInt.asIntN(64, v)) : v;
    case "undefined":
      return normalise ? null : undefined;
    case "function":
    case "symbol":
      return undefined;
    case "string":
    case "boolean":
      return v;
  }
  if (v === null) return null;
  const o = v as object;
  const tag = bsonTag(o);
  if (tag !== undefined) return copyBson(o, tag, normalise);
  if (o instanceof Date) return new Date(o.getTime());
  if (o instanceof RegExp) return new RegExp(o.source, o.flags);
  if (ArrayBuffer.isView(o)) {
    const bytes = Uint8Array.from(new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
    return normalise ? new Binary(bytes, 0) : bytes;
  }
  if (o instanceof ArrayBuffer) return normalise ? new Binary(new Uint8Array(o.slice(0)), 0) : o.slice(0);
  if (seen.has(o)) throw new StoreError("cyclic document: a value refers to itself");
  seen.add(o);
  try {
    if (Array.isArray(o)) {
      const out: unknown[] = [];
      for (const item of o) {
        const c = copy(item, normalise, seen);
        if (c === undefined && normalise && (typeof item === "function" || typeof item === "symbol")) continue;
        out.push(c);
      }
      return out;
    }
    const out: Document = {};
    for (const k of Object.keys(o)) {
      const item = (o as Document)[k];
      const c = copy(item, normalise, seen);
      if (c === undefined && (normalise || typeof item === "function" || typeof item === "symbol")) continue;
      out[k] = c;
    }
    return out;
  } finally {
    seen.delete(o);
  }
}

/** A deep copy that keeps every value's type (bson classes, Date, RegExp …). */
export function cloneValue<T>(v: T): T {
  return copy(v, false) as T;
}

/**
 * A deep copy coerced the way the driver serialises a value for the server and reads it back with
 * `promoteValues: false`: JS numbers become Int32 (integers in int32 range) or Double, bigint becomes
 * Long, `undefined` becomes null, functions and symbols are dropped, bytes become Binary (subtype 0),
 * a 16-byte subtype-4 Binary becomes UUID, unsigned Long becomes signed.
 */
export function toStored<T>(v: T): T {
  return copy(v, true) as T;
}

/** A stored copy of a whole document with `_id` moved to the front, as the server stores it. */
export function storedDocument(doc: Document): Document {
  if (!isDocument(doc)) throw new StoreError("document must be an object", 2);
  const c = toStored(doc);
  return idFirst(c);
}

export function idFirst(doc: Document): Document {
  if (!hasOwn(doc, "_id") || Object.keys(doc)[0] === "_id") return doc;
  const out: Document = { _id: doc._id };
  for (const k of Object.keys(doc)) if (k !== "_id") out[k] = doc[k];
  return out;
}

/**
 * A value as the driver hands out what the server *replied* (default `promoteValues`): Int32 and
 * Double become JS numbers, Longs within ±2^53 too. Used for `upsertedId`, which the driver reads
 * from the command reply, unlike documents, which the stores read with `promoteValues: false`.
 */
export function promoteValue(v: unknown): unknown {
  switch (bsonTag(v)) {
    case "Int32":
    case "Double":
      return toJsNumber(v);
    case "Long": {
      const n = toJsNumber(v);
      return Number.isSafeInteger(n) ? n : cloneValue(v);
    }
  }
  if (Array.isArray(v)) return v.map(promoteValue);
  if (isDocument(v)) {
    const out: Document = {};
    for (const k of Object.keys(v)) out[k] = promoteValue(v[k]);
    return out;
  }
  return cloneValue(v);
}
