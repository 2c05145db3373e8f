import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ranges, renderVerifyHtml } from "../../src/verify/html.js";
import type { CaseResult, VerifyResult } from "../../src/verify/types.js";

const ORIGINAL = [
  "// hello & welcome",
  "exports = async function (payload, response) {",
  '  if (payload.query.legacy === "<script>alert(1)</script>")',
  "    return { legacy: true };",
  '  const name = payload.query.name || "<anon>";',
  "  if (name.length > 100) {",
  "    response.setStatusCode(400);",
  '    response.setBody("too long & rude");',
  "    return;",
  "  }",
  '  return { hello: name, note: "a long line that must scroll inside its listing, not stretch the page: ' + "x".repeat(160) + '" };',
  "};",
  "",
].join("\n");
// One state per line of ORIGINAL: lines 4 and 7-9 not reached.
const ORIGINAL_STATES = [
  "none",
  "covered",
  "covered",
  "uncovered",
  "covered",
  "covered",
  "uncovered",
  "uncovered",
  "uncovered",
  "none",
  "covered",
  "none",
] as const;

const MIGRATED = ["exports = async function (request, response) {", "  const payload = { query: request.query };", ...ORIGINAL.split("\n").slice(2)].join("\n");

const kase = (c: Partial<CaseResult>): CaseResult => ({
  name: "get",
  round: 1,
  webhookStatus: 200,
  endpointStatus: 200,
  equal: true,
  outcome: "equal",
  differences: [],
  ...c,
});

function sample(): VerifyResult {
  const manyDiffs = Array.from({ length: 23 }, (_, i) => ({ path: `body.json.items.${i}`, original: `"a${i}"`, migrated: `"b${i}"` }));
  return {
    summary: {
      webhooks: 3,
      cases: 5,
      equal: 2,
      different: 1,
      bothFailed: 1,
      emulatorDefault: 1,
      unpaired: 0,
      unproven: 1,
      medianLineCoverage: 47.8,
      lines: { covered: 7, total: 14 },
      branches: { covered: 2, total: 6 },
      weakest: [
        { id: "shop/orders", percent: 40 },
        { id: "api/hello", percent: 55.6 },
      ],
      belowMinCoverage: ["shop/orders"],
      line: "verify: 1 of 3 webhooks differ & 1 unproven",
    },
    markers: [{ function: "shop_orders", rule: "respond-result", line: 12, message: "check <the> body" }],
    webhooks: [
      {
        id: "api/hello",
        endpoint: "/api/hello",
        result: "equal",
        verdict: "equal",
        counts: { equal: 2, different: 0, bothFailed: 1, emulatorDefault: 0 },
        coverage: {
          lines: { covered: 5, total: 9 },
          branches: { covered: 2, total: 4 },
          uncoveredLines: [9, 4, 7, 8],
          migrated: { lines: { covered: 5, total: 9 }, branches: { covered: 2, total: 4 }, uncoveredLines: [4, 9, 8, 7] },
          addedLines: { covered: 1, total: 1, uncoveredLines: [] },
        },
        cases: [
          kase({ name: "get" }),
          kase({ name: "get-empty", round: 2 }),
          kase({ name: "throws", outcome: "bothFailed", equal: true, webhookStatus: 500, endpointStatus: 500, reason: "TypeError: x is undefined (line 3)" }),
        ],
        callerChanges: ["URL: /app/x/service/api/incoming_webhook/hello → /app/x/endpoint/api/hello"],
        knownDifferences: [],
      },
      {
        id: "shop/orders",
        endpoint: "/shop/orders",
        result: "different",
        verdict: "different",
        counts: { equal: 0, different: 1, bothFailed: 0, emulatorDefault: 0 },
        coverage: { lines: { covered: 2, total: 5 }, branches: { covered: 0, total: 2 }, uncoveredLines: [3, 4, 5] },
        cases: [kase({ name: "post", equal: false, outcome: "different", endpointStatus: 201, differences: manyDiffs })],
        callerChanges: [],
        knownDifferences: ["respond_result: the endpoint sends the return value as the body"],
      },
      {
        id: "shop/orders!",
        endpoint: "/shop/orders2",
        result: "equal",
        verdict: "unproven",
        counts: { equal: 0, different: 0, bothFailed: 0, emulatorDefault: 1 },
        unprovenReason: "every request was refused by <auth> before the function ran",
        cases: [kase({ name: "no-auth", outcome: "emulatorDefault", webhookStatus: 401, endpointStatus: 401, reason: "auth failure" })],
        callerChanges: [],
        knownDifferences: [],
      },
    ],
    views: {
      "api/hello": {
        original: { file: "http_endpoints/api/incoming_webhooks/hello/source.js", text: ORIGINAL, lines: [...ORIGINAL_STATES] },
        migrated: { file: "functions/api_hello.js", text: MIGRATED, lines: ["covered", "covered", ...ORIGINAL_STATES.slice(2)], added: [2] },
      },
    },
  };
}

