// The layers of src/ (.dependency-cruiser.cjs): no module imports one above it, and no import
// cycle. Run by hand with `npm run lint:layers`; here so that CI fails on a violation.

import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers.js";

const CRUISER = path.join(REPO, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

function cruise(dir: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [CRUISER, dir, "--config", ".dependency-cruiser.cjs", "--output-type", "err"], { cwd: REPO, encoding: "utf8" });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("layers", () => {
  it("src/ keeps its import rules (dependency-cruiser)", () => {
    const r = cruise("src");
    expect(r.output).toContain("no dependency violations found");
    expect(r.status, r.output).toBe(0);
  }, 60_000);
});
