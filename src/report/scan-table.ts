// The readable form of a scan: one block per app, one row per webhook, then the findings.

import { createColors } from "picocolors";
import { formatLocation, type Finding } from "../app/findings.js";
import type { Inventory } from "../scan/inventory.js";

export function renderScanTable(inv: Inventory, opts: { color: boolean }): string {
  const c = createColors(opts.color);
  const lines: string[] = [];
  for (const app of inv.apps) {
    const id = app.appId ? `, app id ${app.appId}` : "";
    lines.push(c.bold(app.root) + c.dim(`  (config ${app.configVersion}, layout ${app.layout}${id})`));
    if (app.webhooks.length === 0) {
      lines.push("  no webhooks", "");
      continue;
    }
    const header = ["SERVICE/WEBHOOK", "TYPE", "METHOD", "VALIDATION", "AUTH", "RESULT", "CONVERTED", "LAYOUT", "PROBLEMS"];
    const rows = app.webhooks.map((w) => [
      w.id,
      w.serviceType,
      w.httpMethod ?? "-",
      w.validationMethod ?? "-",
      w.authMode ?? "-",
      w.respondResult === null ? "-" : w.respondResult ? "on" : "off",
      w.alreadyConverted ? "yes" : "no",
      w.layout,
      problems(w.findings),
    ]);
    lines.push(...table([header, ...rows]).map((l, i) => "  " + (i === 0 ? c.dim(l) : l)));
    lines.push("");
  }
  const webhooks = inv.apps.reduce((n, a) => n + a.webhooks.length, 0);
  const converted = inv.apps.reduce((n, a) => n + a.webhooks.filter((w) => w.alreadyConverted).length, 0);
  const shown = inv.findings.filter((f) => f.severity !== "info");
  if (shown.length > 0) {
    lines.push(c.bold("Findings"));
    for (const f of shown) lines.push("  " + findingLine(f, c));
    lines.push("");
  }
  const errors = inv.findings.filter((f) => f.severity === "error").length;
  const warnings = inv.findings.filter((f) => f.severity === "warning").length;
  lines.push(
    `${inv.apps.length} app${inv.apps.length === 1 ? "" : "s"}, ${webhooks} webhook${webhooks === 1 ? "" : "s"} (${converted} already converted); ` +
      `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`,
  );
  return lines.join("\n") + "\n";
}

function problems(list: Finding[]): string {
  const e = list.filter((f) => f.severity === "error").length;
  const w = list.filter((f) => f.severity === "warning").length;
  if (e === 0 && w === 0) return "-";
  return [e ? `${e} error${e === 1 ? "" : "s"}` : "", w ? `${w} warning${w === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ");
}

export function findingLine(f: Finding, c: ReturnType<typeof createColors>): string {
  const sev = f.severity === "error" ? c.red("error") : f.severity === "warning" ? c.yellow("warning") : c.dim("info");
  const loc = formatLocation(f);
  return `${sev} ${c.dim(f.code)}${loc ? " " + loc : ""}: ${f.message}${f.hint ? c.dim(` (${f.hint})`) : ""}`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}
