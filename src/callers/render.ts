// What `callers` prints without --json: each old URL with its place, the URL it becomes and the
// caller changes of its webhook; then the places to review; then what was skipped. Secret values
// are already redacted in everything a match holds (run.ts).

import { createColors } from "picocolors";
import { MAX_FILE_BYTES } from "./read-file.js";
import type { CallersResult } from "./run.js";
import type { CallerMatch } from "./types.js";

const SECRET_TEXT = {
  literal: "secret: in the URL (value not shown)",
  runtime: "secret: added to the URL by code",
  empty: "secret: the parameter is empty",
} as const;

export function renderCallers(r: CallersResult, opts: { color: boolean }): string {
  const c = createColors(opts.color);
  const out: string[] = [];
  const where = (m: CallerMatch) => c.bold(`${m.file}:${m.line}:${m.column}`);
  const urls = r.matches.filter((m) => m.kind === "url");
  const review = r.matches.filter((m) => m.kind !== "url" && m.kind !== "other-app");
  const others = r.matches.filter((m) => m.kind === "other-app");
  const apps = r.apps.length === 1 ? `app ${r.apps[0]!.appId ?? r.apps[0]!.name ?? r.apps[0]!.report}` : `${r.apps.length} apps`;
  out.push(`Callers of the ${apps}: ${r.files.searched.toLocaleString("en-US")} files searched.`);

  if (urls.length > 0) out.push("", c.bold("Old webhook URLs:"));
  for (const m of urls) {
    out.push("", `${where(m)}  ${m.webhook}${m.appId ? c.dim(` (${m.appId})`) : ""}${m.rewrite ? "" : c.yellow("  not rewritten")}`);
    out.push(`    ${c.red(m.oldUrl ?? "")}`);
    if (m.newUrl) out.push(`  → ${c.green(m.newUrl)}`);
    if (m.reason) out.push(`    ${c.yellow(m.reason)}`);
    out.push(...details(m, c));
  }
  if (review.length > 0) out.push("", c.bold("To review (not rewritten):"));
  for (const m of review) {
    out.push("", `${where(m)}  ${m.webhook ? `${m.webhook}: ` : ""}${m.reason ?? m.kind}`);
    if (m.excerpt) out.push(`    ${c.dim(m.excerpt)}`);
    if (m.oldUrl) out.push(`    ${c.red(m.oldUrl)}`);
    if (m.newUrl) out.push(`  → ${c.green(m.newUrl)}`);
    out.push(...details(m, c));
  }
  if (others.length > 0) {
    out.push("", c.bold("Webhook URLs of apps in no report (listed only):"));
    for (const m of others) out.push(`${where(m)}  ${m.oldUrl ?? ""}`);
  }

  const skipped: string[] = [];
  const f = r.files;
  if (f.binary) skipped.push(`${f.binary} binary`);
  if (f.tooLarge) skipped.push(`${f.tooLarge} over ${MAX_FILE_BYTES / 1024 / 1024} MB`);
  if (f.ignored) skipped.push(`${f.ignored} ignored by .gitignore`);
  if (f.excluded) skipped.push(`${f.excluded} node_modules/.git or report folder${f.excluded === 1 ? "" : "s"}`);
  if (f.links) skipped.push(`${f.links} symbolic link${f.links === 1 ? "" : "s"} or special file${f.links === 1 ? "" : "s"}`);
  if (skipped.length) out.push("", c.dim(`Skipped: ${skipped.join(", ")}.`));
  return out.join("\n") + "\n";
}

function details(m: CallerMatch, c: ReturnType<typeof createColors>): string[] {
  const lines: string[] = [];
  if (m.secret) lines.push(`    ${SECRET_TEXT[m.secret.value]}`);
  for (const ch of m.callerChanges) lines.push(`    ${c.yellow("caller change")} ${ch.text}`);
  return lines;
}
