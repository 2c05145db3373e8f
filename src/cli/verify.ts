import { writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { createColors } from "picocolors";
import { percent } from "../verify/coverage.js";
import { ranges, renderVerifyHtml } from "../verify/html.js";
import { verify, type VerifyOptions, type VerifyResult } from "../commands/verify.js";
import type { WebhookVerification } from "../verify/types.js";
import type { Io } from "./io.js";
import { UsageError } from "../util/errors.js";
import { renderNextSteps } from "../report/console.js";
import { shellWord, type NextStep } from "../report/next-steps.js";
import { progressBar } from "./progress.js";
import { verifyExitCode } from "../verify/summary.js";

/**
 * `hookshift verify`: exit 0 when every webhook is equal and proven; 1 on a difference, a webhook
 * without its endpoint, an unresolved marker or an error; 2 when nothing differs but a webhook is
 * unproven or below --min-coverage (the shape of migrate's exit codes).
 */
export async function runVerify(opts: VerifyOptions & { json: boolean; report?: string }, io: Io): Promise<number> {
  const c = createColors(io.color);
  let result: VerifyResult;
  // On a terminal, a bar (webhooks done of all) below the results; each result is logged above it.
  const bar = progressBar(io, { json: opts.json });
  try {
    // Each webhook prints as it finishes: a large app takes minutes.
    bar.update({ phase: "verify", done: 0, total: 0 });
    const onWebhook = opts.json
      ? undefined
      : (w: WebhookVerification, index: number, total: number) => {
          bar.log(renderWebhook(w, c));
          bar.update({ phase: "verify", done: index, total, unit: "webhooks" });
        };
    result = await verify({ ...opts, onWebhook });
  } catch (e) {
    bar.stop();
    if (e instanceof UsageError) throw e; // commands.ts prints it with the pointer to --help
    io.err(`hookshift: error: verify failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  bar.stop();
  const { views: _views, ...data } = result;
  if (opts.report) {
    await mkdir(opts.report, { recursive: true });
    await writeFile(path.join(opts.report, "verify.json"), JSON.stringify(data, null, 2) + "\n");
    await writeFile(path.join(opts.report, "verify.html"), renderVerifyHtml(result));
  }
  if (opts.json) io.out(JSON.stringify(data, null, 2) + "\n");
  else io.out(renderSummary(result, io.color, opts.report, { original: opts.original, migrated: opts.migrated }));
  return exitCode(result);
}

export function exitCode(result: VerifyResult): number {
  return verifyExitCode(result);
}

type Colors = ReturnType<typeof createColors>;

const MARK: Record<WebhookVerification["verdict"], (c: Colors) => string> = {
  equal: (c) => c.green("= equal    "),
  different: (c) => c.red("≠ different"),
  unproven: (c) => c.yellow("? unproven "),
  unpaired: (c) => c.red("✖ unpaired "),
  error: (c) => c.red("✖ error    "),
};

/** `lines 9/11 (81.8%), branches 3/4; not reached: 7-9` for the webhook's own source. */
function coverageText(w: WebhookVerification): string {
  const cov = w.coverage;
  if (!cov) return "";
  const miss = cov.uncoveredLines.length ? `; not reached: ${ranges(cov.uncoveredLines)}` : "";
  return `lines ${cov.lines.covered}/${cov.lines.total} (${percent(cov.lines)}%), branches ${cov.branches.covered}/${cov.branches.total}${miss}`;
}

/** One webhook: its verdict and coverage, the cases that are not evidence, the first differences. */
function renderWebhook(w: WebhookVerification, c: Colors): string {
  const lines = [`${MARK[w.verdict](c)} ${w.id}${w.endpoint ? ` → ${w.endpoint}` : " (no endpoint /S/W calling S_W)"}`];
  if (w.error) lines.push(c.red(`    verify could not finish this webhook: ${w.error}`));
  if (w.verdict !== "unpaired" && w.verdict !== "error") {
    const k = w.counts;
    lines.push(
      c.dim(
        `    ${w.cases.length} cases: ${k.equal} equal, ${k.different} different, ${k.bothFailed} both failed, ${k.emulatorDefault} emulator default${k.callerChange ? `, ${k.callerChange} caller change${k.callerChange === 1 ? "" : "s"}` : ""}`,
      ),
    );
    const cov = coverageText(w);
    if (cov) lines.push(c.dim(`    ${cov}`));
    if (w.coverage?.addedLines && w.coverage.addedLines.total > 0) {
      const a = w.coverage.addedLines;
      lines.push(
        c.dim(`    lines added by rewrite rules: ${a.covered}/${a.total} reached${a.uncoveredLines.length ? ` (not: ${ranges(a.uncoveredLines)})` : ""}`),
      );
    }
  }
  if (w.unprovenReason) lines.push(c.yellow(`    ${w.unprovenReason}`));
  for (const cs of w.cases.filter((x) => x.outcome === "different")) {
    lines.push(`    ${cs.name}: webhook ${cs.webhookStatus}, endpoint ${cs.endpointStatus}`);
    for (const d of cs.differences.slice(0, 3)) lines.push(`      ${d.path}: ${d.original}  ≠  ${d.migrated}`);
    if (cs.differences.length > 3) lines.push(`      … ${cs.differences.length - 3} more`);
  }
  if (w.verdict === "different" && w.knownDifferences.length)
    lines.push(c.dim(`    known differences of a verbatim conversion: ${w.knownDifferences.join(", ")}`));
  return lines.join("\n") + "\n";
}

/** What follows the webhooks: caller changes, what verify could not exercise, coverage, markers, the summary line. */
function renderSummary(result: VerifyResult, color: boolean, report?: string, apps?: { original: string; migrated: string }): string {
  const c = createColors(color);
  const lines: string[] = [];
  const changes = result.webhooks.filter((w) => w.callerChanges.length > 1);
  if (changes.length) {
    lines.push("", "Caller changes (not behaviour differences):");
    for (const w of changes) for (const ch of w.callerChanges.slice(1)) lines.push(`  ${w.id}: ${ch}`);
  }
  const unproven = result.webhooks.filter((w) => w.verdict === "unproven");
  if (unproven.length) {
    lines.push("", c.yellow("Verify could not exercise (no difference found, but nothing proven):"));
    for (const w of unproven) lines.push(`  ${w.id}: ${w.unprovenReason}`);
  }
  const s = result.summary;
  if (s.medianLineCoverage !== undefined && s.lines && s.branches) {
    lines.push(
      "",
      `Coverage of the webhooks' own code: median ${s.medianLineCoverage}% of lines; lines ${s.lines.covered}/${s.lines.total}, branches ${s.branches.covered}/${s.branches.total}`,
    );
    if (s.weakest.length) lines.push(`  weakest: ${s.weakest.map((x) => `${x.id} ${x.percent}%`).join(", ")}`);
    if (s.belowMinCoverage.length) lines.push(c.yellow(`  below --min-coverage: ${s.belowMinCoverage.join(", ")}`));
  }
  if (result.markers.length) {
    lines.push("", c.red(`Unresolved markers (verify fails until each is resolved or ignored with a reason):`));
    for (const m of result.markers) lines.push(`  functions/${m.function}.js:${m.line}: ${m.rule}: ${m.message}`);
  }
  lines.push("", s.line, "");
  return lines.join("\n") + "\n" + renderNextSteps(verifyNextSteps(result, report, apps), { color });
}

/** What to do after verify, by its outcome (its exit code). */
export function verifyNextSteps(result: VerifyResult, report: string | undefined, apps?: { original: string; migrated: string }): NextStep[] {
  const where = report
    ? `${path.join(report, "verify.html")} shows each function's lines reached and not reached`
    : "--report DIR writes verify.json and verify.html (each function's lines reached and not reached)";
  const again = apps ? `hookshift verify ${shellWord(apps.original)} ${shellWord(apps.migrated)}` : undefined;
  const code = exitCode(result);
  if (code === 1) {
    return [
      { text: `Look at the differences above (${where})` + (result.markers.length ? "; resolve each marker" : "") },
      { text: "Fix the migrated function (or migrate again with other --rules), then verify again", ...(again ? { command: again } : {}) },
    ];
  }
  if (code === 2) {
    return [
      {
        text: `Add recorded traffic (--requests, one JSON request per line) or seed data (--seed) that reaches the unproven and weakly covered code; ${where}`,
        ...(again ? { command: `${again} --requests requests.jsonl` } : {}),
      },
    ];
  }
  return [
    { text: `Every webhook is equal on the cases run (${where})` },
    {
      text: "Create the Secrets and push the migrated app: the migrate report's Next steps have the commands (create-secrets.sh, then appservices push --dry-run)",
      ...(apps
        ? { command: `appservices push --local ${shellWord(apps.migrated)} --remote ${result.appId ? shellWord(result.appId) : "<app-id>"} --dry-run` }
        : {}),
    },
  ];
}
