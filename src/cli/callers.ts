// `hookshift callers`: find the old webhook URLs of migrated apps in client code; print them (or
// the JSON document, docs/callers.md), the diff of --dry-run, what --write wrote, and next steps.

import { createColors } from "picocolors";
import { findCallers, type CallersOptions } from "../callers/run.js";
import { renderCallers } from "../callers/render.js";
import { colorDiff, renderNextSteps } from "../report/console.js";
import type { Io } from "./io.js";
import { progressBar } from "./progress.js";

const CALLERS_FORMAT_VERSION = 1;

export async function runCallers(opts: CallersOptions & { json: boolean }, io: Io): Promise<number> {
  const c = createColors(io.color);
  const bar = progressBar(io, { json: opts.json });
  let r: Awaited<ReturnType<typeof findCallers>>;
  try {
    r = await findCallers({ ...opts, onProgress: (p) => bar.update(p) });
  } finally {
    bar.stop();
  }
  if (opts.json) {
    const doc = {
      formatVersion: CALLERS_FORMAT_VERSION,
      reportKind: r.reportKind,
      apps: r.apps.map((a) => ({
        report: a.report,
        appId: a.appId,
        name: a.name,
        webhooks: a.webhooks.length,
        ...(a.notWritten ? { notWritten: a.notWritten } : {}),
      })),
      summary: r.summary,
      files: r.files,
      matches: r.matches,
      ...(opts.dryRun ? { diffs: r.diffs } : {}),
      ...(opts.write ? { written: r.written } : {}),
      errors: r.errors,
      notices: r.notices,
      nextSteps: r.nextSteps,
      exitCode: r.code,
    };
    io.out(JSON.stringify(doc, null, 2) + "\n");
    return r.code;
  }
  for (const n of r.notices) io.err(c.yellow(`note: ${n}`) + "\n");
  io.out(renderCallers(r, { color: io.color }));
  if (opts.dryRun) {
    for (const d of r.diffs) io.out("\n" + colorDiff(d.diff, { color: io.color }));
    io.out(`\nDry run: nothing written${r.diffs.length ? ` (${r.diffs.length} file${r.diffs.length === 1 ? "" : "s"} would change)` : ""}.\n`);
  }
  if (opts.write && r.written.length > 0) {
    io.out(`\nRewritten: ${r.written.length} file${r.written.length === 1 ? "" : "s"}\n`);
    for (const f of r.written) io.out(`  ${f}\n`);
  }
  for (const e of r.errors) io.err(`${c.red("error")} ${e.message}${e.hint ? c.dim(` (${e.hint})`) : ""}\n`);
  io.out("\n" + c.bold(r.summary.line) + "\n");
  io.out("\n" + renderNextSteps(r.nextSteps, { color: io.color }));
  return r.code;
}
