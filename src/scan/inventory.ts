// `scan`: every app under the given folders and every webhook in them, as one JSON-ready
// inventory. Paths in the output are relative to the working directory so a terminal or editor
// can open `file:line:column` directly.

import path from "node:path";
import { discoverApps } from "../app/discover.js";
import { sortFindings, type Finding } from "../app/findings.js";
import type { App, Webhook } from "../app/model.js";
import { readApp } from "../app/read/index.js";
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

export async function scanFolders(dirs: string[], cwd = process.cwd(), onProgress?: OnProgress): Promise<{ inventory: Inventory; apps: App[] }> {
  const apps: App[] = [];
  const inventory: Inventory = { apps: [], findings: [] };
  const missing: Finding[] = [];
  let toRead = 0;
  for (const dir of dirs) {
    onProgress?.({ phase: "read", done: apps.length, total: toRead, unit: "apps" });
    const found = await discoverApps(dir);
    toRead += found.length;
    if (found.length === 0) {
      missing.push({
        severity: "error",
        code: "no-apps",
        message: `No App Services app found under ${dir}`,
        file: rel(cwd, path.resolve(dir)),
        hint: "Point scan at an exported app folder (with realm_config.json, root_config.json, config.json or stitch.json) or a folder of them.",
      });
    }
    for (const f of found) {
      if (apps.some((a) => a.root === f.root)) continue;
      try {
        apps.push(await readApp(f.root, f.detection));
        onProgress?.({ phase: "read", done: apps.length, total: toRead, unit: "apps" });
      } catch (e) {
        // Readers report bad input as findings; this is for what they did not foresee. One app
        // that cannot be read must not hide the others.
        missing.push({
          severity: "error",
          code: "read-failed",
          message: `Could not read the app: ${e instanceof Error ? e.message : String(e)}`,
          file: rel(cwd, f.root),
          hint: "Please report this with the folder layout; the other apps were scanned.",
        });
      }
    }
  }
  for (const app of apps) {
    onProgress?.({ phase: "scan", done: inventory.apps.length, total: apps.length, unit: "apps" });
    const root = rel(cwd, app.root);
    const fix = (f: Finding): Finding => (f.file === undefined ? f : { ...f, file: f.file === "." ? root : `${root}/${f.file}` });
    // The planner knows what the reader cannot: collisions, and which webhooks are already converted.
    const plans = new Map(planMigration(app, { removeWebhooks: false }).webhooks.map((p) => [p.id, p]));
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
  inventory.findings = sortFindings([...missing, ...inventory.findings]);
  return { inventory, apps };
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

function rel(cwd: string, abs: string): string {
  const r = toPosix(path.relative(cwd, abs));
  return r === "" ? "." : r.startsWith("..") || path.isAbsolute(r) ? toPosix(abs) : r;
}
