// The `context` global of App Services functions
// (https://www.mongodb.com/docs/atlas/app-services/functions/context/): app, environment, values,
// functions.execute, user, request, runningAsSystem, http and services.
//
// Database calls leave through a `DbBackend`, so the same code runs in the worker thread
// (backend = RPC to the main thread through DbRequest / DbReply) and in-process (tests, the
// shim's fallback).
//
// The DbRequest contract (what a backend receives):
// - `method` is a `CollectionApi` method name (src/runtime/store/types.ts) and `args` is the
//   canonical EJSON of exactly that method's argument list, e.g.
//   `find` → `[filter, {projection?, sort?, skip?, limit?}]`,
//   `updateOne` → `[filter, update, options?]`, `distinct` → `[key, filter?]`.
//   The App Services signatures (`find(query, projection, options)`, cursors …) are mapped here.
// - `listCollections` (args `[]`, `db` set) and `listDatabases` (args `[]`, `db` = "admin").
// - The reply is the canonical EJSON of the method's result.
// db-bridge.ts implements this contract against a `Store`.

import { allowHostsMessage, hostAllowed, hostsRestricted } from "./allow-hosts.js";
import type { AppSpec, CallRequest, DbRequest, OutboundCall } from "./protocol.js";
import { AppBinary, bytesOf } from "./bson-global.js";
import { copyToRealm, decodeEJSON, encodeEJSON, type Realm, safeEncodeEJSON } from "./ejson-codec.js";
import { EJSON as BsonEJSON } from "bson";

/** Forwards one database call; resolves to the canonical EJSON of the result. */
export type DbBackend = (req: Omit<DbRequest, "kind" | "rpc">) => Promise<string>;

export class TimeLimitError extends Error {
  constructor() {
    super("execution time limit exceeded");
    this.name = "Error";
  }
}

/** A promise the call's work produced: whether a handler was ever attached, and how it settled. */
interface Tracked {
  handled: boolean;
  rejected: boolean;
  reason?: unknown;
}

/** Per-call bookkeeping shared by every function a call runs (the handler and executed ones). */
export class CallState {
  readonly logs: string[] = [];
  readonly outbound: OutboundCall[] = [];
  readonly deadline: number;
  timedOut = false;
  ended = false;
  readonly timers = new Set<NodeJS.Timeout>();
  readonly immediates = new Set<NodeJS.Immediate>();
  /** Ends the call's HTTP requests when the call ends; made by the first request (see `signal`). */
  #abort: AbortController | undefined;
  /** Database calls and HTTP requests of this call still in flight (see `track`). */
  #ops = 0;
  #waiters: (() => void)[] = [];
  readonly #tracked: Tracked[] = [];
  /** The promise class of this call's work (see `track`); made on first use. */
  #Promise: PromiseConstructor | undefined;

  constructor(timeLimitMs: number) {
    // App Services' limit
    // (https://www.mongodb.com/docs/atlas/app-services/functions/#function-constraints) when the
    // caller gives none that makes sense.
    this.timeLimitMs = Number.isFinite(timeLimitMs) && timeLimitMs > 0 ? timeLimitMs : 300_000;
    this.deadline = Date.now() + this.timeLimitMs;
  }
  readonly timeLimitMs: number;

  remainingMs(): number {
    return this.deadline - Date.now();
  }

  /** Throws once the call is over (timed out or answered): no late writes or requests. */
  assertActive(what: string): void {
    if (this.timedOut || this.remainingMs() <= 0) {
      this.timedOut = true;
      throw new TimeLimitError();
    }
    if (this.ended) throw new Error(`${what}: the function call has already ended`);
  }

  /**
   * Work the call started and has not finished: database calls and HTTP requests in flight, and
   * timers / immediates not yet run or cleared. App Services answers once this work is done
   * (docs/parity.md, "Function runtime"); the sandbox waits for `pending() === 0`.
   */
  pending(): number {
    return this.#ops + this.timers.size + this.immediates.size;
  }

