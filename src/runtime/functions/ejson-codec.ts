// Extended JSON at every boundary of a function call: arguments, database results and JWT
// payloads are decoded into the function's realm the way App Services hands values to function
// code (decodeEJSON), and return values, database arguments and recorded outbound calls are
// encoded as canonical Extended JSON (encodeEJSON). The `EJSON` global itself is ./ejson-global.ts.

import { Binary as BsonBinary, Double, EJSON as BsonEJSON, Int32 } from "bson";
import { binaryBytes, EJSON_TYPE_KEYS } from "../bson-values.js";
import { AppBinary, CallableMaxKey, CallableMinKey } from "./bson-global.js";

/**
 * Creates objects in a given realm (a vm context), so that function code sees `{}`, `[]` and
 * `Date` values from its own realm (`x instanceof Date`, `x.constructor === Object` hold).
 */
export interface Realm {
  object(): Record<string, unknown>;
  array(): unknown[];
  date(ms: number): Date;
}

export const hostRealm: Realm = { object: () => ({}), array: () => [], date: (ms) => new Date(ms) };

/**
 * Keys that make the decoder hand a document to bson's EJSON: the type wrappers and `$ref` (a DBRef
 * becomes a DBRef). Not `$scope` on its own: it only completes a `{"$code", "$scope"}` wrapper,
 * which `$code` already marks; alone, bson hands the document back as it is.
 */
const DECODED_KEYS = new Set([...EJSON_TYPE_KEYS, "$ref"].filter((k) => k !== "$scope"));

export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * A deserialized BSON value as function code sees it. Documents and arrays in it were deserialized
 * already, so they are walked here, not decoded again: bson hands a document it does not turn into
 * a type (a `$ref` without `$id`, e.g. a JSON Schema `$ref`) back as a plain object that still has
 * the key, and decoding that again recursed until the stack overflowed.
 */
function sandboxValue(value: unknown, realm: Realm): unknown {
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Date) return realm.date(value.getTime());
  if (value instanceof BsonBinary && value.constructor === BsonBinary) return new AppBinary(binaryBytes(value), value.sub_type);
  if (Array.isArray(value)) {
    const out = realm.array();
    for (const v of value) out.push(sandboxValue(v, realm));
    return out;
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out = realm.object();
    for (const [k, v] of Object.entries(value)) setOwn(out, k, sandboxValue(v, realm));
    return out;
  }
  return value;
}

function decodeNode(node: unknown, realm: Realm): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) {
    const out = realm.array();
    for (const v of node) out.push(decodeNode(v, realm));
    return out;
  }
  if (Object.getPrototypeOf(node) !== Object.prototype && Object.getPrototypeOf(node) !== null) {
    return sandboxValue(node, realm); // an already-typed BSON value
  }
  const obj = node as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.some((k) => DECODED_KEYS.has(k))) {
    return sandboxValue(BsonEJSON.deserialize(obj, { relaxed: false }), realm);
  }
  const out = realm.object();
  for (const k of keys) setOwn(out, k, decodeNode(obj[k], realm));
  return out;
}

/**
 * Decodes Extended JSON (canonical or relaxed) the way values reach App Services function code
 * (inferred from https://www.mongodb.com/docs/atlas/app-services/functions/globals/#ejson: the
 * docs' `EJSON.parse` example returns `{"$numberLong":"42"}`
 * unchanged, so 64-bit integers stay `BSON.Long`):
 * - `$numberInt` and `$numberDouble` become JS numbers; bare JSON numbers stay numbers;
 * - `$numberLong` stays `Long`, `$numberDecimal` `Decimal128`, `$oid` `ObjectId`, `$date` `Date`;
 * - `$binary` becomes an {@link AppBinary} (with `.text()`), subtype-4 UUIDs stay `UUID`.
 */
export function decodeEJSON(text: string, realm: Realm = hostRealm): unknown {
  return decodeNode(JSON.parse(text), realm);
}

/** Deep-copies plain JSON-like data (objects, arrays, dates) into a realm; other values are kept. */
export function copyToRealm(value: unknown, realm: Realm): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out = realm.array();
    for (const v of value) out.push(copyToRealm(v, realm));
    return out;
  }
  if (value instanceof Date) return realm.date(value.getTime());
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out = realm.object();
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) setOwn(out, k, copyToRealm(v, realm));
  }
  return out;
}

export function bareKeyReplacer(_key: string, value: unknown): unknown {
  if (value === CallableMaxKey) return { $maxKey: 1 };
  if (value === CallableMinKey) return { $minKey: 1 };
  return value;
}

/**
 * Canonical Extended JSON of a value (`undefined` stays undefined). This is how return values,
 * database arguments and recorded outbound calls are encoded: the webhook response body
 * `{"Processed":{"$numberInt":"900"}}` for `{Processed: 900}` is canonical (observed:
 * https://alexbevi.com/blog/2020/03/30/working-around-mongodb-stitchs-max-async-work-queue-limit/).
 * `undefined` inside a document becomes `null`, as the bson serializer (and the driver) do.
 */
export function encodeEJSON(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return BsonEJSON.stringify(value, bareKeyReplacer, undefined, { relaxed: false });
}

/** encodeEJSON that never throws (for recording arguments that may hold functions or cycles). */
export function safeEncodeEJSON(value: unknown): string {
  try {
    return encodeEJSON(value) ?? "null";
  } catch {
    try {
      return JSON.stringify(String(value));
    } catch {
      return '"<unserialisable>"';
    }
  }
}
