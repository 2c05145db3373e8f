// The webhook / endpoint response object `HTTPResponse`
// (https://www.mongodb.com/docs/atlas/app-services/services/webhook-requests-and-responses/#webhook-response-object,
// https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/#endpoint-response-object):
// status, headers and body, kept in a private state the host reads after the call.

import { bsonTag } from "../bson-values.js";
import { bytesOf, toBuffer } from "./bson-global.js";
import { encodeEJSON } from "./ejson-codec.js";
import type { ResponseState } from "./protocol.js";

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
const SET_BODY_OTHER: readonly SetBodyOther[] = ["error", "string", "ejson"];

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const tag = bsonTag(value);
  if (tag !== undefined) return `BSON.${tag}`;
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
