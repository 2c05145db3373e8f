#!/usr/bin/env node
// Measurement (not a test): what ts-morph costs the rewrite rules. Over N sources of the shapes
// bench/migrate.mjs generates, in one process: the reader's work (TypeScript parse + facts), then
// the rewrite of each source with every rule (ts-morph wraps that same parse: parent pointers,
// createWrappedNode, the rules' walks and edits), and the time to load ts-morph itself.
// Usage: npm run build && node bench/rewrite-tree.mjs [N]   (HOOKSHIFT_DIST=<folder>: another build)
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = process.env.HOOKSHIFT_DIST ?? path.join(root, "dist");
const load = (rel) => import(new URL(rel, `file://${dist}/`).href);
const n = Number(process.argv[2]) || 5000;

const t0 = process.hrtime.bigint();
const { factsOf, parseSource } = await load("src/app/source-facts.js");
const tsLoaded = process.hrtime.bigint();
createRequire(new URL("src/rewrite/", `file://${dist}/`).href)("ts-morph");
const morphLoaded = process.hrtime.bigint();
const { rewriteSource } = await load("src/rewrite/engine.js");
const { RULES } = await load("src/rewrite/registry.js");
const { webhookContext } = await load("src/rewrite/fixtures.js");

const SHAPES = [
  (i) =>
    `exports = async function(payload, response) {\n  const body = EJSON.parse(payload.body.text());\n  const r = await context.services.get("mongodb-atlas").db("db").collection("c${i % 50}").insertOne(body);\n  response.setStatusCode(201);\n  return { id: r.insertedId };\n};\n`,
  (i) =>
    `// webhook ${i}\nexports = function({ query, headers }) {\n  if (!query.id) { return { error: "missing id" }; }\n  return { id: query.id, agent: headers["User-Agent"] };\n};\n`,
  (i) =>
    `exports = async function(payload, response) {\n  const res = await context.services.get("api").get({ url: "https://example.com/items/${i}" });\n  response.setHeader("Content-Type", "application/json");\n  response.setBody(res.body.text());\n};\n`,
  (i) => `exports = function(payload) {\n  context.functions.execute("record", ${i}, payload.query);\n};\n`,
];
const VALIDATION = ["NO_VALIDATION", "SECRET_AS_QUERY_PARAM", "VERIFY_PAYLOAD"];
const sources = Array.from({ length: n }, (_, i) => SHAPES[i % SHAPES.length](i));
const contexts = sources.map((_, i) =>
  webhookContext({ webhook: `hook${i}`, config: { respondResult: i % 4 !== 3, validationMethod: VALIDATION[i % 3], ...(i % 3 ? { secret: "s" } : {}) } }),
);

const ms = (a, b) => Number(b - a) / 1e6;
const r0 = process.hrtime.bigint();
const facts = sources.map((s) => factsOf(parseSource(s)));
const r1 = process.hrtime.bigint();
let changed = 0;
for (let i = 0; i < n; i++) if (rewriteSource(sources[i], "f.js", RULES, contexts[i], facts[i]).text !== sources[i]) changed++;
const r2 = process.hrtime.bigint();
console.log(`load: typescript + facts module ${ms(t0, tsLoaded).toFixed(0)} ms, ts-morph on top ${ms(tsLoaded, morphLoaded).toFixed(0)} ms`);
console.log(
  `N=${n}: reader parse + facts ${ms(r0, r1).toFixed(0)} ms (${(ms(r0, r1) / n).toFixed(3)} ms/source); ` +
    `rewrite with every rule over the same trees ${ms(r1, r2).toFixed(0)} ms (${(ms(r1, r2) / n).toFixed(3)} ms/source, ${changed} changed)`,
);
