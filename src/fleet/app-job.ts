// One app of a fleet `migrate`: the one-app use-case (src/commands/migrate.ts) with the app's own
// `--out <out>/<rel>` and `--report <report>/<rel>`, exactly as `hookshift migrate <app> --out …
// --report …` would run it, then the app's fleet row (report/fleet-model.ts) and, last, its
// resume marker (resume.ts). Runs in a fleet worker process (worker.ts).

import type { Finding } from "../app/findings.js";
import { hashApp } from "../migrate/input-hash.js";
import { displayPath, migrate } from "../commands/migrate.js";
import type { TargetFormat } from "../commands/plan-with-upgrade.js";
import type { Report } from "../report/build.js";
import type { FleetApp } from "../report/fleet-model.js";
import { reviewItems } from "../report/markdown.js";
import { VERSION } from "../version.js";
import { failedRow, linkPath } from "./failed-row.js";
import { completedRun, markerFile, writeMarker } from "./resume.js";

export interface MigrateAppJob {
  kind: "migrate";
  /** Absolute app folder, and its folder relative to the fleet's base. */
  root: string;
  rel: string;
  /** Absolute: this app's output folder (absent with --in-place and --dry-run) and report folder (absent with --dry-run). */
  out?: string;
  report?: string;
  /** Absolute fleet report folder (links and markers are relative to it); absent with --dry-run. */
  fleetReport?: string;
  dryRun: boolean;
  check: boolean;
  inPlace: boolean;
  allowDirty: boolean;
  removeWebhooks: boolean;
  force: boolean;
  resume: boolean;
  targetFormat?: TargetFormat;
  rules?: string[];
  skipRules?: string[];
  callerChanges?: boolean;
}

export async function runAppJob(job: MigrateAppJob): Promise<FleetApp> {
  // What decides the output besides the input's content: a change to any of these redoes the app.
  const decides = {
    targetFormat: job.targetFormat,
    rules: job.rules,
    skipRules: job.skipRules,
    callerChanges: job.callerChanges,
    removeWebhooks: job.removeWebhooks,
    inPlace: job.inPlace,
  };
  const marker = job.fleetReport && !job.dryRun ? markerFile(job.fleetReport, job.rel) : undefined;
  // --resume takes the hash first, to skip an app that is done (in place, the marker holds the hash
  // of the app as the run left it). Otherwise an --out run takes it while migrate copies the app,
  // from the bytes the copy reads, and an --in-place run once it has written.
  const before = marker && job.resume ? hashApp(job.root, decides) : undefined;
  if (marker && before !== undefined) {
    const done = await completedRun(marker, { version: VERSION, inputHash: before, output: job.out, report: job.report! });
    if (done) return { ...done.row, status: "skipped", notices: [] };
  }
  const result = await migrate({
    // As the user would type them for this one app, so its report is the one-app run's, byte for byte.
    app: displayPath(job.root),
    out: job.out ? displayPath(job.out) : undefined,
    report: job.report ? displayPath(job.report) : undefined,
    dryRun: job.dryRun,
    inPlace: job.inPlace,
    allowDirty: job.allowDirty,
    removeWebhooks: job.removeWebhooks,
    force: job.force,
    targetFormat: job.targetFormat,
    rules: job.rules,
    skipRules: job.skipRules,
    callerChanges: job.callerChanges,
    // A worker process migrates app after app: no worker thread per small app's copy.
    copySmallAppHere: true,
    hashInputWith: marker && !job.inPlace && before === undefined ? decides : undefined,
  });
  const report = result.report;
  const written = !job.dryRun && report !== undefined && !report.blocked && result.reportDir !== undefined;
  const row = report ? rowOf(job, report, written) : failedRow(job, result.errors);
  if (report) {
    row.errors = [...result.errors, ...row.errors];
    if (!written && (!job.dryRun || report.blocked)) {
      // Nothing was written (or, a dry run of a blocked app, nothing could be): no webhook of it is
      // converted, whatever the plan said.
      Object.assign(row, { status: "failed", converted: 0, needsReview: 0, appNeedsReview: 0, alreadyConverted: 0, filesChanged: 0, review: [], secrets: [] });
      row.urls = row.urls.map(({ newUrl: _new, ...u }) => u);
    }
    // --check: 0 nothing would change, 2 something would, 1 errors (as the one-app --check).
    row.exit = job.check && result.code !== 1 ? (report.files.length > 0 ? 2 : 0) : result.code;
  }
  row.notices = result.notices ?? [];
  if (marker && written) {
    row.inputHash = job.inPlace ? hashApp(job.root, decides) : (before ?? result.inputHash ?? hashApp(job.root, decides));
    await writeMarker(marker, { tool: "hookshift", version: VERSION, inputHash: row.inputHash!, row });
  }
  return row;
}

function links(job: MigrateAppJob, written: boolean): FleetApp["links"] {
  const base = job.fleetReport ?? process.cwd();
  return {
    ...(written && job.report ? { report: `${job.rel}/report.html` } : {}),
    ...(written ? { output: linkPath(base, job.out ?? job.root) } : {}),
    original: linkPath(base, job.root),
  };
}

function rowOf(job: MigrateAppJob, r: Report, written: boolean): FleetApp {
  const s = r.summary;
  const errors: Finding[] = [...r.findings.filter((f) => f.severity === "error")];
  for (const w of r.webhooks) if (w.status === "failed") errors.push(...w.findings.filter((f) => f.severity === "error"));
  return {
    path: job.rel,
    root: displayPath(job.root),
    appId: r.app.appId,
    name: r.app.name,
    format: r.app.configVersion,
    layout: r.app.layout,
    status: job.dryRun ? "planned" : written ? "migrated" : "failed",
    exit: 0,
    webhooks: s.webhooks,
    converted: s.converted,
    needsReview: s.needsReview,
    appNeedsReview: s.appNeedsReview,
    alreadyConverted: s.alreadyConverted,
    failed: s.failed,
    filesChanged: s.filesChanged,
    line: s.line,
    links: links(job, written),
    errors,
    review: reviewItems(r).map((i) => ({ ...(i.webhook ? { webhook: i.webhook } : {}), finding: i.finding })),
    secrets: r.secrets,
    urls: r.webhooks.map((w) => ({ webhook: w.id, method: w.httpMethod ?? "", oldUrl: w.oldUrl, ...(w.newUrl ? { newUrl: w.newUrl } : {}) })),
    notices: [],
  };
}
