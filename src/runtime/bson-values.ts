// The BSON and Extended JSON helpers that the runtime's parts share: the expression evaluator
// (./expressions/), the embedded store (./store/), the function globals (./functions/) and the
// request pipeline. Each used to keep its own copy of these checks; one copy keeps them reading a
// bson value the same way.
//
// What is *not* here, on purpose: the store's comparison (the server's total order, exact decimals)
// and the expression evaluator's (deep equality, no order across types) answer different
// questions, and so do the store's `isDocument` (same realm, no bson value, Date, RegExp or bytes)
// and the evaluator's (any realm, `[object Object]` only). Each stays with its user.

import { EJSON } from "bson";
import type { Binary } from "bson";

/** The bson class tag (`"ObjectId"`, `"Int32"` …) of a value, or undefined for anything else. */
export function bsonTag(v: unknown): string | undefined {
  if (v !== null && typeof v === "object") {
    const t = (v as { _bsontype?: unknown })._bsontype;
    if (typeof t === "string") return t;
  }
  return undefined;
}

/**
 * The keys of Extended JSON type wrappers (`{"$oid": …}`, `{"$numberLong": "5"}`, `{"$code": …,
 * "$scope": …}`), as opposed to query or expression operators such as `$gt`
 * (https://www.mongodb.com/docs/manual/reference/mongodb-extended-json/). `$uuid` is the drivers'
 * shorthand for a subtype-4 binary. `$scope` only ever stands next to `$code`.
 */
export const EJSON_TYPE_KEYS: ReadonlySet<string> = new Set([
  "$oid",
  "$date",
  "$numberInt",
  "$numberLong",
  "$numberDouble",
  "$numberDecimal",
  "$binary",
  "$uuid",
  "$timestamp",
  "$regularExpression",
  "$symbol",
  "$code",
  "$scope",
  "$minKey",
  "$maxKey",
  "$undefined",
  "$dbPointer",
]);

/** The bytes a Binary holds: its buffer can be longer than what was written into it. */
export function binaryBytes(b: Binary): Uint8Array {
  return b.buffer.subarray(0, b.position);
}

/** A value as plain JSON data, its BSON values in relaxed Extended JSON (numbers plain, `{"$oid": …}`). */
export function relaxedJson(v: unknown): unknown {
  return JSON.parse(EJSON.stringify(v, { relaxed: true }));
}
