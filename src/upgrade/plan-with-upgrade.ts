// Migrating a pre-2021 app: upgrade its layout to 20210101 (pure, as a virtual tree), convert the
// webhooks of the upgraded app exactly as for a 20210101 export, and express both as one set of
// changes against the original folder. The upgraded tree is written to a private temporary folder
// so the ordinary reader and planner run on it unchanged; the user's folders are not touched.

import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { App } from "../app/model.js";
import { readApp } from "../app/read/index.js";
import { planMigration } from "../migrate/plan.js";
import type { MigrationPlan, PlanOptions } from "../migrate/types.js";
import { readAppFile } from "../util/fs.js";
import { applyChanges, changesBetween, materialize } from "./tree.js";
import { upgradeV1 } from "./v1-to-v2.js";

export async function planWithUpgrade(app: App, options: PlanOptions): Promise<MigrationPlan> {
  if (app.configVersion !== "20180301" && app.configVersion !== "20200603") throw new Error(`not a pre-2021 app: ${app.configVersion}`);
  const texts = await readTexts(app);
  const up = upgradeV1({ configVersion: app.configVersion, rootFile: app.rootConfig?.path ?? "config.json", files: app.files, texts });

  const tmp = await mkdtemp(path.join(os.tmpdir(), "hookshift-upgrade-"));
  try {
    await materialize(up.tree, app.root, tmp);
    const upgraded = await readApp(tmp);
    const conversion = planMigration(upgraded, options);
    const finalTree = applyChanges(up.tree, conversion.files);
    const conversionRules = new Map(conversion.files.map((c) => [c.path, c.rules]));
    // New paths carry the rule that placed them; old paths that are gone, the rule that moved them.
    const moveRule = new Map(up.moves.map((m) => [m.from, m.rule]));
    const rulesOf = (p: string) =>
      [...new Set([up.ruleOf.get(p) ?? moveRule.get(p), ...(conversionRules.get(p) ?? [])])].filter((r): r is string => r !== undefined);
    const files = conversion.blocked ? [] : changesBetween(app.files, texts, finalTree, rulesOf);
    return {
      ...conversion,
      root: app.root,
      configVersion: app.configVersion,
      layout: app.layout,
      // Findings of the old layout's reader matter (bad JSON, names); those of the temporary copy's
      // reader repeat them at new paths, so keep the upgrade's and the conversion's own.
      findings: [...app.findings, ...up.findings, ...conversion.findings.filter((f) => !app.findings.some((a) => a.code === f.code && a.message === f.message))],
      files,
      upgrade: { from: app.configVersion, to: "20210101", moves: up.moves },
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Texts of the JSON and JS files (what the upgrade reads and may edit); other files move as bytes. */
async function readTexts(app: App): Promise<Map<string, string>> {
  const realRoot = await realpath(app.root).catch(() => app.root);
  const texts = new Map<string, string>();
  for (const f of app.files) {
    if (!/\.(json|js)$/.test(f)) continue;
    const r = await readAppFile(app.root, realRoot, f);
    if (r.ok) texts.set(f, r.text);
  }
  return texts;
}
