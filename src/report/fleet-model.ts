// The fleet report model: fleet.json (a fleet `migrate`, docs/report-format.md "fleet.json") and
// the fleet verify.json. One row per app, built from that app's own report.json by the process
// that migrated it; every fleet printer (index.md, index.html, url-map.csv, the console) renders
// these and nothing else, so a fleet of 1,000 apps is held as 1,000 rows, never 1,000 reports.

import type { Finding } from "../app/findings.js";

export const FLEET_FORMAT_VERSION = 1;

/** What became of one app of the fleet. */
type FleetAppStatus =
  /** Written (some webhooks may have failed or need review: see `exit`). */
  | "migrated"
  /** Output and report of an earlier run for the same input and hookshift version (--resume). */
  | "skipped"
  /** Nothing written (in a dry run: nothing could be): an app-level error, bad options for this app, or the worker crashed. */
  | "failed"
  /** --dry-run / --check: planned, nothing written. */
  | "planned";

interface FleetReviewItem {
  /** `service/name` of the webhook, absent for an app-level item. */
  webhook?: string;
  finding: Finding;
}

interface FleetUrl {
  webhook: string;
  /** The endpoint's method (`GET`, `POST`, `*` ...), or the webhook's when nothing was converted. */
  method: string;
  oldUrl: string;
  /** Absent when the webhook was not converted (failed). */
  newUrl?: string;
}

export interface FleetApp {
  /** The app's folder relative to the fleet's base (the common parent of the inputs), with `/`. */
  path: string;
  /** The app folder as the user would type it (relative to the working directory). */
  root: string;
  appId?: string;
  name?: string;
  /** Config format (`20210101`, ...); `unknown` when the app could not be read. */
  format: string;
  layout?: string;
  status: FleetAppStatus;
  /** The app's own `migrate` exit code (README "Exit codes"); `--check`'s code with --check. */
  exit: 0 | 1 | 2;
  webhooks: number;
  converted: number;
  needsReview: number;
  /** App-level items that need review (the format upgrade's, for instance). */
  appNeedsReview: number;
  alreadyConverted: number;
  failed: number;
  filesChanged: number;
  /** The app's summary line, as `migrate` prints it. */
  line: string;
  /** Relative to the fleet report folder, with `/`: the app's report.html, its output, its input. */
  links: { report?: string; output?: string; original: string };
  /** Why nothing (or not everything) was written: the run's errors and the app's error findings. */
  errors: Finding[];
  /** Every item of the app's "Needs a person" checklist. */
  review: FleetReviewItem[];
  /** The Secrets to create for this app, with the command that creates each (its report's). */
  secrets: { name: string; command: string }[];
  urls: FleetUrl[];
  /** What the run did besides migrating (removed a killed run's leftovers ...). */
  notices: string[];
  /** sha256 of the input folder and the options (resume.ts), or absent for a dry run. */
  inputHash?: string;
}

export interface FleetSummary {
  apps: number;
  migrated: number;
  skipped: number;
  failedApps: number;
  planned: number;
  webhooks: number;
  converted: number;
  needsReview: number;
  appNeedsReview: number;
  alreadyConverted: number;
  failed: number;
  secrets: number;
  /** 1 if any app's exit is 1, else 2 if any is 2, else 0: the fleet run's exit code. */
  exit: 0 | 1 | 2;
  line: string;
}

export interface FleetReport {
  formatVersion: number;
  kind: "fleet";
  tool: { name: "hookshift"; version: string };
  mode: "out" | "in-place" | "dry-run";
  /** The common parent of the inputs; each app's `path` is relative to it. */
  base: string;
  /** The fleet's output folder (--out), as the user would type it. */
  out?: string;
  reportDir?: string;
  summary: FleetSummary;
  apps: FleetApp[];
}

/** One app of a fleet verify (verify.json beside fleet.json). */
export interface FleetVerifyApp {
  path: string;
  appId?: string;
  /** `verified`, or `not-verified` when the app has nothing to verify or could not be verified (see `error`). */
  status: "verified" | "not-verified" | "failed";
  /** verify's exit code for this app (README, verify's "Exit codes"). */
  exit: 0 | 1 | 2;
  webhooks: number;
  cases: number;
  verdicts: { equal: number; different: number; unproven: number; unpaired: number; error: number };
  /** Median of the webhooks' own-line coverage in percent, when measured. */
  medianLineCoverage?: number;
  lines?: { covered: number; total: number };
  branches?: { covered: number; total: number };
  markers: number;
  line: string;
  error?: string;
  links: { verify?: string; report?: string; original: string; migrated?: string };
}

export interface FleetVerifyReport {
  formatVersion: number;
  kind: "fleet-verify";
  tool: { name: "hookshift"; version: string };
  summary: {
    apps: number;
    verified: number;
    notVerified: number;
    failed: number;
    webhooks: number;
    equal: number;
    different: number;
    unproven: number;
    unpaired: number;
    error: number;
    exit: 0 | 1 | 2;
    line: string;
  };
  apps: FleetVerifyApp[];
}

/** 1 if any is 1, else 2 if any is 2, else 0. */
export function worstExit(codes: Iterable<number>): 0 | 1 | 2 {
  let worst: 0 | 1 | 2 = 0;
  for (const c of codes) {
    if (c === 1) return 1;
    if (c === 2) worst = 2;
  }
  return worst;
}

const plural = (n: number, one: string, many = one + "s") => `${n} ${n === 1 ? one : many}`;

/** Totals over the rows, and the one-line summary the console, index.md and index.html show. */
export function summarise(apps: FleetApp[]): FleetSummary {
  const sum = (k: "webhooks" | "converted" | "needsReview" | "appNeedsReview" | "alreadyConverted" | "failed") => apps.reduce((n, a) => n + a[k], 0);
  const count = (s: FleetAppStatus) => apps.filter((a) => a.status === s).length;
  const s: FleetSummary = {
    apps: apps.length,
    migrated: count("migrated"),
    skipped: count("skipped"),
    failedApps: count("failed"),
    planned: count("planned"),
    webhooks: sum("webhooks"),
    converted: sum("converted"),
    needsReview: sum("needsReview"),
    appNeedsReview: sum("appNeedsReview"),
    alreadyConverted: sum("alreadyConverted"),
    failed: sum("failed"),
    secrets: apps.reduce((n, a) => n + a.secrets.length, 0),
    exit: worstExit(apps.map((a) => a.exit)),
    line: "",
  };
  const parts = [plural(s.apps, "app")];
  if (s.migrated) parts.push(`${s.migrated} migrated`);
  if (s.planned) parts.push(`${s.planned} planned`);
  if (s.skipped) parts.push(`${s.skipped} skipped (unchanged since the last run)`);
  parts.push(`${s.failedApps} not written`);
  const hooks = [plural(s.webhooks, "webhook"), `${s.converted} converted`, `${s.needsReview} need${s.needsReview === 1 ? "s" : ""} review`];
  if (s.appNeedsReview) hooks.push(`${plural(s.appNeedsReview, "app-level item")} to review`);
  if (s.alreadyConverted) hooks.push(`${s.alreadyConverted} already converted`);
  hooks.push(`${s.failed} failed`);
  s.line = `${parts.join(", ")}; ${hooks.join(", ")}`;
  return s;
}
