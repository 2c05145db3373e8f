// `verify --fleet <report-dir>`: every migrated app of a fleet run verified against its original
// (the pairs fleet.json names), in a pool of worker processes (pool.ts, verify-job.ts); writes
// verify.json (one row per app) and verify-index.html beside fleet.json.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { jsonErrorText } from "../app/json.js";
import { FLEET_FORMAT_VERSION, worstExit, type FleetReport, type FleetVerifyApp, type FleetVerifyReport } from "../report/fleet-model.js";
import { renderFleetVerifyHtml } from "../report/fleet-html.js";
import { writeTextFile } from "../util/write-text.js";
import { compiledScript } from "../util/compiled-script.js";
import { UsageError } from "../util/errors.js";
import { VERSION } from "../version.js";
import { runPool } from "./pool.js";
import { notVerified, type VerifyAppJob } from "./verify-job.js";

export interface FleetVerifyOptions {
  jobs: number;
  coverage: boolean;
  sandboxPermissions: boolean;
  maxCases?: number;
  timeLimitMs?: number;
  minCoverage?: number;
  onStart?: (rel: string) => void;
  onDone?: (row: FleetVerifyApp) => void;
  /** Called once the apps to verify are known. */
  onPlan?: (total: number) => void;
}

async function readFleetReport(reportDir: string): Promise<FleetReport> {
  const file = path.join(reportDir, "fleet.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(
      `--fleet ${reportDir} holds no fleet.json`,
      "Pass the report folder of a fleet `hookshift migrate <path>... --out <dir>` run (default: <dir>-hookshift-report).",
    );
  }
  let r: FleetReport;
  try {
    r = JSON.parse(text) as FleetReport;
  } catch (e) {
    throw new UsageError(jsonErrorText(file, text, e), "Run the fleet migrate again (--resume keeps the finished apps).");
  }
  if (r.kind !== "fleet" || !Array.isArray(r.apps)) throw new UsageError(`${file} is not a fleet report`, "Pass the report folder of a fleet migrate run.");
  return r;
}

export async function verifyFleet(reportDir: string, opts: FleetVerifyOptions): Promise<FleetVerifyReport> {
  const dir = path.resolve(reportDir);
  const fleet = await readFleetReport(dir);
  if (fleet.mode !== "out") {
    throw new UsageError(
      `the fleet in ${reportDir} was ${fleet.mode === "in-place" ? "migrated in place" : "a dry run"}: there is no original and migrated pair to compare`,
      "Verify a fleet migrated with --out.",
    );
  }
  const rows: (FleetVerifyApp | undefined)[] = [];
  const jobs: VerifyAppJob[] = [];
  const slots: number[] = [];
  for (const a of fleet.apps) {
    const pair = {
      rel: a.path,
      appId: a.appId,
      original: path.resolve(dir, a.links.original),
      migrated: path.resolve(dir, a.links.output ?? a.links.original),
      fleetReport: dir,
    };
    if ((a.status === "migrated" || a.status === "skipped") && a.links.output && a.webhooks > 0) {
      slots.push(rows.length);
      rows.push(undefined);
      jobs.push({
        kind: "verify",
        ...pair,
        reportDir: path.join(dir, ...a.path.split("/")),
        coverage: opts.coverage,
        sandboxPermissions: opts.sandboxPermissions,
        maxCases: opts.maxCases,
        timeLimitMs: opts.timeLimitMs,
        minCoverage: opts.minCoverage,
      });
    } else {
      const nothing = a.webhooks === 0 && a.status !== "failed";
      rows.push(notVerified(pair, nothing ? "no incoming webhooks to verify" : "not migrated (see the fleet report)", "not-verified", nothing ? 0 : 2));
    }
  }
  opts.onPlan?.(jobs.length);
  const done = await runPool<FleetVerifyApp>(jobs, {
    size: opts.jobs,
    script: compiledScript(import.meta.url, "./worker.js", "dist/src/fleet/worker.js"),
    crashed: (job, why) => notVerified(job as VerifyAppJob, `verifying this app stopped: ${why}`),
    onStart: (i) => opts.onStart?.(jobs[i]!.rel),
    onDone: (_i, row) => opts.onDone?.(row),
  });
  done.forEach((row, i) => (rows[slots[i]!] = row));
  const apps = rows as FleetVerifyApp[];
  const sum = (f: (a: FleetVerifyApp) => number) => apps.reduce((n, a) => n + f(a), 0);
  const s = {
    apps: apps.length,
    verified: apps.filter((a) => a.status === "verified").length,
    notVerified: apps.filter((a) => a.status === "not-verified").length,
    failed: apps.filter((a) => a.status === "failed").length,
    webhooks: sum((a) => a.webhooks),
    equal: sum((a) => a.verdicts.equal),
    different: sum((a) => a.verdicts.different),
    unproven: sum((a) => a.verdicts.unproven),
    unpaired: sum((a) => a.verdicts.unpaired),
    error: sum((a) => a.verdicts.error),
    exit: worstExit(apps.map((a) => a.exit)),
    line: "",
  };
  s.line =
    `${s.apps} app${s.apps === 1 ? "" : "s"}: ${s.verified} verified, ${s.notVerified} not verified, ${s.failed} failed; ` +
    `${s.webhooks} webhooks: ${s.equal} equal, ${s.different} different, ${s.unproven} unproven, ${s.unpaired} unpaired, ${s.error} errors`;
  const report: FleetVerifyReport = {
    formatVersion: FLEET_FORMAT_VERSION,
    kind: "fleet-verify",
    tool: { name: "hookshift", version: VERSION },
    summary: s,
    apps,
  };
  for (const [name, text] of [
    ["verify.json", JSON.stringify(report, null, 2) + "\n"],
    ["verify-index.html", renderFleetVerifyHtml(report)],
  ] as const) {
    await writeTextFile(path.join(dir, name), text);
  }
  return report;
}