  /** Resolves at the next change of `pending()` (an operation settled, a timer ran or was cleared). */
  whenChanged(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Wakes `whenChanged` waiters; the timer wrappers in sandbox.ts call it too. */
  changed(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /**
   * Runs one operation (a database call, an HTTP request) as pending work of this call. The
   * promise handed to function code is of a per-call Promise subclass: every promise derived from
   * it (`.then`, `.catch`, `.finally`, `await`) is of the same class, so the call knows which of
   * them rejected without a handler (`unhandledRejection`), the way Node reports one.
   */
  track<T>(op: () => Promise<T>): Promise<T> {
    const P = (this.#Promise ??= this.#trackedPromiseClass());
    this.#ops++;
    let settled = false;
    const done = () => {
      if (settled) return;
      settled = true;
      this.#ops--;
      this.changed();
    };
    return new P<T>((resolve, reject) => {
      let inner: Promise<T>;
      try {
        inner = op();
      } catch (err) {
        inner = Promise.reject(err);
      }
      inner.then(
        (v) => {
          resolve(v);
          done();
        },
        (err: unknown) => {
          reject(err);
          done();
        },
      );
    });
  }

  /** The first rejection of this call's work that no handler took, if any. */
  unhandledRejection(): { reason: unknown } | undefined {
    const t = this.#tracked.find((x) => x.rejected && !x.handled);
    return t ? { reason: t.reason } : undefined;
  }

  #trackedPromiseClass(): PromiseConstructor {
    const tracked = this.#tracked;
    const info = new WeakMap<Promise<unknown>, Tracked>();
    // Our own observer `then` below must neither count as a handler nor register its result.
    let internal = false;
    const observe = (p: Promise<unknown>, t: Tracked) => {
      internal = true;
      try {
        Promise.prototype.then.call(p, undefined, (reason: unknown) => {
          t.rejected = true;
          t.reason = reason;
        });
      } finally {
        internal = false;
      }
    };
    class CallPromise<T> extends Promise<T> {
      constructor(executor: (resolve: (v: T | PromiseLike<T>) => void, reject: (e?: unknown) => void) => void) {
        super(executor);
        if (internal) return;
        const t: Tracked = { handled: false, rejected: false };
        info.set(this, t);
        tracked.push(t);
        observe(this, t);
      }
      override then<A = T, B = never>(
        onFulfilled?: ((v: T) => A | PromiseLike<A>) | null,
        onRejected?: ((e: unknown) => B | PromiseLike<B>) | null,
      ): Promise<A | B> {
        if (!internal) {
          const t = info.get(this);
          if (t) t.handled = true;
        }
        return super.then(onFulfilled, onRejected);
      }
    }
    return CallPromise as unknown as PromiseConstructor;
  }

  /**
   * The signal of the call's HTTP requests, aborted when the call ends. Made on first use: most
   * calls make no request, and an abort costs a DOMException with its stack (bench/README.md, serve).
   */
  get signal(): AbortSignal {
    if (!this.#abort) {
      this.#abort = new AbortController();
      if (this.ended) this.#abort.abort();
    }
    return this.#abort.signal;
  }

  end(): void {
    this.ended = true;
    for (const t of this.timers) clearTimeout(t);
    for (const i of this.immediates) clearImmediate(i);
    this.timers.clear();
    this.immediates.clear();
    this.#abort?.abort();
  }
}

/** A rejected promise that does not count as unhandled when the caller ignores it (fire-and-forget calls). */
function rejected(err: Error): Promise<never> {
  const p = Promise.reject(err);
  p.catch(() => undefined);
  return p;
}

// ---------------------------------------------------------------------------------------------
// HTTP (context.http and `http` services)

type HttpArgs = {
  url?: unknown;
  scheme?: unknown;
  host?: unknown;
  path?: unknown;
  query?: unknown;
  fragment?: unknown;
  username?: unknown;
  password?: unknown;
  headers?: unknown;
  cookies?: unknown;
  body?: unknown;
  encodeBodyAsJSON?: unknown;
  form?: unknown;
  digestAuth?: unknown;
  followRedirects?: unknown;
};

const HTTP_METHODS = ["get", "post", "put", "patch", "delete", "head"] as const;

function asArgs(args: unknown): HttpArgs {
  return args !== null && typeof args === "object" ? (args as HttpArgs) : {};
}

/**
 * The request URL from `url` or from its parts
 * (https://www.mongodb.com/docs/atlas/app-services/services/http-actions/http.get/).
 */
function requestUrl(a: HttpArgs): URL {
  if (a.url !== undefined && a.url !== null) return new URL(String(a.url));
  if (a.host === undefined || a.host === null) throw new Error("http request needs `url` or `host`");
  const scheme = a.scheme ? String(a.scheme) : "http";
  let path = a.path ? String(a.path) : "/";
  if (!path.startsWith("/")) path = `/${path}`;
  const url = new URL(`${scheme}://${String(a.host)}${path}`);
  if (a.query && typeof a.query === "object") {
    for (const [k, v] of Object.entries(a.query as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
    }
  }
  if (a.fragment) url.hash = String(a.fragment);
  if (a.username !== undefined) url.username = String(a.username);
  if (a.password !== undefined) url.password = String(a.password);
  return url;
}

/** The URL without credentials, query or fragment (for messages; those may carry secrets). */
function describeUrl(a: HttpArgs): string {
  try {
    const u = requestUrl(a);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "<no url>";
  }
}

/** Go-style canonical header name (`content-type` → `Content-Type`); inferred from the Go backend. */
function canonicalHeader(name: string): string {
  return name
    .split("-")
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p))
    .join("-");
}

interface HttpResponseObject {
  status: string;
  statusCode: number;
  contentLength: number;
  headers: Record<string, string[]>;
  cookies: Record<string, unknown>;
  body: AppBinary;
}

async function sendHttp(method: string, a: HttpArgs, state: CallState): Promise<HttpResponseObject> {
  if (a.digestAuth) throw new Error("http: digestAuth is not supported by the hookshift shim");
  const url = requestUrl(a);
  const headers = new Headers();
  if (a.headers && typeof a.headers === "object") {
    for (const [k, v] of Object.entries(a.headers as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) headers.append(k, String(item));
    }
  }
  if (a.cookies && typeof a.cookies === "object") {
    const cookie = Object.entries(a.cookies as Record<string, unknown>)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join("; ");
    if (cookie) headers.append("Cookie", cookie);
  }
  // fetch refuses credentials in the URL: send them as Basic authentication.
  if (url.username || url.password) {
    const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64");
    if (!headers.has("authorization")) headers.set("Authorization", `Basic ${basic}`);
    url.username = "";
    url.password = "";
  }
  let body: BodyInit | undefined;
  if (method !== "get" && method !== "head") {
    if (a.form && typeof a.form === "object") {
      if (a.body !== undefined) throw new Error("http: `form` and `body` cannot be used together");
      const form = new FormData();
      for (const [k, v] of Object.entries(a.form as Record<string, unknown>)) {
        for (const item of Array.isArray(v) ? v : [v]) form.append(k, String(item));
      }
      body = form;
    } else if (a.body !== undefined && a.body !== null) {
      const bytes = bytesOf(a.body);
      if (typeof a.body === "string") body = a.body;
      else if (bytes) body = Buffer.from(bytes);
      // `encodeBodyAsJSON` EJSON-stringifies an object body; relaxed EJSON so that third-party
      // JSON APIs receive plain numbers (inferred). Objects without the flag are sent the same way.
      else body = BsonEJSON.stringify(a.body, { relaxed: true });
    }
  }
  // With an --allow-host list, redirects are followed here so each hop's host is checked (at
  // most 20, as fetch does; a 303, or a 301/302 after POST, continues as GET without a body).
  let res: Response;
  let hopUrl = url;
  let hopMethod = method.toUpperCase();
  let hopBody = body;
  for (let hop = 0; ; hop++) {
    if (!hostAllowed(hopUrl.hostname)) throw new Error(allowHostsMessage(hopUrl.hostname));
    res = await fetch(hopUrl, {
      method: hopMethod,
      headers,
      ...(hopBody !== undefined ? { body: hopBody } : {}),
      redirect: a.followRedirects && !hostsRestricted() ? "follow" : "manual",
      signal: state.signal,
    });
    const location = res.headers.get("location");
    if (!a.followRedirects || !hostsRestricted() || res.status < 300 || res.status > 399 || res.status === 304 || !location || hop >= 20) break;
    await res.arrayBuffer();
    hopUrl = new URL(location, hopUrl);
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && hopMethod === "POST")) {
      hopMethod = "GET";
      hopBody = undefined;
    }
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const outHeaders: Record<string, string[]> = {};
  res.headers.forEach((value, name) => {
    if (name.toLowerCase() === "set-cookie") return;
    (outHeaders[canonicalHeader(name)] ??= []).push(value);
  });
  const setCookies = res.headers.getSetCookie();
  if (setCookies.length > 0) outHeaders["Set-Cookie"] = setCookies;
  const lengthHeader = res.headers.get("content-length");
  return {
    status: `${res.status} ${res.statusText}`.trim(),
    statusCode: res.status,
    contentLength: lengthHeader !== null && lengthHeader !== "" ? Number(lengthHeader) : bytes.length,
    headers: outHeaders,
    cookies: {},
    body: new AppBinary(bytes),
  };
}

