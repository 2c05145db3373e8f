// `scan`: finds every app under the given folders, reads each (one that cannot be read is a
// finding, not the end of the scan) and reports them as one inventory (src/scan/inventory.ts).

import path from "node:path";
import { discoverApps } from "../app/discover.js";
import type { Finding } from "../app/findings.js";
import type { App } from "../app/model.js";
import { readApp } from "../app/read/index.js";
import { inventoryOf, rel, type Inventory } from "../scan/inventory.js";
import type { OnProgress } from "../util/progress.js";

export async function scanFolders(dirs: string[], cwd = process.cwd(), onProgress?: OnProgress): Promise<{ inventory: Inventory; apps: App[] }> {
  const apps: App[] = [];
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
        // Sources an earlier scan analysed are not parsed again (app/read/analysis-cache.ts).
        apps.push(await readApp(f.root, f.detection, undefined, { cacheAnalyses: true }));
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
  return { inventory: inventoryOf(apps, missing, cwd, onProgress), apps };
}
