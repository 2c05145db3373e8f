// The `BSON` global (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#bson--binary-json-)
// on the official `bson` package: every type callable without `new`, the arguments App Services
// accepts that bson 7 does not, and `BSON.Binary` with App Services' extra methods (AppBinary).
// Host-side code: the sandbox (sandbox.ts) hands these objects to each function's node:vm
// context, and BSON values keep their host classes, so the bson serializer recognises them
// wherever they travel.

import { Binary as BsonBinary, BSONRegExp, BSONSymbol, Code, DBRef, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, UUID } from "bson";
import { binaryBytes } from "../bson-values.js";

/** Bytes of any binary-like value (BSON.Binary, Buffer, Uint8Array); undefined for anything else. */
export function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof BsonBinary) return binaryBytes(value);
  if (value instanceof Uint8Array) return value;
  // A Uint8Array from another realm (a vm context) fails instanceof.
  if (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === "[object Uint8Array]") {
    const v = value as ArrayBufferView;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  return undefined;
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * `BSON.Binary` as App Services has it
 * (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#bson-binary): bson's Binary
 * plus `.text()` (UTF-8), `.toHex()`, `.toBase64()` and the static `fromHex` / `fromBase64`
 * (subtype 0 by default).
 * A subclass, so bson's own serializer still sees `_bsontype === "Binary"`; every Binary that
 * reaches function code (decoded arguments, database results, crypto output) is one of these.
 */
export class AppBinary extends BsonBinary {
  /** The bytes as a UTF-8 string. */
  text(): string {
    return toBuffer(binaryBytes(this)).toString("utf8");
  }
  toHex(): string {
    return toBuffer(binaryBytes(this)).toString("hex");
  }
  toBase64(): string {
    return toBuffer(binaryBytes(this)).toString("base64");
  }
  static fromHex(hex: string, subType = 0): AppBinary {
    const text = String(hex);
    if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
      throw new Error(`BSON.Binary.fromHex: not a byte-aligned hexadecimal string`);
    }
    return new AppBinary(Buffer.from(text, "hex"), subType);
  }
  static fromBase64(b64: string, subType = 0): AppBinary {
    const text = String(b64);
    // The docs require padding
    // (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#bson-binary); Buffer.from
    // would silently accept anything.
    if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
      throw new Error(`BSON.Binary.fromBase64: not a padded base64 string`);
    }
    return new AppBinary(Buffer.from(text, "base64"), subType);
  }
  /** A copy of any binary-like value as an AppBinary (keeps the subtype of a BSON.Binary). */
  static from(value: unknown, subType?: number): AppBinary {
    if (value instanceof AppBinary && subType === undefined) return value;
    const bytes = bytesOf(value);
    if (!bytes) throw new TypeError("expected a BSON.Binary, Buffer or Uint8Array");
    const sub = subType ?? (value instanceof BsonBinary ? value.sub_type : 0);
    return new AppBinary(Uint8Array.from(bytes), sub);
  }
}

/**
 * Makes a class callable without `new` (`BSON.ObjectId()`, `BSON.Int32(42)`,
 * `BSON.Long(low, high)`, https://www.mongodb.com/docs/atlas/app-services/functions/globals/#bson),
 * keeping statics, `new` and `instanceof`.
 */
function callable<T extends abstract new (...args: never[]) => unknown>(cls: T, mapArgs: (args: unknown[]) => unknown[] = (a) => a): T {
  return new Proxy(cls, {
    apply(target, _thisArg, args: unknown[]) {
      return Reflect.construct(target as unknown as new (...a: unknown[]) => unknown, mapArgs(args));
    },
    construct(target, args: unknown[], newTarget) {
      return Reflect.construct(target as unknown as new (...a: unknown[]) => object, mapArgs(args), newTarget);
    },
  });
}

/**
 * BSON regular expressions know only the options `i l m s u x`; bson refuses others, but the docs'
 * own example is `BSON.BSONRegExp("the great", "ig")`. JavaScript-only flags (`g`, `y`, `d`) mean
 * nothing to MongoDB and are dropped (inferred).
 */
function bsonRegExpArgs(args: unknown[]): unknown[] {
  const [pattern, options, ...rest] = args;
  if (typeof options !== "string") return args;
  return [pattern, [...new Set(options.replace(/[gyd]/g, ""))].join(""), ...rest];
}

export const CallableMaxKey = callable(MaxKey);
export const CallableMinKey = callable(MinKey);

/**
 * `BSON.ObjectId(id)`: "A 12-byte string or a string of 24 hex characters"
 * (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#bson.objectid). bson 7 no
 * longer takes a 12-byte string; its UTF-8 bytes are the id, as older bson releases read it.
 */
function objectIdArgs(args: unknown[]): unknown[] {
  const [id, ...rest] = args;
  if (typeof id === "string" && id.length === 12) {
    const bytes = Buffer.from(id, "utf8");
    if (bytes.length === 12) return [new Uint8Array(bytes), ...rest];
  }
  return args;
}

/** `BSON.Double()` "Returns 0 if no argument is supplied" (globals page, BSON.Double); bson gives NaN. */
function doubleArgs(args: unknown[]): unknown[] {
  return args.length === 0 || args[0] === undefined ? [0] : args;
}

/**
 * `BSON.Timestamp`: undocumented by App Services. Takes what bson 7 takes (`{t, i}`, a Long, a
 * bigint, nothing) and also the two-number form `(low, high)` of older bson releases (low = the
 * increment, high = the seconds), the same low/high order as the documented `BSON.Long(low32,
 * high32)` (inferred, docs/parity.md).
 */
function timestampArgs(args: unknown[]): unknown[] {
  const [low, high] = args;
  if (args.length >= 2 && typeof low === "number" && typeof high === "number") return [{ t: high >>> 0, i: low >>> 0 }];
  return args;
}

/** The `BSON` global. */
export const BSON = Object.freeze({
  ObjectId: callable(ObjectId, objectIdArgs),
  BSONRegExp: callable(BSONRegExp, bsonRegExpArgs),
  Binary: callable(AppBinary),
  // The docs use `BSON.MaxKey` / `BSON.MinKey` as values (`{ $lt: BSON.MaxKey }`); encodeEJSON
  // turns the bare constructors into `{"$maxKey":1}` / `{"$minKey":1}`.
  MaxKey: CallableMaxKey,
  MinKey: CallableMinKey,
  Int32: callable(Int32),
  Long: callable(Long),
  Double: callable(Double, doubleArgs),
  Decimal128: callable(Decimal128),
  Timestamp: callable(Timestamp, timestampArgs),
  UUID: callable(UUID),
  Code: callable(Code),
  DBRef: callable(DBRef),
  BSONSymbol: callable(BSONSymbol),
});
