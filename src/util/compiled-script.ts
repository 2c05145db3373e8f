// Worker threads need a JavaScript file. Next to the compiled module (dist/) the worker script is
// a sibling; when a module runs from its TypeScript source (vitest imports src/), Node 20 cannot
// run the `.ts` sibling (no type stripping), so it falls back to the compiled copy in dist/. The
// vitest globalSetup runs `tsc` first, which is why worker-thread code works under test.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * `sibling` relative to `moduleUrl` (the caller's import.meta.url), else `distFromRoot` (a path
 * under the repository root, e.g. "dist/src/migrate/copy-worker.js").
 */
export function compiledScript(moduleUrl: string, sibling: string, distFromRoot: string): URL {
  const near = new URL(sibling, moduleUrl);
  if (existsSync(fileURLToPath(near))) return near;
  const root = new URL("../../", import.meta.url); // src/util/ → repository root, from src/ only
  const dist = new URL(distFromRoot, root);
  if (existsSync(fileURLToPath(dist))) return dist;
  throw new Error(`cannot find the compiled worker script ${fileURLToPath(near)}; run \`npm run build\` first`);
}

/**
 * Runs a one-job worker to its end: resolves when it posts its one message, rejects with its error,
 * or when it exits without posting. The promise never counts as unhandled (callers await it later).
 */
export function runWorker(script: URL, workerData: unknown, what: string): Promise<void> {
  const worker = new Worker(script, { workerData });
  const done = new Promise<void>((resolve, reject) => {
    let finished = false;
    worker.once("message", () => {
      finished = true;
      resolve();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (!finished) reject(new Error(`${what} stopped (exit code ${code}) before it finished`));
    });
  });
  done.catch(() => undefined);
  return done;
}
