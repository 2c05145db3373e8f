// Loads and runs App Services function sources the way App Services does
// (https://www.mongodb.com/docs/atlas/app-services/functions/,
// https://www.mongodb.com/docs/atlas/app-services/functions/javascript-support/): each source runs as a
// script in a fresh node:vm context that defines
// `exports`, `context`, `utils`, `EJSON`, `BSON`, `console`, `require` and `HTTPResponse` (and no
// `module`); afterwards the `exports` binding holds the handler. `exports = …` and
// `var exports = …` both work because a top-level `var` in a script binds the context's global.
//
// Time limit (https://www.mongodb.com/docs/atlas/app-services/functions/#function-constraints): the
// synchronous part of every piece of function code (loading the
// script, calling the handler, `context.functions.execute`, timer callbacks) runs under the vm
// `timeout`; a returned promise races a timer. Both end the call with ExecutionTimeLimitExceeded.
// Code that never yields to the event loop *after* an `await` (a microtask loop, a sync loop in a
// promise continuation) cannot be stopped in-process: the worker pool's watchdog (pool.ts)
// terminates the worker for those. This is protection from runaway code, not a security boundary.

import vm from "node:vm";
import type { AppSpec, CallRequest, CallResult } from "./protocol.js";
import { BSON } from "./bson-global.js";
import { makeConsole } from "./console.js";
import { cryptoUtils } from "./crypto-utils.js";
import { decodeEJSON, encodeEJSON, type Realm } from "./ejson-codec.js";
import { makeEJSON } from "./ejson-global.js";
import { emptyResponseState, HTTPResponse } from "./http-response.js";
import { makeJwtUtils } from "./jwt-utils.js";
import { makeRequire } from "./require.js";
import { CallState, createFunctionContext, type DbBackend, TimeLimitError } from "./context.js";
import { enterCall, leaveCall } from "./harden.js";
import { guardedBuffer } from "./memory-guard.js";

export type { DbBackend } from "./context.js";

/** A call as `runInProcess` takes it (the protocol's CallRequest without the envelope). */
export type RunRequest = Omit<CallRequest, "kind" | "id"> & { id?: number };

// ---------------------------------------------------------------------------------------------
// compilation cache

const SCRIPT_CACHE_LIMIT = 500;
const scriptCache = new Map<string, vm.Script>();

/**
 * Compiles a function source once: the same file name and text always give the same vm.Script.
 * The name is part of the key because coverage (verify) is collected per script: two webhooks
 * with the same text are still two functions.
 */
export function compileSource(source: string, filename = "function.js"): vm.Script {
  const key = `${filename}\n${source}`;
  const cached = scriptCache.get(key);
  if (cached) return cached;
  const script = new vm.Script(source, { filename });
  scriptCache.set(key, script);
  if (scriptCache.size > SCRIPT_CACHE_LIMIT) {
    const oldest = scriptCache.keys().next().value;
    if (oldest !== undefined) scriptCache.delete(oldest);
  }
  return script;
}

// ---------------------------------------------------------------------------------------------
// running code under the time limit

const REALM_SCRIPT = new vm.Script(
  "(function (D) { return { object: function () { return {}; }, array: function () { return []; }, date: function (t) { return new D(t); } }; })(Date)",
  { filename: "hookshift:realm" },
);

/**
 * Whether synchronous function code runs under node:vm's `timeout`. Node starts a watchdog thread
 * for every timed run, which costs about a millisecond a call; inside a worker the pool's own
 * watchdog ends a runaway call (by terminating the worker) so the worker turns this off. The
 * in-process runner keeps it on: nothing else could stop a synchronous loop there.
 */
let vmTimeouts = true;
export function setVmTimeouts(enabled: boolean): void {
  vmTimeouts = enabled;
}

const INVOKE_KEY = "__hookshift_invoke";
const invoker = vm.createContext({});
const INVOKE_SCRIPT = new vm.Script(`${INVOKE_KEY}()`, { filename: "hookshift:invoke" });

