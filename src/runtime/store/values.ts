// BSON value helpers shared by the embedded store: copying, the server's storage coercions, the
// server's sort order and equality (numbers compare by value across Int32/Long/Double/Decimal128),
// exact numeric arithmetic for update operators, and dotted-path access.
//
// Every function here works on the *typed* values the store keeps (bson classes), never on mingo's
// normalised views (see ./mingo.ts).

import { Binary, BSONRegExp, BSONSymbol, Code, DBRef, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from "bson";
import type { Document } from "bson";

/** An error the store raises where the server would answer with an error; `code` as the server's. */
export class StoreError extends Error {
  readonly code: number | undefined;
  constructor(message: string, code?: number) {
    super(message);
    this.name = "StoreError";
    this.code = code;
  }
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** The bson class tag (`"ObjectId"`, `"Int32"` …) of a value, or undefined for anything else. */
export function bsonTag(v: unknown): string | undefined {
  if (v !== null && typeof v === "object") {
    const t = (v as { _bsontype?: unknown })._bsontype;
    if (typeof t === "string") return t;
  }
  return undefined;
}

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

export const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function copyBinary(b: Binary): Binary {
  const bytes = Uint8Array.from(b.buffer.subarray(0, b.position));
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

// ---------------------------------------------------------------------------------------------
// Numbers

export type NumKind = "int" | "long" | "double" | "decimal";
const KIND_RANK: Record<NumKind, number> = { int: 0, long: 1, double: 2, decimal: 3 };

export function numKind(v: unknown): NumKind | undefined {
  if (typeof v === "number") {
    return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX && !Object.is(v, -0) ? "int" : "double";
  }
  if (typeof v === "bigint") return "long";
  switch (bsonTag(v)) {
    case "Int32":
      return "int";
    case "Long":
      return "long";
    case "Double":
      return "double";
    case "Decimal128":
      return "decimal";
  }
  return undefined;
}

export const isNumeric = (v: unknown): boolean => numKind(v) !== undefined;

/** The JS number closest to a numeric value (exact for Int32, Double and Longs within 2^53). */
export function toJsNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  switch (bsonTag(v)) {
    case "Int32":
      return (v as Int32).value;
    case "Double":
      return (v as Double).value;
    case "Long":
      return (v as Long).toNumber();
    case "Decimal128":
      return Number((v as Decimal128).toString());
  }
  return Number.NaN;
}

/** A numeric value as an exact decimal: value = c × 10^e, or a special. */
interface Dec {
  s: "nan" | "inf" | "-inf" | "fin";
  c: bigint;
  e: number;
}

function parseDec(text: string): Dec {
  const t = text.trim();
  if (/^[+-]?nan$/i.test(t)) return { s: "nan", c: 0n, e: 0 };
  if (/^\+?inf(inity)?$/i.test(t)) return { s: "inf", c: 0n, e: 0 };
  if (/^-inf(inity)?$/i.test(t)) return { s: "-inf", c: 0n, e: 0 };
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m) return { s: "nan", c: 0n, e: 0 };
  const frac = m[3] ?? "";
  const digits = (m[2] ?? "") + frac;
  const c = BigInt(digits === "" ? "0" : digits) * (m[1] === "-" ? -1n : 1n);
  return { s: "fin", c, e: Number(m[4] ?? "0") - frac.length };
}

function toDec(v: unknown): Dec {
  if (typeof v === "bigint") return { s: "fin", c: v, e: 0 };
  switch (bsonTag(v)) {
    case "Int32":
      return { s: "fin", c: BigInt((v as Int32).value), e: 0 };
    case "Long":
      return { s: "fin", c: (v as Long).toBigInt(), e: 0 };
    case "Decimal128":
      return parseDec((v as Decimal128).toString());
  }
  const n = toJsNumber(v);
  if (Number.isNaN(n)) return { s: "nan", c: 0n, e: 0 };
  if (n === Infinity) return { s: "inf", c: 0n, e: 0 };
  if (n === -Infinity) return { s: "-inf", c: 0n, e: 0 };
  return parseDec(String(n));
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  if (a.e === b.e) return [a.c, b.c, a.e];
  if (a.e > b.e) return [a.c * pow10(a.e - b.e), b.c, b.e];
  return [a.c, b.c * pow10(b.e - a.e), a.e];
}

const SPECIAL_ORDER = { nan: 0, "-inf": 1, fin: 2, inf: 3 } as const;

function compareDec(a: Dec, b: Dec): number {
  if (a.s !== "fin" || b.s !== "fin") return Math.sign(SPECIAL_ORDER[a.s] - SPECIAL_ORDER[b.s]);
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Numeric comparison across numeric types; NaN equals NaN and sorts below every other number (as on the server). */
export function compareNumbers(a: unknown, b: unknown): number {
  const ka = numKind(a);
  const kb = numKind(b);
  if ((ka === "int" || ka === "double") && (kb === "int" || kb === "double")) {
    const x = toJsNumber(a);
    const y = toJsNumber(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return compareDec(toDec(a), toDec(b));
}

function decToString(d: Dec): string {
  if (d.s === "nan") return "NaN";
  if (d.s === "inf") return "Infinity";
  if (d.s === "-inf") return "-Infinity";
  return `${d.c}E${d.e}`;
}

function toDecimal128(d: Dec): Decimal128 {
  return Decimal128.fromStringWithRounding(decToString(d));
}

function fromBigIntResult(r: bigint, kind: "int" | "long"): unknown {
  if (kind === "int" && r >= BigInt(INT32_MIN) && r <= BigInt(INT32_MAX)) return new Int32(Number(r));
  if (r >= INT64_MIN && r <= INT64_MAX) return Long.fromBigInt(r);
  return new Double(Number(r));
}

/**
 * `a + b` or `a × b` with the server's result type: the wider of the two operands
 * (int < long < double < decimal); int32 overflow widens to long. Decimal arithmetic is exact
 * up to Decimal128's 34 digits (then rounded).
 */
export function arith(op: "add" | "mul", a: unknown, b: unknown): unknown {
  const ka = numKind(a)!;
  const kb = numKind(b)!;
  const kind = KIND_RANK[ka] >= KIND_RANK[kb] ? ka : kb;
  switch (kind) {
    case "int":
    case "long": {
      const x = toDec(a).c;
      const y = toDec(b).c;
      return fromBigIntResult(op === "add" ? x + y : x * y, kind);
    }
    case "double": {
      const x = toJsNumber(a);
      const y = toJsNumber(b);
      return new Double(op === "add" ? x + y : x * y);
    }
    case "decimal": {
      const x = toDec(a);
      const y = toDec(b);
      if (x.s !== "fin" || y.s !== "fin") {
        const r = op === "add" ? toJsNumber(a) + toJsNumber(b) : toJsNumber(a) * toJsNumber(b);
        return Decimal128.fromString(Number.isNaN(r) ? "NaN" : r > 0 ? "Infinity" : "-Infinity");
      }
      if (op === "mul") return toDecimal128({ s: "fin", c: x.c * y.c, e: x.e + y.e });
      const [p, q, e] = align(x, y);
      return toDecimal128({ s: "fin", c: p + q, e });
    }
  }
}

/** Zero of the same numeric type as `v` (what `$mul` writes into a missing field). */
export function zeroLike(v: unknown): unknown {
  switch (numKind(v)) {
    case "long":
      return Long.fromNumber(0);
    case "double":
      return new Double(0);
    case "decimal":
      return Decimal128.fromString("0");
    default:
      return new Int32(0);
  }
}

// ---------------------------------------------------------------------------------------------
// Sort order and equality (the server's comparison order for BSON types)

function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  switch (typeof v) {
    case "number":
    case "bigint":
      return 3;
    case "string":
      return 4;
    case "boolean":
      return 9;
  }
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  if (ArrayBuffer.isView(v)) return 7;
  switch (bsonTag(v)) {
    case undefined:
      return 5;
    case "MinKey":
      return 1;
    case "Int32":
    case "Long":
    case "Double":
    case "Decimal128":
      return 3;
    case "BSONSymbol":
      return 4;
    case "DBRef":
      return 5;
    case "Binary":
      return 7;
    case "ObjectId":
      return 8;
    case "Timestamp":
      return 11;
    case "BSONRegExp":
      return 12;
    case "Code":
      return 13;
    case "MaxKey":
      return 15;
  }
  return 14;
}

function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  // The server compares UTF-8 bytes, which is code-point order.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);

function bytesOf(v: unknown): Uint8Array {
  if (bsonTag(v) === "Binary") {
    const b = v as Binary;
    return b.buffer.subarray(0, b.position);
  }
  const view = v as ArrayBufferView;
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** The server's order of two values (-1, 0, 1). `undefined` (missing) compares as null. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1:
    case 2:
    case 15:
      return 0;
    case 3:
      return compareNumbers(a, b);
    case 4: {
      const x = typeof a === "string" ? a : (a as BSONSymbol).value;
      const y = typeof b === "string" ? b : (b as BSONSymbol).value;
      return compareStrings(x, y);
    }
    case 5: {
      const x = bsonTag(a) === "DBRef" ? (a as DBRef).toJSON() : (a as Document);
      const y = bsonTag(b) === "DBRef" ? (b as DBRef).toJSON() : (b as Document);
      const kx = Object.keys(x);
      const ky = Object.keys(y);
      for (let i = 0; i < kx.length && i < ky.length; i++) {
        const vx = (x as Document)[kx[i]!];
        const vy = (y as Document)[ky[i]!];
        const tr = typeRank(vx) - typeRank(vy);
        if (tr !== 0) return sign(tr);
        const kc = compareStrings(kx[i]!, ky[i]!);
        if (kc !== 0) return kc;
        const vc = compareValues(vx, vy);
        if (vc !== 0) return vc;
      }
      return sign(kx.length - ky.length);
    }
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < x.length && i < y.length; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return sign(x.length - y.length);
    }
    case 7: {
      const x = bytesOf(a);
      const y = bytesOf(b);
      if (x.length !== y.length) return sign(x.length - y.length);
      const sx = bsonTag(a) === "Binary" ? (a as Binary).sub_type : 0;
      const sy = bsonTag(b) === "Binary" ? (b as Binary).sub_type : 0;
      if (sx !== sy) return sign(sx - sy);
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return sign(x[i]! - y[i]!);
      return 0;
    }
    case 8:
      return compareStrings((a as ObjectId).toHexString(), (b as ObjectId).toHexString());
    case 9:
      return sign(Number(a) - Number(b));
    case 10: {
      const x = (a as Date).getTime();
      const y = (b as Date).getTime();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 11: {
      const x = a as Timestamp;
      const y = b as Timestamp;
      return x.t !== y.t ? sign(x.t - y.t) : sign(x.i - y.i);
    }
    case 12: {
      const [px, fx] = a instanceof RegExp ? [a.source, a.flags] : [(a as BSONRegExp).pattern, (a as BSONRegExp).options];
      const [py, fy] = b instanceof RegExp ? [b.source, b.flags] : [(b as BSONRegExp).pattern, (b as BSONRegExp).options];
      return compareStrings(px, py) || compareStrings(fx, fy);
    }
    case 13:
      return compareStrings((a as Code).code, (b as Code).code);
  }
  return compareStrings(String(a), String(b));
}

/** The server's equality: numbers by value across types, documents field by field in order. */
export const valuesEqual = (a: unknown, b: unknown): boolean => compareValues(a, b) === 0;

// ---------------------------------------------------------------------------------------------
// Dotted paths

export const isIndex = (seg: string): boolean => /^(0|[1-9]\d*)$/.test(seg);

/**
 * Every value a dotted path reaches, the way the server reads a path for sort keys and distinct:
 * through documents, into array elements that are documents, and by index for numeric segments.
 */
export function pathValues(node: unknown, segs: readonly string[], i = 0): unknown[] {
  if (i === segs.length) return [node];
  const seg = segs[i]!;
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    if (isIndex(seg) && Number(seg) < node.length) out.push(...pathValues(node[Number(seg)], segs, i + 1));
    for (const el of node) if (isDocument(el)) out.push(...pathValues(el, segs, i));
    return out;
  }
  if (isDocument(node) && hasOwn(node, seg)) return pathValues(node[seg], segs, i + 1);
  return [];
}

/** The value at a path through documents only (no array traversal); undefined when missing. */
export function getPlain(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const seg of path.split(".")) {
    if (Array.isArray(node) && isIndex(seg)) node = node[Number(seg)];
    else if (isDocument(node) && hasOwn(node, seg)) node = node[seg];
    else return undefined;
  }
  return node;
}

