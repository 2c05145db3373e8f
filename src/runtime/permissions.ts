// Node's permission model for the function workers (README.md, "Security"). node:vm is no
// security boundary (harden.ts says what function code reaches through it), so the worker threads
// that run function code start under Node 20's `--experimental-permission`
// (https://nodejs.org/docs/latest-v20.x/api/permissions.html#process-based-permissions): file
// reads only below hookshift's own folder (its compiled code and node_modules) and the app's
// `functions/node_modules`, no file writes, no child processes, no further workers, no native
// addons. In Node 20 the model is per thread: a worker started with these flags runs under it
// while the main thread (the server, the database driver, the writes of --dump and --report) does
// not, and a worker started without them would run outside it even in a process that runs under
// it. Node 20's model does not cover the network (harden.ts refuses it in the worker) and closes
// the inspector, so verify's coverage and the permission model exclude each other.

import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** hookshift's own folder: the nearest folder above this module with hookshift's package.json. */
export function hookshiftRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "bin", "hookshift.js"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
    dir = up;
  }
}

/** The path and, when it differs, its real path (Node resolves links before it checks). */
function withRealPath(p: string): string[] {
  const abs = path.resolve(p);
  try {
    const real = realpathSync(abs);
    return real === abs ? [abs] : [abs, real];
  } catch {
    return [abs];
  }
}

/** Packages the worker's own code imports (bson for EJSON, jsonwebtoken for the auth helpers). */
const WORKER_PACKAGES = ["bson", "jsonwebtoken"];

/**
 * The node_modules folders the worker's packages load from. Installed as a project's dependency,
 * npm hoists them beside hookshift (`<project>/node_modules/bson`), outside hookshift's folder.
 */
function packageFolders(): string[] {
  const require = createRequire(import.meta.url);
  const marker = `${path.sep}node_modules${path.sep}`;
  const out: string[] = [];
  for (const name of WORKER_PACKAGES) {
    try {
      const entry = require.resolve(name);
      const at = entry.lastIndexOf(marker);
      if (at >= 0) out.push(entry.slice(0, at + marker.length - 1));
    } catch {
      // not installed: the worker's import fails with its own message
    }
  }
  return out;
}

/** The folders a function worker reads: hookshift's own, its packages', and the app's `functions/node_modules` (for `require`). */
export function functionReadPaths(nodeModules?: string): string[] {
  const paths = [...withRealPath(hookshiftRoot()), ...packageFolders().flatMap(withRealPath)];
  if (nodeModules) paths.push(...withRealPath(nodeModules));
  return [...new Set(paths)];
}

/**
 * The worker's execArgv: the permission model with file reads below `read` (an existing folder
 * allows its subtree; Node 20 takes one path per flag), nothing else allowed. Node 20.20 aborts the
 * whole process when a worker gets the same path twice, or a folder and its `/*`, so each path
 * goes once and paths inside another are left out. The experimental warning is hookshift's
 * business, not the user's.
 */
export function workerPermissionArgs(read: string[]): string[] {
  const abs = [...new Set(read.map((p) => path.resolve(p)))].sort();
  const kept = abs.filter((p) => !abs.some((q) => q !== p && p.startsWith(q.endsWith(path.sep) ? q : q + path.sep)));
  return ["--experimental-permission", "--disable-warning=ExperimentalWarning", ...kept.map((p) => `--allow-fs-read=${p}`)];
}

/** What of the environment a function worker sees (its `process.env`): the locale and time zone, nothing else. */
const WORKER_ENV = ["TZ", "LANG", "LC_ALL", "HOOKSHIFT_UNSAFE_NO_WORKER_HARDENING"];

/**
 * The function workers' environment. The user's environment holds credentials (cloud keys,
 * database URIs) that function code reaching the worker's `process` could answer with.
 */
export function workerEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of WORKER_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
