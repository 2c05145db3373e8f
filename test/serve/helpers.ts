// Shared by the serve tests: the test app, where the CLI lives, and a CLI child process that
// reports its URL once it listens.

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REPO } from "../helpers.js";

/** test/serve/app: endpoints for serve's behaviours (a Secret with a dash, a slow, a failing and a looping function). */
export const SERVE_APP = path.join(path.dirname(fileURLToPath(import.meta.url)), "app");
export const SERVE_APP_ID = "servetest-abcde";
export const ep = (route: string) => `/app/${SERVE_APP_ID}/endpoint${route}`;

/**
 * The built CLI. HOOKSHIFT_TEST_ROOT points at another build of this repository (a folder with
 * bin/ and dist/), for runs that must not touch the shared dist/; by default the repository's own.
 */
export const CLI = path.join(process.env.HOOKSHIFT_TEST_ROOT ?? REPO, "bin", "hookshift.js");

export interface ServeChild {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts `hookshift serve <args>` and resolves once /healthz answers (the URL comes from its JSON log). */
export async function startServeCli(args: string[], env: Record<string, string> = {}): Promise<ServeChild> {
  const child = spawn(process.execPath, [CLI, "serve", ...args], { env: { ...process.env, NO_COLOR: "1", ...env } });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => {
      // Not left running after the test that waited for it failed.
      child.kill("SIGTERM");
      reject(new Error(`serve did not start: ${out} ${err}`));
    }, 40_000);
    const check = () => {
      const m = /"event":"listening","url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    child.stdout.on("data", check);
    void exit.then((c) => {
      clearTimeout(t);
      reject(new Error(`serve exited (${c}) before listening: ${out} ${err}`));
    });
  });
  return { child, url, stdout: () => out, stderr: () => err, exit };
}

/** Runs `hookshift serve <args>` to its end (for start-up errors). */
export function runServeCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "serve", ...args], { env: { ...process.env, NO_COLOR: "1", ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => resolve({ code, stdout: out, stderr: err }));
  });
}

/** The JSON log lines a serve process wrote. */
export function logLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
