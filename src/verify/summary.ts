// The run's totals (verify.json's `summary` and the console's last line) and the reason an
// unproven webhook gives; pure functions of the webhooks' results.

import { percent } from "./coverage.js";
import type { CaseResult, VerifyResult, VerifySummary, WebhookCoverage, WebhookVerification } from "./types.js";

/**
 * verify's exit code: 1 on a difference, a webhook without its endpoint, an unresolved marker or
 * an error; 2 when nothing differs but a webhook is unproven or below --min-coverage; else 0.
 */
export function verifyExitCode(result: Pick<VerifyResult, "summary" | "markers">): 0 | 1 | 2 {
  const s = result.summary;
  if (s.different > 0 || s.unpaired > 0 || s.errors > 0 || result.markers.length > 0) return 1;
  return s.unproven > 0 || s.belowMinCoverage.length > 0 ? 2 : 0;
}

/** Why no case is evidence: the most frequent shared failure, or the platform answers that stopped every case. */
export function unprovenReason(cases: CaseResult[]): string {
  if (cases.length === 0) return "no case could be generated for this webhook";
  const tally = (outcome: CaseResult["outcome"]) => {
    const n = new Map<string, number>();
    for (const c of cases) if (c.outcome === outcome) n.set(c.reason ?? "", (n.get(c.reason ?? "") ?? 0) + 1);
    return [...n].sort((a, b) => b[1] - a[1]);
  };
  const failed = tally("bothFailed");
  if (failed.length) {
    const [reason, n] = failed[0]!;
    const others = failed.length > 1 ? `; ${failed.length - 1} other error${failed.length > 2 ? "s" : ""}` : "";
    return `every case that reached the function failed the same way on both sides: ${reason} (${n} of ${cases.length} cases${others})`;
  }
  const platform = tally("emulatorDefault").map(([r, n]) => `${r} ×${n}`);
  return `no case got past the platform to the function: ${platform.join(", ")}`;
}

export function summarise(results: WebhookVerification[], minCoverage: number | undefined): VerifySummary {
  const cases = results.flatMap((r) => r.cases);
  const count = (o: CaseResult["outcome"]) => cases.filter((c) => c.outcome === o).length;
  const unpaired = results.filter((r) => r.verdict === "unpaired").length;
  const unproven = results.filter((r) => r.verdict === "unproven").length;
  const errors = results.filter((r) => r.verdict === "error").length;
  const measured = results.filter((r) => r.coverage);
  const own = measured.map((r) => ({ id: r.id, percent: percent(r.coverage!.lines) }));
  const sorted = [...own].sort((a, b) => a.percent - b.percent || a.id.localeCompare(b.id));
  const median = sorted.length ? medianOf(sorted.map((x) => x.percent)) : undefined;
  const sum = (pick: (c: WebhookCoverage) => { covered: number; total: number }) =>
    measured.reduce((acc, r) => ({ covered: acc.covered + pick(r.coverage!).covered, total: acc.total + pick(r.coverage!).total }), { covered: 0, total: 0 });
  const summary: VerifySummary = {
    webhooks: results.length,
    cases: cases.length,
    equal: count("equal"),
    different: count("different"),
    bothFailed: count("bothFailed"),
    emulatorDefault: count("emulatorDefault"),
    callerChange: count("callerChange"),
    unpaired,
    unproven,
    errors,
    ...(median !== undefined ? { medianLineCoverage: median, lines: sum((c) => c.lines), branches: sum((c) => c.branches) } : {}),
    weakest: sorted.filter((x) => x.percent < 100).slice(0, 5),
    belowMinCoverage: minCoverage === undefined ? [] : own.filter((x) => x.percent < minCoverage).map((x) => x.id),
    line: "",
  };
  summary.line =
    `${results.length} webhook${results.length === 1 ? "" : "s"}, ${cases.length} case${cases.length === 1 ? "" : "s"}: ` +
    `${summary.equal} equal, ${summary.different} different, ${summary.bothFailed} both failed, ${summary.emulatorDefault} emulator default` +
    (summary.callerChange ? `, ${summary.callerChange} caller change${summary.callerChange === 1 ? "" : "s"}` : "") +
    (median !== undefined ? `; lines ${median}% (median)` : "") +
    (unproven ? `; ${unproven} unproven` : "") +
    (unpaired ? `; ${unpaired} without an endpoint` : "") +
    (errors ? `; ${errors} could not be verified` : "");
  return summary;
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round(((s[mid - 1]! + s[mid]!) / 2) * 10) / 10;
}
