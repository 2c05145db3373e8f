// Helpers of the fleet tests: the real CLI in a child process (a fleet runs its apps in worker
// processes, which need compiled code), and fleet workspaces made of fixture apps.
//
// The CLI is bin/hookshift.js (dist/, built by test/global-setup.ts); HOOKSHIFT_TEST_BIN points at
// another launcher (a private build while the shared dist/ is someone else's work in progress).

import { spawn, spawnSync } from "node:child_process";
import { cp, mkdir } from "node:fs/promises";
import path from "node:path";
import { FIXTURES, REPO, tempDir } from "../helpers.js";

export const BIN = process.env.HOOKSHIFT_TEST_BIN ?? path.join(REPO, "bin", "hookshift.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function hookshift(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", COLUMNS: "100" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI started in the background (to be killed). */
export function start(cwd: string, ...args: string[]) {
  return spawn(process.execPath, [BIN, ...args], { cwd, stdio: "ignore", env: { ...process.env, NO_COLOR: "1" } });
}

/** A work folder holding `apps` (fixture name → path inside the folder). */
export async function fleetWorkspace(apps: Record<string, string>): Promise<string> {
  const dir = await tempDir("hookshift-fleet-");
  for (const [name, at] of Object.entries(apps)) {
    await mkdir(path.dirname(path.join(dir, at)), { recursive: true });
    await cp(path.join(FIXTURES, name), path.join(dir, at), { recursive: true, verbatimSymlinks: true });
  }
  return dir;
}
