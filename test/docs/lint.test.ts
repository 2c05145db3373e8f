// The code's house style, checked on every `npm test` so that CI fails on a drift: Biome's linter
// and formatter (biome.json; `npm run lint`, `npm run format:check`) and knip's search for unused
// files, exports and dependencies (knip.json; `npm run knip`). Each runs as the CLI a contributor
// runs by hand, so a failure here reads the same as at the terminal.

import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers.js";

const BIOME = path.join(REPO, "node_modules/@biomejs/biome/bin/biome");
const KNIP = path.join(REPO, "node_modules/knip/bin/knip.js");

function run(bin: string, args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("house style", () => {
  it("biome lint finds nothing (warnings count)", () => {
    const r = run(BIOME, ["lint", "--error-on-warnings", "--max-diagnostics=50", "."]);
    expect(r.output).toMatch(/Checked \d+ files/);
    expect(r.status, r.output).toBe(0);
  }, 60_000);

  it("every file is formatted as biome.json says", () => {
    const r = run(BIOME, ["format", "--max-diagnostics=50", "."]);
    expect(r.output).toMatch(/Checked \d+ files/);
    expect(r.status, r.output).toBe(0);
  }, 60_000);

  it("knip finds no unused file, export, type or dependency", () => {
    const r = run(KNIP, ["--no-progress"]);
    expect(r.status, r.output).toBe(0);
  }, 120_000);
});
