// The fleet `migrate` use-case: every app the inputs hold (find.ts), each migrated by the one-app
// use-case in a pool of worker processes (pool.ts, app-job.ts), then the fleet summary in the
// report folder: fleet.json, index.md, index.html, url-map.csv. The CLI calls this and prints.

import { existsSync, readdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { finding, type Finding } from "../app/findings.js";
import { displayPath } from "../util/display-path.js";
import { removeStaleStaging } from "../migrate/staging.js";
import { writeTextFile } from "../util/write-text.js";
import type { TargetFormat } from "../commands/plan-with-upgrade.js";
import { FLEET_FORMAT_VERSION, summarise, type FleetApp, type FleetReport } from "../report/fleet-model.js";
import { renderFleetHtml } from "../report/fleet-html.js";
import { renderFleetMarkdown } from "../report/fleet-markdown.js";
import { renderUrlMapCsv } from "../report/url-map-csv.js";
import { compiledScript } from "../util/compiled-script.js";
import { isInside, toPosix } from "../util/fs.js";
import { VERSION } from "../version.js";
import type { MigrateAppJob } from "./app-job.js";
import { crashedRow } from "./failed-row.js";
import type { FleetMember, FoundFleet } from "./find.js";
import { MARKER_DIR } from "./resume.js";
import { runPool } from "./pool.js";

export interface FleetMigrateOptions {
  out?: string;
  report?: string;
  dryRun: boolean;
  check: boolean;
  inPlace: boolean;
  allowDirty: boolean;
  removeWebhooks: boolean;
  force: boolean;
  resume: boolean;
  /** Apps migrated at once (worker processes). */
  jobs: number;
  targetFormat?: TargetFormat;
  rules?: string[];
  skipRules?: string[];
  callerChanges?: boolean;
  /** The command to run again (for the next steps), as the user typed it. */
  again?: string;
  onStart?: (app: FleetMember) => void;
  onDone?: (row: FleetApp, app: FleetMember) => void;
}

export interface FleetMigrateResult {
  code: 0 | 1 | 2;
  report?: FleetReport;
  reportDir?: string;
  /** What stopped the run before any app was migrated (bad options, an output in the way). */
  errors: Finding[];
}

const FLEET_FILES = ["fleet.json", "index.md", "index.html", "url-map.csv"];

/**
 * Fleet workers let V8's optimising compiler (TurboFan) take a function only after 4x the default
 * amount of work in the baseline tiers (--interrupt-budget, default 67,584). Each worker process
 * warms its own JIT, and with the default it compiled most of the report's and the planner's large
 * functions, run a few dozen times an app (and recompiled them on a new object shape): about 3 s
 * of background CPU for 200 apps of 25 webhooks, paid again by each added worker; now half that,
 * for less CPU in all (bench/README.md, "Fleet migrate", 2026-12-06 late evening).
 */
const WORKER_V8_FLAGS = ["--interrupt-budget=270336"];

function usage(message: string, hint?: string): FleetMigrateResult {
  return { code: 1, errors: [finding("error", "usage", message, { hint })] };
}

const nonEmpty = (dir: string) => existsSync(dir) && readdirSync(dir).length > 0;

export async function migrateFleet(found: FoundFleet, opts: FleetMigrateOptions): Promise<FleetMigrateResult> {
  if (opts.inPlace && opts.out) return usage("--in-place and --out exclude each other", "Pass one of them.");
  if (!opts.inPlace && !opts.out && !opts.dryRun) return usage("Say where to write: --out <dir>, --in-place, or --dry-run to only look", undefined);
  if (opts.allowDirty && !opts.inPlace) return usage("--allow-dirty only applies with --in-place");
  if (opts.resume && opts.dryRun)
    return usage("--resume continues a run that writes; a dry run has nothing to resume", "Leave out --resume, or --dry-run/--check.");
  const out = opts.out && !opts.dryRun ? path.resolve(opts.out) : undefined;
  const reportDir = opts.dryRun ? undefined : path.resolve(opts.report ?? `${out ?? found.base}-hookshift-report`);
  // An output inside an input would be found as apps by the next run; inside an app, copied into itself.
  for (const [what, dir] of [
    ["--out", out],
    ["--report", reportDir],
  ] as const) {
    if (!dir) continue;
    const app = found.apps.find((a) => isInside(a.root, dir) || a.root === dir || isInside(dir, a.root));
    const folder = found.folders.find((f) => isInside(f, dir));
    if (folder)
      return usage(
        `${what} ${displayPath(dir)} lies inside the input ${displayPath(folder)}`,
        "The next run would find the migrated apps there as apps to migrate: choose a folder outside the inputs.",
      );
    if (app)
      return usage(
        `${what} ${displayPath(dir)} ${isInside(dir, app.root) ? "holds" : "lies inside"} the app ${displayPath(app.root)}`,
        "Choose a folder outside the apps, e.g. beside the folder that holds them.",
      );
  }
  // <out>/<rel> and <report>/<rel> must not meet: an app's output is renamed into place whole, so
  // a report staged in the same folder is lost (every app failed with a bare ENOENT).
  if (out && reportDir && (isInside(out, reportDir) || isInside(reportDir, out))) {
    const how =
      out === reportDir ? "is the --out folder" : isInside(out, reportDir) ? `lies inside --out ${displayPath(out)}` : `holds --out ${displayPath(out)}`;
    return usage(
      `--report ${displayPath(reportDir)} ${how}`,
      "Each app's converted copy goes to <out>/<app> and its report to <report>/<app>: keep the two folders apart (leave out --report for <out>-hookshift-report).",
    );
  }
  if (out && nonEmpty(out) && !opts.force && !opts.resume) {
    return usage(
      `--out ${displayPath(out)} exists and is not empty`,
      "Pass --resume to finish an interrupted fleet run there (finished apps are skipped), or --force to migrate every app again.",
    );
  }
  if (reportDir && !opts.force && !opts.resume && FLEET_FILES.concat(MARKER_DIR).some((f) => existsSync(path.join(reportDir, f)))) {
    return usage(
      `--report ${displayPath(reportDir)} holds an earlier fleet report`,
      "Pass --resume to finish that run, --force to replace it, or choose a new folder.",
    );
  }
  if (out) await mkdir(out, { recursive: true });
  if (reportDir) await mkdir(reportDir, { recursive: true });
  const jobs: MigrateAppJob[] = found.apps.map((a) => ({
    kind: "migrate",
    root: a.root,
    rel: a.rel,
    out: out ? path.join(out, ...a.rel.split("/")) : undefined,
    report: reportDir ? path.join(reportDir, ...a.rel.split("/")) : undefined,
    fleetReport: reportDir,
    dryRun: opts.dryRun || opts.check,
    check: opts.check,
    inPlace: opts.inPlace,
    allowDirty: opts.allowDirty,
    removeWebhooks: opts.removeWebhooks,
    // --resume redoes the apps that did not finish: their output or report may be half there.
    force: opts.force || opts.resume,
    resume: opts.resume,
    targetFormat: opts.targetFormat,
    rules: opts.rules,
    skipRules: opts.skipRules,
    callerChanges: opts.callerChanges,
  }));
  const rows = await runPool<FleetApp>(jobs, {
    size: opts.jobs,
    script: compiledScript(import.meta.url, "./worker.js", "dist/src/fleet/worker.js"),
    crashed: (job, why) => crashedRow(job as MigrateAppJob, why),
    onStart: (i) => opts.onStart?.(found.apps[i]!),
    onDone: (i, row) => opts.onDone?.(row, found.apps[i]!),
    execArgv: WORKER_V8_FLAGS,
  });
  // A worker of a killed run lives on until its synchronous work yields (its parent's death reaches
  // it as an IPC disconnect), so a run started meanwhile finds its staging folder still owned by a
  // live process and leaves it. Once every app is done, what such workers left is removed.
  jobs.forEach((job, i) => {
    if (!job.out) return;
    for (const s of removeStaleStaging(job.out)) rows[i]!.notices.push(`Removed ${displayPath(s.dir)}, left by a killed run (pid ${s.owner.pid})`);
  });
  const report: FleetReport = {
    formatVersion: FLEET_FORMAT_VERSION,
    kind: "fleet",
    tool: { name: "hookshift", version: VERSION },
    mode: opts.dryRun || opts.check ? "dry-run" : opts.inPlace ? "in-place" : "out",
    base: displayPath(found.base),
    ...(out ? { out: displayPath(out) } : {}),
    ...(reportDir ? { reportDir: toPosix(displayPath(reportDir)) } : {}),
    summary: summarise(rows),
    apps: rows,
  };
  if (reportDir) await writeFleetFiles(reportDir, report, opts.again);
  return { code: report.summary.exit, report, reportDir, errors: [] };
}

/** The summary files, each written beside its final name and renamed into place. */
async function writeFleetFiles(dir: string, report: FleetReport, again?: string): Promise<void> {
  const files: [string, string][] = [
    ["fleet.json", JSON.stringify(report, null, 2) + "\n"],
    ["url-map.csv", renderUrlMapCsv(report.apps)],
    ["index.md", renderFleetMarkdown(report, again)],
    ["index.html", renderFleetHtml(report, again)],
  ];
  for (const [name, text] of files) await writeTextFile(path.join(dir, name), text);
}
