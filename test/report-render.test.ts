import { describe, it, expect } from "vitest";
import { formatLocation, type Finding } from "../src/app/findings.js";
import type { Report } from "../src/report/build.js";
import { renderConsoleSummary } from "../src/report/console.js";
import { LARGE_DIFF_LINES, loadDiff2HtmlCss, renderHtml } from "../src/report/html.js";
import { renderMarkdown } from "../src/report/markdown.js";

const headFinding: Finding = {
  severity: "warning",
  code: "head-method",
  message: "HEAD webhook: endpoints have no HEAD method, so the endpoint is a GET endpoint",
  hint: "Check your callers",
  file: "services/orders/incoming_webhooks/createOrder/config.json",
  line: 4,
  column: 17,
  needsReview: true,
  rule: "convert/endpoint",
};

const signatureFinding: Finding = {
  severity: "warning",
  code: "signature-header",
  message: "Callers send X-Hook-Signature: sha256=<hex> | or <script>alert(1)</script>",
  hint: "Change every caller to send Endpoint-Signature",
  file: "services/orders/incoming_webhooks/createOrder/config.json",
  line: 9,
  column: 3,
  needsReview: true,
  rule: "differences",
};

const appReviewFinding: Finding = {
  severity: "warning",
  code: "case-collision",
  message: "Services differ only in case",
  file: "services/Orders/config.json",
  line: 1,
  column: 1,
  needsReview: true,
};

const modifiedDiff = [
  "--- a/https_endpoints/config.json",
  "+++ b/https_endpoints/config.json",
  "@@ -1,3 +1,4 @@",
  " [",
  "-  1",
  "+  1,",
  "+  2",
  "```",
  " ]",
  "",
].join("\n");

const addedDiff = [
  "--- /dev/null",
  "+++ b/functions/orders_createOrder.js",
  "@@ -0,0 +1,2 @@",
  "+exports = function () {",
  '+  return "<script>alert(2)</script>";',
  "",
].join("\n");

function sampleReport(): Report {
  return {
    formatVersion: 1,
    tool: { name: "hookshift", version: "0.1.0" },
    app: { root: "fixtures/apps/shop", name: "shop", appId: "shop-abcde", configVersion: "20230101", layout: "A" },
    output: { mode: "out", dir: "out/app" },
    summary: {
      webhooks: 3,
      converted: 1,
      needsReview: 1,
      alreadyConverted: 0,
      failed: 1,
      endpointsAdded: 2,
      filesChanged: 2,
      line: "3 webhooks; 2 endpoints added; 1 needs review; 1 failed",
    },
    secrets: [{ name: "orders_createOrder", command: "appservices secrets create --name orders_createOrder --value \"$(node -p 'x')\"" }],
    webhooks: [
      {
        id: "orders/createOrder",
        service: "orders",
        serviceType: "http",
        name: "createOrder",
        status: "needs-review",
        source: "services/orders/incoming_webhooks/createOrder",
        oldUrl: "https://webhooks.mongodb-realm.com/api/client/v2.0/app/shop-abcde/service/orders/incoming_webhook/createOrder",
        newUrl: "https://data.mongodb-api.com/app/shop-abcde/endpoint/orders/createOrder",
        route: "/orders/createOrder",
        httpMethod: "GET",
        functionName: "orders_createOrder",
        secretName: "orders_createOrder",
        produced: [
          {
            rule: "convert/endpoint",
            risk: "safe",
            file: "https_endpoints/config.json",
            description: "endpoint GET /orders/createOrder runs orders_createOrder",
          },
          { rule: "convert/source", risk: "safe", file: "functions/orders_createOrder.js", description: "source copied | byte for byte" },
        ],
        findings: [headFinding, signatureFinding],
      },
      {
        id: "orders/list",
        service: "orders",
        serviceType: "http",
        name: "list",
        status: "converted",
        source: "services/orders/incoming_webhooks/list",
        oldUrl: "https://webhooks.mongodb-realm.com/api/client/v2.0/app/shop-abcde/service/orders/incoming_webhook/list",
        newUrl: "https://data.mongodb-api.com/app/shop-abcde/endpoint/orders/list",
        route: "/orders/list",
        httpMethod: "POST",
        functionName: "orders_list",
        produced: [],
        findings: [],
      },
      {
        id: "gh/push",
        service: "gh",
        serviceType: "aws",
        name: "push",
        status: "failed",
        source: "services/gh/incoming_webhooks/push",
        oldUrl: "https://webhooks.mongodb-realm.com/api/client/v2.0/app/shop-abcde/service/gh/incoming_webhook/push",
        produced: [],
        findings: [
          { severity: "info", code: "stray-file", message: "unrelated" },
          {
            severity: "error",
            code: "unsupported-service-type",
            message: 'Service type "aws" cannot be converted',
            file: "services/gh/config.json",
            line: 2,
            column: 11,
          },
        ],
      },
    ],
    files: [
      {
        path: "functions/orders_createOrder.js",
        change: "added",
        rules: ["convert/source"],
        ruleRisks: [{ rule: "convert/source", risk: "safe" }],
        diff: addedDiff,
      },
      {
        path: "https_endpoints/config.json",
        change: "modified",
        rules: ["convert/endpoint"],
        ruleRisks: [{ rule: "convert/endpoint", risk: "safe" }],
        diff: modifiedDiff,
      },
    ],
    findings: [appReviewFinding, { severity: "info", code: "hybrid-layout", message: "Hybrid export" }],
  };
}

