#!/usr/bin/env node
// Benchmark (not a test): read + plan a generated app with N HTTP webhooks, compared with a
// baseline run in the same process that only reads and JSON-parses the same files. Prints
// medians and the ratio, so figures compare across machines. Usage: npm run bench [-- N ...]
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readApp } from "../dist/src/app/read/index.js";
import { planMigration } from "../dist/src/migrate/plan.js";

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
const RUNS = 5;

const SHAPES = [
  (i) =>
    `exports = async function(payload, response) {\n  const body = EJSON.parse(payload.body.text());\n  const r = await context.services.get("mongodb-atlas").db("db").collection("c${i}").insertOne(body);\n  return { id: r.insertedId };\n};\n`,
  (i) =>
    `exports = function({ query, headers }) {\n  // webhook ${i}\n  if (!query.id) { return { error: "missing id" }; }\n  return { id: query.id, agent: headers["User-Agent"] };\n};\n`,
  (i) =>
    `exports = async function(payload, response) {\n  response.setStatusCode(201);\n  response.setHeader("Content-Type", "application/json");\n  response.setBody(JSON.stringify({ n: ${i} }));\n};\n`,
];
const METHODS = ["POST", "GET", "PUT", "ANY", "DELETE"];
const VALIDATION = ["NO_VALIDATION", "SECRET_AS_QUERY_PARAM", "VERIFY_PAYLOAD"];

async function generate(n) {
  const root = await mkdtemp(path.join(os.tmpdir(), "hookshift-bench-"));
  await writeFile(path.join(root, "realm_config.json"), JSON.stringify({ app_id: "bench-abcde", name: "bench", config_version: 20210101 }, null, 4));
  await mkdir(path.join(root, "functions"), { recursive: true });
  await writeFile(path.join(root, "functions/config.json"), "[]\n");
  await mkdir(path.join(root, "http_endpoints"), { recursive: true });
  await writeFile(path.join(root, "http_endpoints/config.json"), "[]\n");
  const files = [];
  for (let s = 0; s < Math.ceil(n / 25); s++) {
    const svc = path.join(root, "http_endpoints", `svc${s}`);
    await mkdir(svc, { recursive: true });
    await writeFile(path.join(svc, "config.json"), JSON.stringify({ name: `svc${s}`, type: "http", config: {}, version: 1 }, null, 4));
  }
  for (let i = 0; i < n; i++) {
    const dir = path.join(root, "http_endpoints", `svc${Math.floor(i / 25)}`, "incoming_webhooks", `hook${i}`);
    await mkdir(dir, { recursive: true });
    const validation = VALIDATION[i % VALIDATION.length];
    const config = {
      name: `hook${i}`,
      run_as_authed_user: i % 7 === 0,
      run_as_user_id: "",
      run_as_user_id_script_source: "",
      can_evaluate: {},
      options: {
        httpMethod: METHODS[i % METHODS.length],
        ...(validation === "NO_VALIDATION" ? {} : { secret: `bench-secret-${i}` }),
        validationMethod: validation,
      },
      respond_result: i % 4 !== 0,
      disable_arg_logs: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
    };
    await writeFile(path.join(dir, "config.json"), JSON.stringify(config, null, 4) + "\n");
    await writeFile(path.join(dir, "source.js"), SHAPES[i % SHAPES.length](i));
    files.push(path.join(dir, "config.json"), path.join(dir, "source.js"));
  }
  return { root, files };
}

async function time(fn) {
  const t = [];
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return t.sort((a, b) => a - b)[Math.floor(RUNS / 2)];
}

console.log(`hookshift bench: read + plan vs read + JSON.parse of the same files (median of ${RUNS}, Node ${process.version})`);
for (const n of sizes.length ? sizes : [100, 1000]) {
  const { root, files } = await generate(n);
  const baseline = await time(async () => {
    for (const f of files) {
      const text = await readFile(f, "utf8");
      if (f.endsWith(".json")) JSON.parse(text);
    }
  });
  let plan;
  const heapBefore = process.memoryUsage().heapUsed;
  const hookshift = await time(async () => {
    plan = planMigration(await readApp(root), { removeWebhooks: false });
  });
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  const converted = plan.webhooks.filter((w) => w.status !== "failed").length;
  console.log(
    `N=${n}: baseline ${baseline.toFixed(1)} ms, hookshift ${hookshift.toFixed(1)} ms ` +
      `(${(hookshift / baseline).toFixed(1)}x baseline, ${(hookshift / n).toFixed(2)} ms/webhook, heap +${heapMb.toFixed(0)} MB); ${converted}/${n} planned`,
  );
  await rm(root, { recursive: true, force: true });
}
