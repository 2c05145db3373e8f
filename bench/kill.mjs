#!/usr/bin/env node
// Kill campaign (issue 16, item 6; a bounded check, not a benchmark figure): `hookshift migrate`
// on a generated app, killed with SIGKILL at moments spread over its whole run, then run again.
//
//   --out mode: after each kill, the output folder must be absent or byte-identical to an
//   uninterrupted run's, and a report folder beside a present output must be complete (report.json,
//   .md, .html, no `*.hookshift-tmp-*` file). Then the next run (`--force`, as a user re-runs)
//   must succeed, give the same output, remove what the killed run left (staging folders,
//   temporary files), and the input must be unchanged throughout.
//   --in-place mode: after each kill the app must be exactly the old app, exactly the new one, or
//   hold a journal; `migrate --recover` must then give exactly the old or the new app, and the
//   next `migrate --in-place` must give exactly the new one.
//
// Kill moments: uniform over the write window of an uninterrupted run (from 50 ms before its
// staging folder or journal first appears to its end), or with `--window all` over the whole run
// from process start; `--spread F` stretches the end (F > 1 lets some runs finish).
// Seeded: trial i uses seed S+i. Usage (after `npm run build`):
//   node bench/kill.mjs [--mode out|in-place|both] [--trials 40] [--webhooks 2000] [--seed 1] [--spread 1] [--window write|all]
// Prints one line per mode: trials, kill moments by phase reached, and failures; exit 1 on any failure.

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "bin/hookshift.js");

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log("Usage: node bench/kill.mjs [--mode out|in-place|both] [--trials 40] [--webhooks 2000] [--seed 1] [--spread 1] [--window write|all]");
  process.exit(0);
}

function arg(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const MODE = arg("mode", "both");
const TRIALS = Number(arg("trials", "40"));
const WEBHOOKS = Number(arg("webhooks", "2000"));
const SEED = Number(arg("seed", "1"));
const SPREAD = Number(arg("spread", "1"));
const WINDOW = arg("window", "write");

function rng(seed) {
  let a = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An app of `n` webhooks of a few shapes (some rewritten, some with secrets), like bench/migrate.mjs. */
function generate(n, root) {
  const shapes = [
    (i) =>
      `exports = async function(payload, response) {\n  const body = EJSON.parse(payload.body.text());\n  await context.services.get("mongodb-atlas").db("db").collection("c${i % 50}").insertOne(body);\n  response.setStatusCode(201);\n};\n`,
    (i) =>
      `// webhook ${i}\nexports = function({ query, headers }) {\n  if (!query.id) { return { error: "missing id" }; }\n  return { id: query.id, agent: headers["User-Agent"] };\n};\n`,
    (i) =>
      `exports = async function(payload, response) {\n  const res = await context.services.get("api").get({ url: "https://example.com/items/${i}" });\n  response.setBody(res.body.text());\n};\n`,
  ];
  writeFileSync(path.join(root, "realm_config.json"), JSON.stringify({ app_id: "kill-abcde", name: "kill", config_version: 20210101 }, null, 4));
  mkdirSync(path.join(root, "functions"), { recursive: true });
  writeFileSync(path.join(root, "functions/config.json"), "[]\n");
  mkdirSync(path.join(root, "http_endpoints/api"), { recursive: true });
  writeFileSync(path.join(root, "http_endpoints/config.json"), "[]\n");
  writeFileSync(path.join(root, "http_endpoints/api/config.json"), JSON.stringify({ name: "api", type: "http", config: {} }, null, 4));
  for (let i = 0; i < n; i++) {
    const svc = `svc${Math.floor(i / 50)}`;
    const dir = path.join(root, `http_endpoints/${svc}/incoming_webhooks/hook${i}`);
    if (i % 50 === 0) {
      mkdirSync(path.join(root, `http_endpoints/${svc}`), { recursive: true });
      writeFileSync(path.join(root, `http_endpoints/${svc}/config.json`), JSON.stringify({ name: svc, type: "http", config: {} }, null, 4));
    }
    mkdirSync(dir, { recursive: true });
    const secret = i % 3 === 1 ? { secret: `kill-secret-${i}` } : {};
    const cfg = {
      name: `hook${i}`,
      run_as_authed_user: false,
      run_as_user_id: "",
      run_as_user_id_script_source: "",
      can_evaluate: {},
      options: { httpMethod: ["POST", "GET", "PUT"][i % 3], ...secret, validationMethod: i % 3 === 1 ? "SECRET_AS_QUERY_PARAM" : "NO_VALIDATION" },
      respond_result: i % 4 !== 3,
      disable_arg_logs: true,
      fetch_custom_user_data: false,
      create_user_on_auth: false,
    };
    writeFileSync(path.join(dir, "config.json"), JSON.stringify(cfg, null, 4) + "\n");
    writeFileSync(path.join(dir, "source.js"), shapes[i % shapes.length](i));
  }
}

/** Every entry under `root` by relative path: "dir", "link:<target>" or the content's hash; links never followed. */
function fingerprint(root, skip = () => false) {
  const out = {};
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const rel = path.relative(root, abs);
      if (skip(rel)) continue;
      const info = lstatSync(abs);
      if (info.isSymbolicLink()) out[rel] = `link:${readlinkSync(abs)}`;
      else if (info.isDirectory()) {
        out[rel] = "dir";
        walk(abs);
      } else out[rel] = createHash("sha256").update(readFileSync(abs)).digest("hex");
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

function same(a, b) {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function firstDifference(a, b) {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (a[k] !== b[k]) return `${k}: ${a[k] ?? "absent"} vs ${b[k] ?? "absent"}`;
  return "none";
}

/**
 * Runs the CLI; with `killAfterMs`, SIGKILL then. With `watch` (a function of nothing that says
 * whether the write has begun), also when that was first seen, polled every 2 ms.
 */
function run(args, killAfterMs, watch) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    let writeAt;
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
    const poll = watch
      ? setInterval(() => {
          if (writeAt === undefined && watch()) writeAt = performance.now() - started;
        }, 2)
      : undefined;
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, signal, out, ms: performance.now() - started, writeAt });
    });
  });
}

