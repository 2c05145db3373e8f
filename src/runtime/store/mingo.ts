// The bridge between the store's typed documents and mingo.
//
// mingo compares with JS semantics: `Int32(5)` is not equal to `5`, `Long`s compare as decimal
// strings, and a Binary compares by its UTF-8 text. So mingo never sees stored values: it runs on
// *views*, fresh copies where
//   Int32 / Double            → JS number (exact)
//   Long                      → JS number (exact within ±2^53, rounded beyond)
//   Decimal128                → JS number (rounded to a double)
//   Binary                    → BinaryView (equality and order by length, subtype, bytes)
//   Timestamp                 → TimestampView (order by t, then i)
//   BSONRegExp                → RegExp (flags JS lacks are dropped)
//   ObjectId, Date, RegExp …  → kept (mingo compares ObjectIds by hex through toString)
// Filters and pipelines are converted the same way, so `{n: Int32(5)}` matches a stored `Long(5)`.
// Documents that come *out* of mingo (aggregation, pipeline updates, computed projections) are
// turned back with `fromView`, which restores the original typed value wherever a number is
// unchanged (same path in the source document, found by identity, by position for one-to-one
// stages, or by `_id`), and types other numbers as the driver would (Int32 when integral and in
// range, else Double).

import { evalExpr, Context, ProcessingMode } from "mingo/core";
import { Aggregator } from "mingo/aggregator";
import { Query } from "mingo/query";
import { resolve } from "mingo/util";
import * as accumulatorOps from "mingo/operators/accumulator";
import * as expressionOps from "mingo/operators/expression";
import * as pipelineOps from "mingo/operators/pipeline";
import * as projectionOps from "mingo/operators/projection";
import * as queryOps from "mingo/operators/query";
import * as windowOps from "mingo/operators/window";
import type { Options } from "mingo/types";
import { type Binary, type BSONRegExp, ObjectId, type Timestamp } from "bson";
import type { Document } from "bson";
import { $geoIntersects, $geoWithin, $maxDistance, $minDistance, $near, $nearSphere, prepareGeoFilter } from "./geo.js";
import { binaryBytes, bsonTag } from "../bson-values.js";
import { StoreError } from "./errors.js";
import { INT32_MAX, INT32_MIN, numKind, toJsNumber } from "./numbers.js";
import { cloneValue, isDocument, jsRegExp, toStored } from "./values.js";

/** Maps every array/object of a view to the typed node it was made from. */
const VIEW_ORIGIN = new WeakMap<object, unknown>();

const pad = (n: number, w: number): string => String(n).padStart(w, "0");

/** A Binary as mingo sees it: equal and ordered by (length, subtype, bytes), like the server. */
class BinaryView {
  readonly key: string;
  constructor(readonly original: Binary) {
    const bytes = binaryBytes(original);
    this.key = `${pad(bytes.length, 10)}:${pad(original.sub_type, 3)}:${Buffer.from(bytes).toString("hex")}`;
    Object.defineProperty(this, "original", { enumerable: false });
  }
  toString(): string {
    return this.key;
  }
}

/** A Timestamp as mingo sees it: ordered by (t, i). */
class TimestampView {
  readonly key: string;
  constructor(readonly original: Timestamp) {
    this.key = `${pad(original.t, 10)}:${pad(original.i, 10)}`;
    Object.defineProperty(this, "original", { enumerable: false });
  }
  toString(): string {
    return this.key;
  }
}

/** The mingo view of a typed value (see the header). */
export function toView(v: unknown): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) {
    const out = v.map(toView);
    VIEW_ORIGIN.set(out, v);
    return out;
  }
  switch (bsonTag(v)) {
    case undefined:
      break;
    case "Int32":
    case "Double":
    case "Long":
    case "Decimal128":
      return toJsNumber(v);
    case "Binary":
      return new BinaryView(v as Binary);
    case "Timestamp":
      return new TimestampView(v as Timestamp);
    case "BSONRegExp":
      // Regular expressions arrive as BSONRegExp from canonical EJSON; mingo knows RegExp only.
      return jsRegExp(v as BSONRegExp) ?? v;
    default:
      return v;
  }
  if (!isDocument(v)) return v;
  const out: Document = {};
  for (const k of Object.keys(v)) out[k] = toView(v[k]);
  VIEW_ORIGIN.set(out, v);
  return out;
}

/** A key for `_id` values of views, to find the source document of an output by its `_id`. */
export function viewIdKey(v: unknown): string | undefined {
  switch (typeof v) {
    case "number":
      return `n:${v}`;
    case "string":
      return `s:${v}`;
    case "boolean":
      return `b:${v}`;
  }
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (bsonTag(v) === "ObjectId") return `o:${(v as ObjectId).toHexString()}`;
  if (v instanceof BinaryView) return `x:${v.key}`;
  return undefined;
}

function sameNumber(view: number, typed: unknown): boolean {
  const n = toJsNumber(typed);
  return n === view || (Number.isNaN(n) && Number.isNaN(view));
}

