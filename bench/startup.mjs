#!/usr/bin/env node
// Benchmark (not a test): how long the CLI takes to start, against `node -e 0` (the floor no
// change of ours can go under) in the same run. Each command runs as a fresh process, as a user
// or a fleet script starts it; the figure is the median wall time of --runs runs (default 9).
// Usage: npm run build && node bench/startup.mjs [--runs K]
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "bin/hookshift.js");
const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 9;

const CASES = [
  ["node -e 0 (baseline)", ["-e", "0"]],
  ["hookshift --version", [BIN, "--version"]],
  ["hookshift --help", [BIN, "--help"]],
  ["hookshift migrate --help", [BIN, "migrate", "--help"]],
  ["hookshift scan <small app>", [BIN, "scan", path.join(ROOT, "fixtures/apps/demo")]],
  ["hookshift rules", [BIN, "rules"]],
];

function timeOnce(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 2) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
// Interleaved rounds, so a burst of load elsewhere spreads over every case instead of one.
const times = CASES.map(() => []);
for (let r = 0; r < RUNS; r++) CASES.forEach(([, args], i) => times[i].push(timeOnce(args)));
const base = median(times[0]);
CASES.forEach(([name], i) => results.push({ name, ms: median(times[i]) }));
for (const { name, ms } of results) {
  console.log(`${name.padEnd(30)} ${ms.toFixed(0).padStart(5)} ms   ${(ms / base).toFixed(2)}x baseline   +${(ms - base).toFixed(0)} ms over node`);
}
