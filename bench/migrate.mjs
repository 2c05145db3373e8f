#!/usr/bin/env node
// Benchmark (not a test): `migrate` on a generated app with N HTTP webhooks of realistic shapes,
// against a baseline that only reads each source, parses and prints it with the TypeScript
// compiler API and writes it, in the same run. Each side runs in its own child process so peak
// RSS is its own. Usage: npm run build && node bench/migrate.mjs [--runs K] [N ...]
// (default: 3 runs of each side at 1000 5000 20000; TMPDIR picks the disk it runs on;
// HOOKSHIFT_DIST=<folder> runs another build than dist/, e.g. a private one or another commit's).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const dist = path.resolve(process.env.HOOKSHIFT_DIST ?? path.join(path.dirname(self), "..", "dist"));
const SHAPES = [
  (i) =>
    `exports = async function(payload, response) {\n  const body = EJSON.parse(payload.body.text());\n  const r = await context.services.get("mongodb-atlas").db("db").collection("c${i % 50}").insertOne(body);\n  response.setStatusCode(201);\n  return { id: r.insertedId };\n};\n`,
  (i) =>
    `// webhook ${i}\nexports = function({ query, headers }) {\n  if (!query.id) { return { error: "missing id" }; }\n  return { id: query.id, agent: headers["User-Agent"] };\n};\n`,
  (i) =>
    `exports = async function(payload, response) {\n  const res = await context.services.get("api").get({ url: "https://example.com/items/${i}" });\n  response.setHeader("Content-Type", "application/json");\n  response.setBody(res.body.text());\n};\n`,
  (i) => `exports = function(payload) {\n  context.functions.execute("record", ${i}, payload.query);\n};\n`,
];
const METHODS = ["POST", "GET", "PUT", "ANY", "DELETE"];
const VALIDATION = ["NO_VALIDATION", "SECRET_AS_QUERY_PARAM", "VERIFY_PAYLOAD"];

function generate(n, root) {
  writeFileSync(path.join(root, "realm_config.json"), JSON.stringify({ app_id: "bench-abcde", name: "bench", config_version: 20210101 }, null, 4));
  mkdirSync(path.join(root, "functions"), { recursive: true });
  writeFileSync(path.join(root, "functions/config.json"), "[]\n");
  mkdirSync(path.join(root, "http_endpoints/api"), { recursive: true });
  writeFileSync(path.join(root, "http_endpoints/config.json"), "[]\n");
  writeFileSync(path.join(root, "http_endpoints/api/config.json"), JSON.stringify({ name: "api", type: "http", config: {} }, null, 4));
  for (let s = 0; s < Math.ceil(n / 50); s++) {
    mkdirSync(path.join(root, `http_endpoints/svc${s}`), { recursive: true });
    writeFileSync(path.join(root, `http_endpoints/svc${s}/config.json`), JSON.stringify({ name: `svc${s}`, type: "http", config: {} }, null, 4));
  }
  for (let i = 0; i < n; i++) {
    const dir = path.join(root, `http_endpoints/svc${Math.floor(i / 50)}/incoming_webhooks/hook${i}`);
    mkdirSync(dir, { recursive: true });
    const validation = VALIDATION[i % VALIDATION.length];
    const cfg = {
      name: `hook${i}`,
      run_as_authed_user: false,
      run_as_user_id: "",
      run_as_user_id_script_source: "",
      can_evaluate: {},
      options: {
        httpMethod: METHODS[i % METHODS.length],
        ...(validation === "NO_VALIDATION" ? {} : { secret: `bench-secret-${i}` }),
        validationMethod: validation,
      },
      respond_result: i % 4 !== 3,
      disable_arg_logs: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
    };
    writeFileSync(path.join(dir, "config.json"), JSON.stringify(cfg, null, 4) + "\n");
    writeFileSync(path.join(dir, "source.js"), SHAPES[i % SHAPES.length](i));
  }
}

