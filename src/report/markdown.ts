// report.md: the migration report for a reviewer who has never seen hookshift. Same content as
// the HTML page, rendered from the report model only, deterministic (no timestamps).

import { formatLocation, type Finding, type Severity } from "../app/findings.js";
import type { UpgradeSummary, WebhookStatus } from "../plan/types.js";
import type { Report, ReportFile, ReportWebhook } from "./build.js";
import { LineWriter, StringSink, type TextSink } from "./sink.js";

export const STATUS_LABEL: Record<WebhookStatus, string> = {
  converted: "converted",
  "needs-review": "needs review",
  "already-converted": "already converted",
  failed: "failed",
};

export const STATUS_MEANING: Record<WebhookStatus, string> = {
  converted: "an endpoint and a function were added; hookshift knows of no difference in behaviour that callers would see",
  "needs-review":
    "an endpoint and a function were added (or were there already), but something behaves differently from the webhook or needs a step outside the app; a person has to check its findings",
  "already-converted": "the app already has the endpoint for this webhook; nothing was added",
  failed: "not converted; its errors say why",
};

export const RISK_MEANING: Record<string, string> = {
  safe: "a faithful copy of what the webhook did",
  "semantic-change": "changes what callers see",
  "needs-review": "a person has to check it",
};

export const SEVERITY_TITLE: Record<Severity, string> = { error: "Errors", warning: "Warnings", info: "Information" };
export const SEVERITIES: Severity[] = ["error", "warning", "info"];

/** Display name of the app: its name, else the last segment of its folder. */
export function appTitle(report: Report): string {
  if (report.app.name) return report.app.name;
  const parts = report.app.root
    .replace(/\\/g, "/")
    .split("/")
    .filter((p) => p !== "" && p !== ".");
  return parts[parts.length - 1] ?? report.app.root;
}

/** A needsReview finding together with the webhook it belongs to (undefined for app-level ones). */
export interface ReviewItem {
  webhook?: string;
  finding: Finding;
}

export function reviewItems(report: Report): ReviewItem[] {
  const out: ReviewItem[] = [];
  for (const w of report.webhooks) for (const f of w.findings) if (f.needsReview) out.push({ webhook: w.id, finding: f });
  for (const f of report.findings) if (f.needsReview) out.push({ finding: f });
  return out;
}

/** Secret name → ids of the webhooks whose endpoints check against it (one pass, not one per Secret). */
export function secretUsers(report: Report): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const w of report.webhooks) {
    if (!w.secretName) continue;
    const list = out.get(w.secretName);
    if (list) list.push(w.id);
    else out.set(w.secretName, [w.id]);
  }
  return out;
}

export function outputText(report: Report): string {
  switch (report.output.mode) {
    case "out":
      return `a migrated copy of the app was written${report.output.dir ? ` to ${codeInProse(report.output.dir)}` : ""}; the original app folder is untouched`;
    case "in-place":
      return "the app folder itself was changed";
    case "dry-run":
      return "nothing was written; this report shows what `migrate` would change";
  }
}

/** `text` as a code span inside a sentence that `prose` renders (plain text when it holds backticks). */
function codeInProse(text: string): string {
  return text.includes("`") || text.includes("\n") ? text : `\`${text}\``;
}

/** Why some URLs hold `<app-id>` or `<region>` placeholders, when any do. */
export function placeholderNotes(report: Report): string[] {
  const urls = report.webhooks.flatMap((w) => [w.oldUrl, w.newUrl ?? ""]);
  const notes: string[] = [];
  if (urls.some((u) => u.includes("<app-id>"))) notes.push("`<app-id>`: the export holds no app id; use your app's client app id.");
  if (urls.some((u) => u.includes("<region>"))) notes.push("`<region>.<cloud>`: the export does not say where the app is deployed; use your app's region.");
  return notes;
}

export const OLD_HOST_NOTE =
  "Old webhook URLs are shown with the documented host webhooks.mongodb-realm.com; callers set up years ago may use an older host " +
  "(webhooks.mongodb-stitch.com or a regional one) for the same webhook.";

