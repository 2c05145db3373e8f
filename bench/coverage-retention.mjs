#!/usr/bin/env node
// Benchmark (not a test): heap that V8's count-mode precise coverage keeps per call of a small
// function run in a fresh vm context, as verify's coverage workers run every call, against the
// same calls without coverage. V8 lists every feedback vector made while count coverage runs and
// never releases the list (deps/v8/src/debug/debug-coverage.cc in nodejs/node); a vector whose
// function built an array literal holds the literal's boilerplate, whose map belongs to the call's
// context, so the whole context stays alive. See bench/README.md, "verify: coverage cost".
// Usage: node --expose-gc bench/coverage-retention.mjs [calls] (default 300).
import { Session } from "node:inspector";
import vm from "node:vm";

const calls = Number(process.argv[2] ?? 300);
const BODIES = {
  "return q": "return q;",
  "{ a: q }": "const o = { a: q }; return o;",
  "[q, 2]": "const o = [q, 2]; return o;",
  "[1, 2].map(...)": "return [1, 2].map((x) => x + 1);",
  "(h || [''])[0]": "return (q.h || [''])[0];",
  "/x/.test(...)": "return /x/.test(String(q));",
};

if (typeof globalThis.gc !== "function") {
  console.error("Run with node --expose-gc.");
  process.exit(2);
}

/** KB of heap still used after a full collection, per call, for `body` run `calls` times. */
function keptPerCall(body) {
  const script = new vm.Script(`(function () { let exports = function (q) { ${body} }; return exports; })()`, { filename: "f.js" });
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) script.runInContext(vm.createContext({}))({ h: undefined });
  globalThis.gc();
  return (process.memoryUsage().heapUsed - before) / calls / 1024;
}

const session = new Session();
session.connect();
const post = (method, params = {}) => new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

const without = Object.fromEntries(Object.entries(BODIES).map(([name, body]) => [name, keptPerCall(body)]));
await post("Profiler.enable");
await post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
console.log(`heap kept per call after a full collection, ${calls} calls each, KB: without coverage / with count coverage`);
for (const [name, body] of Object.entries(BODIES)) {
  console.log(`${name.padEnd(18)} ${without[name].toFixed(1).padStart(7)} / ${keptPerCall(body).toFixed(1).padStart(7)}`);
}
