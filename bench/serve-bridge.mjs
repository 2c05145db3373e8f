#!/usr/bin/env node
// Benchmark (not a test): the pieces of a database call from function code under `hookshift serve`
// (bench/README.md, serve), in one thread so the figures hold on a shared machine: the embedded
// store called directly (what bench/serve.mjs's bare server does), the same through the main-thread
// bridge (src/runtime/functions/db-bridge.ts), the EJSON encoding and decoding on each side against
// BSON buffers, and one postMessage round trip to a worker thread.
//
// Usage: npm run build && node bench/serve-bridge.mjs [--rounds 20000]
// HOOKSHIFT_DIST=<folder> runs another build (default: this repository's dist/).
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { BSON } from "bson";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = process.env.HOOKSHIFT_DIST ? path.resolve(process.env.HOOKSHIFT_DIST) : path.join(here, "..", "dist");
const load = (rel) => import(pathToFileURL(path.join(dist, rel)).href);
const { createEmbeddedStore } = await load("src/runtime/store/index.js");
const { storeBackend } = await load("src/runtime/functions/db-bridge.js");
const { encodeEJSON, decodeEJSON } = await load("src/runtime/functions/ejson-codec.js");
const i = process.argv.indexOf("--rounds");
const N = i >= 0 ? Number(process.argv[i + 1]) : 20_000;

async function time(name, fn) {
  for (let k = 0; k < Math.min(2000, N); k++) await fn(k);
  const t = process.hrtime.bigint();
  for (let k = 0; k < N; k++) await fn(k);
  console.log(`${name.padEnd(58)} ${(Number(process.hrtime.bigint() - t) / N / 1000).toFixed(2).padStart(7)} µs`);
}

const store = await createEmbeddedStore();
const backend = storeBackend(() => store);
const coll = store.collection("bench", "hits");
console.log(`serve bridge bench: ${N} rounds, node ${process.version}`);
await time("store: insertOne + findOne, directly", async () => {
  const { insertedId } = await coll.insertOne({ at: 1 });
  await coll.findOne({ _id: insertedId });
});
await time("store: insertOne + findOne through storeBackend (EJSON)", async () => {
  const r = decodeEJSON(await backend({ service: "mongodb-atlas", db: "bench", collection: "hits", method: "insertOne", args: encodeEJSON([{ at: 1 }]) }));
  await backend({ service: "mongodb-atlas", db: "bench", collection: "hits", method: "findOne", args: encodeEJSON([{ _id: r.insertedId }, {}]) });
});
const id = (await coll.insertOne({ at: 1 })).insertedId;
const doc = await coll.findOne({ _id: id });
const argTexts = [encodeEJSON([{ at: 1 }]), encodeEJSON([{ _id: id }, {}])];
const resultTexts = [encodeEJSON({ insertedId: id }), encodeEJSON(doc)];
await time("worker: encode both argument lists (EJSON)", () => argTexts.map((_, k) => encodeEJSON(k === 0 ? [{ at: 1 }] : [{ _id: id }, {}])));
await time("worker: decode both results (EJSON, into plain values)", () => resultTexts.map((t) => decodeEJSON(t)));
await time("main: decode both argument lists (EJSON)", () => argTexts.map((t) => decodeEJSON(t)));
await time("main: encode both results (EJSON)", () => [encodeEJSON({ insertedId: id }), encodeEJSON(doc)]);
await time("the same four with BSON.serialize", () => [
  BSON.serialize({ a: [{ at: 1 }] }),
  BSON.serialize({ a: [{ _id: id }, {}] }),
  BSON.serialize({ v: { insertedId: id } }),
  BSON.serialize({ v: doc }),
]);
const buffers = [
  BSON.serialize({ a: [{ at: 1 }] }),
  BSON.serialize({ a: [{ _id: id }, {}] }),
  BSON.serialize({ v: { insertedId: id } }),
  BSON.serialize({ v: doc }),
];
await time("the same four with BSON.deserialize", () => buffers.map((b) => BSON.deserialize(b, { promoteValues: false })));

// A database request and its reply, as worker.ts and pool.ts post them, to a thread that answers at once.
const echo = new Worker(
  `const { parentPort } = require("node:worker_threads");
   parentPort.on("message", (m) => parentPort.postMessage({ kind: "db-result", rpc: m.rpc, ok: true, value: '{"insertedId":{"$oid":"64a000000000000000000001"}}' }));`,
  { eval: true },
);
let rpc = 0;
const roundTrip = () =>
  new Promise((resolve) => {
    echo.once("message", resolve);
    echo.postMessage({ kind: "db", rpc: rpc++, service: "mongodb-atlas", db: "bench", collection: "hits", method: "insertOne", args: argTexts[0] });
  });
const cpu0 = process.cpuUsage();
await time("postMessage round trip to an idle worker thread (wall)", roundTrip);
const cpu = process.cpuUsage(cpu0);
console.log(`${"  the same, CPU of the process per round trip".padEnd(58)} ${((cpu.user + cpu.system) / (N + Math.min(2000, N))).toFixed(2).padStart(7)} µs`);
await echo.terminate();
await store.close();
