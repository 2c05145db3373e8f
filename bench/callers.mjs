#!/usr/bin/env node
// Benchmark (not a test): `callers` over a generated client tree of N text files (default 100,000
// files, about 1 GB), mostly code that holds no webhook URL and one file in 500 that does, compared
// with a baseline in the same process that only walks the same folders and reads every file (32 at
// a time, as callers does). Runs alternate (baseline, callers, baseline, callers …) and the
// medians are compared. Usage, after `npm run build`:
//
//   node bench/callers.mjs [--files N] [--mb M] [--runs K]
//
// `TMPDIR` picks where the tree is generated (it is removed at the end). HOOKSHIFT_DIST points at
// another build folder than dist/ (its `src/callers/run.js` is imported).

import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
};
const FILES = arg("files", 100_000);
const TOTAL_MB = arg("mb", FILES / 100);
const RUNS = arg("runs", 2);
const PER_DIR = 500;
const MATCH_EVERY = 500;
const dist = process.env.HOOKSHIFT_DIST ?? path.join(path.dirname(new URL(import.meta.url).pathname), "..", "dist");
const { findCallers } = await import(pathToFileURL(path.join(dist, "src/callers/run.js")).href);

// Lines of ordinary client code; none holds a webhook URL, an app id of the report, or `incoming_webhook`.
const LINES = [
  (i) => `import { render${i % 97} } from "./components/view${i % 13}.js";`,
  (i) => `const total${i} = items.reduce((sum, item) => sum + item.price * item.qty, 0);`,
  (i) => `  if (!response.ok) throw new Error(\`request ${i} failed: \${response.status}\`);`,
  (i) => `export async function load${i}(id) { return fetch(\`https://api.example.com/v2/items/\${id}?page=${i % 50}\`); }`,
  (i) => `// TODO(${i % 7}): move this into the shared client once the API settles`,
  (i) => `  "description": "Item number ${i}, kept for the catalogue of the spring collection",`,
  (i) => `let retries${i % 31} = 3; while (retries${i % 31}-- > 0) { await sleep(${(i % 9) * 100}); }`,
  (_i) => `    return { id: row.id, name: row.name.trim(), updated: new Date(row.updated_at).toISOString() };`,
];
const URL_LINE = (i) =>
  `const hook = "https://webhooks.mongodb-realm.com/api/client/v2.0/app/bench-abcde/service/svc${i % 10}/incoming_webhook/hook${i % 10}?secret=bench-secret-${i}";`;

function fileText(i, bytes) {
  const lines = [];
  let size = 0;
  for (let k = 0; size < bytes; k++) {
    const line = LINES[(i + k) % LINES.length](i * 31 + k);
    lines.push(line);
    size += line.length + 1;
  }
  if (i % MATCH_EVERY === 0) lines.splice(Math.floor(lines.length / 2), 0, URL_LINE(i));
  return lines.join("\n") + "\n";
}

async function generate(root) {
  const reportDir = path.join(root, "report");
  await mkdir(reportDir, { recursive: true });
  const webhooks = Array.from({ length: 10 }, (_, k) => ({
    id: `svc${k}/hook${k}`,
    service: `svc${k}`,
    name: `hook${k}`,
    status: "converted",
    oldUrl: `https://webhooks.mongodb-realm.com/api/client/v2.0/app/bench-abcde/service/svc${k}/incoming_webhook/hook${k}`,
    newUrl: `https://data.mongodb-api.com/app/bench-abcde/endpoint/svc${k}/hook${k}`,
    route: `/svc${k}/hook${k}`,
    httpMethod: "POST",
    secretName: `svc${k}_hook${k}`,
    findings: [],
  }));
  await writeFile(
    path.join(reportDir, "report.json"),
    JSON.stringify({ formatVersion: 1, app: { appId: "bench-abcde", name: "bench" }, output: { mode: "out" }, blocked: false, webhooks }),
  );
  const clients = path.join(root, "clients");
  await mkdir(clients);
  await writeFile(path.join(clients, ".gitignore"), "*.min.js\nbuild/\n");
  const avg = (TOTAL_MB * 1024 * 1024) / FILES;
  let bytes = 0;
  for (let d = 0; d * PER_DIR < FILES; d++) {
    const dir = path.join(clients, `pkg${d}`, "src");
    await mkdir(dir, { recursive: true });
    const batch = [];
    for (let i = d * PER_DIR; i < Math.min(FILES, (d + 1) * PER_DIR); i++) {
      // Sizes from 0.2x to 1.8x the average, so the total is about FILES x average.
      const text = fileText(i, Math.round(avg * (0.2 + (1.6 * ((i * 7919) % 1000)) / 1000)));
      bytes += text.length;
      batch.push(writeFile(path.join(dir, `file${i}.${["js", "ts", "py", "json"][i % 4]}`), text));
    }
    await Promise.all(batch);
  }
  return { reportDir, clients, bytes, matching: Math.ceil(FILES / MATCH_EVERY) };
}

async function baseline(dir) {
  const files = [];
  const walk = async (d) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else if (e.isFile()) files.push(path.join(d, e.name));
    }
  };
  await walk(dir);
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < files.length) bytes += (await readFile(files[next++])).length;
    }),
  );
  return bytes;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = performance.now();
  const out = await fn();
  return { ms: performance.now() - t, out };
};

const root = await mkdtemp(path.join(os.tmpdir(), "hookshift-bench-callers-"));
try {
  const g = await time(() => generate(root));
  const { reportDir, clients, bytes, matching } = g.out;
  console.log(
    `generated ${FILES.toLocaleString("en-US")} files, ${(bytes / 1e6).toFixed(0)} MB (${matching} with a webhook URL) in ${(g.ms / 1000).toFixed(1)} s under ${root}`,
  );
  const base = [];
  const run = [];
  for (let k = 0; k < RUNS; k++) {
    const b = await time(() => baseline(clients));
    base.push(b.ms);
    const c = await time(() => findCallers({ report: reportDir, dirs: [clients] }));
    run.push(c.ms);
    const r = c.out;
    if (r.summary.urls !== matching) throw new Error(`expected ${matching} URLs, found ${r.summary.urls}`);
    console.log(
      `run ${k + 1}: baseline (walk + read) ${(b.ms / 1000).toFixed(2)} s; callers ${(c.ms / 1000).toFixed(2)} s ` +
        `(${r.files.searched.toLocaleString("en-US")} files, ${r.summary.urls} URLs, RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB)`,
    );
  }
  const mb = bytes / 1e6;
  console.log(
    `median: baseline ${(median(base) / 1000).toFixed(2)} s (${(mb / (median(base) / 1000)).toFixed(0)} MB/s); ` +
      `callers ${(median(run) / 1000).toFixed(2)} s (${(mb / (median(run) / 1000)).toFixed(0)} MB/s); ratio ${(median(run) / median(base)).toFixed(2)}x`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
