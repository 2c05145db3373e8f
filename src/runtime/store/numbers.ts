// Numbers as the server treats them: the four numeric types (Int32, Long, Double, Decimal128) and
// JS numbers and bigints, compared by value across types and exactly (as decimals, not doubles),
// and the arithmetic of `$inc` / `$mul`, whose result takes the wider operand's type.

import { Decimal128, Double, Int32, Long } from "bson";
import { bsonTag } from "../bson-values.js";
import { StoreError } from "./errors.js";

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

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

/**
 * A string that is the same for two numeric values exactly when they are equal by value, across
 * Int32, Long, Double and Decimal128 (the numeric part of ./compare.ts `equalityKey`).
 */
export function numberKey(v: unknown): string {
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

/** A non-negative integer option (skip, limit) that may arrive as Int32/Long/Double. */
export function intOption(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = isNumeric(v) ? toJsNumber(v) : Number.NaN;
  if (!Number.isInteger(n)) throw new StoreError(`${name} must be an integer`, 2);
  return n;
}
