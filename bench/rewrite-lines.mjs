#!/usr/bin/env node
// Measurement (not a test): how many lines the rewrite rules add to each function they change, over
// every fixture app (fixtures/apps/*). For each webhook, the function as planned with every rule is
// compared (jsdiff's diffLines) with the function as planned with none; prints every rewritten
// function's added/removed lines, then the median and the maximum of lines added.
// Usage: npm run build && node bench/rewrite-lines.mjs [--json]
// (HOOKSHIFT_DIST=<folder>: a build elsewhere than dist/, e.g. of another commit, to compare.)
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { diffLines } from "diff";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = process.env.HOOKSHIFT_DIST ?? path.join(root, "dist");
const load = (rel) => import(new URL(rel, `file://${dist}/`).href);
const { readApp } = await load("src/app/read/index.js");
const { planWithUpgrade, targetFormatFor } = await load("src/commands/plan-with-upgrade.js");
const { RULE_IDS } = await load("src/rewrite/registry.js");

const apps = path.join(root, "fixtures", "apps");
const rows = [];
for (const name of readdirSync(apps).sort()) {
  if (name === "README.md") continue;
  let app;
  try {
    app = await readApp(path.join(apps, name));
  } catch {
    continue;
  }
  const plan = (skipRules) => planWithUpgrade(app, { removeWebhooks: false, skipRules }, targetFormatFor(app.configVersion));
  let withRules, verbatim;
  try {
    [withRules, verbatim] = [await plan([]), await plan(RULE_IDS)];
  } catch {
    continue; // an app migrate refuses (fixtures/apps/README.md lists them)
  }
  const before = new Map(verbatim.webhooks.map((w) => [w.id, w.functionSource]));
  for (const w of withRules.webhooks) {
    const a = before.get(w.id);
    if (a === undefined || w.functionSource === undefined || w.functionSource === a) continue;
    let added = 0;
    let removed = 0;
    for (const part of diffLines(a, w.functionSource)) {
      if (part.added) added += part.count ?? 0;
      if (part.removed) removed += part.count ?? 0;
    }
    rows.push({ app: name, webhook: w.id, added, removed, rules: w.produced.filter((p) => RULE_IDS.includes(p.rule)).map((p) => p.rule) });
  }
}
const added = rows.map((r) => r.added).sort((x, y) => x - y);
const median = added.length ? (added[(added.length - 1) >> 1] + added[added.length >> 1]) / 2 : 0;
const summary = { functions: rows.length, medianAdded: median, maxAdded: added.at(-1) ?? 0, totalAdded: added.reduce((s, n) => s + n, 0) };
if (process.argv.includes("--json")) console.log(JSON.stringify({ summary, rows }, null, 2));
else {
  for (const r of rows)
    console.log(`${String(r.added).padStart(4)} +  ${String(r.removed).padStart(3)} -  ${r.app} ${r.webhook}  (${[...new Set(r.rules)].join(", ")})`);
  console.log(`\n${summary.functions} rewritten functions: lines added median ${summary.medianAdded}, max ${summary.maxAdded}, total ${summary.totalAdded}`);
}
