#!/usr/bin/env node
// Benchmark (not a test): a trivial webhook's throughput through the shim, against a bare
// node:http server that calls the same function in node:vm, in one run, on loopback only.
// Usage: npm run build && node bench/shim.mjs [requests=3000] [concurrency=16]
import http from "node:http";
import vm from "node:vm";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openSession } from "../dist/src/runtime/session.js";
import { startShimServer } from "../dist/src/runtime/server.js";

const REQUESTS = Number(process.argv[2] ?? 3000);
const CONCURRENCY = Number(process.argv[3] ?? 16);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const app = path.join(root, "fixtures/apps/shim-basic");
const SOURCE = "exports = function(payload) {\n    return { Processed: 900 };\n};\n";

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode));
      })
      .on("error", reject);
  });
}

async function load(url) {
  let sent = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (sent < REQUESTS) {
      sent++;
      if ((await get(url)) !== 200) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rps: REQUESTS / seconds, failed };
}

// Baseline: node:http + node:vm, the function compiled once, a fresh context per call like the shim.
const script = new vm.Script(SOURCE);
const bare = http.createServer((_req, res) => {
  const ctx = vm.createContext({ exports: undefined });
  script.runInContext(ctx);
  const body = JSON.stringify(ctx.exports({ query: {}, headers: {}, body: undefined }));
  res.setHeader("Content-Type", "application/json");
  res.end(body);
});
await new Promise((r) => bare.listen(0, "127.0.0.1", r));
const bareUrl = `http://127.0.0.1:${bare.address().port}/`;

const session = await openSession({ app });
const shim = await startShimServer(session.deps, { host: "127.0.0.1", port: 0, log: () => {} });
const shimUrl = `${shim.url}/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook/processed`;

await load(bareUrl); // warm-up both
await load(shimUrl);
const b = await load(bareUrl);
const s = await load(shimUrl);
console.log(`hookshift bench shim: ${REQUESTS} GET requests, concurrency ${CONCURRENCY}, loopback, Node ${process.version}`);
console.log(`  bare node:http + node:vm : ${b.rps.toFixed(0)} req/s (${b.failed} failed)`);
console.log(`  hookshift shim (webhook) : ${s.rps.toFixed(0)} req/s (${s.failed} failed)`);
console.log(`  ratio shim / bare        : ${(s.rps / b.rps).toFixed(2)}x (target ≥ 0.70x)`);
await shim.close();
await session.close();
bare.close();
agent.destroy();
