// A seeded slice of the hostile-input campaign (bench/fuzz.mjs, README "Hostile or broken
// input"): mutated app trees through scan and migrate, hostile requests through the shim. Every
// count must stay 0; a failure prints the seed that reruns it alone.

import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers.js";

async function campaign(trees: number, requests: number, seed: number): Promise<{ counts: number[]; code: number | null; out: string }> {
  const args = [path.join(REPO, "bench/fuzz.mjs"), "--trees", String(trees), "--requests", String(requests), "--seed", String(seed), "--tree-time-limit", "30"];
  const child = spawn(process.execPath, args, { env: { ...process.env, NO_COLOR: "1" } });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const summary = /^fuzz: (\d+) trees, (\d+) requests: (\d+) crashes, (\d+) hangs, (\d+) input changes, (\d+) leaks/m.exec(out);
  return { counts: summary ? summary.slice(1).map(Number) : [], code, out };
}

describe("hostile-input campaign (seeded slice)", () => {
  it("trees the full campaign found hanging: a manifest linked to a folder holding a named pipe (seeds 50002, 50510)", async () => {
    for (const seed of [50002, 50510]) {
      const r = await campaign(1, 0, seed);
      expect(r.counts, r.out).toEqual([1, 0, 0, 0, 0, 0]);
    }
  }, 150_000);

  it("40 mutated trees and 300 hostile requests: no crash, hang, input change or leak", async () => {
    const args = [path.join(REPO, "bench/fuzz.mjs"), "--trees", "40", "--requests", "300", "--seed", "20261206", "--tree-time-limit", "30"];
    const child = spawn(process.execPath, args, { env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const summary = /^fuzz: (\d+) trees, (\d+) requests: (\d+) crashes, (\d+) hangs, (\d+) input changes, (\d+) leaks/m.exec(out);
    expect(summary, out).not.toBeNull();
    expect(summary!.slice(1).map(Number), out).toEqual([40, 300, 0, 0, 0, 0]);
    expect(code, out).toBe(0);
  }, 150_000);
});
