// `hookshift migrate <path>...` when the paths hold several apps, and `hookshift verify --fleet`:
// parse nothing, call the fleet use-case (src/fleet/), print a line per app as it finishes (above
// the progress bar on a terminal; plain lines in a pipe), the fleet summary and the next steps.

import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createColors } from "picocolors";
import { findingLine } from "../report/scan-table.js";
import { renderNextSteps } from "../report/console.js";
import { fleetLocation, fleetNextSteps } from "../report/fleet-markdown.js";
import type { FleetApp, FleetVerifyApp, FleetVerifyReport } from "../report/fleet-model.js";
import { shellWord } from "../report/next-steps.js";
import type { FoundFleet } from "../fleet/find.js";
import { migrateFleet } from "../fleet/run.js";
import { displayPath } from "../util/display-path.js";
import { UsageError } from "../util/errors.js";
import type { Io } from "./io.js";
import type { MigrateCliOptions } from "./migrate.js";
import { progressBar, type ProgressBar } from "./progress.js";
import { printUsageError } from "./usage.js";

/** Default --jobs: one app per core. */
const defaultJobs = () => os.availableParallelism();

/** Tracks the apps in flight for the progress line: done/total, webhooks, which apps, elapsed. */
function tracker(bar: ProgressBar, phase: string, total: number) {
  const started = Date.now();
  const running = new Set<string>();
  let done = 0;
  let webhooks = 0;
  const draw = () => {
    const now = [...running].slice(0, 3).join(", ") + (running.size > 3 ? `, +${running.size - 3}` : "");
    const secs = Math.round((Date.now() - started) / 1000);
    bar.update({ phase, done, total, unit: "apps", detail: `${webhooks} webhooks; ${secs}s${now ? `; now: ${now}` : ""}` });
  };
  // The elapsed time moves while a long app runs.
  const timer = setInterval(draw, 1000);
  timer.unref();
  draw();
  return {
    start: (rel: string) => {
      running.add(rel);
      draw();
    },
    done: (rel: string, hooks: number) => {
      running.delete(rel);
      done++;
      webhooks += hooks;
      draw();
      return done;
    },
    stop: () => clearInterval(timer),
    elapsed: () => (Date.now() - started) / 1000,
  };
}

function appLine(a: FleetApp, n: number, total: number): string {
  const head = `[${n}/${total}] ${a.path}`;
  if (a.status === "skipped") return `${head}: skipped, unchanged since the last run (${a.line}; exit ${a.exit})\n`;
  if (a.status === "failed") return `${head}: not written: ${a.errors[0]?.message ?? a.line}\n`;
  return `${head}: ${a.line} (exit ${a.exit})\n`;
}

export interface FleetCliOptions extends Omit<MigrateCliOptions, "app"> {
  jobs?: number;
  resume: boolean;
}

/**
 * `hookshift migrate <path>...` over a fleet, the apps `found` in `paths` (fleet/find.ts, fleetOf):
 * exit 1 if any app failed, else 2 if anything needs review, else 0.
 */
export async function runMigrateFleet(paths: string[], found: FoundFleet, opts: FleetCliOptions, io: Io): Promise<number> {
  const c = createColors(io.color);
  if (opts.recover)
    throw new UsageError("--recover takes one app", "Run `hookshift migrate <app> --recover` for each app that holds an interrupted --in-place run.");
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    const hint = "Pass exported app folders, or folders that hold them (`hookshift scan <folder>` lists the apps it finds).";
    if (!info) throw new UsageError(`input ${path.resolve(p)} does not exist`, hint);
    if (!info.isDirectory()) throw new UsageError(`input ${path.resolve(p)} is a file, not a folder of apps`, hint);
  }
  if (found.empty.length > 0) {
    throw new UsageError(
      `input ${path.resolve(found.empty[0]!)} holds no App Services app`,
      "Pass exported app folders, or folders that hold them (as `hookshift scan` finds them).",
    );
  }
  const again = `hookshift migrate ${paths.map(shellWord).join(" ")}${opts.out ? ` --out ${shellWord(opts.out)}` : ""}${opts.report ? ` --report ${shellWord(opts.report)}` : ""}${opts.inPlace ? " --in-place" : ""}${opts.dryRun ? " --dry-run" : ""}${opts.check ? " --check" : ""}`;
  const bar = progressBar(io, { json: opts.json });
  const track = tracker(bar, "fleet", found.apps.length);
  let result: Awaited<ReturnType<typeof migrateFleet>>;
  try {
    result = await migrateFleet(found, {
      ...opts,
      // --check is a dry run whose exit code says whether anything would change (as for one app).
      dryRun: opts.dryRun || opts.check === true,
      check: opts.check ?? false,
      jobs: opts.jobs ?? defaultJobs(),
      again,
      onStart: (a) => track.start(a.rel),
      onDone: (row, a) => {
        const n = track.done(a.rel, row.webhooks);
        if (!opts.json) bar.log(appLine(row, n, found.apps.length));
      },
    });
  } finally {
    track.stop();
    bar.stop();
  }
  for (const e of result.errors) printUsageError(io, e.message, { hint: e.hint, command: "migrate" });
  const report = result.report;
  if (!report) {
    if (opts.json)
      io.out(
        JSON.stringify(
          { written: false, errors: result.errors.map((e) => ({ code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) })) },
          null,
          2,
        ) + "\n",
      );
    return result.code;
  }
  for (const a of report.apps) for (const n of a.notices) (opts.json ? io.err : io.out)(`${a.path}: ${n}\n`);
  if (opts.json) {
    io.out(JSON.stringify(report, null, 2) + "\n");
    return result.code;
  }
  // The errors of the apps not written (index.md lists the others'); a dry run writes no index.md,
  // so there every app's errors are printed.
  const withErrors = report.apps.filter((a) => a.status === "failed" || report.mode === "dry-run");
  for (const a of withErrors) for (const e of a.errors) io.err(findingLine({ ...e, file: fleetLocation(a, e), line: undefined, column: undefined }, c) + "\n");
  io.out(`\n${c.bold(report.summary.line)} (${track.elapsed().toFixed(1)} s, --jobs ${opts.jobs ?? defaultJobs()})\n`);
  if (report.mode === "dry-run") {
    io.out(
      `\nDry run: nothing written.${opts.check ? ` --check: ${result.code === 2 ? "changes" : result.code === 0 ? "no changes" : "errors"} (exit ${result.code}).` : " Run one app with --dry-run to see its diff."}\n`,
    );
  } else if (result.reportDir) {
    if (report.out) io.out(`\nConverted apps: ${report.out}/<app>\n`);
    io.out(
      `${report.out ? "Fleet report:   " : "\nFleet report: "}${displayPath(path.join(result.reportDir, "index.md"))} (also index.html, fleet.json, url-map.csv; each app's report in its own folder)\n`,
    );
  }
  io.out("\n" + renderNextSteps(fleetNextSteps(report, again), { color: io.color }));
  return result.code;
}