/** "1 app-level item needs review": the summary's count of app-level review items (they make migrate exit 2). */
export function appReviewText(n: number): string {
  return `${n} app-level item${n === 1 ? " needs" : "s need"} review`;
}

/** Rows of the Secrets table before it points to create-secrets.sh for the rest. */
export const SECRETS_TABLE_ROWS = 20;

/** "This app was a 20180301 export; hookshift upgraded it to 20210101.": said wherever a run is summed up. */
export function upgradeNotice(u: UpgradeSummary): string {
  const why = u.from === "20180301" || u.from === "20200603" ? ", the format HTTPS endpoints need" : " as --target-format asked";
  return `Export format upgraded: this app was a ${u.from} export; hookshift upgraded it to ${u.to}${why}`;
}

export function renderMarkdown(report: Report): string {
  const sink = new StringSink();
  renderMarkdownTo(report, sink);
  return sink.text();
}

/** report.md into `sink`, line by line (see sink.ts for why it streams). */
export function renderMarkdownTo(report: Report, sink: TextSink): void {
  const lines = new LineWriter(sink);
  const push = (...texts: string[]) => {
    for (const t of texts) lines.line(t);
  };

  push(`# hookshift migration report: ${prose(appTitle(report))}`, "");
  push(`**${prose(report.summary.line)}**`, "");
  if (report.upgrade) push(prose(upgradeNotice(report.upgrade)) + " (see Format upgrade below).", "");
  const steps = report.nextSteps ?? [];
  if (steps.length > 0) {
    push("## Next steps", "");
    steps.forEach((st, i) => push(`${i + 1}. ${prose(st.text)}${st.command ? `: ${code(st.command)}` : ""}`));
    push("");
  }
  push(prose(introText(report)), "");
  push(
    `- App folder: ${code(report.app.root)}${report.app.appId ? ` (app id ${code(report.app.appId)})` : ""}`,
    `- Config version: ${code(report.app.configVersion)}, layout ${code(report.app.layout)}`,
    `- Output mode: ${code(report.output.mode)}: ${prose(outputText(report))}`,
    `- ${report.summary.webhooks} webhook${plural(report.summary.webhooks)}: ${report.summary.converted} converted, ` +
      `${report.summary.needsReview} need${report.summary.needsReview === 1 ? "s" : ""} review, ` +
      `${report.summary.alreadyConverted} already converted, ${report.summary.failed} failed; ` +
      (report.summary.appNeedsReview > 0 ? `${appReviewText(report.summary.appNeedsReview)}; ` : "") +
      `${report.summary.endpointsAdded} endpoint${plural(report.summary.endpointsAdded)} added, ` +
      `${report.summary.filesChanged} file${plural(report.summary.filesChanged)} changed`,
    `- Made by ${report.tool.name} ${prose(report.tool.version)} (report format ${report.formatVersion})`,
    "",
  );

  // Needs a person
  push("## Needs a person", "");
  const items = reviewItems(report);
  if (items.length === 0) push("Nothing needs review.", "");
  else {
    push("Each item below is a place where the endpoint may behave differently from the webhook. Check it before callers move to the new URL.", "");
    for (const { webhook, finding: f } of items) {
      const loc = formatLocation(f);
      const where = [loc ? code(loc) : "", webhook ? `webhook ${code(webhook)}` : "app"].filter(Boolean).join(", ");
      push(`- [ ] ${where}: ${prose(f.message)} (${code(f.code)})`);
      if (f.hint) push(`  - What to do: ${prose(f.hint)}`);
    }
    push("");
  }
  const failed = report.webhooks.filter((w) => w.status === "failed");
  if (failed.length > 0) {
    push(
      `${failed.length} webhook${plural(failed.length)} could not be converted (${failed.map((w) => code(w.id)).join(", ")}); ` +
        `${failed.length === 1 ? "its" : "their"} errors are under Webhooks below. Fix them and run hookshift again.`,
      "",
    );
  }

  // Before you push
  push("## Before you push", "");
  if (report.secrets.length === 0) {
    push("No Secrets are needed: none of the converted webhooks had a secret.", "");
  } else {
    push(
      `Create ${report.secrets.length === 1 ? "this App Services Secret" : `these ${report.secrets.length} App Services Secrets`} before you push the app: ` +
        `the new endpoints check requests against ${report.secrets.length === 1 ? "it" : "them"}. ` +
        "The values are only in `secrets.json` next to this report (file mode 0600), never in this report; treat that file like a password.",
      "",
    );
    push(
      "Run `create-secrets.sh` next to this report (`sh create-secrets.sh`): it creates each Secret with the App Services CLI " +
        "(`appservices secrets create`), or updates its value when the app has it already (`appservices secrets update`). " +
        "The script holds no value: it reads each one from `secrets.json` when it runs, so values stay out of the script, this report " +
        "and your shell history. The App Services CLI takes a value only on its command line (`--value`), so while each of those " +
        "commands runs its value is visible in the process list (`ps`) to other users of the machine: run it on a machine you do not share.",
      "",
    );
    push(tableRow(["Secret", "Used by"]), tableRow(["---", "---"]));
    const usersOf = secretUsers(report);
    const shown = report.secrets.length > SECRETS_TABLE_ROWS ? report.secrets.slice(0, SECRETS_TABLE_ROWS - 1) : report.secrets;
    for (const s of shown) {
      const users = (usersOf.get(s.name) ?? []).map(code);
      push(tableRow([code(s.name), users.length ? users.join(", ") : "—"]));
    }
    const more = report.secrets.length - shown.length;
    if (more > 0) push(tableRow([`… and ${more} more`, "every name is in `create-secrets.sh`"]));
    push("");
  }

  // URL map
  push("## URL map", "");
  if (report.webhooks.length === 0) push("The app has no incoming webhooks.", "");
  else {
    push("Point each caller at its new URL once the migrated app is deployed.", "");
    push(tableRow(["Webhook", "Old webhook URL", "New endpoint URL", "Method", "Status"]), tableRow(["---", "---", "---", "---", "---"]));
    for (const w of report.webhooks) {
      push(tableRow([code(w.id), code(w.oldUrl), w.newUrl ? code(w.newUrl) : "—", w.httpMethod ? code(w.httpMethod) : "—", STATUS_LABEL[w.status]]));
    }
    push("");
    for (const n of [OLD_HOST_NOTE, ...placeholderNotes(report)]) push(`- ${prose(n)}`);
    push("");
  }

  if (report.upgrade) push(...upgradeSection(report.upgrade), "");

  // Webhooks
  push("## Webhooks", "");
  if (report.webhooks.length === 0) push("No webhooks.", "");
  else {
    push("Status:", "");
    for (const s of Object.keys(STATUS_LABEL) as WebhookStatus[]) push(`- **${STATUS_LABEL[s]}**: ${prose(STATUS_MEANING[s])}`);
    push("", "Risk of what was produced:", "");
    for (const [risk, meaning] of Object.entries(RISK_MEANING)) push(`- ${code(risk)}: ${prose(meaning)}`);
    push("");
    for (const w of report.webhooks) push(...webhookSection(w));
  }

  // Files
  push("## Files", "");
  if (report.files.length === 0) push("No files changed.", "");
  for (const f of report.files) push(...fileSection(f));

  // Other findings
  push("## Other findings", "");
  if (report.findings.length === 0) push("No other findings.", "");
  else {
    push("Findings about the app as a whole, not about one webhook.", "");
    for (const sev of SEVERITIES) {
      const list = report.findings.filter((f) => f.severity === sev);
      if (list.length === 0) continue;
      push(`### ${SEVERITY_TITLE[sev]} (${list.length})`, "");
      for (const f of list) {
        const loc = formatLocation(f);
        push(
          `- ${code(f.code)}${loc ? ` at ${code(loc)}` : ""}: ${prose(f.message)}` +
            (f.rule ? ` (rule ${code(f.rule)})` : "") +
            (f.needsReview ? " **Needs review.**" : ""),
        );
        if (f.hint) push(`  - What to do: ${prose(f.hint)}`);
      }
      push("");
    }
  }

  lines.end();
}

