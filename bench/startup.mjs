#!/usr/bin/env node
// Benchmark (not a test): how long the CLI takes to start, against `node -e 0` (the floor no
// change of ours can go under) in the same run. Each command runs as a fresh process, as a user
// or a fleet script starts it; the figures are the median wall time of --runs runs (default 9) and
// the median CPU time (user + system, read by each process as it exits: on a shared machine wall
// time also counts the other processes' turns, CPU time much less).
// Usage: npm run build && node bench/startup.mjs [--runs K]
// HOOKSHIFT_BIN=<build>/bin/hookshift.js measures another build's launcher (a private build).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = process.env.HOOKSHIFT_BIN ?? path.join(ROOT, "bin/hookshift.js");
const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 9;

// The start-up cache (README.md, "Start-up cache") is in the user's cache folder as usual; the
// "no cache" cases point XDG_CACHE_HOME at a file, where no cache can be read or written: what a
// first run (or a read-only home) costs.
const NO_CACHE = path.join(os.tmpdir(), `hookshift-startup-no-cache-${process.pid}`);
fs.writeFileSync(NO_CACHE, "");
process.on("exit", () => fs.rmSync(NO_CACHE, { force: true }));
const DEMO = path.join(ROOT, "fixtures/apps/demo");
// scan's analysis cache, as src/util/cache-dir.ts places it (XDG_CACHE_HOME, else ~/.cache; this
// bench runs on Linux), for the version of the build measured.
const VERSION = JSON.parse(fs.readFileSync(path.join(path.dirname(BIN), "..", "package.json"), "utf8")).version;
const ANALYSES = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "hookshift", VERSION, "analyses");
const CASES = [
  ["node -e 0 (baseline)", ["-e", "0"]],
  ["hookshift --version", [BIN, "--version"]],
  ["hookshift --help", [BIN, "--help"]],
  ["hookshift --help (no cache)", [BIN, "--help"], { XDG_CACHE_HOME: NO_CACHE }],
  ["hookshift migrate --help", [BIN, "migrate", "--help"]],
  ["hookshift scan <small app>", [BIN, "scan", DEMO]],
  // The app's sources not analysed before (src/app/read/analysis-cache.ts): they are parsed, so the
  // compiler loads (from the code cache).
  ["hookshift scan (new sources)", [BIN, "scan", DEMO], {}, () => fs.rmSync(ANALYSES, { recursive: true, force: true })],
  ["hookshift scan (no cache)", [BIN, "scan", DEMO], { XDG_CACHE_HOME: NO_CACHE }],
  ["hookshift rules", [BIN, "rules"]],
];

// Every process, node -e 0 too, reports its own CPU time on exit through this one-line module.
const CPU_HOOK = `data:text/javascript,${encodeURIComponent('process.on("exit",()=>{const c=process.cpuUsage();process.stderr.write("\\nstartup-cpu-us "+(c.user+c.system)+"\\n")})')}`;

function timeOnce(args, env) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--import", CPU_HOOK, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 2) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const cpu = /startup-cpu-us (\d+)/.exec(r.stderr);
  return { ms, cpu: cpu ? Number(cpu[1]) / 1000 : NaN };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Interleaved rounds, so a burst of load elsewhere spreads over every case instead of one.
const times = CASES.map(() => []);
for (let r = 0; r < RUNS; r++)
  CASES.forEach(([, args, env, before], i) => {
    before?.();
    times[i].push(timeOnce(args, env));
  });
const results = CASES.map(([name], i) => ({ name, ms: median(times[i].map((t) => t.ms)), cpu: median(times[i].map((t) => t.cpu)) }));
const [base] = results;
console.log(`${BIN}, median of ${RUNS} runs`);
for (const { name, ms, cpu } of results) {
  console.log(
    `${name.padEnd(30)} ${ms.toFixed(0).padStart(5)} ms   ${(ms / base.ms).toFixed(2)}x baseline   +${(ms - base.ms).toFixed(0).padStart(4)} ms over node` +
      `   CPU ${cpu.toFixed(0).padStart(5)} ms   +${(cpu - base.cpu).toFixed(0).padStart(4)} ms over node`,
  );
}
