import path from "node:path";
import { createColors } from "picocolors";
import { displayPath, migrate, type MigrateOptions } from "../migrate/run.js";
import { renderConsoleSummary } from "../report/console.js";
import { findingLine } from "../report/scan-table.js";
import type { Io } from "./io.js";

/** `hookshift migrate`: prints the summary (or the report JSON), where things went, and errors. */
export async function runMigrate(opts: MigrateOptions & { json: boolean }, io: Io): Promise<number> {
  const c = createColors(io.color);
  const result = await migrate(opts);
  for (const e of result.errors) io.err(findingLine(e, c) + "\n");
  const report = result.report;
  if (!report) return result.code;
  if (opts.json) {
    io.out(JSON.stringify(report, null, 2) + "\n");
    return result.code;
  }
  if (report.blocked) {
    // Nothing was written: the app-level errors are the whole story.
    io.out(report.summary.line + "\n");
    for (const f of report.findings.filter((x) => x.severity === "error")) io.err(findingLine(f, c) + "\n");
    return result.code;
  }
  io.out(renderConsoleSummary(report, { color: io.color }));
  if (opts.dryRun) {
    for (const f of report.files) io.out("\n" + f.diff);
    io.out(`\nDry run: nothing written.\n`);
  } else if (result.reportDir) {
    const show = displayPath;
    if (result.outDir) io.out(`\nConverted app: ${show(result.outDir)}\n`);
    else io.out(`\nConverted in place: ${show(report.app.root)}\n`);
    io.out(`Report:        ${show(path.join(result.reportDir, "report.md"))} (also report.html, report.json)\n`);
    if (report.secrets.length > 0) io.out(`Secrets:       ${show(path.join(result.reportDir, "secrets.json"))} (mode 0600; create them before you push)\n`);
  }
  return result.code;
}
