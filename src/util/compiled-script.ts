// Worker threads need a JavaScript file. Next to the compiled module (dist/) the worker script is
// a sibling; when a module runs from its TypeScript source (vitest imports src/), Node 20 cannot
// run the `.ts` sibling (no type stripping), so it falls back to the compiled copy in dist/. The
// vitest globalSetup runs `tsc` first, which is why worker-thread code works under test.
// HOOKSHIFT_TEST_ROOT names another folder that holds dist/ (a private build, while the shared
// dist/ is someone else's work in progress; as HOOKSHIFT_TEST_BIN names its launcher).

import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * `sibling` relative to `moduleUrl` (the caller's import.meta.url), else `distFromRoot` (a path
 * under the repository root, e.g. "dist/src/migrate/copy-worker.js").
 */
export function compiledScript(moduleUrl: string, sibling: string, distFromRoot: string): URL {
  const near = new URL(sibling, moduleUrl);
  if (existsSync(fileURLToPath(near))) return near;
  const other = process.env.HOOKSHIFT_TEST_ROOT;
  const root = other ? pathToFileURL(path.join(other, "/")) : new URL("../../", import.meta.url); // src/util/ → repository root, from src/ only
  const dist = new URL(distFromRoot, root);
  if (existsSync(fileURLToPath(dist))) return dist;
  throw new Error(`cannot find the compiled worker script ${fileURLToPath(near)}; run \`npm run build\` first`);
}

/**
 * Runs a one-job worker to its end: resolves with the one message it posts, rejects with its error,
 * or when it exits without posting. The promise never counts as unhandled (callers await it later).
 */
export function runWorker<T = void>(script: URL, workerData: unknown, what: string): Promise<T> {
  const worker = new Worker(script, { workerData });
  const done = new Promise<T>((resolve, reject) => {
    let finished = false;
    worker.once("message", (message: T) => {
      finished = true;
      resolve(message);
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (!finished) reject(new Error(`${what} stopped (exit code ${code}) before it finished`));
    });
  });
  done.catch(() => undefined);
  return done;
}
