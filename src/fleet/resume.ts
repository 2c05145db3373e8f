// What `migrate --resume` trusts: a marker per app, written after the app's output and report are
// complete (both are renamed into place by migrate itself: src/migrate/staging.ts,
// src/report/render-files.ts), holding the hash of the input and options (src/migrate/input-hash.ts)
// and the app's fleet row.
// An app is skipped only when its marker says the same hash and hookshift version and its output
// and report are still there. The marker is written last, through a temporary file and a rename,
// so a run killed at any point leaves either no marker (the app is done again) or a whole one.

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { writeTextFile } from "../util/write-text.js";
import type { FleetApp } from "../report/fleet-model.js";

/** Folder in the fleet report folder that holds the markers, `<dir>/<rel>/app.json`. */
export const MARKER_DIR = ".hookshift-fleet";

export interface AppMarker {
  tool: "hookshift";
  version: string;
  inputHash: string;
  row: FleetApp;
}

export const markerFile = (reportDir: string, rel: string) => path.join(reportDir, MARKER_DIR, ...rel.split("/"), "app.json");

async function readMarker(file: string): Promise<AppMarker | undefined> {
  try {
    const m = JSON.parse(await readFile(file, "utf8")) as Partial<AppMarker>;
    return m.tool === "hookshift" && typeof m.inputHash === "string" && typeof m.version === "string" && m.row ? (m as AppMarker) : undefined;
  } catch {
    return undefined;
  }
}

export async function writeMarker(file: string, marker: AppMarker): Promise<void> {
  await writeTextFile(file, JSON.stringify(marker) + "\n");
}

/** The marker when it proves the app done: same hash and version, output and report present. */
export async function completedRun(file: string, o: { version: string; inputHash: string; output?: string; report: string }): Promise<AppMarker | undefined> {
  const m = await readMarker(file);
  if (!m || m.version !== o.version || m.inputHash !== o.inputHash) return undefined;
  if (o.output !== undefined && !existsSync(o.output)) return undefined;
  if (!existsSync(path.join(o.report, "report.json"))) return undefined;
  return m;
}