/** A POST to Twilio's Messages API as `{ to, from, body }`, or undefined for any other request. */
function twilioMessage(a: HttpArgs): { to: string; from: string; body: string } | undefined {
  let url: URL;
  try {
    url = requestUrl(a);
  } catch {
    return undefined;
  }
  if (url.hostname !== "api.twilio.com" || !/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(url.pathname)) return undefined;
  const raw = a.body;
  const text = typeof raw === "string" ? raw : raw instanceof AppBinary ? Buffer.from(raw.buffer).toString("utf8") : "";
  const form = new URLSearchParams(text);
  return { to: form.get("To") ?? "", from: form.get("From") ?? "", body: form.get("Body") ?? "" };
}

/** get/post/put/patch/delete/head, recorded as `<prefix>.<method>`; refused unless allowNetwork. */
function httpClient(state: CallState, allowNetwork: boolean, prefix: string, service?: string) {
  const make = (method: (typeof HTTP_METHODS)[number]) => (args?: unknown) => {
    const kind = `${prefix}.${method}`;
    const a = asArgs(args);
    const twilio = method === "post" ? twilioMessage(a) : undefined;
    if (twilio) {
      // Twilio's Messages API, as the Twilio rewrite rule calls it: recorded like the Twilio
      // service's send and never sent, even with --allow-network (docs/parity.md).
      state.outbound.push({ kind: "twilio.send", args: safeEncodeEJSON([twilio]), sent: false });
      const body = JSON.stringify({ sid: "SM" + "0".repeat(32), status: "queued", to: twilio.to, from: twilio.from, body: twilio.body });
      return Promise.resolve({
        status: "201 Created",
        statusCode: 201,
        contentLength: body.length,
        headers: { "Content-Type": ["application/json"] },
        cookies: {},
        body: new AppBinary(Buffer.from(body)),
      });
    }
    const record: OutboundCall = { kind, ...(service !== undefined ? { service } : {}), args: safeEncodeEJSON([args ?? {}]), sent: false };
    state.outbound.push(record);
    if (!allowNetwork) {
      return rejected(
        // The same words for context.http and a legacy HTTP service's action, so verify sees one behaviour.
        new Error(
          `outbound network calls are disabled in the shim: ${method.toUpperCase()} ${describeUrl(a)} was recorded but not sent (pass --allow-network to send it)`,
        ),
      );
    }
    try {
      state.assertActive(kind);
      const host = requestUrl(a).hostname;
      if (!hostAllowed(host)) throw new Error(allowHostsMessage(host));
    } catch (err) {
      return rejected(err as Error);
    }
    record.sent = true;
    return state.track(() => sendHttp(method, a, state));
  };
  return Object.freeze(
    Object.fromEntries(HTTP_METHODS.map((m) => [m, make(m)])) as Record<(typeof HTTP_METHODS)[number], (args?: unknown) => Promise<HttpResponseObject>>,
  );
}

