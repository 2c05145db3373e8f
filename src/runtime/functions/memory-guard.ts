// The memory limit of a function worker outside the V8 heap. `resourceLimits` (pool.ts) bounds the
// JS heap only; the bytes behind Buffers, ArrayBuffers and typed arrays live outside it, so a
// function could fill the shim's process with them (30 × Buffer.alloc(100 MB) passed a 350 MB
// limit). This module, loaded by worker.ts, counts the worker's heap plus its ArrayBuffer memory
// (V8's heap statistics: both are this worker's own) against the same limit:
//
// - before each Buffer allocation (alloc, allocUnsafe, allocUnsafeSlow) and after Buffer.from /
//   Buffer.concat, so a synchronous loop is stopped before it grows. The worker's own `Buffer`
//   function is patched, not wrapped: the worker runs nothing but function calls, and function
//   code reaches the real Buffer anyway (`Buffer.from("").constructor`);
// - after every call, and every 100 ms while the worker's event loop runs, for the rest (typed
//   arrays made with `new`, binary values made by the runtime).
//
// Over the limit, garbage is collected first (a Buffer dropped a moment ago is not use); still
// over, the worker exits with MEMORY_EXIT_CODE, and the pool answers the call with "function
// exceeded the memory limit" and starts a fresh worker, as it does for a heap overflow.

import v8 from "node:v8";
import vm from "node:vm";

/** Exit code of a worker that went over its memory limit outside the heap (pool.ts reads it). */
export const MEMORY_EXIT_CODE = 87;

/** Allocations smaller than this are checked in batches of CHECK_EVERY bytes. */
const CHECK_AT_ONCE = 1024 * 1024;
const CHECK_EVERY = 8 * 1024 * 1024;
const INTERVAL_MS = 100;

/** 0 until installMemoryGuard: the in-process runner (tests) checks nothing. */
let limitBytes = 0;
let sinceCheck = 0;

let gc: (() => void) | undefined;

// V8's gc(), for this module only: the flag is on while it is fetched and off again, so function
// contexts made later have no `gc` global.
function fetchGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString("--expose-gc");
    const fn = vm.runInNewContext("gc") as unknown;
    return typeof fn === "function" ? (fn as () => void) : undefined;
  } catch {
    return undefined;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
}

// V8's own figures, not process.memoryUsage(): that one also reads the process's RSS from /proc on
// every check, four times the cost, and the guard checks after every call (bench/README.md,
// "verify: coverage cost"). external_memory holds the ArrayBuffers' backing stores (and the few
// other bytes V8 is told about outside its heap), so it is at least memoryUsage().arrayBuffers.
function used(extra: number): number {
  const h = v8.getHeapStatistics() as v8.HeapInfo & { external_memory?: number };
  return h.used_heap_size + (h.external_memory ?? process.memoryUsage().arrayBuffers) + extra;
}

/**
 * Exits the worker when its heap plus ArrayBuffer memory (plus `extra` bytes about to be
 * allocated) exceeds the limit after a garbage collection.
 */
export function checkMemory(extra = 0): void {
  sinceCheck = 0;
  if (limitBytes <= 0 || used(extra) <= limitBytes) return;
  // A concurrent sweep can keep freed backing stores counted after one collection: two.
  gc?.();
  gc?.();
  if (used(extra) > limitBytes) process.exit(MEMORY_EXIT_CODE);
}

function note(bytes: number, before: boolean): void {
  if (limitBytes <= 0) return;
  if (bytes >= CHECK_AT_ONCE) return checkMemory(before ? bytes : 0);
  sinceCheck += bytes;
  if (sinceCheck >= CHECK_EVERY) checkMemory(before ? bytes : 0);
}

/** Starts the guard in this worker: `limitMb` (0 or less: off), checked every 100 ms as well. */
export function installMemoryGuard(limitMb: number | undefined): void {
  limitBytes = limitMb && limitMb > 0 ? limitMb * 1024 * 1024 : 0;
  gc ??= fetchGc();
  if (limitBytes <= 0) return;
  setInterval(() => checkMemory(), INTERVAL_MS).unref();
  const statics = Buffer as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const key of [...SIZED, ...MADE]) statics[key] = wrap(Buffer, key, statics[key]!) as (...a: unknown[]) => unknown;
}

const SIZED = new Set(["alloc", "allocUnsafe", "allocUnsafeSlow"]);
const MADE = new Set(["from", "concat"]);

/** The `Buffer` function code sees: Node's own, its allocators patched by installMemoryGuard. */
export const guardedBuffer: typeof Buffer = Buffer;

function wrap(target: typeof Buffer, key: string, value: (...a: unknown[]) => unknown): unknown {
  if (SIZED.has(key)) {
    return function (this: unknown, size: unknown, ...rest: unknown[]) {
      if (typeof size === "number" && Number.isFinite(size) && size > 0) note(size, true);
      return value.call(target, size, ...rest);
    };
  }
  return function (this: unknown, ...args: unknown[]) {
    const made = value.apply(target, args) as Buffer;
    note(made.length, false);
    return made;
  };
}
