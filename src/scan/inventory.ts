// What `scan` reports (pure): every app and every webhook in it as one JSON-ready inventory, from
// apps already read. Paths in the output are relative to the working directory so a terminal or
// editor can open `file:line:column` directly. Finding and reading the apps is the command's part
// (src/commands/scan.ts).

import path from "node:path";
import { sortFindings, type Finding } from "../app/findings.js";
import type { App, Webhook } from "../app/model.js";
import { DIFFERENCE_RULE } from "../migrate/differences.js";
import { planMigration } from "../migrate/plan.js";
import type { WebhookPlan } from "../plan/types.js";
import { toPosix } from "../util/fs.js";
import type { OnProgress } from "../util/progress.js";

interface InventoryWebhook {
  id: string;
  service: string;
  serviceType: string;
  name: string;
  layout: string;
  httpMethod: string | null;
  validationMethod: string | null;
  authMode: string | null;
  respondResult: boolean | null;
  source: string;
  alreadyConverted: boolean;
  findings: Finding[];
}

interface InventoryApp {
  root: string;
  name: string | null;
  appId: string | null;
  configVersion: string;
  layout: string;
  webhooks: InventoryWebhook[];
  findings: Finding[];
}

export interface Inventory {
  apps: InventoryApp[];
  /** Every finding of every app and webhook, flattened, for tools that only want the problems. */
  findings: Finding[];
}

/** The inventory of `apps`; `problems` are findings about the inputs themselves (a folder without apps, an app that could not be read). */
export function inventoryOf(apps: App[], problems: Finding[], cwd: string, onProgress?: OnProgress): Inventory {
  const inventory: Inventory = { apps: [], findings: [] };
  for (const app of apps) {
    onProgress?.({ phase: "scan", done: inventory.apps.length, total: apps.length, unit: "apps" });
    const root = rel(cwd, app.root);
    const fix = (f: Finding): Finding => (f.file === undefined ? f : { ...f, file: f.file === "." ? root : `${root}/${f.file}` });
    // The planner knows what the reader cannot: collisions, and which webhooks are already converted.
    // Detection only: no file is written, so the rules' edits on ts-morph's tree (and ts-morph) are left out.
    const plans = new Map(planMigration(app, { removeWebhooks: false, detectOnly: true }).webhooks.map((p) => [p.id, p]));
    const webhooks = app.webhooks.map((w) => inventoryWebhook(w, plans.get(w.id), root, fix));
    const entry: InventoryApp = {
      root,
      name: app.name ?? null,
      appId: app.appId ?? null,
      configVersion: app.configVersion,
      layout: app.layout,
      webhooks,
      findings: sortFindings(app.findings.map(fix)),
    };
    inventory.apps.push(entry);
    inventory.findings.push(...entry.findings, ...webhooks.flatMap((w) => w.findings));
  }
  inventory.findings = sortFindings([...problems, ...inventory.findings]);
  return inventory;
}

/** Scan shows problems, not the behaviour notes that migrate's report explains per webhook. */
const shownInScan = (f: Finding) => f.rule !== DIFFERENCE_RULE && f.code !== "already-converted";

function inventoryWebhook(w: Webhook, plan: WebhookPlan | undefined, root: string, fix: (f: Finding) => Finding): InventoryWebhook {
  const cfg = w.config;
  return {
    id: w.id,
    service: w.service.name,
    serviceType: w.service.type,
    name: w.name,
    layout: w.layout,
    httpMethod: cfg?.httpMethod ?? null,
    validationMethod: cfg?.validationMethod ?? null,
    authMode: w.authMode ?? null,
    respondResult: cfg ? cfg.respondResult : null,
    source: `${root}/${w.sourcePath}`,
    // An endpoint /S/W calling S_W exists (its differences from the webhook are among the findings).
    alreadyConverted: plan?.existingEndpoint === true,
    findings: sortFindings((plan?.findings ?? w.findings).filter(shownInScan).map(fix)),
  };
}

export function rel(cwd: string, abs: string): string {
  const r = toPosix(path.relative(cwd, abs));
  return r === "" ? "." : r.startsWith("..") || path.isAbsolute(r) ? toPosix(abs) : r;
}