/** The sort key of a document for one path: the lowest (ascending) or highest (descending) value. */
export function sortKey(doc: Document, path: string, dir: 1 | -1): unknown {
  const vals: unknown[] = [];
  for (const v of pathValues(doc, path.split("."))) {
    if (Array.isArray(v)) vals.push(...(v.length ? v : [undefined]));
    else vals.push(v);
  }
  if (vals.length === 0) return null;
  let best = vals[0];
  for (const v of vals.slice(1)) {
    const c = compareValues(v, best);
    if ((dir === 1 && c < 0) || (dir === -1 && c > 0)) best = v;
  }
  return best ?? null;
}

/** A sort specification as ordered `[path, 1 | -1]` pairs (numbers may arrive as Int32/Double). */
export function parseSort(sort: Document | undefined): Array<[string, 1 | -1]> {
  if (sort === undefined || sort === null) return [];
  if (!isDocument(sort)) throw new StoreError("sort must be a document", 2);
  return Object.keys(sort).map((k) => {
    const v = sort[k];
    const n = isNumeric(v) ? toJsNumber(v) : v;
    if (n === 1 || n === -1) return [k, n];
    if (isDocument(v) && hasOwn(v, "$meta")) throw new StoreError("$meta sort is not supported by the embedded store", 2);
    throw new StoreError(`Invalid sort value for '${k}': must be 1 or -1`, 15974);
  });
}

