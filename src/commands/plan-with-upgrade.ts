// Migrating with a format upgrade: upgrade the layout (pure, as virtual trees: pre-2021 →
// 20210101, and 20210101 → 20230101 when asked), convert the webhooks of the upgraded app exactly
// as for an export of that format, and express all of it as one set of changes against the
// original folder. The upgraded tree is written to a private temporary folder so the ordinary
// reader and planner run on it unchanged; the user's folders are not touched.

import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { App } from "../app/model.js";
import { readApp } from "../app/read/index.js";
import { planMigration } from "../migrate/plan.js";
import type { MigrationPlan, PlanOptions, UpgradeSummary } from "../plan/types.js";
import { readAppFile } from "../util/fs.js";
import { applyChanges, changesBetween, composeTrees, identityTree, materialize, textsOf, type Tree } from "../upgrade/tree.js";
import type { Move, UpgradePlan } from "../upgrade/upgrade-plan.js";
import { upgradeV1 } from "../upgrade/v1-to-v2.js";
import { upgradeV2ToC } from "../upgrade/v2-to-c.js";

export type TargetFormat = "20210101" | "20230101";

/** The format `migrate` writes: as asked, else 20230101 and 20210101 apps keep theirs and older ones become 20210101. */
export function targetFormatFor(configVersion: string, asked?: TargetFormat): TargetFormat {
  if (asked) return asked;
  return configVersion === "20230101" ? "20230101" : "20210101";
}

export function needsUpgrade(configVersion: string, target: TargetFormat): boolean {
  if (configVersion === "20180301" || configVersion === "20200603") return true;
  return configVersion === "20210101" && target === "20230101";
}

export async function planWithUpgrade(app: App, options: PlanOptions, target: TargetFormat): Promise<MigrationPlan> {
  const texts = await readTexts(app);
  const steps: UpgradePlan[] = [];
  let tree: Tree = identityTree(app.files);
  if (app.configVersion === "20180301" || app.configVersion === "20200603") {
    const up = upgradeV1({ configVersion: app.configVersion, rootFile: app.rootConfig?.path ?? "config.json", files: app.files, texts });
    steps.push(up);
    tree = up.tree;
  }
  if (target === "20230101") {
    const current = textsOf(tree, texts);
    const up = upgradeV2ToC([...tree.keys()], current);
    steps.push(up);
    tree = composeTrees(tree, up.tree);
  }

  const tmp = await mkdtemp(path.join(os.tmpdir(), "hookshift-upgrade-"));
  try {
    await materialize(tree, app.root, tmp);
    const upgraded = await readApp(tmp);
    const conversion = planMigration(upgraded, options);
    const finalTree = applyChanges(tree, conversion.files);
    const conversionRules = new Map(conversion.files.map((c) => [c.path, c.rules]));
    const moves = composeMoves(steps);
    // New paths carry the rule that placed them; old paths that are gone, the rule that moved them.
    const placed = new Map(steps.flatMap((s) => [...s.ruleOf]));
    const moveRule = new Map(moves.map((m) => [m.from, m.rule]));
    const rulesOf = (p: string) =>
      [...new Set([placed.get(p) ?? moveRule.get(p), ...(conversionRules.get(p) ?? [])])].filter((r): r is string => r !== undefined);
    const files = conversion.blocked ? [] : changesBetween(app.files, texts, finalTree, rulesOf);
    const upgrade: UpgradeSummary = { from: app.configVersion, to: target, moves };
    const stepFindings = steps.flatMap((s) => s.findings);
    return {
      ...conversion,
      root: app.root,
      configVersion: app.configVersion,
      layout: app.layout,
      // The temporary copy's reader repeats the original reader's findings at new paths; keep
      // the original's, the upgrade's and what only the conversion knows.
      findings: [
        ...app.findings,
        ...stepFindings,
        ...conversion.findings.filter((f) => !app.findings.some((a) => a.code === f.code && a.message === f.message)),
      ],
      files,
      upgrade,
      // The original texts are in the diffs too: their secret values (a duplicated key's included).
      secretValues: [
        ...new Set([
          ...(conversion.secretValues ?? []),
          ...app.webhooks.flatMap((w) => [...(w.config?.secret ? [w.config.secret] : []), ...(w.otherSecretValues ?? [])]),
        ]),
      ],
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Moves of several steps as original path → final paths. */
function composeMoves(steps: UpgradePlan[]): Move[] {
  if (steps.length === 0) return [];
  let moves = steps[0]!.moves;
  for (const step of steps.slice(1)) {
    const next = new Map(step.moves.map((m) => [m.from, m]));
    moves = moves.map((m) => {
      const to = m.to.flatMap((t) => next.get(t)?.to ?? [t]);
      const movedAgain = m.to.some((t) => (next.get(t)?.to ?? [t]).some((x) => x !== t));
      const kind = m.kind === "carried unchanged" && movedAgain ? "moved" : m.kind === "edited in place" && movedAgain ? "moved and edited" : m.kind;
      return { ...m, to, kind, rule: movedAgain && m.kind === "carried unchanged" ? (next.get(m.to[0]!)?.rule ?? m.rule) : m.rule };
    });
  }
  return moves;
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
