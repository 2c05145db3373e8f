#!/usr/bin/env node
// Benchmark (not a test): `verify` on a generated app with N HTTP webhooks of realistic shapes
// (branches on query parameters, on a JSON body's fields and on a database read), migrated once,
// with line/branch coverage on and off; the target compares time per case (coverage also adds the
// cases aimed at branches not taken). Each verify runs in its own child process so peak RSS is
// its own; the runs alternate and the medians are compared. Usage: npm run build && node
// bench/verify.mjs [--runs K] [N ...] (default: 1 run of each side at 10 100 150 1000; the
// 150-webhook run is the product promise, under 30 s with coverage on, and runs once with
// coverage on even when 150 is not among the sizes; TMPDIR picks the disk it runs on).
// Loopback and in-process only: verify runs both apps in the local emulator.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
// A child that has not finished by then is killed and reported as timed out.
const CHILD_TIMEOUT_MS = 20 * 60_000;
const PROMISE_N = 150;
const PROMISE_S = 30;

const atlas = (db, coll) => `context.services.get("mongodb-atlas").db("${db}").collection("${coll}")`;
const SHAPES = [
  // Branches on query parameters only.
  (i) => `// webhook ${i}: one page of a customer's orders
exports = function({ query, headers }, response) {
  if (!query.customer) {
    response.setStatusCode(400);
    return { error: "missing customer" };
  }
  const page = parseInt(query.page || "1", 10);
  if (page > 10) {
    response.setStatusCode(416);
    return { error: "page out of range" };
  }
  const sort = query.sort === "asc" ? 1 : -1;
  return { customer: query.customer, page, sort, agent: headers["User-Agent"] };
};
`,
  // Branches on a JSON body's fields, then a write.
  (i) => `exports = async function(payload, response) {
  if (!payload.body) {
    response.setStatusCode(400);
    return { error: "no body" };
  }
  let order;
  try {
    order = JSON.parse(payload.body.text());
  } catch (e) {
    response.setStatusCode(400);
    return { error: "invalid JSON" };
  }
  if (!Array.isArray(order.items) || order.items.length === 0) {
    response.setStatusCode(422);
    return { error: "an order needs at least one item" };
  }
  if (order.status === "draft") {
    return { saved: false, items: order.items.length };
  }
  const total = order.items.reduce((sum, it) => sum + (it.qty || 0) * (it.price || 1), 0);
  await ${atlas("shop", `orders${i % 20}`)}.insertOne({ customer: order.customer, items: order.items, total, status: "new" });
  response.setStatusCode(201);
  return { total };
};
`,
  // Branches on a database read.
  () => `exports = async function(payload, response) {
  const id = payload.query.id;
  if (!id) {
    response.setStatusCode(400);
    return { error: "missing id" };
  }
  const orders = ${atlas("shop", "orders")};
  const doc = await orders.findOne({ _id: new BSON.ObjectId(id) });
  if (!doc) {
    response.setStatusCode(404);
    return { error: "not found" };
  }
  if (doc.status === "shipped") {
    return { id, status: doc.status, tracking: doc.tracking };
  }
  if (payload.query.cancel === "true") {
    await orders.updateOne({ _id: doc._id }, { $set: { status: "cancelled" } });
    return { id, status: "cancelled" };
  }
  return { id, status: doc.status };
};
`,
  // A partner's events, as JSON or as query parameters, dispatched on their type.
  (i) => `// webhook ${i}: partner events
exports = async function({ query, headers, body }, response) {
  const type = (headers["Content-Type"] || [""])[0];
  let event;
  if (body && type.startsWith("application/json")) {
    event = EJSON.parse(body.text());
  } else if (query.event) {
    event = { type: query.event, ref: query.ref };
  } else {
    response.setStatusCode(204);
    return;
  }
  const events = ${atlas("events", `partner${i % 10}`)};
  switch (event.type) {
    case "created":
      await events.insertOne({ ref: event.ref || null, kind: "created" });
      response.setStatusCode(201);
      break;
    case "deleted":
      await events.deleteMany({ ref: event.ref });
      break;
    default:
      response.setStatusCode(202);
  }
  return { type: event.type || "unknown" };
};
`,
];
const METHODS = ["POST", "GET", "ANY"];
const VALIDATION = ["NO_VALIDATION", "SECRET_AS_QUERY_PARAM", "VERIFY_PAYLOAD"];

