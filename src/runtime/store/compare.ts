// The server's comparison order for BSON values (https://www.mongodb.com/docs/manual/reference/bson-type-comparison-order/):
// `compareValues` for sorts, `$min` / `$max` and `$push`'s `$sort`; equality as the server has it
// (numbers by value across types, documents field by field in order); and `equalityKey`, the same
// equality as a string, which keys the `_id` index and `distinct`.

import type { Binary, BSONRegExp, BSONSymbol, Code, DBRef, Document, ObjectId, Timestamp } from "bson";
import { binaryBytes, bsonTag } from "../bson-values.js";
import { compareNumbers, isNumeric, numberKey } from "./numbers.js";
import { isDocument } from "./values.js";

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
  if (bsonTag(v) === "Binary") return binaryBytes(v as Binary);
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
  if (isNumeric(v)) return numberKey(v);
  if (Array.isArray(v)) return `[${v.map(equalityKey).join(",")}]`;
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (v instanceof RegExp) return `r:${v.source}/${v.flags}`;
  if (isDocument(v))
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${equalityKey(v[k])}`)
      .join(",")}}`;
  switch (bsonTag(v)) {
    case "ObjectId":
      return `o:${(v as ObjectId).toHexString()}`;
    case "Binary": {
      const b = v as Binary;
      return `x:${b.sub_type}:${Buffer.from(binaryBytes(b)).toString("hex")}`;
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
