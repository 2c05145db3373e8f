// The words of the expression language: its logical operators, comparison predicates and value
// operators (each in its `%` and `$` spelling), and the tests that tell an operator object from a
// literal document or an Extended JSON wrapper. Shared by the static check (./validate.ts) and the
// evaluator (./evaluator.ts).

import { bsonTag, EJSON_TYPE_KEYS } from "../bson-values.js";

/** Logical operators. `%not`/`%nor` and all `$` forms here are INFERRED (the docs list neither). */
export const LOGICAL: Record<string, "and" | "or" | "nor" | "not"> = {
  "%and": "and",
  $and: "and",
  "%or": "or",
  $or: "or",
  "%nor": "nor",
  $nor: "nor",
  "%not": "not",
  $not: "not",
};

export type Predicate = "exists" | "in" | "nin" | "eq" | "ne" | "gt" | "gte" | "lt" | "lte";
export const PREDICATES: Record<string, Predicate> = {};
for (const p of ["exists", "in", "nin", "eq", "ne", "gt", "gte", "lt", "lte"] as const) {
  PREDICATES[`$${p}`] = p;
  PREDICATES[`%${p}`] = p;
}

/** Operators that produce a value (only the `%` spelling is documented). */
export type ValueOp = "function" | "stringToOid" | "oidToString" | "stringToUuid" | "uuidToString";
export const VALUE_OPS: Record<string, ValueOp> = {
  "%function": "function",
  "%stringToOid": "stringToOid",
  "%oidToString": "oidToString",
  "%stringToUuid": "stringToUuid",
  "%uuidToString": "uuidToString",
};

export function isOperatorKey(key: string): boolean {
  return (key.startsWith("$") || key.startsWith("%")) && !key.startsWith("%%");
}

export function isExpansion(v: unknown): v is string {
  return typeof v === "string" && v.startsWith("%%");
}

export function isDate(v: unknown): v is Date {
  return Object.prototype.toString.call(v) === "[object Date]";
}

/** A plain document (also one made in another realm, e.g. returned by a function run in node:vm). */
export function isDocument(v: unknown): v is Record<string, unknown> {
  return Object.prototype.toString.call(v) === "[object Object]" && bsonTag(v) === undefined;
}

/** An Extended JSON type wrapper (`{"$oid": "…"}`): a literal of that BSON type, never an operator. */
export function isEjsonWrapper(v: unknown): v is Record<string, unknown> {
  if (!isDocument(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.length <= 2 && keys.every((k) => EJSON_TYPE_KEYS.has(k));
}

/** An object of operators (`{"$in": [...]}`), as opposed to a literal document or an EJSON wrapper. */
export function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (!isDocument(v) || isEjsonWrapper(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.some(isOperatorKey);
}

export function isValueOpObject(v: unknown): v is Record<string, unknown> {
  if (!isDocument(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && VALUE_OPS[keys[0]!] !== undefined;
}

export function hasOwn(o: object, k: string): boolean {
  return Object.hasOwn(o, k);
}

export function at(path: string): string {
  return path === "" ? "at the top level" : `at ${path}`;
}

export function unknownOperator(key: string, path: string): string {
  return `unknown operator ${JSON.stringify(key)} (${at(path)}); known: ${[...Object.keys(LOGICAL), ...Object.keys(PREDICATES), ...Object.keys(VALUE_OPS)].join(
    " ",
  )}`;
}
