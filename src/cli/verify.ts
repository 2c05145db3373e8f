import { writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { createColors } from "picocolors";
import { verify, type VerifyOptions, type VerifyResult } from "../verify/run.js";
import type { Io } from "./io.js";

/** `hookshift verify`: exit 0 when every case is equal, 1 otherwise (or on an error). */
export async function runVerify(opts: VerifyOptions & { json: boolean; report?: string }, io: Io): Promise<number> {
  let result: VerifyResult;
  try {
    result = await verify(opts);
  } catch (e) {
    io.err(`hookshift: verify failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  if (opts.report) {
    await mkdir(opts.report, { recursive: true });
    await writeFile(path.join(opts.report, "verify.json"), JSON.stringify(result, null, 2) + "\n");
  }
  if (opts.json) io.out(JSON.stringify(result, null, 2) + "\n");
  else io.out(renderVerify(result, io.color));
  return result.summary.different === 0 && result.summary.unpaired === 0 && result.markers.length === 0 ? 0 : 1;
}

export function renderVerify(result: VerifyResult, color: boolean): string {
  const c = createColors(color);
  const lines: string[] = [];
  for (const w of result.webhooks) {
    const mark = w.result === "equal" ? c.green("= equal    ") : w.result === "unpaired" ? c.red("✖ unpaired ") : c.red("≠ different");
    lines.push(`${mark} ${w.id}${w.endpoint ? ` → ${w.endpoint}` : " (no endpoint /S/W calling S_W)"}`);
    for (const cs of w.cases.filter((x) => !x.equal)) {
      lines.push(`    ${cs.name}: webhook ${cs.webhookStatus}, endpoint ${cs.endpointStatus}`);
      for (const d of cs.differences.slice(0, 3)) lines.push(`      ${d.path}: ${d.original}  ≠  ${d.migrated}`);
      if (cs.differences.length > 3) lines.push(`      … ${cs.differences.length - 3} more`);
    }
    if (w.result === "different" && w.knownDifferences.length) lines.push(c.dim(`    known differences of a verbatim conversion: ${w.knownDifferences.join(", ")}`));
  }
  const changes = result.webhooks.filter((w) => w.callerChanges.length > 1);
  if (changes.length) {
    lines.push("", "Caller changes (not behaviour differences):");
    for (const w of changes) for (const ch of w.callerChanges.slice(1)) lines.push(`  ${w.id}: ${ch}`);
  }
  if (result.markers.length) {
    lines.push("", c.red(`Unresolved markers (verify fails until each is resolved or ignored with a reason):`));
    for (const m of result.markers) lines.push(`  functions/${m.function}.js:${m.line}: ${m.rule}: ${m.message}`);
  }
  lines.push("", result.summary.line);
  return lines.join("\n") + "\n";
}
