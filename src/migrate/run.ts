// The `migrate` use-case: read → plan → write → report. The CLI calls this and prints; this
// owns the order of IO and the exit code, so tests can drive it without a terminal.

import path from "node:path";
import { mkdir, realpath, rm } from "node:fs/promises";
import { detectApp } from "../app/detect.js";
import { finding, type Finding } from "../app/findings.js";
import { readApp } from "../app/read/index.js";
import { buildReport, type Report } from "../report/build.js";
import { writeReportFiles } from "../report/render-files.js";
import { VERSION } from "../version.js";
import { isDirectory } from "../util/fs.js";
import { needsUpgrade, planWithUpgrade, targetFormatFor, type TargetFormat } from "../upgrade/plan-with-upgrade.js";
import { planMigration } from "./plan.js";
import type { MigrationPlan } from "./types.js";
import { startOutWrite, WriteError, writeInPlace, writeSecretsFile } from "./write.js";

export interface MigrateOptions {
  app: string;
  out?: string;
  report?: string;
  dryRun: boolean;
  inPlace: boolean;
  allowDirty: boolean;
  removeWebhooks: boolean;
  force: boolean;
  /** Output format; default: 20210101 and 20230101 apps keep theirs, older ones become 20210101. */
  targetFormat?: TargetFormat;
  /** Only these rewrite rules / not these (ids from `hookshift rules`). */
  rules?: string[];
  skipRules?: string[];
  /** Keep endpoint-native caller contracts and list caller changes instead. */
  callerChanges?: boolean;
}

export interface MigrateResult {
  code: 0 | 1 | 2;
  plan?: MigrationPlan;
  report?: Report;
  outDir?: string;
  reportDir?: string;
  /** Problems that stopped the run before or while writing (bad options, unwritable folder). */
  errors: Finding[];
}

export const EXIT = { ok: 0, error: 1, review: 2 } as const;

export async function migrate(opts: MigrateOptions): Promise<MigrateResult> {
  if (opts.inPlace && opts.out) return usageError("--in-place and --out exclude each other", "Pass one of them.");
  if (!opts.inPlace && !opts.out && !opts.dryRun) return usageError("Say where to write: --out <dir>, --in-place, or --dry-run to only look", undefined);
  if (opts.allowDirty && !opts.inPlace) return usageError("--allow-dirty only applies with --in-place");

  const root = path.resolve(opts.app);
  if (!(await isDirectory(root))) return usageError(`${opts.app} is not a folder`, "Pass the folder of an exported app.", opts.app);
  // The copy of the app into --out depends on neither the reading nor the plan: it runs in a
  // worker meanwhile. A folder that cannot be used is reported where the write would have failed,
  // after the plan (a blocked plan reports its own errors first).
  const outWrite = !opts.dryRun && !opts.inPlace && opts.out ? startOutWrite(root, opts.out, opts.force) : undefined;
  outWrite?.catch(() => undefined);
  const cancelOut = async () => (await outWrite?.catch(() => undefined))?.cancel();
  let planned: Planned | { stop: MigrateResult };
  try {
    planned = await readAndPlan(root, opts);
  } catch (e) {
    await cancelOut(); // an unexpected error must not leave the staging copy behind
    throw e;
  }
  if ("stop" in planned) {
    await cancelOut();
    return planned.stop;
  }
  const { plan, report, reportDir, secretsFile } = planned;
  const result: MigrateResult = { code: exitCode(plan), plan, report, errors: [] };
  if (plan.blocked || opts.dryRun) {
    if (plan.blocked) result.code = EXIT.error;
    await cancelOut();
    return result;
  }

  let madeReportDir: string | undefined;
  let appWritten = false;
  try {
    madeReportDir = await mkdir(reportDir, { recursive: true });
    if (opts.inPlace) await writeInPlace(plan, opts.allowDirty);
    else result.outDir = await (await outWrite!).finish(plan);
    appWritten = true;
    await writeReportFiles(report, reportDir);
    if (Object.keys(plan.secrets).length > 0) await writeSecretsFile(secretsFile, plan.secrets);
    result.reportDir = reportDir;
  } catch (e) {
    // A report folder this run made for a run that wrote nothing goes again.
    if (madeReportDir && !appWritten) await rm(madeReportDir, { recursive: true, force: true });
    const message = e instanceof Error ? e.message : String(e);
    result.code = EXIT.error;
    result.errors.push(finding("error", "write-failed", message, { hint: e instanceof WriteError ? e.hint : "Check that the folder is writable." }));
  }
  return result;
}

interface Planned {
  plan: MigrationPlan;
  report: Report;
  reportDir: string;
  secretsFile: string;
}

/** Reads the app and plans its migration; `stop` when the options do not fit the app. */
async function readAndPlan(root: string, opts: MigrateOptions): Promise<Planned | { stop: MigrateResult }> {
  const detection = await detectApp(root, await realpath(root).catch(() => root));
  const app = await readApp(root, detection);
  const planOptions = { removeWebhooks: opts.removeWebhooks, rules: opts.rules, skipRules: opts.skipRules, callerChanges: opts.callerChanges };
  if (opts.targetFormat === "20210101" && app.configVersion === "20230101") {
    return { stop: usageError("--target-format 20210101 would downgrade this 20230101 app; hookshift only upgrades", "Leave --target-format out to keep 20230101.") };
  }
  const format = targetFormatFor(app.configVersion, opts.targetFormat);
  const plan = needsUpgrade(app.configVersion, format) ? await planWithUpgrade(app, planOptions, format) : planMigration(app, planOptions);

  const mode = opts.dryRun ? "dry-run" : opts.inPlace ? "in-place" : "out";
  const target = opts.inPlace ? root : opts.out ? path.resolve(opts.out) : root;
  const reportDir = opts.report ? path.resolve(opts.report) : `${target}-hookshift-report`;
  const secretsFile = path.join(reportDir, "secrets.json");
  const report = buildReport(plan, {
    version: VERSION,
    mode,
    root: displayPath(root),
    outDir: opts.dryRun ? undefined : displayPath(target),
    secretsFile: displayPath(secretsFile),
  });
  return { plan, report, reportDir, secretsFile };
}

function usageError(message: string, hint?: string, file?: string): MigrateResult {
  return { code: EXIT.error, errors: [finding("error", "usage", message, { hint, file })] };
}

/** 1 when a webhook failed, 2 when something needs review, else 0 (README "Exit codes"). */
export function exitCode(plan: MigrationPlan): 0 | 1 | 2 {
  if (plan.blocked || plan.webhooks.some((w) => w.status === "failed")) return EXIT.error;
  if (plan.webhooks.some((w) => w.status === "needs-review") || plan.findings.some((f) => f.needsReview)) return EXIT.review;
  return EXIT.ok;
}

/** A path as the user would type it: relative to the working directory when below it, else absolute. */
export function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel;
}
