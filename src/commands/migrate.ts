// The `migrate` use-case: read → plan → write → report. The CLI calls this and prints; this
// owns the order of IO and the exit code, so tests can drive it without a terminal.

import { existsSync } from "node:fs";
import path from "node:path";
import { mkdir, realpath, rm } from "node:fs/promises";
import { detectApp } from "../app/detect.js";
import { finding, type Finding } from "../app/findings.js";
import { readApp } from "../app/read/index.js";
import { buildReport, type Report } from "../report/build.js";
import { stageReportFiles, type StagedReport } from "../report/render-files.js";
import { VERSION } from "../version.js";
import { isDirectory, isInside } from "../util/fs.js";
import { displayPath } from "../util/display-path.js";
import { removeStaleTmpFiles } from "../util/owner.js";
import { needsUpgrade, planWithUpgrade, targetFormatFor, type TargetFormat } from "./plan-with-upgrade.js";
import { planMigration } from "../migrate/plan.js";
import type { MigrationPlan } from "../plan/types.js";
import { linkFindings } from "../migrate/no-follow.js";
import { describeRecovery, hasJournal, JOURNAL_FILE, JournalError, recoverJournal } from "../migrate/journal.js";
import { checkOutFolder, startOutWrite, WriteError, writeInPlace, writeSecretsFile } from "../migrate/write.js";
import { renderSecretsScript, SECRETS_SCRIPT } from "../report/secrets-script.js";
import type { OnProgress } from "../util/progress.js";
import { chmod, rename, writeFile } from "node:fs/promises";

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
  /** Only finish or undo an interrupted --in-place run (journal.ts), then stop. */
  recover?: boolean;
  /** Called as the run goes (phases read, plan, write, report; n of N where there is a count). */
  onProgress?: OnProgress;
  /**
   * Copy a small app into --out in this thread instead of a worker thread (copy-app.ts,
   * copySmallAppHere): for a fleet worker process, which migrates app after app. Same output.
   */
  copySmallAppHere?: boolean;
  /**
   * With --out: take the input hash of a fleet's resume marker (input-hash.ts) with these options
   * while the app is copied, from the bytes the copy reads; it comes back as `inputHash`.
   */
  hashInputWith?: Record<string, unknown>;
}

export interface MigrateResult {
  code: 0 | 1 | 2;
  plan?: MigrationPlan;
  report?: Report;
  outDir?: string;
  reportDir?: string;
  /** Problems that stopped the run before or while writing (bad options, unwritable folder). */
  errors: Finding[];
  /** What the run did besides migrating: recovered an interrupted run, removed a killed run's leftovers. */
  notices?: string[];
  /** The app has no incoming webhooks and nothing to change, so nothing was written (no --report asked for the report). */
  noWebhooks?: boolean;
  /** The input hash of the app as it was copied into --out (`hashInputWith`), once the output is written. */
  inputHash?: string;
}

const EXIT = { ok: 0, error: 1, review: 2 } as const;