export function introText(report: Report): string {
  // Removed files alone do not say it: a format upgrade removes old paths too.
  const removed = report.webhooks.some((w) => w.produced.some((p) => p.rule === "convert/remove-webhook"));
  return (
    "MongoDB deprecated the incoming webhooks of Atlas App Services in favour of HTTPS endpoints. hookshift read this app's export " +
    "and turned each incoming webhook of an HTTP service (and of the GitHub and Twilio services) into an HTTPS endpoint plus a function, " +
    "the same conversion App Services' own \"Convert\" button made: the endpoint carries over the webhook's HTTP method, authentication, " +
    "request validation and Respond With Result setting, and the function's source is the webhook's source copied byte for byte. " +
    "Where endpoints behave differently, hookshift's rewrite rules change the function to keep the webhook's behaviour (commented statements at the start of its body, or one compat block after it for what depends on the run-time path); " +
    "each change below names its rule and risk. " +
    (removed
      ? "The original webhooks were removed, so their old URLs stop answering once the migrated app is pushed."
      : "The original webhooks were kept, so their old URLs keep answering until you remove them.")
  );
}

/** The moved files of a format upgrade: what a reviewer needs to see the upgrade as well as the conversion. */
function upgradeSection(u: UpgradeSummary): string[] {
  const moved = u.moves.filter((m) => m.kind !== "carried unchanged");
  const carried = u.moves.length - moved.length;
  const out = [
    "## Format upgrade",
    "",
    prose(
      `This app was a ${u.from} export. HTTPS endpoints need the ${u.to} format, so hookshift upgraded the whole app to it, ` +
        `the way realm-cli lays out each part (docs/format-upgrade.md). Every old file and where its content went:`,
    ),
    "",
    tableRow(["Old path", "What happened", "New path", "Rule"]),
    tableRow(["---", "---", "---", "---"]),
    ...moved.map((m) => tableRow([code(m.from), m.kind, m.to.map(code).join(", "), code(m.rule)])),
    "",
  ];
  if (carried > 0) out.push(`${carried} other file${carried === 1 ? " keeps its" : "s keep their"} path and content.`, "");
  return out;
}

