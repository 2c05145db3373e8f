#!/usr/bin/env node
// Benchmark (not a test): `hookshift serve` under load (autocannon) on loopback, for a trivial
// endpoint and a database-backed one (embedded store), against a bare node:http server that
// calls the same function in node:vm (a fresh context a call, as the runtime does), in one run.
// Targets: serve at least 0.7x the bare server's requests/s, and its p99 under 2x the bare p99.
//
// Usage: npm run build && node bench/serve.mjs [--duration 10] [--connections 32] [--pool-size N]
//        node bench/serve.mjs --soak 300 [--rate 1000]   (RSS over a long run at a fixed rate)
//        --load-workers 1 runs the load generator in a worker thread instead of the main thread, which
//        both servers otherwise share with it (a deployed serve's main thread has no load generator).
// Besides requests/s and latency it prints the process's CPU time per request of each run (every
// thread, the load generator's included, which is the same work on both sides), and the load
// average: on a loaded machine both swing (bench/README.md, serve).
// HOOKSHIFT_DIST=<folder> runs another build (default: this repository's dist/).
import http from "node:http";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { fileURLToPath, pathToFileURL } from "node:url";
import autocannon from "autocannon";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.HOOKSHIFT_DIST ? path.resolve(process.env.HOOKSHIFT_DIST) : path.join(here, "..", "dist");
const load = (rel) => import(pathToFileURL(path.join(dist, rel)).href);
const { startServe } = await load("src/serve/start.js");
const { DEFAULT_LIMITS } = await load("src/runtime/limits.js");
const { defaultSemantics } = await load("src/runtime/semantics.js");
const { createEmbeddedStore } = await load("src/runtime/store/index.js");
const { pino } = await import("pino");

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const DURATION = arg("duration", 10);
const CONNECTIONS = arg("connections", 32);
const POOL = arg("pool-size", 2);
const SOAK = arg("soak", 0);
const RATE = arg("rate", 1000);
const LOAD_WORKERS = arg("load-workers", 0);
const app = path.join(here, "serve-app");
const prefix = "/app/servebench-abcde/endpoint";

// Baseline: node:http + node:vm with the same function sources; the database one on the same embedded store.
const sources = {
  trivial: "exports = function () {\n  return { ok: true };\n};\n",
  db: 'exports = async function () {\n  const coll = context.services.get("mongodb-atlas").db("bench").collection("hits");\n  const { insertedId } = await coll.insertOne({ at: 1 });\n  const doc = await coll.findOne({ _id: insertedId });\n  return { ok: doc !== null };\n};\n',
};
const scripts = { trivial: new vm.Script(sources.trivial), db: new vm.Script(sources.db) };
const bareStore = await createEmbeddedStore();
const context = { services: { get: () => ({ db: (d) => ({ collection: (c) => bareStore.collection(d, c) }) }) } };
const bare = http.createServer(async (req, res) => {
  const which = req.url.endsWith("/db") ? "db" : "trivial";
  const ctx = vm.createContext({ exports: undefined, context });
  scripts[which].runInContext(ctx);
  const body = JSON.stringify(await ctx.exports({ query: {}, headers: {} }));
  res.setHeader("Content-Type", "application/json");
  res.end(body);
});
await new Promise((r) => bare.listen(0, "127.0.0.1", r));
const bareUrl = `http://127.0.0.1:${bare.address().port}`;

const serve = await startServe({
  app,
  host: "127.0.0.1",
  port: 0,
  webhooks: false,
  database: { kind: "embedded" },
  env: {},
  allowNetwork: false,
  sandboxPermissions: true,
  semantics: defaultSemantics(),
  limits: { ...DEFAULT_LIMITS },
  poolSize: POOL,
  // Logging is part of what serve costs: keep it on, into a sink.
  logger: pino({ level: "info" }, { write: () => {} }),
});

const run = (url, opts = {}) =>
  new Promise((resolve, reject) =>
    autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...(LOAD_WORKERS > 0 ? { workers: LOAD_WORKERS } : {}), ...opts }, (err, r) =>
      err ? reject(err) : resolve(r),
    ),
  );
