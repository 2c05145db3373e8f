// The V8 code cache for large CommonJS files (src/util/code-cache.ts): a module loads the same with
// or without it, the cache is written once and then used, and a bad or unwritable cache folder
// never stops a load. Its speed is measured in bench/startup.mjs, not here.

import { readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cacheDir } from "../../src/util/cache-dir.js";
import { requireWithCodeCache } from "../../src/util/code-cache.js";
import { tempDir } from "../helpers.js";

const require = createRequire(import.meta.url);
const saved = process.env.XDG_CACHE_HOME;
let dir: string;
let cacheHome: string;

beforeEach(async () => {
  dir = await tempDir("hookshift-code-cache-");
  cacheHome = path.join(dir, "cache");
  process.env.XDG_CACHE_HOME = cacheHome;
});
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved;
});

// A module with a function V8 compiles lazily (so the cache holds more than the top level), a
// require of its own, and its file name: what the CommonJS wrapper must give it.
const SOURCE = `const path = require("node:path");
function twice(x) { return x * 2; }
exports.answer = twice(21);
exports.name = path.basename(__filename);
exports.same = module.exports === exports;
`;

function writeModule(name: string, text = SOURCE): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const cacheFiles = () => readdirSync(cacheDir("v8")!).filter((f) => f.endsWith(".bin"));

describe("requireWithCodeCache", () => {
  it("loads a CommonJS module as require does, writes its cache once, and then uses it", () => {
    const first = writeModule("first.cjs");
    expect(requireWithCodeCache(first)).toEqual({ answer: 42, name: "first.cjs", same: true });
    expect(cacheDir("v8")).toBe(path.join(cacheHome, "hookshift", (require("../../package.json") as { version: string }).version, "v8"));
    const [cache] = cacheFiles();
    expect(cache).toBeDefined();
    const written = statSync(path.join(cacheDir("v8")!, cache!));
    // The same content under another path: the cache is keyed by content, and V8 accepts it, so it
    // is not written again (a rewrite would be a new file, by rename).
    const second = writeModule("second.cjs");
    expect(requireWithCodeCache(second)).toEqual({ answer: 42, name: "second.cjs", same: true });
    expect(cacheFiles()).toEqual([cache]);
    const after = statSync(path.join(cacheDir("v8")!, cache!));
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
  });

  it("puts the module in require.cache, so a later require gets the very same exports", () => {
    const file = writeModule("shared.cjs");
    const loaded = requireWithCodeCache(file);
    expect(require(file)).toBe(loaded);
    expect(requireWithCodeCache(file)).toBe(loaded);
  });

  it("reads an all-ASCII file as one-byte text and says so in its cache's name; any other file as UTF-8, cache or no cache", () => {
    requireWithCodeCache(writeModule("ascii.cjs"));
    expect(cacheFiles()).toEqual([expect.stringMatching(/\.ascii\.bin$/)]);
    const accented = `${SOURCE}exports.word = "caf\u00e9 \u2713";\n`;
    expect(requireWithCodeCache(writeModule("utf8-a.cjs", accented))).toMatchObject({ word: "caf\u00e9 \u2713" });
    // Again from its cache: the name says it is not ASCII, so it is still read as UTF-8.
    expect(requireWithCodeCache(writeModule("utf8-b.cjs", accented))).toMatchObject({ word: "caf\u00e9 \u2713" });
    expect(cacheFiles().filter((f) => !f.endsWith(".ascii.bin"))).toHaveLength(1);
  });

  it("gives a changed file its own cache", () => {
    requireWithCodeCache(writeModule("a.cjs"));
    const changed = writeModule("b.cjs", SOURCE.replace("21", "5"));
    expect(requireWithCodeCache(changed)).toMatchObject({ answer: 10 });
    expect(cacheFiles()).toHaveLength(2);
  });

  it("replaces a cache V8 refuses (damaged), and still loads", () => {
    requireWithCodeCache(writeModule("a.cjs"));
    const [cache] = cacheFiles();
    const cachePath = path.join(cacheDir("v8")!, cache!);
    writeFileSync(cachePath, Buffer.from("not a code cache"));
    expect(requireWithCodeCache(writeModule("b.cjs"))).toMatchObject({ answer: 42 });
    expect(statSync(cachePath).size).toBeGreaterThan(100);
  });

  it("loads without a cache when the cache folder cannot be made", () => {
    // A file where the folder would go: mkdir fails (as on a read-only home), for root as well.
    writeFileSync(cacheHome, "");
    expect(requireWithCodeCache(writeModule("nowhere.cjs"))).toMatchObject({ answer: 42 });
    expect(readdirSync(dir).sort()).toEqual(["cache", "nowhere.cjs"]);
  });

  it("throws the module's own error, and leaves it out of require.cache", () => {
    const file = writeModule("throws.cjs", 'throw new Error("top level failed");\n');
    expect(() => requireWithCodeCache(file)).toThrow("top level failed");
    expect(require.cache[file]).toBeUndefined();
  });
});

describe("cacheDir", () => {
  it("is under XDG_CACHE_HOME when it is an absolute path, else under the home folder", () => {
    expect(cacheDir("v8", { XDG_CACHE_HOME: "/x/cache" })).toMatch(/^\/x\/cache\/hookshift\/[^/]+\/v8$/);
    if (process.platform === "linux") expect(cacheDir("v8", { XDG_CACHE_HOME: "relative" })).toContain(path.join(".cache", "hookshift"));
  });
});