async function child(mode, app, out) {
  const started = process.hrtime.bigint();
  if (mode === "baseline") {
    // require, as hookshift loads it (src/util/typescript.ts): an ESM import of typescript costs
    // 0.35 s more on Node 20, which would flatter every ratio.
    const ts = createRequire(import.meta.url)("typescript");
    const printer = ts.createPrinter();
    mkdirSync(out, { recursive: true });
    let i = 0;
    // Node's own walk: hookshift loads no glob library for its walk either (src/util/walk-tree.ts).
    for (const f of readdirSync(app, { recursive: true }).filter((p) => path.basename(p) === "source.js")) {
      const text = readFileSync(path.join(app, f), "utf8");
      const sf = ts.createSourceFile(f, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
      writeFileSync(path.join(out, `f${i++}.js`), printer.printFile(sf));
    }
  } else {
    const { migrate } = await import(new URL("src/commands/migrate.js", `file://${dist}/`).href);
    const r = await migrate({ app, out, report: out + "-report", dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: true });
    if (r.code === 1) throw new Error(`migrate failed: ${JSON.stringify(r.errors)}`);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  // CPU time of the whole process (every thread: the copy worker too), from its start: on a shared
  // machine it moves less than the wall time does.
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], process.argv[4], process.argv[5]);
} else {
  // `--runs K` (default 3): each side runs K times, alternating, and the medians are compared;
  // one run of each swings by a third on a shared 2-core machine.
  const args = process.argv.slice(2);
  const at = args.indexOf("--runs");
  const runs = at >= 0 ? Math.max(1, Number(args.splice(at, 2)[1]) || 1) : 3;
  const sizes = args.map(Number).filter((n) => n > 0);
  console.log(
    `hookshift bench migrate: migrate vs read + TS parse/print + write of each source (Node ${process.version}, ${os.cpus().length} cores, ` +
      `median of ${runs} run${runs === 1 ? "" : "s"} each, in ${os.tmpdir()})`,
  );
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const n of sizes.length ? sizes : [1000, 5000, 20000]) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "hookshift-bench-migrate-"));
    const app = path.join(tmp, "app");
    mkdirSync(app);
    generate(n, app);
    const run = (mode, i) => {
      const out = path.join(tmp, `${mode}-${i}`);
      const r = spawnSync(process.execPath, [self, "--child", mode, app, out], { encoding: "utf8", maxBuffer: 1 << 20 });
      if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
      rmSync(out, { recursive: true, force: true });
      rmSync(out + "-report", { recursive: true, force: true });
      return JSON.parse(r.stdout);
    };
    const loadBefore = os.loadavg()[0];
    const b = [];
    const m = [];
    for (let i = 0; i < runs; i++) {
      b.push(run("baseline", i));
      m.push(run("migrate", i));
    }
    const bMs = median(b.map((x) => x.ms));
    const mMs = median(m.map((x) => x.ms));
    const ratios = m.map((x, i) => (x.ms / b[i].ms).toFixed(2)).join(", ");
    const bCpu = median(b.map((x) => x.cpuMs));
    const mCpu = median(m.map((x) => x.cpuMs));
    console.log(
      `N=${n}: baseline ${(bMs / 1000).toFixed(2)} s (${Math.max(...b.map((x) => x.maxRssMb)).toFixed(0)} MB), ` +
        `migrate ${(mMs / 1000).toFixed(2)} s (peak RSS ${Math.max(...m.map((x) => x.maxRssMb)).toFixed(0)} MB): ` +
        `${(mMs / bMs).toFixed(2)}x baseline (pairs: ${ratios}), ${(mMs / n).toFixed(2)} ms/webhook; ` +
        `CPU time baseline ${(bCpu / 1000).toFixed(2)} s, migrate ${(mCpu / 1000).toFixed(2)} s: ${(mCpu / bCpu).toFixed(2)}x; 1-min load average ${loadBefore.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after`,
    );
    rmSync(tmp, { recursive: true, force: true });
  }
}