/** Converts a mingo result back to typed values (see the header). `hint` is the typed node it came from, if known. */
export function fromView(v: unknown, hint?: unknown, byId?: Map<string, Document>): unknown {
  if (v === undefined) return undefined;
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (hint !== undefined && numKind(hint) !== undefined && sameNumber(v, hint)) return cloneValue(hint);
    // An element of an array that was unwound or sliced: find it among the source's elements.
    if (Array.isArray(hint)) {
      const match = hint.find((x) => numKind(x) !== undefined && sameNumber(v, x));
      if (match !== undefined) return cloneValue(match);
    }
    return toStored(v);
  }
  if (typeof v === "bigint") return toStored(v);
  if (typeof v !== "object") return undefined;
  if (v instanceof BinaryView || v instanceof TimestampView) return cloneValue(v.original);
  if (Array.isArray(v)) {
    const origin = VIEW_ORIGIN.get(v);
    const h = Array.isArray(origin) ? origin : Array.isArray(hint) ? hint : undefined;
    return v.map((item, i) => {
      let eh = h?.[i];
      if (typeof item === "number" && h && !(eh !== undefined && numKind(eh) && sameNumber(item, eh))) {
        eh = h.find((x) => numKind(x) !== undefined && sameNumber(item, x));
      }
      const c = fromView(item, eh, byId);
      return c === undefined ? null : c;
    });
  }
  if (!isDocument(v)) return cloneValue(v);
  const origin = VIEW_ORIGIN.get(v);
  let h: Document | undefined = isDocument(origin) ? origin : isDocument(hint) ? hint : undefined;
  if (!h && byId && "_id" in v) {
    const key = viewIdKey(v._id);
    if (key !== undefined) h = byId.get(key);
  }
  const out: Document = {};
  // Fields the source document had keep its order (mingo's $project puts `_id` last and reorders);
  // new fields follow in mingo's order, as the server appends computed fields.
  let keys = Object.keys(v);
  if (h) {
    const hk = Object.keys(h).filter((k) => Object.hasOwn(v, k));
    const known = new Set(hk);
    keys = [...hk, ...keys.filter((k) => !known.has(k))];
  } else if (keys.includes("_id")) {
    keys = ["_id", ...keys.filter((k) => k !== "_id")];
  }
  for (const k of keys) {
    const c = fromView(v[k], h?.[k], byId);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Operators added to or replacing mingo's

const OID_HEX = /^[0-9a-fA-F]{24}$/;

function toObjectIdValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (bsonTag(v) === "ObjectId") return v;
  if (typeof v === "string") {
    if (OID_HEX.test(v)) return new ObjectId(v);
    throw new StoreError(
      `Failed to parse objectId '${v}' in $convert with no onError value: Invalid string length for parsing to OID, expected 24 but found ${v.length}`,
      241,
    );
  }
  throw new StoreError(`Unsupported conversion to objectId in $convert with no onError value`, 241);
}

type ExprOp = (obj: unknown, expr: unknown, options: Options) => unknown;

/** `{$toObjectId: <expression>}` (not in mingo 7). */
const $toObjectId: ExprOp = (obj, expr, options) => toObjectIdValue(evalExpr(obj, expr, options));

const mingoToString = expressionOps.$toString as unknown as ExprOp;
/** `$toString` that also converts ObjectIds (hex), as the server does. */
const $toString: ExprOp = (obj, expr, options) => {
  const v = evalExpr(obj, expr, options);
  if (bsonTag(v) === "ObjectId") return (v as ObjectId).toHexString();
  return mingoToString(obj, { $literal: v }, options);
};

const mingoConvert = expressionOps.$convert as unknown as ExprOp;
/** `$convert` with `to: "objectId"` and ObjectId → string support. */
const $convert: ExprOp = (obj, expr, options) => {
  if (isDocument(expr)) {
    const to = evalExpr(obj, expr.to, options);
    const input = evalExpr(obj, expr.input, options);
    if (input === null || input === undefined) return expr.onNull === undefined ? null : evalExpr(obj, expr.onNull, options);
    const wantsOid = to === "objectId" || to === 7;
    const wantsString = (to === "string" || to === 2) && bsonTag(input) === "ObjectId";
    if (wantsOid || wantsString) {
      try {
        return wantsOid ? toObjectIdValue(input) : (input as ObjectId).toHexString();
      } catch (e) {
        if (expr.onError === undefined) throw e;
        return evalExpr(obj, expr.onError, options);
      }
    }
  }
  return mingoConvert(obj, expr, options);
};

