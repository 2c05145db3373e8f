#!/usr/bin/env node
// Benchmark (not a test): a fleet `migrate` of N generated apps of M webhooks each (the shapes of
// bench/migrate.mjs), with `--jobs 1` as the baseline and `--jobs J` against it, in the same run.
// Each run is the real CLI in its own process; its peak RSS is the largest sum of the resident
// memory of that process and all its worker processes, sampled from /proc every 50 ms, and its CPU
// time (user + system of the CLI and its workers) comes from the shell's `times`, which is what to
// compare on a loaded machine. Sizes with the same M (e.g. 200x5 1000x5) end with a line that
// compares their time per app (the "grows linearly").
// Usage: npm run build && node bench/fleet.mjs [--runs K] [--jobs J] [NxM ...]
// (default: 2 runs of each side, J = 2, 200x25; HOOKSHIFT_BIN picks another launcher than
// bin/hookshift.js, e.g. a private build's).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BIN = process.env.HOOKSHIFT_BIN ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "hookshift.js");
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

/** One 20210101 app of `m` webhooks at `root`, app id `bench<a>-abcde`. */
function generateApp(a, m, root) {
  mkdirSync(path.join(root, "functions"), { recursive: true });
  writeFileSync(path.join(root, "realm_config.json"), JSON.stringify({ app_id: `bench${a}-abcde`, name: `bench${a}`, config_version: 20210101 }, null, 4));
  writeFileSync(path.join(root, "functions/config.json"), "[]\n");
  mkdirSync(path.join(root, "http_endpoints/api"), { recursive: true });
  writeFileSync(path.join(root, "http_endpoints/config.json"), "[]\n");
  writeFileSync(path.join(root, "http_endpoints/api/config.json"), JSON.stringify({ name: "api", type: "http", config: {} }, null, 4));
  for (let i = 0; i < m; i++) {
    const svc = `svc${Math.floor(i / 50)}`;
    if (i % 50 === 0) {
      mkdirSync(path.join(root, `http_endpoints/${svc}`), { recursive: true });
      writeFileSync(path.join(root, `http_endpoints/${svc}/config.json`), JSON.stringify({ name: svc, type: "http", config: {} }, null, 4));
    }
    const dir = path.join(root, `http_endpoints/${svc}/incoming_webhooks/hook${i}`);
    mkdirSync(dir, { recursive: true });
    const validation = VALIDATION[(i + a) % VALIDATION.length];
    const cfg = {
      name: `hook${i}`,
      run_as_authed_user: false,
      run_as_user_id: "",
      run_as_user_id_script_source: "",
      can_evaluate: {},
      options: {
        httpMethod: METHODS[i % METHODS.length],
        ...(validation === "NO_VALIDATION" ? {} : { secret: `bench-secret-${a}-${i}` }),
        validationMethod: validation,
      },
      respond_result: i % 4 !== 3,
      disable_arg_logs: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
    };
    writeFileSync(path.join(dir, "config.json"), JSON.stringify(cfg, null, 4) + "\n");
    writeFileSync(path.join(dir, "source.js"), SHAPES[(i + a) % SHAPES.length](i));
  }
}

/** Resident memory (bytes) of `pid` and every process below it. */
function treeRss(pid) {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const kids = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const k of kids ? kids.split(/\s+/) : []) total += treeRss(Number(k));
    }
  } catch {
    // the process ended while it was read
  }
  return total;
}

/** User + system seconds of the shell's children, from the last line `times` prints ("0m1.5s 0m0.2s"). */
function childCpu(stderr) {
  const last = stderr.trimEnd().split("\n").at(-1) ?? "";
  const secs = [...last.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  return secs.length === 2 ? { user: secs[0], sys: secs[1] } : undefined;
}

function run(cwd, jobs, out) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // The CLI under a shell whose `times` gives the CPU time of the CLI and of the workers it waited for.
    const script = `"$0" "$@"; status=$?; times >&2; exit $status`;
    const child = spawn("/bin/sh", ["-c", script, process.execPath, BIN, "migrate", "fleet", "--out", out, "--jobs", String(jobs)], {
      cwd,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRss(child.pid))), 50); // the shell's tree
    child.on("exit", (code) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // 0 or 2 (the generated secrets' Twilio-free apps need no review; 2 is fine too): not 1.
      if (code === 1 || code === null) reject(new Error(`migrate --jobs ${jobs} failed (exit ${code}): ${stderr.slice(-2000)}`));
      else resolve({ ms, peakMb: peak / 1024 / 1024, cpu: childCpu(stderr) });
    });
  });
}