function generate(n, root) {
  writeFileSync(path.join(root, "realm_config.json"), JSON.stringify({ app_id: "bench-abcde", name: "bench", config_version: 20210101 }, null, 4));
  mkdirSync(path.join(root, "functions"), { recursive: true });
  writeFileSync(path.join(root, "functions/config.json"), "[]\n");
  mkdirSync(path.join(root, "data_sources/mongodb-atlas"), { recursive: true });
  writeFileSync(
    path.join(root, "data_sources/mongodb-atlas/config.json"),
    JSON.stringify(
      { name: "mongodb-atlas", type: "mongodb-atlas", config: { clusterName: "Cluster0", readPreference: "primary", wireProtocolEnabled: false }, version: 1 },
      null,
      4,
    ),
  );
  mkdirSync(path.join(root, "http_endpoints"), { recursive: true });
  writeFileSync(path.join(root, "http_endpoints/config.json"), "[]\n");
  for (let s = 0; s < Math.ceil(n / 50); s++) {
    mkdirSync(path.join(root, `http_endpoints/svc${s}`), { recursive: true });
    writeFileSync(path.join(root, `http_endpoints/svc${s}/config.json`), JSON.stringify({ name: `svc${s}`, type: "http", config: {}, version: 1 }, null, 4));
  }
  for (let i = 0; i < n; i++) {
    const dir = path.join(root, `http_endpoints/svc${Math.floor(i / 50)}/incoming_webhooks/hook${i}`);
    mkdirSync(dir, { recursive: true });
    // Four shapes, three methods, three validation methods, all three within any 3 webhooks.
    const validation = VALIDATION[i % VALIDATION.length];
    const cfg = {
      name: `hook${i}`,
      run_as_authed_user: false,
      run_as_user_id: "",
      run_as_user_id_script_source: "",
      can_evaluate: {},
      options: {
        httpMethod: METHODS[Math.floor(i / 4) % METHODS.length],
        ...(validation === "NO_VALIDATION" ? {} : { secret: `bench-secret-${i}` }),
        validationMethod: validation,
      },
      respond_result: i % 5 !== 4,
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
  if (mode === "migrate") {
    const { migrate } = await import("../dist/src/commands/migrate.js");
    const r = await migrate({ app, out, report: out + "-report", dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: true });
    if (r.code === 1) throw new Error(`migrate failed: ${JSON.stringify(r.errors)}`);
    process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    return;
  }
  const { verify } = await import("../dist/src/commands/verify.js");
  const loaded = process.hrtime.bigint();
  // CPU time of every thread (main and function workers): steadier than wall time on a busy machine.
  const cpuBefore = process.cpuUsage();
  const coverage = mode === "coverage";
  // migrate writes secrets.json only when some webhook has a secret.
  const secrets = path.join(out + "-report", "secrets.json");
  const r = await verify({ original: app, migrated: out, secretsFile: existsSync(secrets) ? secrets : undefined, coverage });
  const done = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpuBefore);
  const s = r.summary;
  const result = {
    // verify() alone, and with the module loading a user of `hookshift verify` also waits for.
    ms: Number(done - loaded) / 1e6,
    totalMs: Number(done - started) / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    webhooks: s.webhooks,
    cases: s.cases,
    equal: s.equal,
    different: s.different,
    // Newer summaries also count cases that are no evidence either way (both sides failed alike,
    // or the emulator answered for both), and webhooks that no case proved.
    bothFailed: s.bothFailed,
    emulatorDefault: s.emulatorDefault,
    unproven: s.unproven,
    unpaired: s.unpaired,
    medianLineCoverage: s.medianLineCoverage,
  };
  // Exit explicitly: a worker thread or a handle verify left open must not keep the child alive.
  process.stdout.write(JSON.stringify(result), () => process.exit(0));
}

if (process.argv[2] === "--child") {
  await child(process.argv[3], process.argv[4], process.argv[5]);
} else {
  // `--runs K` (default 1): each side runs K times, alternating, and the medians are compared.
  const args = process.argv.slice(2);
  const at = args.indexOf("--runs");
  const runs = at >= 0 ? Math.max(1, Number(args.splice(at, 2)[1]) || 1) : 1;
  const sizes = args.map(Number).filter((n) => n > 0);
  console.log(
    `hookshift bench verify: verify with coverage vs without (Node ${process.version}, ${os.cpus().length} cores, ` +
      `median of ${runs} run${runs === 1 ? "" : "s"} each, in ${os.tmpdir()})`,
  );
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const sec = (ms) => (ms / 1000).toFixed(2);
  const spawn = (args) => {
    const r = spawnSync(process.execPath, [self, "--child", ...args], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
      timeout: CHILD_TIMEOUT_MS,
      killSignal: "SIGKILL",
    });
    if (r.error?.code === "ETIMEDOUT" || (r.status === null && r.signal === "SIGKILL"))
      return { failed: `timed out after ${CHILD_TIMEOUT_MS / 60_000} min (killed)` };
    if (r.error) return { failed: r.error.message };
    if (r.status !== 0)
      return {
        failed: `exit ${r.status ?? r.signal}: ${(
          r.stderr
            .trim()
            .split("\n")
            .find((l) => /Error|error/.test(l)) ??
            r.stderr.trim().split("\n")[0] ??
            ""
        ).slice(0, 300)}`,
      };
    try {
      return JSON.parse(r.stdout);
    } catch {
      return { failed: `unreadable output: ${r.stdout.slice(0, 200)}` };
    }
  };
  let failures = 0;
  let promise;
  const list = sizes.length ? sizes : [10, 100, PROMISE_N, 1000];
  const todo = list.map((n) => ({ n, runs, both: true }));
  if (!list.includes(PROMISE_N)) todo.push({ n: PROMISE_N, runs: 1, both: false });
  for (const { n, runs, both } of todo) {
    const tmp = mkdtempSync(path.join(os.tmpdir(), "hookshift-bench-verify-"));
    try {
      const app = path.join(tmp, "app");
      const out = path.join(tmp, "migrated");
      mkdirSync(app);
      generate(n, app);
      const m = spawn(["migrate", app, out]);
      if (m.failed) {
        failures++;
        console.log(`N=${n}: migrate failed: ${m.failed}`);
        continue;
      }
      const on = [];
      const off = [];
      const failed = [];
      for (let i = 0; i < runs; i++) {
        for (const mode of both ? (i % 2 ? ["plain", "coverage"] : ["coverage", "plain"]) : ["coverage"]) {
          const r = spawn([mode, app, out]);
          if (r.failed) failed.push(`${mode} run ${i + 1}: ${r.failed}`);
          else (mode === "coverage" ? on : off).push(r);
        }
      }
      failures += failed.length;
      for (const f of failed) console.log(`N=${n}: ${f}`);
      if (!on.length && !off.length) continue;
      // Each side's own figures: with coverage, verify also adds cases aimed at branches not taken.
      const side = (label, xs) => {
        const ms = median(xs.map((x) => x.ms));
        const x = xs[0];
        const other = x.cases - x.equal - x.different;
        const counts = [
          `${x.equal} equal`,
          `${x.different} different`,
          ...(other ? [`${other} no evidence`] : []),
          ...(x.unproven ? [`${x.unproven} webhooks unproven`] : []),
          ...(x.unpaired ? [`${x.unpaired} unpaired`] : []),
        ];
        const text =
          `${label} ${sec(ms)} s, ${x.cases} cases (${counts.join(", ")}), ${(ms / n).toFixed(1)} ms/webhook, ` +
          `${x.cases ? (ms / x.cases).toFixed(2) : "-"} ms/case, peak RSS ${Math.max(...xs.map((y) => y.maxRssMb)).toFixed(0)} MB`;
        return { ms, text };
      };
      const a = on.length ? side("coverage", on) : undefined;
      const b = off.length ? side("without", off) : undefined;
      let line = `N=${n}: ` + [a?.text, b?.text].filter(Boolean).join("; ");
      if (a && b) {
        // The target compares the same cases: time per case (coverage also adds cases aimed at
        // branches not taken, which is what it is for); the whole run's ratio is printed too.
        const perCase = (x) => x.ms / x.cases;
        const ratio = median(on.map(perCase)) / median(off.map(perCase));
        const pairs = on.length === off.length && on.length > 1 ? ` (pairs: ${on.map((x, i) => (perCase(x) / perCase(off[i])).toFixed(2)).join(", ")})` : "";
        const cpuRatio = median(on.map((x) => x.cpuMs / x.cases)) / median(off.map((x) => x.cpuMs / x.cases));
        line += `: per case ${ratio.toFixed(2)}x${pairs} (target <= 1.5x; CPU time per case ${cpuRatio.toFixed(2)}x), whole run ${(a.ms / b.ms).toFixed(2)}x`;
      }
      const cov = on.map((x) => x.medianLineCoverage).filter((v) => v !== undefined);
      line += cov.length ? `; median line coverage ${median(cov)}%` : "; median line coverage n/a";
      if (!both) line = `${line} [coverage on only, for the ${PROMISE_N}-webhook figure]`;
      console.log(line);
      if (n === PROMISE_N && on.length) promise = median(on.map((x) => x.totalMs));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  console.log(
    promise === undefined
      ? `${PROMISE_N}-webhook app: no coverage run finished (target < ${PROMISE_S} s)`
      : `${PROMISE_N}-webhook app: ${sec(promise)} s with coverage, module loading included (target < ${PROMISE_S} s)${promise / 1000 < PROMISE_S ? "" : " MISSED"}`,
  );
  if (failures) process.exitCode = 1;
}