/** The server's name of a value's BSON type ("int", "objectId" …); views and typed values alike. */
export function typeName(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "string":
      return "string";
    case "number":
      return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX ? "int" : Number.isInteger(v) && Number.isSafeInteger(v) ? "long" : "double";
    case "bigint":
      return "long";
  }
  if (Array.isArray(v)) return "array";
  if (v instanceof Date) return "date";
  if (v instanceof RegExp) return "regex";
  if (v instanceof BinaryView) return "binData";
  if (v instanceof TimestampView) return "timestamp";
  switch (bsonTag(v)) {
    case "ObjectId":
      return "objectId";
    case "Int32":
      return "int";
    case "Long":
      return "long";
    case "Double":
      return "double";
    case "Decimal128":
      return "decimal";
    case "Binary":
      return "binData";
    case "Timestamp":
      return "timestamp";
    case "BSONRegExp":
      return "regex";
    case "MinKey":
      return "minKey";
    case "MaxKey":
      return "maxKey";
    case "Code":
      return "javascript";
    case "BSONSymbol":
      return "symbol";
    case "DBRef":
      return "object";
  }
  return "object";
}

/** `{$type: <expression>}` naming BSON types as the server does ("objectId", "binData" …). */
const $typeExpr: ExprOp = (obj, expr, options) => typeName(evalExpr(obj, expr, options));

const TYPE_ALIASES: Record<string, string> = {
  1: "double",
  2: "string",
  3: "object",
  4: "array",
  5: "binData",
  7: "objectId",
  8: "bool",
  9: "date",
  10: "null",
  11: "regex",
  13: "javascript",
  16: "int",
  17: "timestamp",
  18: "long",
  19: "decimal",
  "-1": "minKey",
  127: "maxKey",
  boolean: "bool",
  regexp: "regex",
};

function typeMatches(v: unknown, wanted: string): boolean {
  const name = typeName(v);
  if (wanted === "number") return name === "int" || name === "long" || name === "double" || name === "decimal";
  return name === wanted;
}

/**
 * `{field: {$type: ...}}` with BSON type names and codes. The field is read from the typed
 * document the view was made from, so "int", "long", "double" and "decimal" stay distinct.
 */
function $typeQuery(selector: string, value: unknown, _options: Options): (obj: unknown) => boolean {
  const wanted = (Array.isArray(value) ? value : [value]).map((t) => {
    const key = String(t);
    return TYPE_ALIASES[key] ?? key;
  });
  return (obj: unknown) => {
    const origin = typeof obj === "object" && obj !== null ? VIEW_ORIGIN.get(obj) : undefined;
    const source = origin ?? obj;
    const v = resolve(source as Document, selector);
    const candidates: unknown[] = [v];
    if (Array.isArray(v)) candidates.push(...v);
    return candidates.some((c) => c !== undefined && wanted.some((w) => (w === "array" ? Array.isArray(c) && c === v : typeMatches(c, w))));
  };
}

/**
 * Geospatial query operators (https://www.mongodb.com/docs/manual/reference/operator/query-geospatial/),
 * which mingo lacks, come from ./geo.ts. The `$geoNear` aggregation stage is not implemented: a
 * pipeline that uses it fails with an error that names it (the function runtime adds the line of
 * the call) instead of mingo's bare "unknown operator". A real MongoDB (`--mongodb-uri`) runs it.
 */
const geoQueryOps = { $geoWithin, $geoIntersects, $near, $nearSphere, $maxDistance, $minDistance };

const geoPipelineOps = {
  $geoNear: () => {
    throw new StoreError(
      "unsupported aggregation stage $geoNear: the embedded database does not implement it; use find() with $near or $nearSphere, or run the shim with --mongodb-uri",
      2,
    );
  },
};

const CONTEXT = Context.init({
  accumulator: accumulatorOps as never,
  expression: { ...expressionOps, $toObjectId, $toString, $convert, $type: $typeExpr } as never,
  pipeline: { ...pipelineOps, ...geoPipelineOps } as never,
  projection: projectionOps as never,
  query: { ...queryOps, ...geoQueryOps, $type: $typeQuery } as never,
  window: windowOps as never,
});

function mingoOptions(extra: Partial<Options> = {}): Partial<Options> {
  return { context: CONTEXT, processingMode: ProcessingMode.CLONE_OFF, useStrictMode: true, ...extra };
}

/**
 * A predicate for a typed filter, to run on views. With a `$near` / `$nearSphere` it carries
 * `nearDistance`, by which the matches are ordered (./geo.ts).
 */
export function compileFilter(filter: Document | undefined): ((view: unknown) => boolean) & { nearDistance?: (view: unknown) => number } {
  if (filter === undefined || filter === null) return () => true;
  if (!isDocument(filter)) throw new StoreError("filter must be a document", 2);
  if (Object.keys(filter).length === 0) return () => true;
  const geo = prepareGeoFilter(toView(filter) as Document);
  const q = new Query(geo.filter as Document, mingoOptions());
  const pred = (view: unknown) => q.test(view as Document);
  return geo.nearDistance ? Object.assign(pred, { nearDistance: geo.nearDistance }) : pred;
}

/** Runs a pipeline (already converted to views) on view documents. */
export function runPipeline(views: unknown[], pipelineView: Document[], extra: Partial<Options> = {}): unknown[] {
  return new Aggregator(pipelineView, mingoOptions(extra)).run(views as Document[]);
}