function isVmTimeout(err: unknown): boolean {
  return err !== null && typeof err === "object" && (err as { code?: unknown }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT";
}

function timeoutMs(state: CallState): number {
  const ms = state.remainingMs();
  if (ms <= 0 || state.timedOut) {
    state.timedOut = true;
    throw new TimeLimitError();
  }
  return Math.max(1, Math.ceil(ms));
}

/** Runs `fn` (which calls into function code) with the vm timeout set to the call's remaining time. */
function guarded<T>(state: CallState, fn: () => T): T {
  const timeout = timeoutMs(state);
  if (!vmTimeouts) return fn();
  (invoker as Record<string, unknown>)[INVOKE_KEY] = fn;
  try {
    return INVOKE_SCRIPT.runInContext(invoker, { timeout, displayErrors: false }) as T;
  } catch (err) {
    if (isVmTimeout(err)) {
      state.timedOut = true;
      throw new TimeLimitError();
    }
    throw err;
  } finally {
    (invoker as Record<string, unknown>)[INVOKE_KEY] = undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}

/** Awaits a returned promise (or cursor) until the call's deadline or an uncaught timer error. */
function settle(value: unknown, state: CallState, failure: Promise<never>): Promise<unknown> {
  if (!isThenable(value)) return Promise.resolve(value);
  return new Promise((resolve, reject) => {
    let ms: number;
    try {
      ms = timeoutMs(state);
    } catch (err) {
      reject(err);
      return;
    }
    const timer = setTimeout(() => {
      state.timedOut = true;
      reject(new TimeLimitError());
    }, ms);
    const done = () => clearTimeout(timer);
    failure.then(undefined, (err: unknown) => {
      done();
      reject(err);
    });
    Promise.resolve(value).then(
      (v) => {
        done();
        resolve(v);
      },
      (err: unknown) => {
        done();
        reject(err);
      },
    );
  });
}

/**
 * Waits until the work the call started is done: database calls and HTTP requests settled, timers
 * run or cleared (CallState.pending), checking again after every change once the continuations
 * have run (they may start more work). Rejects at the call's deadline (TimeLimitError) or when a
 * timer callback throws. App Services answers only then: a public transcript of an unawaited
 * insertOne loop took 13.9 s to answer, and one that ran past the limit answered
 * ExecutionTimeLimitExceeded (https://alexbevi.com/blog/2020/03/30/working-around-mongodb-stitchs-max-async-work-queue-limit/;
 * docs/parity.md, "Function runtime").
 */
async function drainPending(state: CallState, failure: Promise<never>): Promise<void> {
  for (;;) {
    // Every microtask (the continuations of settled work) runs before this.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (state.timedOut) throw new TimeLimitError();
    if (state.pending() === 0) return;
    await settle(state.whenChanged(), state, failure);
  }
}

function messageOf(err: unknown): string {
  if (err !== null && typeof err === "object" && typeof (err as { message?: unknown }).message === "string") {
    return (err as { message: string }).message;
  }
  try {
    return String(err);
  } catch {
    return "function threw a value that cannot be converted to a string";
  }
}

// ---------------------------------------------------------------------------------------------
// one call

function newVmContext(): { ctx: vm.Context; realm: Realm } {
  const ctx = vm.createContext({}, { name: "App Services function", codeGeneration: { strings: true, wasm: false } });
  const realm = REALM_SCRIPT.runInContext(ctx) as Realm;
  return { ctx, realm };
}

/** Runs a source in a context (already holding the globals) and returns its `exports` handler. */
function loadHandler(ctx: vm.Context, realm: Realm, source: string, filename: string, state: CallState): (...args: unknown[]) => unknown {
  const script = compileSource(source, filename);
  (ctx as Record<string, unknown>).exports = realm.object();
  try {
    const timeout = timeoutMs(state);
    script.runInContext(ctx, vmTimeouts ? { timeout, displayErrors: false } : { displayErrors: false });
  } catch (err) {
    if (isVmTimeout(err)) {
      state.timedOut = true;
      throw new TimeLimitError();
    }
    throw err;
  }
  const handler = (ctx as Record<string, unknown>).exports;
  if (typeof handler !== "function") {
    throw new Error(`${filename} does not export a function (assign it with \`exports = function (...) { ... }\`)`);
  }
  return handler as (...args: unknown[]) => unknown;
}

/** The per-call globals (shared by the handler and every function it executes). */
function buildGlobals(app: AppSpec, req: RunRequest, state: CallState, realm: Realm, db: DbBackend, fail: (err: unknown) => void): Record<string, unknown> {
  const runCallback = (fn: unknown, args: unknown[]) => {
    if (state.ended) return;
    try {
      guarded(state, () => (fn as (...a: unknown[]) => unknown)(...args));
    } catch (err) {
      fail(err);
    }
  };
  const checkFn = (fn: unknown, name: string) => {
    if (typeof fn !== "function") throw new TypeError(`${name}: callback must be a function`);
  };
  const timers = {
    setTimeout(fn: unknown, ms?: unknown, ...args: unknown[]) {
      checkFn(fn, "setTimeout");
      const t = setTimeout(() => {
        state.timers.delete(t);
        runCallback(fn, args);
        state.changed();
      }, Number(ms) || 0);
      state.timers.add(t);
      return t;
    },
    clearTimeout(t: unknown) {
      clearTimeout(t as NodeJS.Timeout);
      state.timers.delete(t as NodeJS.Timeout);
      state.changed();
    },
    setInterval(fn: unknown, ms?: unknown, ...args: unknown[]) {
      checkFn(fn, "setInterval");
      const t = setInterval(() => runCallback(fn, args), Number(ms) || 0);
      state.timers.add(t);
      return t;
    },
    clearInterval(t: unknown) {
      clearInterval(t as NodeJS.Timeout);
      state.timers.delete(t as NodeJS.Timeout);
      state.changed();
    },
    setImmediate(fn: unknown, ...args: unknown[]) {
      checkFn(fn, "setImmediate");
      const i = setImmediate(() => {
        state.immediates.delete(i);
        runCallback(fn, args);
        state.changed();
      });
      state.immediates.add(i);
      return i;
    },
    clearImmediate(i: unknown) {
      clearImmediate(i as NodeJS.Immediate);
      state.immediates.delete(i as NodeJS.Immediate);
      state.changed();
    },
  };

  const globals: Record<string, unknown> = {};
  const execute = (name: string, args: unknown[]): unknown => {
    const fn = app.functions[name];
    if (!fn) throw new Error(`function not found: ${name}`);
    const { ctx, realm: fnRealm } = newVmContext();
    Object.assign(ctx, globals);
    const handler = loadHandler(ctx, fnRealm, fn.source, `functions/${name}.js`, state);
    return guarded(state, () => handler(...args));
  };
  const context = createFunctionContext({ app, req, state, db, realm, execute });
  Object.assign(globals, {
    context,
    utils: Object.freeze({ crypto: cryptoUtils, jwt: makeJwtUtils(realm) }),
    EJSON: makeEJSON(realm),
    BSON,
    console: makeConsole(state.logs),
    require: makeRequire(app.dependencies, { allowNetwork: req.allowNetwork, sink: state }),
    HTTPResponse,
    Buffer: guardedBuffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    ...timers,
  });
  return globals;
}

/** The line of `filename` in the first stack frame that names it (1-based), if any. */
function thrownAt(err: unknown, filename: string): number | undefined {
  let stack: unknown;
  try {
    stack = err !== null && typeof err === "object" ? (err as { stack?: unknown }).stack : undefined;
  } catch {
    return undefined;
  }
  if (typeof stack !== "string") return undefined;
  const at = stack.indexOf(`${filename}:`);
  if (at < 0) return undefined;
  const m = /^:(\d+):\d+/.exec(stack.slice(at + filename.length));
  return m ? Number(m[1]) : undefined;
}

function failureResult(
  id: number,
  code: "FunctionExecutionError" | "ExecutionTimeLimitExceeded" | "FunctionNotFound",
  message: string,
  state: CallState,
  response?: HTTPResponse,
  line?: number,
): CallResult {
  return {
    kind: "result",
    id,
    ok: false,
    error: { message, code, ...(line !== undefined ? { line } : {}) },
    response: response ? HTTPResponse.stateOf(response) : emptyResponseState(),
    logs: [...state.logs],
    outbound: state.outbound.map((o) => ({ ...o })),
  };
}

/**
 * Runs one call in this thread: resolves the source (`functionName` or `source`), loads it in a
 * fresh vm context, calls the handler with the decoded arguments (plus an HTTPResponse when
 * `withResponse`), awaits a returned promise and encodes the result as canonical EJSON.
 * Never throws: failures come back as `ok: false` results. Used by the worker and by tests.
 */
export async function runInProcess(app: AppSpec, req: RunRequest, db: DbBackend): Promise<CallResult> {
  const id = req.id ?? 0;
  const state = new CallState(req.timeLimitMs);
  enterCall(state, req.allowNetwork);
  let response: HTTPResponse | undefined;
  let rejectFailure: (err: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => {
    rejectFailure = reject;
  });
  // The first error of a timer callback, also when it came while nothing awaited `failure`.
  let failed: { err: unknown } | undefined;
  failure.catch(() => undefined);
  let filename = "source.js";
  try {
    let source: string;
    if (req.functionName !== undefined) {
      const fn = Object.hasOwn(app.functions, req.functionName) ? app.functions[req.functionName] : undefined;
      if (!fn) return failureResult(id, "FunctionNotFound", `function not found: ${req.functionName}`, state);
      source = fn.source;
      filename = `functions/${req.functionName}.js`;
    } else if (req.source !== undefined) {
      source = req.source;
      filename = req.sourceFile ?? "source.js";
    } else {
      throw new Error("the call names neither a function nor a source");
    }

    const { ctx, realm } = newVmContext();
    const globals = buildGlobals(app, req, state, realm, db, (err) => {
      failed ??= { err };
      rejectFailure(err);
    });
    Object.assign(ctx, globals);
    const handler = loadHandler(ctx, realm, source, filename, state);

    const args = decodeEJSON(req.args, realm);
    if (!Array.isArray(args)) throw new Error("the call arguments must be an array");
    if (req.withResponse) {
      response = HTTPResponse.create(req.setBodyOther);
      args.push(response);
    }
    const returned = guarded(state, () => handler(...args));
    const awaitPending = req.awaitPending !== false;
    let result: unknown;
    try {
      result = await settle(returned, state, failure);
    } catch (err) {
      // The function failed; its writes still land before the error is answered (inferred,
      // docs/parity.md), so the database does not change after the answer.
      if (awaitPending && !state.timedOut) await drainPending(state, failure).catch(() => undefined);
      throw err;
    }
    if (state.timedOut) throw new TimeLimitError();
    if (awaitPending) {
      await drainPending(state, failure);
      if (failed) throw failed.err;
      // A rejection of the call's work that the function never handled fails the call (inferred
      // from the transcript above, where an error of the unawaited work replaced the answer).
      const unhandled = state.unhandledRejection();
      if (unhandled) throw unhandled.reason;
    }

    const returnedResponse = response !== undefined && result === response;
    const value = returnedResponse ? undefined : encodeEJSON(result);
    return {
      kind: "result",
      id,
      ok: true,
      ...(value !== undefined ? { value } : {}),
      returnedResponse,
      response: response ? HTTPResponse.stateOf(response) : emptyResponseState(),
      logs: [...state.logs],
      outbound: state.outbound.map((o) => ({ ...o })),
    };
  } catch (err) {
    if (err instanceof TimeLimitError || state.timedOut || isVmTimeout(err)) {
      return failureResult(id, "ExecutionTimeLimitExceeded", "execution time limit exceeded", state, response);
    }
    return failureResult(id, "FunctionExecutionError", messageOf(err), state, response, thrownAt(err, filename));
  } finally {
    state.end();
    leaveCall(state);
  }
}