/** The row of line `n` of the listing under the heading that names `file`. */
function listingRow(html: string, file: string, n: number): string {
  const start = html.indexOf(`<code>${file}</code></h4>`);
  expect(start).toBeGreaterThan(-1);
  const rows = html.slice(start).match(/<tr class="[^"]*"><td class="mark">[^<]*<\/td><td class="ln">\d+<\/td>/g) ?? [];
  const row = rows.find((r) => r.includes(`<td class="ln">${n}</td>`));
  expect(row, `line ${n} of ${file}`).toBeDefined();
  return row!;
}

describe("verify.html", () => {
  const html = renderVerifyHtml(sample());
  if (process.env.VERIFY_HTML_OUT) writeFileSync(process.env.VERIFY_HTML_OUT, html);

  it("escapes everything that comes from the input", () => {
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("// hello &amp; welcome");
    expect(html).toContain("&quot;&lt;anon&gt;&quot;");
    expect(html).toContain("1 of 3 webhooks differ &amp; 1 unproven");
    expect(html).toContain("check &lt;the&gt; body");
  });

  it("is self-contained: a CSP meta, no scripts, no links outside the page", () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(r).toMatch(/^#w-[A-Za-z0-9_-]+$/);
    expect(html).not.toMatch(/@import|url\(/);
  });

  it("gives every webhook a unique anchor and links to it", () => {
    const ids = [...html.matchAll(/<article class="webhook [^"]*" id="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toEqual(["w-api-hello", "w-shop-orders", "w-shop-orders-2"]);
    for (const [id, anchor] of [
      ["api/hello", "w-api-hello"],
      ["shop/orders", "w-shop-orders"],
      ["shop/orders!", "w-shop-orders-2"],
    ]) {
      expect(html).toContain(`<a href="#${anchor}"><code>${id}</code></a>`);
    }
    // Every in-page link points at an element that exists.
    for (const m of html.matchAll(/href="#([^"]+)"/g)) expect(ids).toContain(m[1]);
  });

  it("lists the totals, the weakest webhooks, and explains the outcomes that are not evidence", () => {
    expect(html).toMatch(/<th>median line coverage<\/th><td class="num">47.8%<\/td>/);
    expect(html).toMatch(/<th>branches covered \/ total<\/th><td class="num">2 \/ 6<\/td>/);
    expect(html).toMatch(/<section id="weakest">[\s\S]*<li><a href="#w-shop-orders"><code>shop\/orders<\/code><\/a>: 40% of lines<\/li>/);
    expect(html).toMatch(/Below the minimum coverage: <a href="#w-shop-orders">/);
    expect(html).toMatch(/<b>both failed<\/b>: the webhook and the endpoint failed the same way/);
    expect(html).toMatch(/<b>emulator default<\/b>: neither side ran the function/);
    expect(html).toMatch(/<b>unproven<\/b>: no case ran the function to an answer on both sides/);
  });

  it("shows coverage with the lines not reached compressed into ranges, and the added lines apart", () => {
    expect(html).toContain(`lines 5/9 (55.6%), branches 2/4; not reached: <span class="unreached">4, 7-9</span>`);
    expect(html).toContain(`Lines added by rewrite rules: lines 1/1 (100%)</li>`);
    expect(html).toContain(`Migrated function (its own lines): lines 5/9 (55.6%), branches 2/4; not reached: <span class="unreached">4, 7-9</span>`);
    expect(ranges([1, 3, 4, 5, 10, 12, 11, 3])).toBe("1, 3-5, 10-12");
    expect(ranges([])).toBe("");
  });

  it("colours each source line by its coverage state and marks the lines a rule added", () => {
    const original = "http_endpoints/api/incoming_webhooks/hello/source.js";
    expect(listingRow(html, original, 1)).toMatch(/^<tr class="l-none">/);
    expect(listingRow(html, original, 3)).toMatch(/^<tr class="l-covered">/);
    expect(listingRow(html, original, 4)).toMatch(/^<tr class="l-uncovered">/);
    expect(listingRow(html, original, 6)).toMatch(/^<tr class="l-covered">/);
    for (const n of [7, 8, 9]) expect(listingRow(html, original, n)).toMatch(/^<tr class="l-uncovered">/);
    expect(listingRow(html, original, 10)).toMatch(/^<tr class="l-none">/);
    // The trailing newline makes no empty line 13.
    expect(html).not.toContain(`<td class="ln">13</td>`);
    const migrated = "functions/api_hello.js";
    expect(listingRow(html, migrated, 2)).toBe(`<tr class="l-covered added"><td class="mark">+</td><td class="ln">2</td>`);
    expect(listingRow(html, migrated, 1)).toBe(`<tr class="l-covered"><td class="mark"></td><td class="ln">1</td>`);
    expect(listingRow(html, migrated, 4)).toMatch(/^<tr class="l-uncovered">/);
    expect(html).toContain("added by a rewrite rule");
  });

  it("lists the cases with their outcomes and caps the differences of a case", () => {
    expect(html).toContain(`<span class="badge o-bothFailed">both failed</span>`);
    expect(html).toContain("TypeError: x is undefined (line 3)");
    expect(html).toContain(`<span class="badge o-emulatorDefault">emulator default</span>`);
    expect(html).toContain(`<code>body.json.items.19</code>`);
    expect(html).not.toContain(`<code>body.json.items.20</code>`);
    expect(html).toContain("… 3 more");
    expect(html).toContain("respond_result: the endpoint sends the return value as the body");
  });

  it("lists the webhooks verify could not exercise with the reason, and the overview verdicts", () => {
    const section = html.slice(html.indexOf(`<section id="unproven">`), html.indexOf(`<section id="overview">`));
    expect(section).toContain(`<a href="#w-shop-orders-2"><code>shop/orders!</code></a>: every request was refused by &lt;auth&gt; before the function ran`);
    expect(section).not.toContain("api/hello");
    const overview = html.slice(html.indexOf(`<section id="overview">`), html.indexOf(`<section id="webhooks">`));
    expect(overview).toContain(`<span class="badge v-equal">equal</span>`);
    expect(overview).toContain(`<span class="badge v-different">different</span>`);
    expect(overview).toContain(`<span class="badge v-unproven">unproven</span>`);
    expect(overview).toMatch(/<td class="num">2\/5 \(40%\)<\/td><td class="num">0\/2<\/td>/);
  });

  it("says coverage was not measured when there is none", () => {
    const r = sample();
    delete r.views;
    delete r.summary.lines;
    delete r.summary.branches;
    delete r.summary.medianLineCoverage;
    r.summary.weakest = [];
    r.summary.belowMinCoverage = [];
    r.markers = [];
    for (const w of r.webhooks) delete w.coverage;
    const out = renderVerifyHtml(r);
    expect(out).toContain("<li>Coverage: coverage not measured</li>");
    expect(out).toContain("Sources not shown: coverage not measured.");
    expect(out).not.toContain(`class="listing"`);
    expect(out).not.toContain("Unresolved markers");
  });
});