// ---------------------------------------------------------------------------------------------
// MongoDB service client

type Doc = Record<string, unknown>;

/** Drops trailing undefined arguments (so an absent option does not travel as `null`). */
function trimArgs(args: unknown[]): unknown[] {
  const out = [...args];
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out;
}

function isObj(v: unknown): v is Doc {
  return v !== null && typeof v === "object";
}

type Fetch = (mods: { sort?: unknown; skip?: number; limit?: number }) => Promise<unknown>;

/**
 * The cursor of `find` / `aggregate`: `sort`, `skip`, `limit` (chainable), `toArray`, `next`,
 * `hasNext`; also thenable, so `await coll.find()` (old code) gives the array.
 */
class Cursor {
  #fetch: Fetch;
  #mods: { sort?: unknown; skip?: number; limit?: number } = {};
  #buffer: unknown[] | undefined;

  constructor(fetch: Fetch) {
    this.#fetch = fetch;
  }
  sort(sort: unknown): this {
    this.#mods.sort = sort;
    return this;
  }
  skip(n: unknown): this {
    this.#mods.skip = Number(n);
    return this;
  }
  limit(n: unknown): this {
    this.#mods.limit = Number(n);
    return this;
  }
  toArray(): Promise<unknown> {
    return this.#fetch(this.#mods);
  }
  /**
   * The next document; `undefined` once the cursor is exhausted: "If the cursor is exhausted, the
   * promise resolves to `undefined`" (https://www.mongodb.com/docs/atlas/app-services/functions/mongodb/api/#collection.find--,
   * cursor.next()). The Node driver answers `null` there; App Services does not.
   */
  async next(): Promise<unknown> {
    if (!this.#buffer) this.#buffer = [...((await this.toArray()) as unknown[])];
    return this.#buffer.length > 0 ? this.#buffer.shift() : undefined;
  }
  async hasNext(): Promise<boolean> {
    if (!this.#buffer) this.#buffer = [...((await this.toArray()) as unknown[])];
    return this.#buffer.length > 0;
  }
  then<A, B>(onFulfilled?: (value: unknown) => A | PromiseLike<A>, onRejected?: (reason: unknown) => B | PromiseLike<B>): Promise<A | B> {
    return this.toArray().then(onFulfilled, onRejected);
  }
  catch<B>(onRejected?: (reason: unknown) => B | PromiseLike<B>): Promise<unknown> {
    return this.toArray().catch(onRejected);
  }
}

/** A database error with the stack of the call that caused it (the message stays as it was). */
function atCallSite(err: unknown, site: Error): unknown {
  if (!(err instanceof Error) || typeof site.stack !== "string") return err;
  const frames = site.stack.split("\n").slice(1).join("\n");
  try {
    err.stack = `${err.name}: ${err.message}\n${frames}`;
  } catch {
    // A frozen error keeps its own stack.
  }
  return err;
}

/** `{ insertOne: doc }` (the bulkWrite docs' example) as `{ insertOne: { document: doc } }`; other operations as given. */
function bulkOperations(operations: unknown): unknown {
  if (!Array.isArray(operations)) return operations;
  return operations.map((op) => {
    if (!isObj(op) || Object.keys(op).length !== 1) return op;
    const insert = op.insertOne;
    if (isObj(insert) && !Object.hasOwn(insert, "document")) return { insertOne: { document: insert } };
    return op;
  });
}

function mongoClient(service: string, env: ContextEnv) {
  /**
   * `getCollectionNames` and `getDBNames` are "only available in system functions. You cannot call
   * this method from a function that runs in the context of an application user"
   * (https://www.mongodb.com/docs/atlas/app-services/functions/mongodb/api/#database.getCollectionNames--).
   */
  const systemOnly = <T>(what: string, run: () => T): T => {
    if (!env.req.runningAsSystem) throw new Error(`${what}() is only available in system functions, not as an application user`);
    return run();
  };
  // Pending work of the call until it settles (CallState.track): the answer waits for it.
  const call = (db: string, collection: string | undefined, method: string, args: unknown[]): Promise<unknown> => {
    // Where the function code made the call: a database error carries this stack, so the call's
    // failure names the function's line (sandbox.ts thrownAt), e.g. for an unsupported operator.
    const site = new Error();
    return env.state.track(async () => {
      env.state.assertActive(`${service}.${method}`);
      let text: string;
      try {
        text = await env.db({ service, db, ...(collection !== undefined ? { collection } : {}), method, args: encodeEJSON(trimArgs(args)) ?? "[]" });
      } catch (err) {
        throw atCallSite(err, site);
      }
      return decodeEJSON(text, env.realm);
    });
  };
  const collection = (dbName: string, collName: string) => {
    const c = (method: string, ...args: unknown[]) => call(dbName, collName, method, args);
    const filterOf = (q: unknown) => (isObj(q) ? q : {});
    return Object.freeze({
      find(query?: unknown, projection?: unknown, options?: unknown) {
        const o = isObj(options) ? options : {};
        return new Cursor((mods) => {
          const findOptions: Doc = {};
          const proj = isObj(projection) ? projection : o.projection;
          if (proj !== undefined) findOptions.projection = proj;
          const sort = mods.sort ?? o.sort;
          if (sort !== undefined) findOptions.sort = sort;
          const skip = mods.skip ?? o.skip;
          if (skip !== undefined) findOptions.skip = skip;
          const limit = mods.limit ?? o.limit;
          if (limit !== undefined) findOptions.limit = limit;
          return c("find", filterOf(query), findOptions);
        });
      },
      findOne(query?: unknown, projection?: unknown, options?: unknown) {
        const o = isObj(options) ? options : {};
        const findOptions: Doc = {};
        const proj = isObj(projection) ? projection : o.projection;
        if (proj !== undefined) findOptions.projection = proj;
        if (o.sort !== undefined) findOptions.sort = o.sort;
        return c("findOne", filterOf(query), findOptions);
      },
      insertOne: (doc: unknown) => c("insertOne", doc),
      insertMany: (docs: unknown) => c("insertMany", docs),
      updateOne: (query: unknown, update: unknown, options?: unknown) => c("updateOne", filterOf(query), update, options),
      updateMany: (query: unknown, update: unknown, options?: unknown) => c("updateMany", filterOf(query), update, options),
      deleteOne: (query?: unknown) => c("deleteOne", filterOf(query)),
      deleteMany: (query?: unknown) => c("deleteMany", filterOf(query)),
      findOneAndUpdate: (query: unknown, update: unknown, options?: unknown) => c("findOneAndUpdate", filterOf(query), update, options),
      findOneAndReplace: (query: unknown, replacement: unknown, options?: unknown) => c("findOneAndReplace", filterOf(query), replacement, options),
      findOneAndDelete: (query?: unknown, options?: unknown) => c("findOneAndDelete", filterOf(query), options),
      aggregate(pipeline?: unknown) {
        const stages = Array.isArray(pipeline) ? [...pipeline] : [];
        return new Cursor((mods) => {
          const extra: unknown[] = [];
          if (mods.sort !== undefined) extra.push({ $sort: mods.sort });
          if (mods.skip !== undefined) extra.push({ $skip: mods.skip });
          if (mods.limit !== undefined) extra.push({ $limit: mods.limit });
          return c("aggregate", [...stages, ...extra]);
        });
      },
      count: (query?: unknown) => c("count", filterOf(query)),
      countDocuments: (query?: unknown) => c("countDocuments", filterOf(query)),
      distinct: (field: unknown, query?: unknown) => c("distinct", String(field), query === undefined ? undefined : filterOf(query)),
      // "returns a Promise that resolves to null" (https://www.mongodb.com/docs/atlas/app-services/functions/mongodb/api/#collection.bulkWrite--).
      // The docs' own example writes `{ insertOne: doc }` without `document`, as the Node driver also takes it.
      bulkWrite: (operations: unknown, options?: unknown) =>
        c("bulkWrite", bulkOperations(operations), isObj(options) && typeof options.ordered === "boolean" ? { ordered: options.ordered } : undefined).then(
          () => null,
        ),
    });
  };
  const database = (dbName: unknown) => {
    const name = String(dbName);
    return Object.freeze({
      collection: (collName: unknown) => collection(name, String(collName)),
      getCollectionNames: () => systemOnly("database.getCollectionNames", () => call(name, undefined, "listCollections", [])),
    });
  };
  return Object.freeze({
    db: database,
    /**
     * One GitHub docs example writes `mongodb.database("test")`
     * (https://www.mongodb.com/docs/atlas/app-services/services/github/).
     */
    database,
    admin: () => Object.freeze({ getDBNames: () => systemOnly("admin.getDBNames", () => call("admin", undefined, "listDatabases", [])) }),
  });
}

const MONGO_TYPES = new Set(["mongodb-atlas", "mongodb", "datalake"]);

/** A client whose every method throws: the service type exists in App Services but not in the shim. */
function unsupportedService(name: string, type: string) {
  return new Proxy(Object.freeze({}), {
    get(_target, prop) {
      if (typeof prop === "symbol" || prop === "then" || prop === "toJSON") return undefined;
      return () => {
        throw new Error(`service "${name}" (type "${type}"): ${String(prop)} is not supported by the hookshift shim`);
      };
    },
  });
}

// ---------------------------------------------------------------------------------------------
// context

export interface ContextEnv {
  app: AppSpec;
  req: Pick<CallRequest, "user" | "runningAsSystem" | "request" | "allowNetwork">;
  state: CallState;
  db: DbBackend;
  /** The realm of the call's handler: objects handed to function code are created there. */
  realm: Realm;
  /** Runs another app function (sandbox.ts supplies it): sync value, or a Promise when it is async. */
  execute: (name: string, args: unknown[]) => unknown;
}

/** Builds the `context` global for one call. */
export function createFunctionContext(env: ContextEnv) {
  const { app, req, state, realm } = env;
  return Object.freeze({
    app: copyToRealm(app.app, realm),
    environment: copyToRealm({ tag: app.environment.tag, values: app.environment.values }, realm),
    values: Object.freeze({
      get(name: unknown): unknown {
        const key = String(name);
        if (!Object.hasOwn(app.values, key)) return undefined;
        return copyToRealm(app.values[key], realm);
      },
    }),
    functions: Object.freeze({
      execute(name: unknown, ...args: unknown[]): unknown {
        const key = String(name);
        if (!Object.hasOwn(app.functions, key)) throw new Error(`function not found: ${key}`);
        return env.execute(key, args);
      },
    }),
    user: copyToRealm(req.user, realm),
    request: req.request ? copyToRealm(req.request, realm) : undefined,
    runningAsSystem: () => req.runningAsSystem,
    http: httpClient(state, req.allowNetwork, "http"),
    services: Object.freeze({
      get(name: unknown): unknown {
        const key = String(name);
        const type = Object.hasOwn(app.services, key) ? app.services[key] : undefined;
        if (key === "mongodb-atlas" || (type !== undefined && MONGO_TYPES.has(type))) return mongoClient(key, env);
        if (type === undefined) return undefined;
        if (type === "http") return httpClient(state, req.allowNetwork, "http-service", key);
        if (type === "twilio") {
          return Object.freeze({
            /**
             * Recorded, never sent (`send({to, from, body})`, no return value:
             * https://www.mongodb.com/docs/atlas/app-services/services/twilio-actions/send/).
             */
            send(args?: unknown): undefined {
              state.outbound.push({ kind: "twilio.send", service: key, args: safeEncodeEJSON([args ?? {}]), sent: false });
              return undefined;
            },
          });
        }
        return unsupportedService(key, type);
      },
    }),
  });
}
