// `require` for a large CommonJS file with a V8 code cache, as the v8-compile-cache package does for
// every file (Node 22 has this built in: `module.enableCompileCache()`; Node 20 has not). V8 then
// deserializes the compiled functions instead of parsing and compiling 9 MB of TypeScript compiler
// again in every run: its load took 430 ms of CPU here, 260 ms with the cache (bench/README.md,
// "Start-up").
//
// The cache is a file per source content, Node build and flags, in the user's cache folder
// (cache-dir.ts: $XDG_CACHE_HOME, else ~/.cache, ...), under hookshift/<version>/v8/. Keyed by
// content, never by path or modification time, so a changed file can never meet another file's
// cache: the content's CRC-32 and length, as Node's own compile cache keys a source (nodejs/node,
// src/compile_cache.cc, `GetHash`): over the 9 MB, 1.5 ms against SHA-256's 5 ms here (the first
// pass over the freshly read bytes costs 13 ms more whichever reads them first, the hash or the
// copy to a string; bench/README.md, "Start-up"). V8 checks its own version, flags and the
// source's length as well, and refuses a cache that does not fit (it is then written again).
// Anything that goes wrong with the cache folder (unset home, read-only, full, a permission model
// that forbids it) only means the file is compiled as `require` would.

import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import path from "node:path";
import { Script } from "node:vm";
import { crc32 } from "node:zlib";
import { cacheDir } from "./cache-dir.js";

const require = createRequire(import.meta.url);

/**
 * `require(file)` (an absolute path to a CommonJS file), compiled with the code cache: the module
 * goes into `require.cache` under its path, so a later `require` of the same file by anyone (e.g.
 * ts-morph requiring its bundled compiler) gets this very module.
 */
export function requireWithCodeCache(file: string): unknown {
  const loaded = require.cache[file];
  if (loaded) return loaded.exports;
  const bytes = readFileSync(file);
  const dir = cacheDir("v8");
  // Node's flags too: V8 refuses a cache made under other flags (a fleet's workers run with
  // --interrupt-budget), and one file for both would be rewritten by each in turn.
  const flags = `${process.execArgv.join(" ")}\0${process.env.NODE_OPTIONS ?? ""}`;
  const build = createHash("sha256").update(`${process.version}\0${process.arch}\0${flags}`).digest("hex").slice(0, 16);
  const base = dir && path.join(dir, `${crc32(bytes).toString(16).padStart(8, "0")}-${bytes.length.toString(16)}-${build}`);
  // An all-ASCII file's cache says so in its name: the key hashes the content, so finding that
  // cache spares checking the 9 MB again (11-17 ms here; bench/README.md, "Start-up").
  let cachedData = base ? readCache(`${base}.ascii.bin`) : undefined;
  const ascii = cachedData !== undefined || isAscii(bytes);
  if (!ascii && base) cachedData = readCache(`${base}.bin`);
  const cacheFile = base && `${base}${ascii ? ".ascii" : ""}.bin`;
  // A one-byte string for an all-ASCII file (the compiler is): decoding 9 MB as UTF-8 cost 30-50 ms more.
  const source = ascii ? bytes.toString("latin1") : bytes.toString("utf8");
  // The wrapper `require` puts around a CommonJS file, on the file's first line (positions in the
  // rest of the file, and so in stack traces, stay as they are).
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: file, cachedData });
  const mod = new Module(file);
  mod.filename = file;
  require.cache[file] = mod;
  try {
    (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, path.dirname(file));
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  mod.loaded = true;
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) writeCache(cacheFile, script);
  return mod.exports;
}

function readCache(cacheFile: string): Buffer | undefined {
  try {
    return readFileSync(cacheFile);
  } catch {
    // no cache yet (or none readable): compiled from the source, and the cache written after
    return undefined;
  }
}

/** Written after the file's top level ran, so the functions it compiled lazily are in the cache too. */
function writeCache(cacheFile: string, script: Script): void {
  // A temporary name, then a rename: several processes (a fleet's workers) may write at once, and
  // none may read a half-written file.
  const temp = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true });
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, cacheFile);
  } catch {
    // read-only or full: this run went without a cache, and so will the next
    try {
      rmSync(temp, { force: true });
    } catch {
      // nothing was written, or it cannot be removed either
    }
  }
}
