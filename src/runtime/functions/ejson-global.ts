// The `EJSON` global (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#ejson) for
// one realm: `stringify` as the App Services docs show it (integral numbers as `$numberLong`),
// `parse` as values reach function code (./ejson-codec.ts), and bson's own forms with options.

import { EJSON as BsonEJSON } from "bson";
import { bareKeyReplacer, decodeEJSON, hostRealm, type Realm, setOwn } from "./ejson-codec.js";

type EJSONOptions = { relaxed?: boolean; legacy?: boolean; useBigInt64?: boolean };

const INT64_MIN = -(2 ** 63);
const INT64_MAX = 2 ** 63;

/** A plain object from any realm (a vm context has its own Object.prototype), or a null-prototype one. */
function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * A copy of `value` in which every integral JavaScript number is a bigint, which bson writes as
 * `$numberLong` in canonical mode: the `EJSON.stringify` docs turn `answer: 42` into
 * `{"$numberLong":"42"}` (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#ejson.stringify--).
 * Typed values (`BSON.Int32`, `BSON.Double` …) keep their own type; fractions stay doubles. Only
 * arrays and plain objects are copied; an object met again on its own path is left as it is, so
 * bson still reports the cycle.
 */
function integersAsLong(value: unknown, seen: object[] = []): unknown {
  if (typeof value === "number") {
    return Number.isInteger(value) && !Object.is(value, -0) && value >= INT64_MIN && value < INT64_MAX ? BigInt(value) : value;
  }
  if (value === null || typeof value !== "object" || seen.includes(value)) return value;
  if (Array.isArray(value)) {
    seen.push(value);
    const out = value.map((v) => integersAsLong(v, seen));
    seen.pop();
    return out;
  }
  if ("_bsontype" in value || !isPlainObject(value) || typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
  seen.push(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) setOwn(out, k, integersAsLong(v, seen));
  seen.pop();
  return out;
}
type Replacer = ((this: unknown, key: string, value: unknown) => unknown) | (string | number)[] | null | undefined;

/**
 * The `EJSON` global for one realm.
 * - `stringify` defaults to **canonical** output (`relaxed: false`). The serialiser is undocumented
 *   (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#ejson, docs/parity.md): the
 *   webhook responses observed in the wild are canonical (`$numberInt` for 900) while the
 *   `EJSON.stringify` docs show `42 → {"$numberLong":"42"}`. `EJSON.stringify` follows those docs
 *   (every integral JS number is `$numberLong`, fractions `$numberDouble`, typed values keep their
 *   type); return values keep bson's `$numberInt` for 32-bit integers (encodeEJSON), matching the
 *   observed webhook output. Pass `{relaxed: true}` for relaxed output.
 * - `parse` without options follows {@link decodeEJSON}; with options it is bson's `EJSON.parse`.
 */
export function makeEJSON(realm: Realm = hostRealm) {
  return Object.freeze({
    parse(text: string, options?: EJSONOptions): unknown {
      if (options !== undefined && options !== null) return BsonEJSON.parse(String(text), options);
      return decodeEJSON(String(text), realm);
    },
    stringify(value: unknown, replacer?: Replacer | EJSONOptions, space?: string | number | EJSONOptions, options?: EJSONOptions): string {
      let rep: Replacer;
      let sp: string | number | undefined;
      let opts: EJSONOptions | undefined;
      if (replacer !== null && typeof replacer === "object" && !Array.isArray(replacer)) {
        opts = replacer as EJSONOptions;
      } else {
        rep = replacer as Replacer;
        if (space !== null && typeof space === "object") opts = space;
        else {
          sp = space;
          opts = options;
        }
      }
      let finalReplacer: Replacer = bareKeyReplacer;
      if (typeof rep === "function") {
        const user = rep;
        finalReplacer = function (this: unknown, key: string, value: unknown) {
          return bareKeyReplacer(key, user.call(this, key, value));
        };
      } else if (Array.isArray(rep)) {
        finalReplacer = rep;
      }
      const relaxed = opts?.relaxed === true;
      return BsonEJSON.stringify(relaxed ? value : integersAsLong(value), finalReplacer as never, sp, { relaxed: false, ...opts });
    },
    serialize(value: unknown, options?: EJSONOptions): unknown {
      return BsonEJSON.serialize(value, { relaxed: false, ...options });
    },
    deserialize(value: unknown, options?: EJSONOptions): unknown {
      if (options !== undefined && options !== null) return BsonEJSON.deserialize(value as never, options);
      return decodeEJSON(JSON.stringify(value), realm);
    },
  });
}