/** A kill moment: uniform over the write window (from a little before the first write to the end), or over the whole run. */
function killMoment(r, first) {
  const from = WINDOW === "write" && first.writeAt !== undefined ? Math.max(0, first.writeAt - 50) : 0;
  return from + r() * (first.ms * SPREAD - from);
}

/** What a killed run left beside `dir`: staging folders, temporary files (names only). */
function leftovers(parent) {
  const found = [];
  const walk = (dir, depth) => {
    for (const name of readdirSync(dir)) {
      const abs = path.join(dir, name);
      if (/\.hookshift-(staging|tmp)-/.test(name)) found.push(path.relative(parent, abs));
      else if (depth > 0 && lstatSync(abs).isDirectory()) walk(abs, depth - 1);
    }
  };
  walk(parent, 1);
  return found;
}

const REPORT_FILES = ["report.json", "report.md", "report.html"];

function reportState(dir) {
  if (!existsSync(dir)) return "absent";
  const names = readdirSync(dir);
  if (names.some((n) => n.includes(".hookshift-tmp-"))) return "temporary files";
  if (REPORT_FILES.every((f) => names.includes(f))) {
    try {
      JSON.parse(readFileSync(path.join(dir, "report.json"), "utf8"));
      return "complete";
    } catch {
      return "report.json unreadable";
    }
  }
  return names.length === 0 ? "empty" : `partial (${names.join(", ")})`;
}

async function outCampaign(work, app, inputPrint) {
  const ref = path.join(work, "ref");
  const first = await run(["migrate", app, "--out", ref], undefined, () => readdirSync(work).some((n) => n.startsWith("ref.hookshift-staging-")));
  if (first.code !== 0 && first.code !== 2) throw new Error(`uninterrupted migrate --out exited ${first.code}: ${first.out}`);
  const refPrint = fingerprint(ref);
  const failures = [];
  const states = {};
  for (let i = 0; i < TRIALS; i++) {
    const r = rng(SEED + i);
    const base = path.join(work, `out-${i}`);
    mkdirSync(base);
    const out = path.join(base, "app");
    const report = `${out}-hookshift-report`;
    const at = killMoment(r, first);
    const killed = await run(["migrate", app, "--out", out], at);
    const outPrint = fingerprint(out);
    const outState = !existsSync(out) ? "absent" : same(outPrint, refPrint) ? "complete" : "PARTIAL";
    const rep = reportState(report);
    const state = `${killed.signal ? "killed" : "finished"}: output ${outState}, report ${rep}`;
    states[state] = (states[state] ?? 0) + 1;
    const fail = (what) => failures.push(`trial ${i} (seed ${SEED + i}, kill at ${at.toFixed(0)} ms): ${what}`);
    if (outState === "PARTIAL") fail(`output neither absent nor complete (${firstDifference(outPrint, refPrint)})`);
    if (outState === "complete" && rep !== "complete") fail(`complete-looking output beside a report that is ${rep}`);
    // The next run, as a user re-runs after a kill.
    const again = await run(["migrate", app, "--out", out, "--force"]);
    if (again.code !== 0 && again.code !== 2) fail(`the next run exited ${again.code}: ${again.out.trim().split("\n").slice(-2).join(" / ")}`);
    else {
      if (!same(fingerprint(out), refPrint)) fail("the next run's output differs from an uninterrupted run's");
      if (reportState(report) !== "complete") fail(`the next run's report is ${reportState(report)}`);
      const left = leftovers(base);
      if (left.length) fail(`the next run left ${left.join(", ")}`);
    }
    if (!same(fingerprint(app), inputPrint)) fail("the input app changed");
    rmSync(base, { recursive: true, force: true });
  }
  return { failures, states, refMs: first.ms, writeAt: first.writeAt };
}