export interface FleetVerifyCliOptions {
  fleet: string;
  jobs?: number;
  coverage: boolean;
  sandboxPermissions: boolean;
  maxCases?: number;
  timeLimitMs?: number;
  minCoverage?: number;
  json: boolean;
}

/** `hookshift verify <original> <migrated>` of the first app that did not pass, to work on it alone. */
function againCommand(report: FleetVerifyReport, fleetDir: string) {
  const a = report.apps.find((x) => x.exit === report.summary.exit && x.status === "verified");
  if (!a?.links.migrated) return [];
  const at = (rel: string) => shellWord(displayPath(path.resolve(fleetDir, rel)));
  const secrets = path.join(fleetDir, ...a.path.split("/"), "secrets.json");
  return [
    {
      text: `Fix the migrated function (or migrate again), then verify that app alone (${a.path})`,
      command: `hookshift verify ${at(a.links.original)} ${at(a.links.migrated)}${existsSync(secrets) ? ` --secrets ${shellWord(displayPath(path.resolve(secrets)))}` : ""} --report ${shellWord(displayPath(path.resolve(fleetDir, a.path)))}`,
    },
  ];
}

function verifyLine(a: FleetVerifyApp, n: number, total: number): string {
  return `[${n}/${total}] ${a.path}: ${a.status === "verified" ? a.line : `not verified: ${a.error}`} (exit ${a.exit})\n`;
}

/** `hookshift verify --fleet <report-dir>`: verify's exit codes, the worst over the apps. */
export async function runVerifyFleet(opts: FleetVerifyCliOptions, io: Io): Promise<number> {
  const c = createColors(io.color);
  const bar = progressBar(io, { json: opts.json });
  let track: ReturnType<typeof tracker> | undefined;
  let total = 0;
  let report: FleetVerifyReport;
  // The verify runtime (sandbox, store) loads only for verify --fleet.
  const { verifyFleet } = await import("../fleet/verify.js");
  try {
    report = await verifyFleet(opts.fleet, {
      jobs: opts.jobs ?? defaultJobs(),
      coverage: opts.coverage,
      sandboxPermissions: opts.sandboxPermissions,
      maxCases: opts.maxCases,
      timeLimitMs: opts.timeLimitMs,
      minCoverage: opts.minCoverage,
      onPlan: (n) => {
        total = n;
        track = tracker(bar, "fleet-verify", n);
      },
      onStart: (rel) => track?.start(rel),
      onDone: (row) => {
        const n = track?.done(row.path, row.webhooks) ?? 0;
        if (!opts.json) bar.log(verifyLine(row, n, total));
      },
    });
  } finally {
    track?.stop();
    bar.stop();
  }
  if (opts.json) {
    io.out(JSON.stringify(report, null, 2) + "\n");
    return report.summary.exit;
  }
  const skipped = report.apps.filter((a) => a.status !== "verified");
  if (skipped.length) {
    io.out("\nNot verified:\n");
    for (const a of skipped) io.out(`  ${a.path}: ${a.error}\n`);
  }
  io.out(`\n${c.bold(report.summary.line)}\n`);
  io.out(
    `Fleet verify: ${displayPath(path.join(path.resolve(opts.fleet), "verify-index.html"))} (also verify.json; each app's verify.html in its own folder)\n`,
  );
  const steps =
    report.summary.exit === 0
      ? [{ text: "Every verified webhook is equal on the cases run: create each app's Secrets and push it (index.md of the fleet report has the steps)" }]
      : [
          { text: `Look at the apps with exit ${report.summary.exit} in verify-index.html, then at each one's verify.html` },
          ...againCommand(report, opts.fleet),
        ];
  io.out("\n" + renderNextSteps(steps, { color: io.color }));
  return report.summary.exit;
}
