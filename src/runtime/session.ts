// Opens everything one served app needs: the app model, its secrets and users, a database, the
// function runtime, and the semantics. `shim` serves it over HTTP; `verify` calls it directly.

import { readFile } from "node:fs/promises";
import path from "node:path";
import { readApp } from "../app/read/index.js";
import { buildServedApp, readSecretsFile, type ServedApp } from "./app-spec.js";
import { storeBackend } from "./functions/db-bridge.js";
import { FunctionRuntime } from "./functions/pool.js";
import { functionReadPaths } from "./permissions.js";
import type { ScriptCoverage } from "./functions/protocol.js";
import type { PipelineDeps } from "./pipeline.js";
import { defaultSemantics, type Semantics } from "./semantics.js";
import { loadSeedFile, openStore } from "./store/index.js";
import type { Store } from "./store/types.js";
import { parseUsersFile, UserStore, type UsersFile } from "./users.js";

export interface SessionOptions {
  app: string;
  appId?: string;
  environment?: string;
  secretsFile?: string;
  secrets?: Record<string, string>;
  usersFile?: string;
  users?: UsersFile;
  seedFile?: string;
  seedText?: string;
  mongodbUri?: string;
  allowNetwork?: boolean;
  semantics?: Semantics;
  /** An already open store (verify shares none between runs, but tests may). */
  store?: Store;
  /** Collect V8 coverage of the function scripts (verify): see Session.takeCoverage. */
  coverage?: boolean;
  /**
   * Run the function workers under Node's permission model (permissions.ts; default true,
   * `--no-sandbox-permissions` turns it off). Not with `coverage`: Node 20's model closes the inspector.
   */
  sandboxPermissions?: boolean;
  /** Function worker threads (default 1; `shim --workers`, whose default is one per core). */
  workers?: number;
  /** Memory limit of each function worker (default DEFAULT_LIMITS.memoryLimitMb). */
  memoryLimitMb?: number;
  /** Open a `mongodbUri` store without waiting for the server (serve: /readyz reports it). */
  lazyStore?: boolean;
  /** Values that replace the app's own, given the app's Value names (serve: HOOKSHIFT_VALUE_<name>). */
  valueOverrides?: (names: string[]) => Record<string, unknown>;
  /** context.http may reach only these hosts (with allowNetwork); empty or absent: any host. */
  allowHosts?: string[];
}

export interface Session {
  deps: PipelineDeps;
  served: ServedApp;
  /** What function scripts (or the one named `url`, and its tagged copies `url#tag`) ran since the previous take ([] without the `coverage` option); see coverage.ts. */
  takeCoverage(url?: string): Promise<ScriptCoverage[]>;
  close(): Promise<void>;
}

export async function openSession(opts: SessionOptions): Promise<Session> {
  const app = await readApp(path.resolve(opts.app));
  const secrets = opts.secrets ?? (opts.secretsFile ? await readSecretsFile(opts.secretsFile) : {});
  const served = await buildServedApp(app, { appId: opts.appId, environment: opts.environment, secrets });
  const usersFile = opts.users ?? (opts.usersFile ? parseUsersFile(await readFile(opts.usersFile, "utf8"), opts.usersFile) : {});
  if (opts.valueOverrides) Object.assign(served.spec.values, opts.valueOverrides(Object.keys(served.spec.values)));
  const store = opts.store ?? (await openStore({ mongodbUri: opts.mongodbUri, lazy: opts.lazyStore }));
  const seed = opts.seedText ?? (opts.seedFile ? await readFile(opts.seedFile, "utf8") : undefined);
  if (seed !== undefined) await loadSeedFile(store, seed);
  // The database is looked up per call: verify swaps in a fresh store for every run.
  let deps: PipelineDeps | undefined;
  const runtime = new FunctionRuntime({
    db: storeBackend(() => deps!.store),
    coverage: opts.coverage,
    workers: opts.workers,
    memoryLimitMb: opts.memoryLimitMb,
    ...(opts.sandboxPermissions !== false ? { permissions: { read: functionReadPaths(served.spec.dependencies?.nodeModules) } } : {}),
    allowNetwork: opts.allowNetwork ?? false,
    allowHosts: opts.allowHosts,
  });
  runtime.setApp(served.spec);
  deps = {
    served,
    runner: runtime,
    users: new UserStore(usersFile),
    store,
    sem: opts.semantics ?? defaultSemantics(),
    allowNetwork: opts.allowNetwork ?? false,
  };
  return {
    deps: deps!,
    served,
    takeCoverage: (url) => runtime.takeCoverage(url),
    close: async () => {
      await runtime.close();
      if (!opts.store) await store.close();
    },
  };
}