async function inPlaceCampaign(work, app) {
  // The new app: an uninterrupted --in-place run on a copy.
  const probe = path.join(work, "probe");
  cpSync(app, probe, { recursive: true });
  const oldPrint = fingerprint(probe);
  const journal = () => existsSync(path.join(probe, ".hookshift-journal.json")) || existsSync(path.join(probe, ".hookshift-journal"));
  const first = await run(["migrate", probe, "--in-place", "--allow-dirty"], undefined, journal);
  if (first.code !== 0 && first.code !== 2) throw new Error(`uninterrupted migrate --in-place exited ${first.code}: ${first.out}`);
  const newPrint = fingerprint(probe);
  rmSync(probe, { recursive: true, force: true });
  const failures = [];
  const states = {};
  for (let i = 0; i < TRIALS; i++) {
    const r = rng(SEED + 100_000 + i);
    const target = path.join(work, `in-place-${i}`);
    cpSync(app, target, { recursive: true });
    const at = killMoment(r, first);
    const killed = await run(["migrate", target, "--in-place", "--allow-dirty"], at);
    const fail = (what) => failures.push(`trial ${i} (seed ${SEED + 100_000 + i}, kill at ${at.toFixed(0)} ms): ${what}`);
    const now = fingerprint(target);
    const journal = existsSync(path.join(target, ".hookshift-journal.json")) || existsSync(path.join(target, ".hookshift-journal"));
    let state = same(now, oldPrint) ? "old app" : same(now, newPrint) ? "new app" : journal ? "journal" : "MIXED";
    if (state === "MIXED") fail(`neither the old nor the new app, and no journal (${firstDifference(now, newPrint)})`);
    if (state === "journal") {
      const rec = await run(["migrate", target, "--recover"]);
      const after = fingerprint(target);
      const to = same(after, oldPrint) ? "old app" : same(after, newPrint) ? "new app" : "MIXED";
      state = `journal, --recover gave the ${to}`;
      if (to === "MIXED") fail(`--recover (exit ${rec.code}) left neither the old nor the new app (${firstDifference(after, newPrint)})`);
    }
    states[`${killed.signal ? "killed" : "finished"}: ${state}`] = (states[`${killed.signal ? "killed" : "finished"}: ${state}`] ?? 0) + 1;
    const again = await run(["migrate", target, "--in-place", "--allow-dirty"]);
    if (!same(fingerprint(target), newPrint))
      fail(`the next --in-place run (exit ${again.code}) did not give the new app: ${firstDifference(fingerprint(target), newPrint)}`);
    const left = leftovers(target);
    if (left.length) fail(`left ${left.join(", ")}`);
    rmSync(target, { recursive: true, force: true });
  }
  return { failures, states, refMs: first.ms, writeAt: first.writeAt };
}

const work = mkdtempSync(path.join(os.tmpdir(), "hookshift-kill-"));
try {
  const app = path.join(work, "input");
  mkdirSync(app);
  generate(WEBHOOKS, app);
  const inputPrint = fingerprint(app);
  const git = spawnSync("git", ["--version"]);
  if (git.status !== 0) console.log("(git not found: --in-place runs need --allow-dirty only)");
  let failed = 0;
  for (const mode of MODE === "both" ? ["out", "in-place"] : [MODE]) {
    const started = performance.now();
    const { failures, states, refMs, writeAt } = mode === "out" ? await outCampaign(work, app, inputPrint) : await inPlaceCampaign(work, app);
    const took = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `kill --${mode}: ${TRIALS} trials on ${WEBHOOKS} webhooks (uninterrupted run ${(refMs / 1000).toFixed(1)} s, writing from ${writeAt === undefined ? "?" : (writeAt / 1000).toFixed(1) + " s"}; kills over ${WINDOW === "write" ? "the write window" : "the whole run"}; ${took} s in all): ${failures.length} failures`,
    );
    for (const [state, n] of Object.entries(states).sort()) console.log(`  ${String(n).padStart(4)}  ${state}`);
    for (const f of failures.slice(0, 10)) console.log(`  FAIL ${f}`);
    failed += failures.length;
  }
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
