#!/usr/bin/env node
// Benchmark (not a test): two builds' launchers on one command, run alternately (so load elsewhere
// falls on both alike), with the median wall time and the median CPU time (user + system, which
// each process reads itself as it exits) of each. For a before/after of a start-up change.
// Usage: node bench/startup-ab.mjs <before>/bin/hookshift.js <after>/bin/hookshift.js <runs> <command...>
import { spawnSync } from "node:child_process";

const [a, b, runs, ...command] = process.argv.slice(2);
if (!a || !b || !(Number(runs) > 0)) {
  console.error("usage: node bench/startup-ab.mjs <launcher A> <launcher B> <runs> <command...>");
  process.exit(1);
}
const HOOK = `data:text/javascript,${encodeURIComponent('process.on("exit",()=>{const c=process.cpuUsage();process.stderr.write("\\nstartup-cpu-us "+(c.user+c.system)+"\\n")})')}`;
const results = new Map([
  [a, []],
  [b, []],
]);
for (let i = 0; i < Number(runs); i++) {
  for (const bin of [a, b]) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ["--import", HOOK, bin, ...command], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    const cpu = /startup-cpu-us (\d+)/.exec(r.stderr);
    if (!cpu) throw new Error(`${bin} ${command.join(" ")} exited ${r.status}: ${r.stderr}`);
    results.get(bin).push({ ms: performance.now() - t, cpu: Number(cpu[1]) / 1000 });
  }
}
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
for (const [bin, xs] of results) {
  const cpus = xs.map((x) => x.cpu);
  console.log(`${bin}\n  wall ${median(xs.map((x) => x.ms)).toFixed(0)} ms   CPU ${median(cpus).toFixed(0)} ms (lowest ${Math.min(...cpus).toFixed(0)})`);
}
