// The fleet row of an app that produced no report: the errors that stopped it, or its worker's
// crash. Apart from app-job.ts (which runs the migrate use-case in a worker) because the parent
// process makes the crash rows and must not load that use-case (bench/README.md, "Fleet migrate").

import path from "node:path";
import { finding, type Finding } from "../app/findings.js";
import type { FleetApp } from "../report/fleet-model.js";
import { displayPath } from "../util/display-path.js";
import { toPosix } from "../util/fs.js";
import type { MigrateAppJob } from "./app-job.js";

/** `to` relative to `from`, with `/` (the links of a fleet row). */
export const linkPath = (from: string, to: string) => toPosix(path.relative(from, to)) || ".";

/** An app that produced no report: the errors that stopped it (or the worker's crash). */
export function failedRow(job: Pick<MigrateAppJob, "root" | "rel" | "fleetReport">, errors: Finding[]): FleetApp {
  return {
    path: job.rel,
    root: displayPath(job.root),
    format: "unknown",
    status: "failed",
    exit: 1,
    webhooks: 0,
    converted: 0,
    needsReview: 0,
    appNeedsReview: 0,
    alreadyConverted: 0,
    failed: 0,
    filesChanged: 0,
    line: errors[0]?.message ?? "not migrated",
    links: { original: linkPath(job.fleetReport ?? process.cwd(), job.root) },
    errors,
    review: [],
    secrets: [],
    urls: [],
    notices: [],
  };
}

/** The row of an app whose worker died or threw: one error that says so, the rest of the fleet goes on. */
export function crashedRow(job: Pick<MigrateAppJob, "root" | "rel" | "fleetReport">, why: string): FleetApp {
  return failedRow(job, [
    finding("error", "app-crashed", `migrating this app stopped: ${why}`, {
      hint: "The other apps went on. Run `hookshift migrate` on this app alone to see more, and please report it.",
      file: ".",
    }),
  ]);
}
