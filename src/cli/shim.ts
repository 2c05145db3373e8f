import { writeFile } from "node:fs/promises";
import { createColors } from "picocolors";
import { defaultWorkerCount } from "../runtime/functions/pool.js";
import { routeTable, startShimServer } from "../runtime/server.js";
import { openSession } from "../runtime/session.js";
import { dumpStore } from "../runtime/store/index.js";
import type { Io } from "./io.js";
import { semanticsFrom, type SemanticsFlags } from "./semantics-flags.js";
import { printUsageError } from "./usage.js";

export interface ShimOptions extends SemanticsFlags {
  app: string;
  port: number;
  host: string;
  appId?: string;
  secrets?: string;
  users?: string;
  seed?: string;
  dump?: string;
  mongodbUri?: string;
  environment?: string;
  allowNetwork: boolean;
  /** `--no-sandbox-permissions`: run the function workers outside Node's permission model (README.md, "Security"). */
  sandboxPermissions?: boolean;
  /** `--workers`: function worker threads (default: one per core). */
  workers?: number;
  /** `--max-inflight-body-mb`: request bodies held at once before 503 (default: runtime/limits.ts). */
  maxInflightBodyMb?: number;
}

/** `hookshift shim`: serves until SIGINT/SIGTERM, then writes --dump and exits 0. */
export async function runShim(opts: ShimOptions, io: Io, until?: Promise<void>): Promise<number> {
  const c = createColors(io.color);
  const parsed = semanticsFrom(opts);
  if (!parsed.ok) {
    printUsageError(io, parsed.message, { command: "shim" });
    return 1;
  }
  const sem = parsed.sem;
  const workers = opts.workers ?? defaultWorkerCount();
  let session;
  try {
    session = await openSession({
      workers,
      app: opts.app,
      appId: opts.appId,
      environment: opts.environment,
      secretsFile: opts.secrets,
      usersFile: opts.users,
      seedFile: opts.seed,
      mongodbUri: opts.mongodbUri,
      allowNetwork: opts.allowNetwork,
      sandboxPermissions: opts.sandboxPermissions !== false,
      semantics: sem,
    });
  } catch (e) {
    io.err(`hookshift: error: cannot start the shim: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const server = await startShimServer(session.deps, {
    host: opts.host,
    port: opts.port,
    log: (l) => io.err(l + "\n"),
    ...(opts.maxInflightBodyMb !== undefined ? { maxInflightBodyBytes: Math.round(opts.maxInflightBodyMb * 1024 * 1024) } : {}),
  }).catch((e: Error) => e);
  if (server instanceof Error) {
    await session.close();
    io.err(`hookshift: error: cannot listen on ${opts.host}:${opts.port}: ${server.message}\n`);
    return 1;
  }
  for (const w of session.served.warnings) io.err(c.yellow(`warning: ${w}\n`));
  if (opts.allowNetwork) io.err(c.yellow("warning: --allow-network: functions' context.http calls go out to the network\n"));
  if (opts.sandboxPermissions === false)
    io.err(
      c.yellow(
        "warning: --no-sandbox-permissions: function code runs outside Node's permission model and can read and write your files (README.md, Security)\n",
      ),
    );
  io.out(`hookshift shim serving ${session.served.app.name ?? opts.app} (app id ${session.served.appId}) at ${server.url}\n`);
  for (const r of routeTable(session.deps)) io.out(`  ${r.kind.padEnd(8)} ${r.method.padEnd(6)} ${server.url}${r.path}  ${c.dim(r.target)}\n`);
  io.out(`Functions: ${workers} worker thread${workers === 1 ? "" : "s"}, ${sem.timeLimitMs / 1000} s time limit a call.\n`);
  io.out(`Database: ${opts.mongodbUri ? "MongoDB at --mongodb-uri" : "embedded (in memory)"}. Stop with Ctrl-C.\n`);
  await (until ??
    new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    }));
  await server.close();
  if (opts.dump) await writeFile(opts.dump, await dumpStore(session.deps.store));
  await session.close();
  return 0;
}
