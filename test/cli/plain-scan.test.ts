// `scan <folders…> [--json]` runs without yargs (src/cli/plain-scan.ts): it must take exactly the
// forms whose meaning is plain, and answer as the yargs path does, output and exit code alike.

import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { plainScanArgs } from "../../src/cli/plain-scan.js";
import { REPO, fixture } from "../helpers.js";

// HOOKSHIFT_TEST_BIN: a private build's launcher (as the fleet tests take it).
const BIN = process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin/hookshift.js");

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const { status, stdout, stderr } = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { status, stdout, stderr };
}

describe("scan without yargs", () => {
  it("takes folders and one --json, in any order", () => {
    expect(plainScanArgs(["scan", "./a", "b"])).toEqual({ dirs: ["./a", "b"], json: false });
    expect(plainScanArgs(["scan", "--json", "./a"])).toEqual({ dirs: ["./a"], json: true });
    expect(plainScanArgs(["scan", "./a", "--json"])).toEqual({ dirs: ["./a"], json: true });
  });

  it("leaves every other form to yargs: options, help, no folder, a folder like an option or a number or named help", () => {
    for (const argv of [
      ["scan"],
      ["scan", "--json"],
      ["scan", "./a", "--json", "--json"],
      ["scan", "./a", "--no-color"],
      ["scan", "./a", "--json=false"],
      ["scan", "./a", "--help"],
      ["scan", "./a", "-h"],
      ["scan", "./a", "--"],
      ["scan", "-x"],
      ["scan", "0x10"],
      ["scan", "1e3"],
      ["scan", ""],
      ["scan", "help"],
      ["scan", "./a", "help"],
      ["migrate", "./a"],
      ["--json", "scan", "./a"],
    ]) {
      expect(plainScanArgs(argv), argv.join(" ")).toBeUndefined();
    }
  });

  it("answers as yargs does (an option the plain form does not take sends the same request through yargs)", () => {
    for (const args of [[fixture("demo")], [fixture("demo"), "--json"], [path.join(REPO, "fixtures/apps")], [path.join(REPO, "no-such-folder"), "--json"]]) {
      const plain = run(["scan", ...args]);
      const viaYargs = run(["scan", ...args, "--no-color"]);
      expect(plain.stdout.length, args.join(" ")).toBeGreaterThan(0);
      expect(plain, args.join(" ")).toEqual(viaYargs);
    }
  });
});
