// Finds every app under a folder: folders with a root config
// (https://github.com/10gen/realm-cli/blob/master/internal/local/app.go), and partial
// exports (a services/, http_endpoints/ or https_endpoints/ folder holding webhooks, with no root
// config). An app's own subfolders are not searched for further apps.

import { readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { detectApp, type Detection } from "./detect.js";
import { byCodePoint } from "../util/fs.js";

const SKIP = new Set([".git", "node_modules", ".mdb"]);
const WEBHOOK_ROOTS = ["services", "http_endpoints", "https_endpoints"];
/** Guards against pathological trees; real export folders are shallow. */
const MAX_DEPTH = 12;

export interface FoundApp {
  root: string;
  detection?: Detection;
}

export async function discoverApps(start: string): Promise<FoundApp[]> {
  const found: FoundApp[] = [];
  const seen = new Set<string>();
  await walk(path.resolve(start), 0, found, seen);
  return found.sort((a, b) => byCodePoint(a.root, b.root));
}

async function walk(dir: string, depth: number, found: FoundApp[], seen: Set<string>): Promise<void> {
  const real = await realpath(dir).catch(() => dir);
  if (seen.has(real) || depth > MAX_DEPTH) return;
  seen.add(real);
  const detection = await detectApp(dir, real);
  if (detection) {
    found.push({ root: dir, detection });
    return;
  }
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const dirs = entries.filter((e) => e.isDirectory() && !SKIP.has(e.name)).map((e) => e.name);
  if (await holdsWebhooks(dir, dirs)) {
    found.push({ root: dir });
    return;
  }
  for (const d of dirs.sort()) await walk(path.join(dir, d), depth + 1, found, seen);
}

/** True when `dir` has a webhook root with at least one `incoming_webhooks/` (or B′) folder. */
async function holdsWebhooks(dir: string, dirs: string[]): Promise<boolean> {
  for (const top of dirs.filter((d) => WEBHOOK_ROOTS.includes(d))) {
    let services;
    try {
      services = await readdir(path.join(dir, top), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const s of services.filter((e) => e.isDirectory())) {
      const inner = await readdir(path.join(dir, top, s.name), { withFileTypes: true }).catch(() => []);
      if (inner.some((e) => e.isDirectory() && e.name === "incoming_webhooks")) return true;
      if (top !== "services" && inner.some((e) => e.isFile() && e.name === "config.json")) return true;
    }
  }
  return false;
}