export async function migrate(opts: MigrateOptions): Promise<MigrateResult> {
  if (opts.recover) return recover(opts);
  if (opts.inPlace && opts.out) return usageError("--in-place and --out exclude each other", "Pass one of them.");
  if (!opts.inPlace && !opts.out && !opts.dryRun) return usageError("Say where to write: --out <dir>, --in-place, or --dry-run to only look", undefined);
  if (opts.allowDirty && !opts.inPlace) return usageError("--allow-dirty only applies with --in-place");

  const root = path.resolve(opts.app);
  if (!(await isDirectory(root))) return usageError(`${opts.app} is not a folder`, "Pass the folder of an exported app.", opts.app);
  // An interrupted --in-place run (journal.ts): --in-place finishes or undoes it first; nothing
  // else reads a half-written app.
  const notices: string[] = [];
  if (hasJournal(root)) {
    if (!opts.inPlace) {
      return usageError(
        `${opts.app} holds an interrupted --in-place migration (${JOURNAL_FILE})`,
        "Run `hookshift migrate <app> --recover` first (an --in-place run recovers it by itself).",
        opts.app,
      );
    }
    try {
      const recovered = recoverJournal(root);
      if (recovered) notices.push(describeRecovery(displayPath(root), recovered));
    } catch (e) {
      return recoveryFailed(e, notices);
    }
  }
  // What would stop the write is checked before anything is planned: a run that cannot write
  // prints no success lines (and --json says "written": false with the error).
  try {
    if (!opts.dryRun && !opts.inPlace && opts.out) checkOutFolder(root, opts.out, opts.force);
  } catch (e) {
    if (e instanceof WriteError) return writeRefused(e, notices);
    throw e;
  }
  // The converted app replaces --out whole (staged beside it, then renamed): a report inside it
  // would be staged there first and then lost with the folder.
  if (!opts.dryRun && !opts.inPlace && opts.out && opts.report !== undefined && isInside(path.resolve(opts.out), path.resolve(opts.report))) {
    return usageError(
      `--report ${opts.report} is ${path.resolve(opts.report) === path.resolve(opts.out) ? "the --out folder" : "inside the --out folder"}: the converted app replaces that folder whole`,
      "Give the report a folder of its own, e.g. beside the output (the default: <out>-hookshift-report).",
      opts.report,
    );
  }
  if (!opts.dryRun && opts.report !== undefined && !opts.force && holdsReport(path.resolve(opts.report))) {
    return usageError(
      `--report ${opts.report} holds an earlier report`,
      "Choose a new folder, or pass --force to replace that report (and its secrets.json).",
      opts.report,
    );
  }
  // The copy of the app into --out depends on neither the reading nor the plan: it runs in a
  // worker meanwhile. A folder that cannot be used is reported where the write would have failed,
  // after the plan (a blocked plan reports its own errors first).
  const outWrite =
    !opts.dryRun && !opts.inPlace && opts.out
      ? startOutWrite(root, opts.out, opts.force, { here: opts.copySmallAppHere, hashWith: opts.hashInputWith })
      : undefined;
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
  const result: MigrateResult = { code: exitCode(plan), plan, report, errors: [], notices };
  // An app without webhooks (and no format upgrade to write) has nothing to migrate: nothing is
  // written unless --report asks for the report.
  if (plan.webhooks.length === 0 && plan.files.length === 0 && !plan.blocked && !opts.dryRun && opts.report === undefined) {
    result.noWebhooks = true;
    await cancelOut();
    return result;
  }
  if (plan.blocked || opts.dryRun) {
    if (plan.blocked) result.code = EXIT.error;
    await cancelOut();
    return result;
  }

  let madeReportDir: string | undefined;
  let appWritten = false;
  let staged: StagedReport | undefined;
  const reportProgress = (done: number) => opts.onProgress?.({ phase: "report", done, total: 3, unit: "files" });
  opts.onProgress?.({ phase: "write", done: 0, total: 0 });
  try {
    madeReportDir = await mkdir(reportDir, { recursive: true });
    const stale = removeStaleTmpFiles(reportDir);
    if (stale.length > 0) notices.push(`Removed temporary files a killed run left in ${displayPath(reportDir)}: ${stale.join(", ")}`);
    if (opts.inPlace) await writeInPlace(plan, opts.allowDirty);
    else {
      const out = await outWrite!;
      for (const s of out.removedStale) {
        notices.push(`Removed ${displayPath(s.dir)}, left by a killed run (pid ${s.owner.pid})${s.restored ? `; put back the output it had moved aside` : ""}`);
      }
      // The reports are rendered while the converted app is still staged and take their names
      // right after it: a kill never leaves them half-written beside a complete-looking output.
      result.outDir = await out.finish(plan, async () => {
        staged = await stageReportFiles(report, reportDir, reportProgress);
      });
      result.inputHash = await out.copied;
    }
    appWritten = true;
    staged ??= await stageReportFiles(report, reportDir, reportProgress);
    await staged.commit();
    if (Object.keys(plan.secrets).length > 0) {
      await writeSecretsFile(secretsFile, plan.secrets);
      await writeSecretsScript(path.join(reportDir, SECRETS_SCRIPT), renderSecretsScript(report));
    } else {
      // An earlier run's Secrets must not sit beside a report that says there are none.
      await rm(secretsFile, { force: true });
      await rm(path.join(reportDir, SECRETS_SCRIPT), { force: true });
    }
    result.reportDir = reportDir;
  } catch (e) {
    await staged?.discard();
    // A report folder this run made for a run that wrote nothing goes again.
    if (madeReportDir && !appWritten) await rm(madeReportDir, { recursive: true, force: true });
    const message = e instanceof Error ? e.message : String(e);
    result.code = EXIT.error;
    const we = e instanceof WriteError ? e : undefined;
    result.errors.push(finding("error", we?.code ?? "write-failed", message, { hint: we ? we.hint : "Check that the folder is writable.", file: we?.file }));
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
  opts.onProgress?.({ phase: "read", done: 0, total: 0 });
  const detection = await detectApp(root, await realpath(root).catch(() => root));
  const app = await readApp(root, detection, opts.onProgress);
  const planOptions = {
    removeWebhooks: opts.removeWebhooks,
    rules: opts.rules,
    skipRules: opts.skipRules,
    callerChanges: opts.callerChanges,
    onProgress: opts.onProgress,
  };
  if (opts.targetFormat === "20210101" && app.configVersion === "20230101") {
    return {
      stop: usageError("--target-format 20210101 would downgrade this 20230101 app; hookshift only upgrades", "Leave --target-format out to keep 20230101."),
    };
  }
  const format = targetFormatFor(app.configVersion, opts.targetFormat);
  const plan = needsUpgrade(app.configVersion, format) ? await planWithUpgrade(app, planOptions, format) : planMigration(app, planOptions);

  const mode = opts.dryRun ? "dry-run" : opts.inPlace ? "in-place" : "out";
  // Links the --out write replaces by real copies (no-follow.ts); --in-place refuses them when it writes.
  if (mode !== "in-place" && !plan.blocked) plan.findings.push(...linkFindings(root, plan.files));
  const target = opts.inPlace ? root : opts.out ? path.resolve(opts.out) : root;
  const reportDir = opts.report ? path.resolve(opts.report) : `${target}-hookshift-report`;
  const secretsFile = path.join(reportDir, "secrets.json");
  const report = buildReport(plan, {
    version: VERSION,
    mode,
    root: displayPath(root),
    outDir: opts.dryRun ? undefined : displayPath(target),
    secretsFile: displayPath(secretsFile),
    app: opts.app,
    reportDir: displayPath(reportDir),
    removeWebhooks: opts.removeWebhooks,
  });
  return { plan, report, reportDir, secretsFile };
}

/** `migrate <app> --recover`: finishes or undoes an interrupted --in-place run, and nothing else. */
async function recover(opts: MigrateOptions): Promise<MigrateResult> {
  if (opts.out || opts.dryRun || opts.inPlace)
    return usageError("--recover takes no --out, --in-place or --dry-run", "Run `hookshift migrate <app> --recover` alone.");
  const root = path.resolve(opts.app);
  if (!(await isDirectory(root))) return usageError(`${opts.app} is not a folder`, "Pass the folder of an exported app.", opts.app);
  try {
    const r = recoverJournal(root);
    return {
      code: EXIT.ok,
      errors: [],
      notices: [r ? describeRecovery(displayPath(root), r) : `Nothing to recover: ${displayPath(root)} has no interrupted --in-place run.`],
    };
  } catch (e) {
    return recoveryFailed(e, []);
  }
}

function recoveryFailed(e: unknown, notices: string[]): MigrateResult {
  const message = e instanceof Error ? e.message : String(e);
  const hint = e instanceof JournalError ? e.hint : "Check that the app folder is writable, then run `hookshift migrate <app> --recover`.";
  return { code: EXIT.error, errors: [finding("error", "recovery-failed", message, { hint })], notices };
}

/** Report files of an earlier run (render-files.ts names them). */
function holdsReport(dir: string): boolean {
  return ["report.md", "report.json", "report.html", "secrets.json"].some((f) => existsSync(path.join(dir, f)));
}

function writeRefused(e: WriteError, notices: string[]): MigrateResult {
  return { code: EXIT.error, errors: [finding("error", e.code ?? "write-failed", e.message, { hint: e.hint, file: e.file })], notices };
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

export { displayPath };

/** <report>/create-secrets.sh, mode 0700 (secrets-script.ts): it holds names, never values. */
async function writeSecretsScript(file: string, text: string): Promise<void> {
  const tmp = `${file}.hookshift-tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o700 });
  await chmod(tmp, 0o700); // whatever the umask
  await rename(tmp, file);
}