/** The text of one `## title` section of the markdown. */
function mdSection(md: string, title: string): string {
  const start = md.indexOf(`\n## ${title}\n`);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const next = md.indexOf("\n## ", start + 1);
  return md.slice(start, next < 0 ? undefined : next);
}

/** Splits a GFM table row into cells at unescaped pipes. */
function cells(row: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < row.length; i++) {
    const ch = row[i]!;
    if (ch === "\\" && i + 1 < row.length) {
      cur += ch + row[i + 1];
      i++;
    } else if (ch === "|") {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts.slice(1, -1).map((s) => s.trim());
}

describe("renderMarkdown", () => {
  const report = sampleReport();
  const md = renderMarkdown(report);

  it("starts with the title and the summary line in bold", () => {
    expect(md.startsWith("# hookshift migration report: shop\n")).toBe(true);
    expect(md).toContain(`**${report.summary.line}**`);
  });

  it("lists every needsReview finding in Needs a person with its location, webhook and hint", () => {
    const section = mdSection(md, "Needs a person");
    const checks = section.split("\n").filter((l) => l.startsWith("- [ ] "));
    expect(checks).toHaveLength(3);
    for (const f of [headFinding, signatureFinding, appReviewFinding]) {
      const line = checks.find((l) => l.includes("`" + formatLocation(f) + "`"));
      expect(line, formatLocation(f)).toBeDefined();
      expect(line).toContain(f.code);
    }
    expect(checks.find((l) => l.includes(":4:17"))).toContain("`orders/createOrder`");
    expect(section).toContain("What to do: Check your callers");
    expect(section).not.toContain("Nothing needs review.");
    // The non-review info finding stays out of the checklist.
    expect(section).not.toContain("stray-file");
  });

  it("says so when nothing needs review", () => {
    const r = sampleReport();
    for (const w of r.webhooks) w.findings = w.findings.filter((f) => !f.needsReview);
    r.findings = [];
    expect(mdSection(renderMarkdown(r), "Needs a person")).toContain("Nothing needs review.");
  });

  it("escapes | and newlines in table cells", () => {
    const rows = md.split("\n").filter((l) => l.startsWith("| ") && l.includes("signature-header"));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toContain("sha256=\\<hex\\> \\| or \\<script\\>");
    expect(cells(row)).toHaveLength(6);

    const produced = md.split("\n").find((l) => l.startsWith("| ") && l.includes("source copied"))!;
    expect(produced).toContain("source copied \\| byte for byte");
    expect(cells(produced)).toHaveLength(4);

    const r = sampleReport();
    r.webhooks[1]!.findings = [{ severity: "warning", code: "x", message: "line one\nline | two", file: "a|b.json", line: 1, column: 2 }];
    const row2 = renderMarkdown(r)
      .split("\n")
      .find((l) => l.includes("line one"))!;
    expect(row2).toContain("line one<br>line \\| two");
    expect(row2).toContain("`a\\|b.json:1:2`");
    expect(cells(row2)).toHaveLength(6);
  });

  it("has a URL map, the Secrets, and a section per webhook", () => {
    const urls = mdSection(md, "URL map");
    const row = urls.split("\n").find((l) => l.includes("orders/createOrder"))!;
    expect(cells(row)).toEqual([
      "`orders/createOrder`",
      "`" + report.webhooks[0]!.oldUrl + "`",
      "`" + report.webhooks[0]!.newUrl + "`",
      "`GET`",
      "needs review",
    ]);
    const secrets = mdSection(md, "Before you push");
    expect(secrets).toContain("`orders_createOrder`");
    // One script creates them all (create-secrets.sh); no per-Secret command wall.
    expect(secrets).not.toContain(report.secrets[0]!.command);
    expect(secrets).toContain("`create-secrets.sh`");
    expect(secrets).toContain("secrets.json");
    expect(mdSection(md, "Webhooks")).toContain("### `gh/push`");
    expect(mdSection(md, "Webhooks")).toContain("**Status: failed**");
    expect(mdSection(md, "Other findings")).toContain("hybrid-layout");
  });

  it("keeps a diff containing ``` inside its fence", () => {
    const files = mdSection(md, "Files");
    const lines = files.split("\n");
    const head = lines.indexOf("### `https_endpoints/config.json` (modified)");
    expect(head).toBeGreaterThanOrEqual(0);
    const open = lines.findIndex((l, i) => i > head && /^`{3,}/.test(l));
    const fence = /^`+/.exec(lines[open]!)![0];
    expect(lines[open]).toBe(fence + "diff");
    // The fence closes at the first line of only backticks at least as long as the opening one.
    const close = lines.findIndex((l, i) => i > open && /^ {0,3}`+\s*$/.test(l) && l.trim().length >= fence.length);
    expect(lines.slice(open + 1, close).join("\n") + "\n").toBe(modifiedDiff);
    // The added file still uses a plain three-backtick fence.
    expect(files).toContain("```diff\n" + addedDiff + "```");
  });

  it("is deterministic", () => {
    expect(renderMarkdown(sampleReport())).toBe(md);
  });
});

describe("renderHtml", async () => {
  const css = await loadDiff2HtmlCss();
  const report = sampleReport();
  // Long paths and URLs carry <wbr> (a place to wrap, not text): left out to match text.
  const text = (html: string) => html.replaceAll("<wbr>", "");
  const page = text(renderHtml(report, css));

  it("is a complete page with the diff2html stylesheet inlined", () => {
    expect(css).toContain(".d2h-");
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(page).toContain(css.slice(0, 200));
    expect(page).toContain("<title>hookshift migration report: shop</title>");
  });

  it("escapes report strings and carries no script of its own", () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("sha256=&lt;hex&gt; | or");
    expect(page).toContain("alert(2)");
  });

  it("loads nothing from outside", () => {
    expect(page).not.toMatch(/<link\b/i);
    expect(page).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(page).not.toMatch(/\b(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(page).not.toMatch(/@import|url\(\s*["']?https?:/i);
  });

  it("has the sections, the checklist first, and diff2html diffs", () => {
    const order = ["Needs a person", "Before you push", "URL map", "Webhooks", "Files", "Other findings"].map((t) => page.indexOf(`<h2>${t}</h2>`));
    for (const i of order) expect(i).toBeGreaterThan(0);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const checklist = page.slice(order[0], order[1]);
    expect(checklist.match(/type="checkbox"/g)).toHaveLength(3);
    for (const f of [headFinding, signatureFinding, appReviewFinding]) expect(checklist).toContain(formatLocation(f));
    expect(page).toContain(report.summary.line);
    expect(page).toContain("d2h-file-wrapper");
    expect(page).toMatch(/class="d2h-[a-z-]+/);
    // diff2html draws changed files; an added file is its content, as numbered added lines.
    expect(page.match(/class="d2h-file-wrapper"/g)).toHaveLength(1);
    expect(page.match(/class="added-file"/g)).toHaveLength(1);
    expect(page).toContain("status-failed");
  });

  it("is deterministic", () => {
    expect(text(renderHtml(sampleReport(), css))).toBe(page);
  });

  it("shows a diff longer than LARGE_DIFF_LINES as escaped plain text instead of drawing it", () => {
    const r = sampleReport();
    const changed = r.files.find((f) => f.change === "modified")!;
    const added = Array.from({ length: LARGE_DIFF_LINES }, (_, i) => `+  { "route": "/r${i}", "note": "<b>${i}</b>" },`);
    changed.diff = [...changed.diff.trimEnd().split("\n"), ...added].join("\n") + "\n";
    const big = renderHtml(r, css);
    expect(big).not.toContain(`class="d2h-file-wrapper"`);
    expect(big).toContain(`<pre class="plain-diff">`);
    expect(big).toContain("&lt;b&gt;4&lt;/b&gt;");
    expect(big).toMatch(/This diff has [\d,]+ lines, so it is shown as plain text/);
  });
});

describe("renderConsoleSummary", () => {
  it("prints the summary, one line per webhook and the Secret count, without colour when asked", () => {
    const text = renderConsoleSummary(sampleReport(), { color: false, verbose: true });
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe("3 webhooks; 2 endpoints added; 1 needs review; 1 failed");
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/^! needs review\s+orders\/createOrder\s+→ GET \/orders\/createOrder/);
    expect(lines[2]).toMatch(/^✔ converted\s+orders\/list\s+→ POST \/orders\/list$/);
    expect(lines[3]).toMatch(/^✖ failed\s+gh\/push\s+services\/gh\/config\.json:2:11 Service type "aws" cannot be converted$/);
    expect(lines[4]).toMatch(/^1 Secret to create/);
    expect(text).not.toContain("\u001b[");
  });

  it("colours when asked", () => {
    expect(renderConsoleSummary(sampleReport(), { color: true })).toContain("\u001b[");
  });
});
