// The `require` global
// (https://www.mongodb.com/docs/atlas/app-services/functions/javascript-support/#js-support-builtin-modules):
// the Node built-ins App Services supports, and the app's own npm dependencies from its
// functions/node_modules, never hookshift's.

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { checkModule, type RefusalSink } from "./harden.js";

/** Fully supported Node built-ins. */
const SUPPORTED_MODULES = [
  "assert",
  "buffer",
  "events",
  "net",
  "os",
  "path",
  "punycode",
  "querystring",
  "stream",
  "string_decoder",
  "timers",
  "tls",
  "tty",
  "url",
  "zlib",
] as const;
/** Partially supported Node built-ins (the shim hands out the real module, except `process`). */
const PARTIAL_MODULES = ["crypto", "dns", "dgram", "fs", "process", "util"] as const;
/** Built-ins App Services refuses. */
const REFUSED_MODULES = ["child_process", "cluster", "domain", "readline", "v8", "vm"] as const;

const nodeRequire = createRequire(import.meta.url);
const allowed = new Set<string>([...SUPPORTED_MODULES, ...PARTIAL_MODULES]);
const refused = new Set<string>(REFUSED_MODULES);

/** `process` with what a function may reasonably read; no `exit`, `kill`, real `env` … (inferred). */
function limitedProcess() {
  return Object.freeze({
    env: {},
    version: process.version,
    versions: { ...process.versions },
    platform: process.platform,
    arch: process.arch,
    argv: [],
    nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => process.nextTick(fn, ...args),
    hrtime: process.hrtime,
    uptime: () => process.uptime(),
    cwd: () => "/",
    memoryUsage: () => process.memoryUsage(),
  });
}

class ModuleNotSupportedError extends Error {
  override name = "Error";
}

/** The `require` global: supported and partially supported built-ins only. */
/**
 * The app's own npm dependencies. App Services lets functions `require` the packages added to the
 * app (by name, a `functions/package.json`, or an uploaded `node_modules`:
 * https://www.mongodb.com/docs/atlas/app-services/functions/dependencies/). The shim loads them
 * from the app's `functions/node_modules` folder only, never from hookshift's own packages.
 */
export interface AppDependencies {
  /** Absolute path of the app's `functions/node_modules`, when the export has one. */
  nodeModules?: string;
  /** Package names `functions/package.json` lists (for the message when they are not installed). */
  declared?: string[];
}

/** `lodash/cloneDeep` → `lodash`; `@scope/pkg/sub` → `@scope/pkg`; undefined for anything else. */
function packageName(spec: string): string | undefined {
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  if (!name || name.startsWith(".") || (spec.startsWith("@") && parts.length < 2)) return undefined;
  return /^(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*$/i.test(name) ? name : undefined;
}

/** Loads `spec` from `nodeModules` (and nowhere else), or says why it cannot. */
function requireDependency(spec: string, deps: AppDependencies): unknown {
  const name = packageName(spec);
  const listed = name !== undefined && (deps.declared ?? []).includes(name);
  if (name === undefined || !deps.nodeModules || !existsSync(path.join(deps.nodeModules, name))) {
    const why = listed
      ? deps.nodeModules
        ? `"${name}" is listed in functions/package.json but not installed in functions/node_modules (run npm install in the app's functions folder)`
        : `"${name}" is listed in functions/package.json but the app has no functions/node_modules (run npm install in the app's functions folder)`
      : "it is neither a Node built-in App Services supports nor a package in the app's functions/node_modules";
    throw new ModuleNotSupportedError(`require("${spec}"): module not available in the hookshift shim: ${why}`);
  }
  // Resolved from a file inside functions/node_modules, the package is found there first; the
  // check afterwards refuses anything that resolved outside it.
  const appRequire = createRequire(path.join(deps.nodeModules, "hookshift-app-require.js"));
  const resolved = appRequire.resolve(spec);
  const root = path.resolve(deps.nodeModules) + path.sep;
  if (!path.resolve(resolved).startsWith(root)) {
    throw new ModuleNotSupportedError(`require("${spec}"): resolved outside the app's functions/node_modules (${resolved})`);
  }
  return appRequire(resolved);
}

/**
 * `sandbox`: where a refusal is recorded and whether the call may use the network. The shim refuses
 * more than App Services (harden.ts): the file system, child processes and worker threads always,
 * the network modules unless --allow-network (README.md, "Security").
 */
export function makeRequire(deps: AppDependencies = {}, sandbox: { allowNetwork?: boolean; sink?: RefusalSink } = {}) {
  return function require(name: unknown): unknown {
    const spec = String(name);
    const bare = spec.startsWith("node:") ? spec.slice(5) : spec;
    const base = bare.split("/")[0] ?? bare;
    if (refused.has(base)) {
      sandbox.sink?.outbound.push({ kind: "require", args: JSON.stringify([spec]), sent: false });
      throw new ModuleNotSupportedError(`require("${spec}"): the "${base}" module is not supported by App Services functions`);
    }
    checkModule("require", spec, sandbox.allowNetwork ?? false, sandbox.sink);
    if (allowed.has(base)) {
      if (base === "process") return limitedProcess();
      return nodeRequire(`node:${bare}`);
    }
    if (bare.startsWith(".") || bare.startsWith("/")) {
      throw new ModuleNotSupportedError(`require("${spec}"): App Services functions cannot import other files; use context.functions.execute`);
    }
    if (spec.startsWith("node:")) {
      throw new ModuleNotSupportedError(`require("${spec}"): not a Node built-in App Services supports`);
    }
    return requireDependency(spec, deps);
  };
}
