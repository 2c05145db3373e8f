// Comparison inside expressions: equality across BSON numeric types (Int32 5 equals 5), ObjectId
// by hex, Dates by time, Binary and UUID by bytes, documents key by key; equality as a match
// (`null` also matches missing, an array matches when any element does); and an order within one
// type. Extended JSON wrappers written in the expression are read as their BSON value first.

import { EJSON, type ObjectId } from "bson";
import { bsonTag } from "../bson-values.js";
import { hasOwn, isDate, isDocument, isEjsonWrapper } from "./syntax.js";

type Numeric = number | bigint;

function toNumeric(v: unknown): Numeric | undefined {
  if (typeof v === "number" || typeof v === "bigint") return v;
  switch (bsonTag(v)) {
    case "Int32":
    case "Double":
      return (v as { value: number }).value;
    case "Long":
      return (v as { toBigInt(): bigint }).toBigInt();
    case "Decimal128":
      return Number(String(v));
    default:
      return undefined;
  }
}

function compareNumeric(a: Numeric, b: Numeric): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN;
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  const n = typeof a === "number" ? a : (b as number);
  if (!Number.isInteger(n)) return compareNumeric(Number(a), Number(b));
  return compareNumeric(BigInt(a), BigInt(b));
}

/** EJSON wrappers (`{"$oid": "…"}`) become their BSON value; anything else is returned as is. */
export function normalize(v: unknown): unknown {
  if (!isEjsonWrapper(v)) return v;
  try {
    return EJSON.deserialize(v, { relaxed: true });
  } catch {
    return v;
  }
}

function binaryHex(v: unknown): string {
  return (v as { toString(encoding: "hex"): string }).toString("hex");
}

/** Deep equality: numbers across BSON numeric types, ObjectId by hex, Dates by time, Binary/UUID by bytes. */
function valuesEqual(x: unknown, y: unknown): boolean {
  const a = normalize(x);
  const b = normalize(y);
  if (a === b) return true;
  const na = toNumeric(a);
  const nb = toNumeric(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && compareNumeric(na, nb) === 0;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (isDate(a) || isDate(b)) return isDate(a) && isDate(b) && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((e, i) => valuesEqual(e, b[i]));
  }
  const ta = bsonTag(a);
  const tb = bsonTag(b);
  if (ta !== undefined || tb !== undefined) {
    if (ta !== tb) return false;
    if (ta === "ObjectId") return (a as ObjectId).toHexString() === (b as ObjectId).toHexString();
    if (ta === "Binary") {
      return (a as { sub_type: number }).sub_type === (b as { sub_type: number }).sub_type && binaryHex(a) === binaryHex(b);
    }
    return EJSON.stringify(a as never, { relaxed: false }) === EJSON.stringify(b as never, { relaxed: false });
  }
  if (a instanceof RegExp || b instanceof RegExp) return String(a) === String(b);
  if (!isDocument(a) || !isDocument(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => hasOwn(b, k) && valuesEqual(a[k], b[k]));
}

/**
 * Equality as a match: `null` also matches a missing value, and an array value matches when it equals
 * the expected value or ANY element does (INFERRED for headers, docs/parity.md; MongoDB semantics otherwise).
 * A missing expected value (an expansion of something that does not exist) matches nothing.
 */
export function matchesEq(actual: unknown, expected: unknown): boolean {
  if (expected === undefined) return false;
  const exp = normalize(expected);
  if (exp === null) return actual === undefined || actual === null || (Array.isArray(actual) && actual.some((e) => e === null || e === undefined));
  if (valuesEqual(actual, exp)) return true;
  return Array.isArray(actual) && actual.some((e) => valuesEqual(e, exp));
}

/** Ordering within one type (numbers, strings, dates, ObjectIds, booleans); undefined across types. */
function compareValues(x: unknown, y: unknown): number | undefined {
  const a = normalize(x);
  const b = normalize(y);
  const na = toNumeric(a);
  const nb = toNumeric(b);
  if (na !== undefined && nb !== undefined) {
    const c = compareNumeric(na, nb);
    return Number.isNaN(c) ? undefined : c;
  }
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (isDate(a) && isDate(b)) return Math.sign(a.getTime() - b.getTime());
  if (bsonTag(a) === "ObjectId" && bsonTag(b) === "ObjectId") {
    const ha = (a as ObjectId).toHexString();
    const hb = (b as ObjectId).toHexString();
    return ha < hb ? -1 : ha > hb ? 1 : 0;
  }
  return undefined;
}

export function matchesOrder(actual: unknown, expected: unknown, ok: (c: number) => boolean): boolean {
  if (expected === undefined) return false;
  const one = (v: unknown): boolean => {
    const c = compareValues(v, expected);
    return c !== undefined && ok(c);
  };
  return one(actual) || (Array.isArray(actual) && actual.some(one));
}
