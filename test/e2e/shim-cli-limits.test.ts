// `hookshift shim` limits as a user sets them (issue 16, items 10-13): --workers (default one per
// core), the time limit it prints, --max-inflight-body-mb, 400 for a malformed query escape, and a
// secret hidden in the request log however its name is escaped.

import { spawn, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fixture, REPO } from "../helpers.js";

// HOOKSHIFT_TEST_BIN: a private build's launcher (as the fleet tests take it).
const BIN = process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin/hookshift.js");
const HOOK = "/api/client/v2.0/app/shimbasic-abcde/service/api/incoming_webhook";

async function startShim(args: string[]) {
  const child = spawn(process.execPath, [BIN, "shim", fixture("shim-basic"), "--port", "0", ...args], { env: { ...process.env, NO_COLOR: "1" } });
  const out = { stdout: "", stderr: "" };
  child.stdout.on("data", (d) => (out.stdout += d));
  child.stderr.on("data", (d) => (out.stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`shim did not start: ${out.stdout} ${out.stderr}`)), 20_000);
    child.stdout.on("data", () => {
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)/.exec(out.stdout);
      if (m && out.stdout.includes("Stop with Ctrl-C")) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      child.on("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
  return { url, out, stop };
}

describe("hookshift shim: limits", () => {
  it("--workers, --time-limit and --max-inflight-body-mb; a malformed query escape gets 400; an escaped secret name is redacted", async () => {
    const shim = await startShim(["--workers", "2", "--time-limit", "30", "--max-inflight-body-mb", "1"]);
    try {
      expect(shim.out.stdout).toContain("Functions: 2 worker threads, 30 s time limit a call.");
      const bad = await fetch(`${shim.url}${HOOK}/anything?%ZZ=1`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error_code: "InvalidParameter" });
      const ok = await fetch(`${shim.url}${HOOK}/created?%73ecret=fixture-secret-21`, { method: "POST", body: "{}" });
      expect(ok.status).toBe(201);
      const big = await fetch(`${shim.url}${HOOK}/anything`, { method: "POST", body: "x".repeat(1_500_000) });
      expect(big.status).toBe(503);
    } finally {
      expect(await shim.stop()).toBe(0);
    }
    expect(shim.out.stderr).toMatch(/GET \/api\/.*\/anything\?%ZZ=1 → 400 bad-request/);
    expect(shim.out.stderr).toMatch(/POST \/api\/.*\/created\?%73ecret=«redacted» → 201 ok/);
    expect(shim.out.stderr).toMatch(/POST \/api\/.*\/anything → 503 busy/);
    expect(shim.out.stderr).not.toContain("fixture-secret-21");
  }, 40_000);

  it("the default is one worker per core and App Services' 300 s time limit; --workers 0 is a usage error", async () => {
    const shim = await startShim([]);
    const n = Math.max(1, os.availableParallelism());
    try {
      expect(shim.out.stdout).toContain(`Functions: ${n} worker thread${n === 1 ? "" : "s"}, 300 s time limit a call.`);
    } finally {
      await shim.stop();
    }
    const bad = spawnSync(process.execPath, [BIN, "shim", fixture("shim-basic"), "--workers", "0"], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--workers must be a whole number 1 or more, not '?0'?/);
  }, 40_000);
});
