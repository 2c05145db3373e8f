import path from "node:path";
import { createColors } from "picocolors";
import { displayPath, migrate, type MigrateOptions } from "../commands/migrate.js";
import { colorDiff, renderConsoleSummary, renderDiffStat, renderNextSteps } from "../report/console.js";
import { progressBar } from "./progress.js";
import { findingLine } from "../report/scan-table.js";
import { checkAppFolder } from "./check.js";
import type { Io } from "./io.js";
import { printUsageError } from "./usage.js";

export interface MigrateCliOptions extends MigrateOptions {
  json: boolean;
  /** List every webhook in the summary, converted ones too. */
  verbose?: boolean;
  /** Files changed with their +/- lines (like `git diff --stat`); with --dry-run instead of the diff. */
  stat?: boolean;
  /** A dry run whose exit code says whether anything would change: 0 no, 2 yes, 1 errors. */
  check?: boolean;
}

/** `hookshift migrate`: prints the summary (or the report JSON), where things went, and errors. */
export async function runMigrate(cliOpts: MigrateCliOptions, io: Io): Promise<number> {
  const c = createColors(io.color);
  const opts = cliOpts.check ? { ...cliOpts, dryRun: true } : cliOpts;
  // A missing path, a file, or a folder with no app in it: one precise message (commands.ts prints
  // the UsageError) rather than an empty plan. A folder holding an interrupted --in-place run is
  // left to migrate, which recovers it or says what to do.
  await checkAppFolder(opts.app, "app", { allowJournal: true });
  const bar = progressBar(io, { json: opts.json });
  let result: Awaited<ReturnType<typeof migrate>>;
  try {
    result = await migrate({ ...opts, onProgress: (p) => bar.update(p) });
  } finally {
    bar.stop();
  }
  // What the run did besides migrating (recovered an interrupted run, removed a killed run's
  // leftovers); on stderr with --json, whose stdout is the report alone.
  for (const n of result.notices ?? []) (opts.json ? io.err : io.out)(n + "\n");
  for (const e of result.errors) {
    if (e.code === "usage") printUsageError(io, e.message, { hint: e.hint, command: "migrate" });
    else io.err(findingLine(e, c) + "\n");
  }
  const report = result.report;
  if (!report) {
    // Nothing was planned or written (a precondition failed): --json still answers with a document.
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
  // --check: 0 nothing would change, 2 something would, 1 errors (terraform plan -detailed-exitcode).
  const code = !cliOpts.check || result.code === 1 ? result.code : report.files.length > 0 ? 2 : 0;
  if (result.noWebhooks && !opts.json) {
    io.out(`${displayPath(path.resolve(opts.app))} has no incoming webhooks: nothing to migrate, nothing written (--report DIR writes the report anyway).\n`);
    return code;
  }
  if (opts.json) {
    io.out(JSON.stringify(report, null, 2) + "\n");
    return code;
  }
  if (report.blocked) {
    // Nothing was written: the app-level errors are the whole story.
    io.out(report.summary.line + "\n");
    for (const f of report.findings.filter((x) => x.severity === "error")) io.err(findingLine(f, c) + "\n");
    io.out("\n" + renderNextSteps(report.nextSteps, { color: io.color }));
    return code;
  }
  const summary = renderConsoleSummary(report, { color: io.color, verbose: cliOpts.verbose });
  io.out(summary);
  if (opts.dryRun) {
    if (cliOpts.stat) io.out("\n" + renderDiffStat(report.files, { color: io.color, columns: io.columns }));
    else for (const f of report.files) io.out("\n" + colorDiff(f.diff, { color: io.color }));
    // After a long diff the summary is off screen: say it again.
    if (report.files.length > 0 && !cliOpts.stat) io.out("\n" + c.bold(report.summary.line) + "\n");
    io.out(`\nDry run: nothing written.${cliOpts.check ? ` --check: ${code === 2 ? "changes" : "no changes"} (exit ${code}).` : ""}\n`);
  } else if (result.reportDir) {
    if (cliOpts.stat) io.out("\n" + renderDiffStat(report.files, { color: io.color, columns: io.columns }));
    const show = displayPath;
    if (result.outDir) io.out(`\nConverted app: ${show(result.outDir)}\n`);
    else io.out(`\nConverted in place: ${show(report.app.root)}\n`);
    io.out(`Report:        ${show(path.join(result.reportDir, "report.md"))} (also report.html, report.json)\n`);
    if (report.secrets.length > 0) {
      io.out(`Secrets:       ${show(path.join(result.reportDir, "secrets.json"))} (mode 0600; create-secrets.sh creates them from it)\n`);
    }
  }
  io.out("\n" + renderNextSteps(report.nextSteps, { color: io.color }));
  return code;
}