function webhookSection(w: ReportWebhook): string[] {
  const out: string[] = [`### ${code(w.id)}`, ""];
  out.push(`**Status: ${STATUS_LABEL[w.status]}**: ${prose(STATUS_MEANING[w.status])}.`, "");
  out.push(`- Service: ${code(w.service)} (type ${code(w.serviceType)}), webhook ${code(w.name)}`);
  out.push(`- Source folder: ${code(w.source)}`);
  if (w.route) out.push(`- Endpoint: ${code(`${w.httpMethod ?? "?"} ${w.route}`)}${w.functionName ? ` → function ${code(w.functionName)}` : ""}`);
  if (w.secretName) out.push(`- Secret: ${code(w.secretName)}`);
  out.push("");
  if (w.produced.length > 0) {
    out.push("What was produced:", "");
    out.push(tableRow(["Rule", "Risk", "File", "Description"]), tableRow(["---", "---", "---", "---"]));
    for (const p of w.produced) out.push(tableRow([code(p.rule), code(p.risk), p.file ? code(p.file) : "—", prose(p.description)]));
    out.push("");
  } else {
    out.push("Nothing was produced.", "");
  }
  if (w.findings.length > 0) {
    out.push("Findings:", "");
    out.push(tableRow(["Severity", "Code", "Location", "Message", "What to do", "Rule"]), tableRow(["---", "---", "---", "---", "---", "---"]));
    for (const f of w.findings) {
      const loc = formatLocation(f);
      out.push(
        tableRow([
          f.severity + (f.needsReview ? ", **needs review**" : ""),
          code(f.code),
          loc ? code(loc) : "—",
          prose(f.message),
          f.hint ? prose(f.hint) : "—",
          f.rule ? code(f.rule) : "—",
        ]),
      );
    }
    out.push("");
  } else {
    out.push("No findings.", "");
  }
  return out;
}

