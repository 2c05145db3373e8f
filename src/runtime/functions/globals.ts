// The App Services function globals
// (https://www.mongodb.com/docs/atlas/app-services/functions/globals/), built on the
// official `bson` package: `EJSON`, `BSON`, `utils.crypto`, `utils.jwt`, `HTTPResponse`, `console`
// and `require`.
//
// Everything here is host-side code; the sandbox (sandbox.ts) hands these objects to each
// function's node:vm context. BSON values keep their host classes, so the bson serializer
// recognises them wherever they travel.

import crypto from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { format } from "node:util";
import {
  Binary as BsonBinary,
  BSONRegExp,
  BSONSymbol,
  Code,
  DBRef,
  Decimal128,
  Double,
  EJSON as BsonEJSON,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
} from "bson";
import jwt from "jsonwebtoken";
import type { ResponseState } from "./protocol.js";
import { checkModule, type RefusalSink } from "./harden.js";

// ---------------------------------------------------------------------------------------------
// BSON

/** Bytes of any binary-like value (BSON.Binary, Buffer, Uint8Array); undefined for anything else. */
export function bytesOf(value: unknown): Uint8Array | undefined {
  if (value instanceof BsonBinary) return value.buffer.subarray(0, value.position);
  if (value instanceof Uint8Array) return value;
  // A Uint8Array from another realm (a vm context) fails instanceof.
  if (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === "[object Uint8Array]") {
    const v = value as ArrayBufferView;
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  return undefined;
}

function toBuffer(bytes: Uint8Array): Buffer {
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
    return toBuffer(this.buffer.subarray(0, this.position)).toString("utf8");
  }
  toHex(): string {
    return toBuffer(this.buffer.subarray(0, this.position)).toString("hex");
  }
  toBase64(): string {
    return toBuffer(this.buffer.subarray(0, this.position)).toString("base64");
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

const CallableMaxKey = callable(MaxKey);
const CallableMinKey = callable(MinKey);

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

// ---------------------------------------------------------------------------------------------
// EJSON encode / decode used at every boundary

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

/** Keys that mark an Extended JSON type wrapper (as opposed to a query operator like `$gt`). */
const EJSON_TYPE_KEYS = new Set([
  "$oid",
  "$date",
  "$numberInt",
  "$numberLong",
  "$numberDouble",
  "$numberDecimal",
  "$binary",
  "$uuid",
  "$regularExpression",
  "$timestamp",
  "$minKey",
  "$maxKey",
  "$code",
  "$symbol",
  "$dbPointer",
  "$undefined",
  "$ref",
]);

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** A deserialized BSON value as function code sees it. */
function sandboxValue(value: unknown, realm: Realm): unknown {
  if (value instanceof Int32 || value instanceof Double) return value.valueOf();
  if (value instanceof Date) return realm.date(value.getTime());
  if (value instanceof BsonBinary && value.constructor === BsonBinary) return new AppBinary(value.buffer.subarray(0, value.position), value.sub_type);
  if (Array.isArray(value)) return decodeNode(value, realm);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return decodeNode(value, realm);
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
  if (keys.some((k) => EJSON_TYPE_KEYS.has(k))) {
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

function bareKeyReplacer(_key: string, value: unknown): unknown {
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

// ---------------------------------------------------------------------------------------------
// utils.crypto
// (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#function-utils-crypto)

function inputBytes(value: unknown, what: string): Buffer {
  if (typeof value === "string") return Buffer.from(value, "utf8");
  const bytes = bytesOf(value);
  if (bytes) return toBuffer(bytes);
  throw new TypeError(`${what} must be a string or BSON.Binary`);
}

const HMAC_HASHES = new Set(["sha1", "sha256", "sha512"]);
const HASHES = new Set(["sha1", "sha256", "md5"]);
const AES_NONCE_BYTES = 12;
const AES_TAG_BYTES = 16;

function aesCipher(key: unknown): crypto.CipherGCMTypes {
  const keyBytes = inputBytes(key, "key");
  switch (keyBytes.length) {
    case 16:
      return "aes-128-gcm";
    case 24:
      return "aes-192-gcm";
    case 32:
      return "aes-256-gcm";
    default:
      throw new Error(`AES key must be 16, 24 or 32 bytes long (got ${keyBytes.length})`);
  }
}

function checkType(actual: unknown, expected: string, fn: string): void {
  if (String(actual).toLowerCase() !== expected) {
    throw new Error(`utils.crypto.${fn}: unsupported type "${String(actual)}" (only "${expected}" is supported)`);
  }
}

function pssOrPkcs1(scheme: unknown): "pss" | "pkcs1v15" {
  const s = scheme === undefined || scheme === null ? "pss" : String(scheme).toLowerCase();
  if (s !== "pss" && s !== "pkcs1v15") throw new Error(`unsupported signature scheme "${String(scheme)}" (use "pss" or "pkcs1v15")`);
  return s;
}

export const cryptoUtils = Object.freeze({
  /** `hmac(input, secret, "sha1"|"sha256"|"sha512", "hex"|"base64") → string`. */
  hmac(input: unknown, secret: unknown, hashFunction: unknown, outputFormat: unknown): string {
    const hash = String(hashFunction).toLowerCase();
    if (!HMAC_HASHES.has(hash)) throw new Error(`utils.crypto.hmac: unsupported hash function "${String(hashFunction)}"`);
    const out = String(outputFormat).toLowerCase();
    if (out !== "hex" && out !== "base64") throw new Error(`utils.crypto.hmac: unsupported output format "${String(outputFormat)}"`);
    return crypto.createHmac(hash, inputBytes(secret, "secret")).update(inputBytes(input, "input")).digest(out);
  },
  /** `hash("sha1"|"sha256"|"md5", string | BSON.Binary) → BSON.Binary`. */
  hash(hashFunction: unknown, input: unknown): AppBinary {
    const hash = String(hashFunction).toLowerCase();
    if (!HASHES.has(hash)) throw new Error(`utils.crypto.hash: unsupported hash function "${String(hashFunction)}"`);
    return new AppBinary(crypto.createHash(hash).update(inputBytes(input, "input")).digest());
  },
  /**
   * `encrypt("aes", message, key) → BSON.Binary`. AES-GCM with the key's UTF-8 bytes
   * (16/24/32 → AES-128/192/256), a random 12-byte nonce, output `nonce ‖ ciphertext ‖ 16-byte tag`.
   * Observed: the docs example ciphertext (`WPBuIvJ6…`, key `603082712271C525E087BD999A4E0738`)
   * decrypts with exactly this layout to "MongoDB is great!" (test/runtime/functions-globals.test.ts).
   */
  encrypt(encryptionType: unknown, message: unknown, key: unknown): AppBinary {
    checkType(encryptionType, "aes", "encrypt");
    const algorithm = aesCipher(key);
    const nonce = crypto.randomBytes(AES_NONCE_BYTES);
    const cipher = crypto.createCipheriv(algorithm, inputBytes(key, "key"), nonce);
    const body = Buffer.concat([cipher.update(inputBytes(message, "message")), cipher.final()]);
    return new AppBinary(Buffer.concat([nonce, body, cipher.getAuthTag()]));
  },
  /** `decrypt("aes", BSON.Binary, key) → BSON.Binary` (the layout of {@link cryptoUtils.encrypt}). */
  decrypt(encryptionType: unknown, encrypted: unknown, key: unknown): AppBinary {
    checkType(encryptionType, "aes", "decrypt");
    const data = inputBytes(encrypted, "encryptedMessage");
    if (data.length < AES_NONCE_BYTES + AES_TAG_BYTES) throw new Error("utils.crypto.decrypt: message too short");
    const decipher = crypto.createDecipheriv(aesCipher(key), inputBytes(key, "key"), data.subarray(0, AES_NONCE_BYTES));
    decipher.setAuthTag(data.subarray(data.length - AES_TAG_BYTES));
    try {
      return new AppBinary(Buffer.concat([decipher.update(data.subarray(AES_NONCE_BYTES, data.length - AES_TAG_BYTES)), decipher.final()]));
    } catch {
      throw new Error("utils.crypto.decrypt: message authentication failed (wrong key or corrupted message)");
    }
  },
  /**
   * `sign("rsa", message, pkcs1PrivateKeyPem, "pss"(default)|"pkcs1v15") → BSON.Binary`.
   * Inferred: SHA-256 digest; PSS with the largest salt (Go's `rsa.SignPSS` default).
   */
  sign(encryptionType: unknown, message: unknown, privateKey: unknown, signatureScheme?: unknown): AppBinary {
    checkType(encryptionType, "rsa", "sign");
    const scheme = pssOrPkcs1(signatureScheme);
    const key = crypto.createPrivateKey(String(privateKey));
    const sig = crypto.sign("sha256", inputBytes(message, "message"), {
      key,
      ...(scheme === "pss" ? { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_MAX_SIGN } : { padding: crypto.constants.RSA_PKCS1_PADDING }),
    });
    return new AppBinary(sig);
  },
  /** `verify("rsa", message, pkcs1PublicKeyPem, BSON.Binary signature, scheme) → boolean` (PSS salt length auto-detected). */
  verify(encryptionType: unknown, message: unknown, publicKey: unknown, signature: unknown, signatureScheme?: unknown): boolean {
    checkType(encryptionType, "rsa", "verify");
    const scheme = pssOrPkcs1(signatureScheme);
    const key = crypto.createPublicKey(String(publicKey));
    return crypto.verify(
      "sha256",
      inputBytes(message, "message"),
      {
        key,
        ...(scheme === "pss" ? { padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: crypto.constants.RSA_PSS_SALTLEN_AUTO } : { padding: crypto.constants.RSA_PKCS1_PADDING }),
      },
      inputBytes(signature, "signature"),
    );
  },
});

// ---------------------------------------------------------------------------------------------
// utils.jwt
// (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#function-utils-jwt),
// synchronous like the runtime's API

const JWT_METHODS = new Set(["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]);

/** Plain JSON of a function-side object (BSON values in relaxed EJSON form). */
function plainJSON(value: unknown): unknown {
  return JSON.parse(BsonEJSON.stringify(value, { relaxed: true }));
}

export function makeJwtUtils(realm: Realm = hostRealm) {
  return Object.freeze({
    /** `encode(signingMethod, payload, secret, customHeaderFields?) → string`. No `iat` is added. */
    encode(signingMethod: unknown, payload: unknown, secret: unknown, customHeaderFields?: unknown): string {
      const alg = String(signingMethod);
      if (!JWT_METHODS.has(alg)) throw new Error(`utils.jwt.encode: unsupported signing method "${alg}"`);
      const header = customHeaderFields ? (plainJSON(customHeaderFields) as Record<string, unknown>) : undefined;
      const claims = plainJSON(payload) as Record<string, unknown>;
      return jwt.sign(claims, String(secret), {
        algorithm: alg as jwt.Algorithm,
        // jsonwebtoken adds `iat` unless noTimestamp, and noTimestamp deletes a given `iat`:
        // keep the payload exactly as given either way.
        noTimestamp: claims === null || typeof claims !== "object" || !claims.iat,
        allowInsecureKeySizes: true,
        ...(header ? { header: { ...header, alg } as jwt.JwtHeader } : {}),
      });
    },
    /**
     * `decode(jwtString, key, returnHeader?, acceptedSigningMethods?) → payload | {header, payload}`.
     * Verifies the signature (and `exp`/`nbf`); the payload is decoded as Extended JSON.
     */
    decode(token: unknown, key: unknown, returnHeader?: unknown, acceptedSigningMethods?: unknown): unknown {
      const algorithms = Array.isArray(acceptedSigningMethods) ? (acceptedSigningMethods.map(String) as jwt.Algorithm[]) : undefined;
      const decoded = jwt.verify(String(token), String(key), { complete: true, ...(algorithms ? { algorithms } : {}) });
      const payload = typeof decoded.payload === "string" ? decoded.payload : decodeEJSON(JSON.stringify(decoded.payload), realm);
      if (!returnHeader) return payload;
      const out = realm.object();
      out.header = copyToRealm(decoded.header, realm);
      out.payload = payload;
      return out;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// HTTPResponse
// (https://www.mongodb.com/docs/atlas/app-services/services/webhook-requests-and-responses/#webhook-response-object,
// https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/#endpoint-response-object)

export function emptyResponseState(): ResponseState {
  return { methodsCalled: false, headers: {}, bodySet: false };
}

/**
 * The webhook / endpoint response object. Every method returns `this` (chaining, as in the
 * docs' tutorial) and marks the response as used. The state lives in a private field, so the
 * object itself serialises as `{}`.
 */
/**
 * What `setBody` does with a value that is neither a string nor a BSON.Binary. The docs give the
 * parameter as `string | BSON.Binary` only
 * (https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/#endpoint-response-object,
 * https://www.mongodb.com/docs/atlas/app-services/services/webhook-requests-and-responses/);
 * what App Services does with anything else is not on record (inferred, docs/parity.md):
 * - "error" (default): the call fails with a TypeError that names the value's type;
 * - "string": the value's JavaScript string (`String(value)`: `42` → "42", an object → "[object Object]");
 * - "ejson": the value's canonical Extended JSON, as a returned value would be.
 */
export type SetBodyOther = "error" | "string" | "ejson";
export const SET_BODY_OTHER: readonly SetBodyOther[] = ["error", "string", "ejson"];

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") {
    const bsontype = (value as { _bsontype?: unknown })._bsontype;
    if (typeof bsontype === "string") return `BSON.${bsontype}`;
  }
  return typeof value;
}

export class HTTPResponse {
  #state: ResponseState = emptyResponseState();
  #otherBody: SetBodyOther = "error";

  /** The response object a call hands to its handler, with the `setBody` policy of the run. */
  static create(otherBody: SetBodyOther = "error"): HTTPResponse {
    const r = new HTTPResponse();
    r.#otherBody = SET_BODY_OTHER.includes(otherBody) ? otherBody : "error";
    return r;
  }

  setStatusCode(code: unknown): this {
    const n = Number(code);
    if (!Number.isInteger(n) || n < 100 || n > 999) throw new Error(`setStatusCode: invalid status code ${String(code)}`);
    this.#state.methodsCalled = true;
    this.#state.statusCode = n;
    return this;
  }

  /** A string is sent as its UTF-8 bytes; a BSON.Binary as its bytes; anything else per {@link SetBodyOther}. */
  setBody(body: unknown): this {
    let bytes: Uint8Array | undefined;
    if (typeof body === "string") bytes = Buffer.from(body, "utf8");
    else bytes = bytesOf(body);
    if (!bytes && this.#otherBody === "string") bytes = Buffer.from(String(body), "utf8");
    if (!bytes && this.#otherBody === "ejson") bytes = Buffer.from(encodeEJSON(body) ?? "", "utf8");
    if (!bytes) {
      throw new TypeError(`setBody: the body must be a string or a BSON.Binary, not ${typeName(body)} (use JSON.stringify or EJSON.stringify for a document)`);
    }
    this.#state.methodsCalled = true;
    this.#state.bodySet = true;
    this.#state.body = toBuffer(bytes).toString("base64");
    return this;
  }

  /** Replaces every value of the header (names compare case-insensitively; inferred). */
  setHeader(name: unknown, value: unknown): this {
    const key = String(name);
    for (const existing of Object.keys(this.#state.headers)) {
      if (existing.toLowerCase() === key.toLowerCase()) delete this.#state.headers[existing];
    }
    this.#state.methodsCalled = true;
    this.#state.headers[key] = [String(value)];
    return this;
  }

  /** Appends a value to the header. */
  addHeader(name: unknown, value: unknown): this {
    const key = String(name);
    const existing = Object.keys(this.#state.headers).find((k) => k.toLowerCase() === key.toLowerCase());
    this.#state.methodsCalled = true;
    if (existing !== undefined) this.#state.headers[existing]!.push(String(value));
    else this.#state.headers[key] = [String(value)];
    return this;
  }

  /** A snapshot of the state (host-side use). */
  static stateOf(response: HTTPResponse): ResponseState {
    const s = response.#state;
    return {
      methodsCalled: s.methodsCalled,
      ...(s.statusCode !== undefined ? { statusCode: s.statusCode } : {}),
      headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k, [...v]])),
      ...(s.body !== undefined ? { body: s.body } : {}),
      bodySet: s.bodySet,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// console

/** At most this many lines are kept per call (the shim shows them; App Services keeps 25). */
export const MAX_LOG_LINES = 1000;

function logText(arg: unknown): string {
  if (typeof arg === "string") return arg;
  try {
    return String(arg);
  } catch {
    return Object.prototype.toString.call(arg);
  }
}

/**
 * A `console` that appends one line per call to `lines`. Arguments are joined with spaces after
 * `String()` (so an object logs as `[object Object]`, as App Services' logs show; inferred),
 * except that a leading format string with `%s`/`%d`/`%o` placeholders is formatted Node-style.
 */
export function makeConsole(lines: string[]) {
  const write = (args: unknown[]) => {
    if (lines.length >= MAX_LOG_LINES) return;
    let text: string;
    if (typeof args[0] === "string" && /%[sdifjoOc%]/.test(args[0])) text = format(...(args as [string, ...unknown[]]));
    else text = args.map(logText).join(" ");
    lines.push(text);
    if (lines.length === MAX_LOG_LINES) lines.push(`... further log lines dropped (more than ${MAX_LOG_LINES})`);
  };
  const method = (...args: unknown[]) => write(args);
  return Object.freeze({ log: method, info: method, debug: method, warn: method, error: method, trace: method });
}

// ---------------------------------------------------------------------------------------------
// require
// (https://www.mongodb.com/docs/atlas/app-services/functions/javascript-support/#js-support-builtin-modules)

/** Fully supported Node built-ins. */
export const SUPPORTED_MODULES = ["assert", "buffer", "events", "net", "os", "path", "punycode", "querystring", "stream", "string_decoder", "timers", "tls", "tty", "url", "zlib"] as const;
/** Partially supported Node built-ins (the shim hands out the real module, except `process`). */
export const PARTIAL_MODULES = ["crypto", "dns", "dgram", "fs", "process", "util"] as const;
/** Built-ins App Services refuses. */
export const REFUSED_MODULES = ["child_process", "cluster", "domain", "readline", "v8", "vm"] as const;

const nodeRequire = createRequire(import.meta.url);
const allowed = new Set<string>([...SUPPORTED_MODULES, ...PARTIAL_MODULES]);
const refused = new Set<string>(REFUSED_MODULES);

/** `process` with what a function may reasonably read; no `exit`, `kill`, real `env` … (inferred). */
function limitedProcess() {
  return Object.freeze({
    env: {},
    version: process.version,
    versions: { ...process.versions },
    platform: process.platform,
    arch: process.arch,
    argv: [],
    nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => process.nextTick(fn, ...args),
    hrtime: process.hrtime,
    uptime: () => process.uptime(),
    cwd: () => "/",
    memoryUsage: () => process.memoryUsage(),
  });
}

export class ModuleNotSupportedError extends Error {
  override name = "Error";
}

/** The `require` global: supported and partially supported built-ins only. */
/**
 * The app's own npm dependencies. App Services lets functions `require` the packages added to the
 * app (by name, a `functions/package.json`, or an uploaded `node_modules`:
 * https://www.mongodb.com/docs/atlas/app-services/functions/dependencies/). The shim loads them
 * from the app's `functions/node_modules` folder only, never from hookshift's own packages.
 */
export interface AppDependencies {
  /** Absolute path of the app's `functions/node_modules`, when the export has one. */
  nodeModules?: string;
  /** Package names `functions/package.json` lists (for the message when they are not installed). */
  declared?: string[];
}

/** `lodash/cloneDeep` → `lodash`; `@scope/pkg/sub` → `@scope/pkg`; undefined for anything else. */
function packageName(spec: string): string | undefined {
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  if (!name || name.startsWith(".") || (spec.startsWith("@") && parts.length < 2)) return undefined;
  return /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*$/i.test(name) ? name : undefined;
}

/** Loads `spec` from `nodeModules` (and nowhere else), or says why it cannot. */
function requireDependency(spec: string, deps: AppDependencies): unknown {
  const name = packageName(spec);
  const listed = name !== undefined && (deps.declared ?? []).includes(name);
  if (name === undefined || !deps.nodeModules || !existsSync(path.join(deps.nodeModules, name))) {
    const why = listed
      ? deps.nodeModules
        ? `"${name}" is listed in functions/package.json but not installed in functions/node_modules (run npm install in the app's functions folder)`
        : `"${name}" is listed in functions/package.json but the app has no functions/node_modules (run npm install in the app's functions folder)`
      : "it is neither a Node built-in App Services supports nor a package in the app's functions/node_modules";
    throw new ModuleNotSupportedError(`require("${spec}"): module not available in the hookshift shim: ${why}`);
  }
  // Resolved from a file inside functions/node_modules, the package is found there first; the
  // check afterwards refuses anything that resolved outside it.
  const appRequire = createRequire(path.join(deps.nodeModules, "hookshift-app-require.js"));
  const resolved = appRequire.resolve(spec);
  const root = path.resolve(deps.nodeModules) + path.sep;
  if (!path.resolve(resolved).startsWith(root)) {
    throw new ModuleNotSupportedError(`require("${spec}"): resolved outside the app's functions/node_modules (${resolved})`);
  }
  return appRequire(resolved);
}

/**
 * `sandbox`: where a refusal is recorded and whether the call may use the network. The shim refuses
 * more than App Services (harden.ts): the file system, child processes and worker threads always,
 * the network modules unless --allow-network (README.md, "Security").
 */
export function makeRequire(deps: AppDependencies = {}, sandbox: { allowNetwork?: boolean; sink?: RefusalSink } = {}) {
  return function require(name: unknown): unknown {
    const spec = String(name);
    const bare = spec.startsWith("node:") ? spec.slice(5) : spec;
    const base = bare.split("/")[0] ?? bare;
    if (refused.has(base)) {
      sandbox.sink?.outbound.push({ kind: "require", args: JSON.stringify([spec]), sent: false });
      throw new ModuleNotSupportedError(`require("${spec}"): the "${base}" module is not supported by App Services functions`);
    }
    checkModule("require", spec, sandbox.allowNetwork ?? false, sandbox.sink);
    if (allowed.has(base)) {
      if (base === "process") return limitedProcess();
      return nodeRequire(`node:${bare}`);
    }
    if (bare.startsWith(".") || bare.startsWith("/")) {
      throw new ModuleNotSupportedError(`require("${spec}"): App Services functions cannot import other files; use context.functions.execute`);
    }
    if (spec.startsWith("node:")) {
      throw new ModuleNotSupportedError(`require("${spec}"): not a Node built-in App Services supports`);
    }
    return requireDependency(spec, deps);
  };
}
