// writeReportFiles: the three files appear together, report.json is the JSON text byte for byte
// (also where an emoji straddles the slices it is written in), and a failure leaves no file.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/report/build.js";
import { SLICE, writeReportFiles } from "../../src/report/render-files.js";

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
  webhooks: [],
  files: [],
  findings: [],
} as unknown as Report;

describe("writeReportFiles", () => {
  it("writes report.json as the JSON text and a newline, even with a surrogate pair across a slice boundary", async () => {
    for (const shift of [-2, -1, 0, 1]) {
      const out = mkdtempSync(path.join(dir, "ok-"));
      // At shift 0 the emoji's first half is the last unit of the first slice.
      const json = `"${"x".repeat(SLICE - 2 + shift)}\u{1F600}\u{1F600}"`;
      await writeReportFiles(report, json, out);
      expect(readFileSync(path.join(out, "report.json"), "utf8"), `shift ${shift}`).toBe(json + "\n");
      expect(readdirSync(out).sort()).toEqual(["report.html", "report.json", "report.md"]);
    }
  });

  it("leaves no report file when rendering fails", async () => {
    const out = mkdtempSync(path.join(dir, "fail-"));
    const broken = { ...report, webhooks: null } as unknown as Report;
    await expect(writeReportFiles(broken, "{}", out)).rejects.toThrow();
    expect(readdirSync(out)).toEqual([]);
    expect(existsSync(path.join(out, "report.json"))).toBe(false);
  });
});