export function compareBySort(spec: Array<[string, 1 | -1]>): (a: Document, b: Document) => number {
  return (a, b) => {
    for (const [path, dir] of spec) {
      const c = compareValues(sortKey(a, path, dir), sortKey(b, path, dir));
      if (c !== 0) return c * dir;
    }
    return 0;
  };
}

/** A non-negative integer option (skip, limit) that may arrive as Int32/Long/Double. */
export function intOption(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = isNumeric(v) ? toJsNumber(v) : Number.NaN;
  if (!Number.isInteger(n)) throw new StoreError(`${name} must be an integer`, 2);
  return n;
}

/**
 * A string that is the same for two values exactly when the server's equality holds for them
 * (numbers by value across types): the key of the `_id` index and of `distinct`.
 */
export function equalityKey(v: unknown): string {
  if (v === undefined || v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "true" : "false";
  }
  if (isNumeric(v)) {
    const d = toDec(v);
    if (d.s !== "fin") return `n:${d.s}`;
    let { c, e } = d;
    if (c === 0n) return "n:0";
    while (c % 10n === 0n) {
      c /= 10n;
      e++;
    }
    return `n:${c}e${e}`;
  }
  if (Array.isArray(v)) return `[${v.map(equalityKey).join(",")}]`;
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (v instanceof RegExp) return `r:${v.source}/${v.flags}`;
  if (isDocument(v)) return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${equalityKey(v[k])}`).join(",")}}`;
  switch (bsonTag(v)) {
    case "ObjectId":
      return `o:${(v as ObjectId).toHexString()}`;
    case "Binary": {
      const b = v as Binary;
      return `x:${b.sub_type}:${Buffer.from(b.buffer.subarray(0, b.position)).toString("hex")}`;
    }
    case "Timestamp":
      return `t:${(v as Timestamp).t}:${(v as Timestamp).i}`;
    case "BSONSymbol":
      return JSON.stringify((v as BSONSymbol).value);
    case "BSONRegExp":
      return `r:${(v as BSONRegExp).pattern}/${(v as BSONRegExp).options}`;
    case "MinKey":
      return "minKey";
    case "MaxKey":
      return "maxKey";
  }
  return `?:${String(v)}`;
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
