// writeReportFiles: the three files appear together and a failure leaves none; report.json is
// written piece by piece (writeJsonTo) and must equal JSON.stringify(report, null, 2) byte for byte.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/report/build.js";
import { writeJsonTo, writeReportFiles } from "../../src/report/render-files.js";
import { StringSink } from "../../src/report/sink.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "hookshift-test-report-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const report = {
  formatVersion: 1,
  tool: { name: "hookshift", version: "test" },
  app: { root: "app", configVersion: "20210101", layout: "B" },
  output: { mode: "out", dir: "out" },
  blocked: false,
  summary: { webhooks: 0, converted: 0, needsReview: 0, alreadyConverted: 0, failed: 0, endpointsAdded: 0, filesChanged: 0, line: "0 webhooks" },
  secrets: [],
  upgrade: undefined,
  webhooks: [],
  files: [{ path: "functions/a.js", change: "added", rules: ["x"], ruleRisks: [{ rule: "x", risk: "safe" }], diff: '+line\n+\u{1F600} "quoted"\r\n' }],
  findings: [],
} as unknown as Report;

function viaSink(value: unknown): string {
  const sink = new StringSink();
  writeJsonTo(value, sink);
  return sink.text();
}

describe("writeJsonTo", () => {
  it("writes what JSON.stringify(value, null, 2) writes, and a newline", () => {
    const values: unknown[] = [
      report,
      {},
      [],
      null,
      "text",
      42,
      { a: [], b: {}, c: [[], [1, [2, { d: "e\nf" }]]], u: undefined, f: () => 1, n: null },
      { list: [undefined, () => 1, { x: undefined }, "s"], nested: { deep: { deeper: ["a\u2028b", "\u{1F600}"] } } },
      { only: undefined },
    ];
    for (const v of values) expect(viaSink(v), JSON.stringify(v)).toBe(`${JSON.stringify(v, null, 2)}\n`);
  });
});

describe("writeReportFiles", () => {
  it("writes report.json, report.md and report.html", async () => {
    const out = mkdtempSync(path.join(dir, "ok-"));
    await writeReportFiles(report, out);
    expect(readdirSync(out).sort()).toEqual(["report.html", "report.json", "report.md"]);
    expect(readFileSync(path.join(out, "report.json"), "utf8")).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(readFileSync(path.join(out, "report.md"), "utf8")).toContain("functions/a.js");
  });

  it("leaves no report file when rendering fails", async () => {
    const out = mkdtempSync(path.join(dir, "fail-"));
    const broken = { ...report, webhooks: null } as unknown as Report;
    await expect(writeReportFiles(broken, out)).rejects.toThrow();
    expect(readdirSync(out)).toEqual([]);
  });
});