function fileSection(f: ReportFile): string[] {
  const out = [`### ${code(f.path)} (${f.change})`, ""];
  if (f.ruleRisks.length > 0) out.push(`Produced by ${f.ruleRisks.map((r) => `${code(r.rule)} (${r.risk})`).join(", ")}.`, "");
  if (f.diff.trim() === "") out.push("No textual change.", "");
  else out.push(...fenced("diff", f.diff.replace(/\n$/, "")), "");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Markdown text helpers

const plural = (n: number) => (n === 1 ? "" : "s");

/** A fenced code block whose fence is longer than any backtick run in `text`. */
function fenced(info: string, text: string): string[] {
  const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
  return [fence + info, text, fence];
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** An inline code span that holds `text` literally, whatever backticks it contains. */
export function code(text: string): string {
  const s = text.replace(/\r?\n/g, " ");
  if (s === "") return "—";
  const ticks = "`".repeat(longestRun(s, "`") + 1);
  const pad = s.startsWith("`") || s.endsWith("`") || (s.startsWith(" ") && s.endsWith(" ") && s.trim() !== "") ? " " : "";
  return `${ticks}${pad}${s}${pad}${ticks}`;
}

/** A piece of text split into code spans (backtick runs, CommonMark rules) and plain text. */
export interface Segment {
  code: boolean;
  /** For code: the span's content; for plain text: the text. */
  text: string;
  /** The source text of the segment (with its backticks, for code). */
  raw: string;
}

export function splitCodeSpans(text: string): Segment[] {
  const out: Segment[] = [];
  let plain = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "`") {
      // Plain text up to the next backtick in one piece (reports call this for every sentence).
      const next = text.indexOf("`", i);
      const end = next < 0 ? text.length : next;
      plain += text.slice(i, end);
      i = end;
      continue;
    }
    let n = 0;
    while (text[i + n] === "`") n++;
    const close = findRun(text, i + n, n);
    if (close < 0) {
      plain += text.slice(i, i + n);
      i += n;
      continue;
    }
    if (plain) out.push({ code: false, text: plain, raw: plain });
    plain = "";
    let content = text.slice(i + n, close).replace(/\r?\n/g, " ");
    if (content.length > 1 && content.startsWith(" ") && content.endsWith(" ") && content.trim() !== "") content = content.slice(1, -1);
    out.push({ code: true, text: content, raw: text.slice(i, close + n) });
    i = close + n;
  }
  if (plain) out.push({ code: false, text: plain, raw: plain });
  return out;
}

/** Index of the next backtick run of exactly `n` from `from`, or -1. */
function findRun(text: string, from: number, n: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] !== "`") {
      i++;
      continue;
    }
    let m = 0;
    while (text[i + m] === "`") m++;
    if (m === n) return i;
    i += m;
  }
  return -1;
}

/** Characters `prose` changes or treats specially; most sentences have none and come back as they are. */
const PROSE_SPECIAL = /[`&<>*\r\n]/;

/**
 * hookshift's own sentences (messages, hints, descriptions) for Markdown: `code` spans are kept,
 * `<` (as in `sha256=<hex>`) cannot open an HTML tag, `*` cannot start emphasis, and newlines
 * become `<br>` so a sentence stays in its list item or table cell.
 */
export function prose(text: string): string {
  if (!PROSE_SPECIAL.test(text)) return text;
  return splitCodeSpans(text)
    .map((s) =>
      s.code
        ? s.raw.replace(/\r?\n/g, " ")
        : s.text
            // Backslash escapes (CommonMark), not entities: the raw report.md stays readable.
            .replace(/&(?=[#A-Za-z0-9]+;)/g, "\\&")
            .replace(/</g, "\\<")
            .replace(/>/g, "\\>")
            .replace(/\*/g, "\\*")
            .replace(/\r?\n/g, "<br>"),
    )
    .join("");
}

/** Escapes a cell's Markdown for a GFM table: `|` becomes `\|` (also inside code spans), newlines `<br>`. */
function cell(markdown: string): string {
  // Most cells hold neither: skip the two regex passes (a 5,000-webhook report has 40,000 cells).
  if (!markdown.includes("\n") && !markdown.includes("|")) return markdown;
  return markdown.replace(/\r?\n/g, "<br>").replace(/(\\*)\|/g, (_m, bs: string) => bs + bs + "\\|");
}

export function tableRow(cells: string[]): string {
  return `| ${cells.map(cell).join(" | ")} |`;
}
