#!/usr/bin/env node
// Benchmark (not a test): `hookshift serve` under load (autocannon) on loopback, for a trivial
// endpoint and a database-backed one (embedded store), against a bare node:http server that
// calls the same function in node:vm (a fresh context a call, as the runtime does), in one run.
// Targets: serve at least 0.7x the bare server's requests/s, and its p99 under 2x the bare p99.
//
// Usage: npm run build && node bench/serve.mjs [--duration 10] [--connections 32] [--pool-size N]
//        node bench/serve.mjs --soak 300 [--rate 1000]   (RSS over a long run at a fixed rate)
// HOOKSHIFT_DIST=<folder> runs another build (default: this repository's dist/).
import http from "node:http";
import path from "node:path";
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
  new Promise((resolve, reject) => autocannon({ url, connections: CONNECTIONS, duration: DURATION, ...opts }, (err, r) => (err ? reject(err) : resolve(r))));
const summary = (r) => ({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx });

if (SOAK > 0) {
  const rss = () => process.memoryUsage().rss / 1024 / 1024;
  await run(`${serve.url}${prefix}/trivial`, { duration: 5 }); // warm up
  const before = rss();
  const r = await run(`${serve.url}${prefix}/trivial`, { duration: SOAK, overallRate: RATE, connections: 50 });
  const after = rss();
  console.log(`soak ${SOAK} s at ${RATE} req/s: ${r.requests.total} requests, ${r.errors + r.non2xx} errors, p99 ${r.latency.p99} ms`);
  console.log(`RSS of the process (serve, its worker threads and the load generator): ${before.toFixed(0)} MB → ${after.toFixed(0)} MB (${(((after - before) / before) * 100).toFixed(1)}%; target under 10%)`);
} else {
  console.log(`serve bench: ${DURATION} s a run, ${CONNECTIONS} connections, pool size ${POOL}, node ${process.version}`);
  for (const [name, route] of [["trivial", "/trivial"], ["database-backed", "/db"]]) {
    await run(`${bareUrl}${prefix}${route}`, { duration: 2 }); // warm up both
    await run(`${serve.url}${prefix}${route}`, { duration: 2 });
    const b = summary(await run(`${bareUrl}${prefix}${route}`));
    const s = summary(await run(`${serve.url}${prefix}${route}`));
    const tput = s.rps / b.rps;
    const p99 = s.p99 / Math.max(b.p99, 1);
    console.log(`${name.padEnd(16)} bare ${b.rps.toFixed(0).padStart(6)} req/s p50 ${b.p50} ms p99 ${b.p99} ms | serve ${s.rps.toFixed(0).padStart(6)} req/s p50 ${s.p50} ms p99 ${s.p99} ms | throughput ${tput.toFixed(2)}x (target ≥0.70) p99 ${p99.toFixed(2)}x (target <2) | errors ${b.errors}/${s.errors}`);
  }
}
await serve.shutdown(5000);
await new Promise((r) => bare.close(r));
await bareStore.close();