const args = process.argv.slice(2);
const take = (flag, dflt) => {
  const at = args.indexOf(flag);
  return at >= 0 ? Number(args.splice(at, 2)[1]) || dflt : dflt;
};
const runs = take("--runs", 2);
const jobs = take("--jobs", 2);
const sizes = args.filter((a) => /^\d+x\d+$/.test(a)).map((a) => a.split("x").map(Number));
console.log(
  `hookshift bench fleet: migrate of N apps x M webhooks, --jobs ${jobs} vs --jobs 1 (Node ${process.version}, ${os.availableParallelism()} cores, ` +
    `load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}, median of ${runs} run${runs === 1 ? "" : "s"} each, in ${os.tmpdir()})`,
);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuText = (rs) => {
  const c = rs.map((r) => r.cpu).filter(Boolean);
  return c.length ? `, CPU ${median(c.map((x) => x.user)).toFixed(1)} user + ${median(c.map((x) => x.sys)).toFixed(1)} sys s` : "";
};
const tmps = []; // deleted at the very end: see the comment there
const perApp = new Map(); // M → [N, ms per app at --jobs J]
for (const [n, m] of sizes.length ? sizes : [[200, 25]]) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "hookshift-bench-fleet-"));
  // Nested as an organisation's exports are: team folders of apps.
  for (let a = 0; a < n; a++) generateApp(a, m, path.join(tmp, "fleet", `team${a % 10}`, `app${a}`));
  const one = [];
  const many = [];
  for (let i = 0; i < runs; i++) {
    for (const [j, list] of [
      [1, one],
      [jobs, many],
    ]) {
      const out = path.join(tmp, `out-${j}-${i}`);
      list.push(await run(tmp, j, out));
    }
  }
  const t1 = median(one.map((r) => r.ms));
  const tj = median(many.map((r) => r.ms));
  console.log(
    `${n} apps x ${m} webhooks: --jobs 1 ${(t1 / 1000).toFixed(2)} s (peak RSS ${Math.max(...one.map((r) => r.peakMb)).toFixed(0)} MB${cpuText(one)}), ` +
      `--jobs ${jobs} ${(tj / 1000).toFixed(2)} s (peak RSS ${Math.max(...many.map((r) => r.peakMb)).toFixed(0)} MB${cpuText(many)}): ` +
      `${(t1 / tj).toFixed(2)}x faster (pairs: ${one.map((r, i) => (r.ms / many[i].ms).toFixed(2)).join(", ")}), ` +
      `${(tj / n).toFixed(0)} ms/app, ${(tj / (n * m)).toFixed(2)} ms/webhook at --jobs ${jobs}`,
  );
  const cpuMs = (rs) => (rs.every((r) => r.cpu) ? (median(rs.map((r) => r.cpu.user + r.cpu.sys)) * 1000) / n : NaN);
  perApp.set(m, [...(perApp.get(m) ?? []), [n, tj / n, t1 / n, cpuMs(one), cpuMs(many)]]);
  tmps.push(tmp);
}
// Linear growth: the same time per app whatever the number of apps (first size against each larger one).
for (const [m, list] of perApp) {
  const [n0, j0, o0, c10, cj0] = list[0];
  for (const [n, jn, on, c1n, cjn] of list.slice(1)) {
    console.log(
      `linear? ${m}-webhook apps, ms/app at ${n} apps against ${n0}: --jobs 1 ${on.toFixed(0)} vs ${o0.toFixed(0)} (${(on / o0).toFixed(2)}x), ` +
        `--jobs ${jobs} ${jn.toFixed(0)} vs ${j0.toFixed(0)} (${(jn / j0).toFixed(2)}x; 1.00x is linear); ` +
        `CPU ms/app: --jobs 1 ${c1n.toFixed(0)} vs ${c10.toFixed(0)}, --jobs ${jobs} ${cjn.toFixed(0)} vs ${cj0.toFixed(0)}`,
    );
  }
}
// Deleted only now, not between runs: ext4 skips inodes deleted in the last minutes when it
// allocates new ones (recently_deleted, a scan per file created), so a run right after the
// previous run's output was deleted paid for that deletion (bench/README.md, "Fleet migrate").
for (const tmp of tmps) rmSync(tmp, { recursive: true, force: true });