/** One measured run, with the process's CPU time (all threads) per request. */
const measure = async (url) => {
  const cpu0 = process.cpuUsage();
  const r = await run(url);
  const cpu = process.cpuUsage(cpu0);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    cpuMs: (cpu.user + cpu.system) / 1000 / Math.max(1, r.requests.total),
  };
};
/** V8's gc() for the bench (the flag is on only while it is fetched, as src/runtime/functions/memory-guard.ts does). */
const fullCollection = () => {
  v8.setFlagsFromString("--expose-gc");
  try {
    return vm.runInNewContext("gc");
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
};
const loadAvg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

if (SOAK > 0) {
  const mb = (bytes) => bytes / 1024 / 1024;
  const url = `${serve.url}${prefix}/trivial`;
  // Warm-up at the soak's rate (a tenth of it, at least 10 s), so the start figure has the JIT's
  // code, the workers' heaps and the sockets' buffers in it, not only the start-up.
  const warm = Math.max(10, Math.round(SOAK / 10));
  await run(url, { duration: warm, overallRate: RATE, connections: 50 });
  // The main thread's heap (serve's HTTP side and the load generator) grows to about four times
  // what it holds between its full collections, and V8 keeps the pages, so RSS at an instant
  // depends on where that cycle is (bench/README.md, serve). The verdict compares the mean RSS of
  // the first and the last minute (12 samples, two or more cycles each); what a full collection
  // leaves of the main heap at the start and the end is printed beside it.
  const start = process.memoryUsage();
  const collect = fullCollection();
  collect();
  const settled = process.memoryUsage();
  let peak = start.rss;
  const t0 = Date.now();
  // RSS swings by tens of MB with each thread's garbage collection, so besides start and end the
  // mean of the first and the last fifth of 5-second samples is printed: a leak moves both.
  const samples = [start.rss];
  const heaps = [start.heapUsed];
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    samples.push(m.rss);
    heaps.push(m.heapUsed);
    if (samples.length % 6 === 1)
      console.log(`  ${Math.round((Date.now() - t0) / 1000)} s: RSS ${mb(m.rss).toFixed(0)} MB, heap used ${mb(m.heapUsed).toFixed(0)} MB (load ${loadAvg()})`);
  }, 5_000);
  const r = await run(url, { duration: SOAK, overallRate: RATE, connections: 50 });
  clearInterval(sampler);
  const end = process.memoryUsage();
  collect();
  const settledEnd = process.memoryUsage();
  samples.push(end.rss);
  heaps.push(end.heapUsed);
  const growth = ((end.rss - start.rss) / start.rss) * 100;
  const fifth = Math.max(1, Math.floor(samples.length / 5));
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const [early, late] = [mean(samples.slice(0, fifth)), mean(samples.slice(-fifth))];
  console.log(
    `soak ${SOAK} s at ${RATE} req/s (after ${warm} s of warm-up): ${r.requests.total} requests (${r.requests.average.toFixed(0)}/s), ${r.errors + r.non2xx} errors, p99 ${r.latency.p99} ms, load ${loadAvg()}`,
  );
  console.log(
    `RSS of the process (serve, its worker threads and the load generator) at two instants: start ${mb(start.rss).toFixed(0)} MB, end ${mb(end.rss).toFixed(0)} MB, peak ${mb(peak).toFixed(0)} MB: ${growth.toFixed(1)}%; main heap used ${mb(start.heapUsed).toFixed(0)} → ${mb(end.heapUsed).toFixed(0)} MB`,
  );
  console.log(
    `main heap used right after a full collection (what it holds): start ${mb(settled.heapUsed).toFixed(1)} MB, end ${mb(settledEnd.heapUsed).toFixed(1)} MB`,
  );
  console.log(
    `mean RSS of the first and last fifth of the run: ${mb(early).toFixed(0)} MB → ${mb(late).toFixed(0)} MB (${(((late - early) / early) * 100).toFixed(1)}%)`,
  );
  // A leak grows every minute; warm-up (heaps and allocator arenas reaching their working size)
  // grows in the first minutes and stops. The mean of each minute's 5-second samples tells them apart.
  const minutes = (xs) => {
    const out = [];
    for (let i = 1; i + 12 <= xs.length; i += 12) out.push(mean(xs.slice(i, i + 12)));
    return out;
  };
  const lowest = (xs) => {
    const out = [];
    for (let i = 1; i + 12 <= xs.length; i += 12) out.push(Math.min(...xs.slice(i, i + 12)));
    return out;
  };
  const rssMinutes = minutes(samples);
  const minuteGrowth = rssMinutes.length > 1 ? ((rssMinutes.at(-1) - rssMinutes[0]) / rssMinutes[0]) * 100 : Number.NaN;
  const verdict = Number.isNaN(minuteGrowth) ? "needs two minutes" : minuteGrowth < 10 ? "met" : "missed";
  console.log(
    `mean RSS of each minute: ${rssMinutes.map((m) => mb(m).toFixed(0)).join(", ")} MB: growth from the first minute to the last ${minuteGrowth.toFixed(1)}% (target under 10%: ${verdict})`,
  );
  console.log(
    `lowest RSS of each minute: ${lowest(samples)
      .map((m) => mb(m).toFixed(0))
      .join(", ")} MB`,
  );
  console.log(
    `mean main heap used of each minute: ${minutes(heaps)
      .map((m) => mb(m).toFixed(0))
      .join(", ")} MB`,
  );
} else {
  console.log(
    `serve bench: ${DURATION} s a run, ${CONNECTIONS} connections, pool size ${POOL}, load generator ${LOAD_WORKERS > 0 ? `in ${LOAD_WORKERS} worker thread(s)` : "on the main thread"}, node ${process.version}, load ${loadAvg()}`,
  );
  for (const [name, route] of [
    ["trivial", "/trivial"],
    ["database-backed", "/db"],
  ]) {
    await run(`${bareUrl}${prefix}${route}`, { duration: 2 }); // warm up both
    await run(`${serve.url}${prefix}${route}`, { duration: 2 });
    const b = await measure(`${bareUrl}${prefix}${route}`);
    const s = await measure(`${serve.url}${prefix}${route}`);
    const tput = s.rps / b.rps;
    const p99 = s.p99 / Math.max(b.p99, 1);
    console.log(
      `${name.padEnd(16)} bare ${b.rps.toFixed(0).padStart(6)} req/s p50 ${b.p50} ms p99 ${b.p99} ms cpu ${b.cpuMs.toFixed(2)} ms/req | serve ${s.rps.toFixed(0).padStart(6)} req/s p50 ${s.p50} ms p99 ${s.p99} ms cpu ${s.cpuMs.toFixed(2)} ms/req | ` +
        `throughput ${tput.toFixed(2)}x (target ≥0.70) p99 ${p99.toFixed(2)}x (target <2) cpu ${(s.cpuMs / b.cpuMs).toFixed(2)}x | errors ${b.errors}/${s.errors}`,
    );
  }
  console.log(`load after: ${loadAvg()}`);
}
await serve.shutdown(5000);
await new Promise((r) => bare.close(r));
await bareStore.close();
