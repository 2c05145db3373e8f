// One app of `verify --fleet`: the one-app use-case (src/commands/verify.ts) on the pair fleet.json
// names (the original app and its migrated copy), writing verify.json and verify.html into the
// app's report folder as `verify --report` does, and the app's row of the fleet verify.json.
// Runs in a fleet worker process (worker.ts).

import { existsSync } from "node:fs";
import path from "node:path";
import { writeTextFile } from "../util/write-text.js";
import type { FleetVerifyApp } from "../report/fleet-model.js";
import { UsageError } from "../util/errors.js";
import { renderVerifyHtml } from "../verify/html.js";
import { verify } from "../commands/verify.js";
import { verifyExitCode } from "../verify/summary.js";

export interface VerifyAppJob {
  kind: "verify";
  rel: string;
  appId?: string;
  /** Absolute: the original app, its migrated copy, the app's report folder. */
  original: string;
  migrated: string;
  reportDir: string;
  /** Links in the row are relative to this (the fleet report folder). */
  fleetReport: string;
  coverage: boolean;
  sandboxPermissions: boolean;
  maxCases?: number;
  timeLimitMs?: number;
  minCoverage?: number;
}

const rel = (from: string, to: string) => path.relative(from, to).split(path.sep).join("/") || ".";

export async function runVerifyJob(job: VerifyAppJob): Promise<FleetVerifyApp> {
  const links = { original: rel(job.fleetReport, job.original), migrated: rel(job.fleetReport, job.migrated), report: `${job.rel}/report.html` };
  const secrets = path.join(job.reportDir, "secrets.json");
  try {
    const result = await verify({
      original: job.original,
      migrated: job.migrated,
      secretsFile: existsSync(secrets) ? secrets : undefined,
      coverage: job.coverage,
      sandboxPermissions: job.sandboxPermissions,
      maxCases: job.maxCases,
      timeLimitMs: job.timeLimitMs,
      minCoverage: job.minCoverage,
    });
    const { views: _views, ...data } = result;
    // Each renamed into place: a killed run leaves the old file or the new one, and a link in the
    // report folder is replaced, never written through.
    await writeTextFile(path.join(job.reportDir, "verify.json"), JSON.stringify(data, null, 2) + "\n");
    await writeTextFile(path.join(job.reportDir, "verify.html"), renderVerifyHtml(result));
    const s = result.summary;
    const verdict = (v: string) => result.webhooks.filter((w) => w.verdict === v).length;
    return {
      path: job.rel,
      appId: result.appId ?? job.appId,
      status: "verified",
      exit: verifyExitCode(result),
      webhooks: s.webhooks,
      cases: s.cases,
      verdicts: {
        equal: verdict("equal"),
        different: verdict("different"),
        unproven: verdict("unproven"),
        unpaired: verdict("unpaired"),
        error: verdict("error"),
      },
      ...(s.medianLineCoverage !== undefined ? { medianLineCoverage: s.medianLineCoverage } : {}),
      ...(s.lines ? { lines: s.lines } : {}),
      ...(s.branches ? { branches: s.branches } : {}),
      markers: result.markers.length,
      line: s.line,
      links: { ...links, verify: `${job.rel}/verify.html` },
    };
  } catch (e) {
    // An app verify cannot take (no webhooks, ...) is a row with the reason; the others go on.
    return notVerified(job, e instanceof Error ? e.message : String(e), e instanceof UsageError ? "not-verified" : "failed", e instanceof UsageError ? 2 : 1);
  }
}

/**
 * An app without a verify result: `failed` (verify broke: exit 1), or `not-verified` with `exit`
 * 0 when there is nothing to prove (no webhooks) or 2 when nothing was proven (not migrated).
 */
export function notVerified(
  job: Pick<VerifyAppJob, "rel" | "appId" | "original" | "migrated" | "fleetReport">,
  why: string,
  status: "not-verified" | "failed" = "failed",
  exit: 0 | 1 | 2 = status === "failed" ? 1 : 0,
): FleetVerifyApp {
  return {
    path: job.rel,
    ...(job.appId ? { appId: job.appId } : {}),
    status,
    exit,
    webhooks: 0,
    cases: 0,
    verdicts: { equal: 0, different: 0, unproven: 0, unpaired: 0, error: 0 },
    markers: 0,
    line: why,
    error: why,
    links: { original: rel(job.fleetReport, job.original), migrated: rel(job.fleetReport, job.migrated) },
  };
}
