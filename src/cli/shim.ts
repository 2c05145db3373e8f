import { writeFile } from "node:fs/promises";
import { createColors } from "picocolors";
import { routeTable, startShimServer } from "../runtime/server.js";
import { applyErrorStatus, defaultSemantics } from "../runtime/semantics.js";
import { openSession } from "../runtime/session.js";
import { dumpStore } from "../runtime/store/index.js";
import type { Io } from "./io.js";

export interface ShimOptions {
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
  errorStatus: string[];
  webhookNoResultStatus: number;
  endpointNoResultStatus: number;
  headerCase: "canonical" | "as-sent";
  querySecret: "visible" | "hidden";
  rawQueryQuestionMark: boolean;
  webhookEmptyBody: "undefined" | "empty-binary";
  webhookSignatureOver: "raw" | "ejson";
  timeLimit: number;
}

/** `hookshift shim`: serves until SIGINT/SIGTERM, then writes --dump and exits 0. */
export async function runShim(opts: ShimOptions, io: Io, until?: Promise<void>): Promise<number> {
  const c = createColors(io.color);
  const sem = defaultSemantics();
  const bad = applyErrorStatus(sem, opts.errorStatus);
  if (bad) {
    io.err(`hookshift: ${bad}\n`);
    return 1;
  }
  sem.webhookNoResultStatus = opts.webhookNoResultStatus;
  sem.endpointNoResultStatus = opts.endpointNoResultStatus;
  sem.headerCase = opts.headerCase;
  sem.querySecretVisible = opts.querySecret === "visible";
  sem.rawQueryLeadingQuestionMark = opts.rawQueryQuestionMark;
  sem.webhookEmptyBody = opts.webhookEmptyBody;
  sem.webhookSignatureOver = opts.webhookSignatureOver;
  sem.timeLimitMs = opts.timeLimit * 1000;
  let session;
  try {
    session = await openSession({
      app: opts.app,
      appId: opts.appId,
      environment: opts.environment,
      secretsFile: opts.secrets,
      usersFile: opts.users,
      seedFile: opts.seed,
      mongodbUri: opts.mongodbUri,
      allowNetwork: opts.allowNetwork,
      semantics: sem,
    });
  } catch (e) {
    io.err(`hookshift: cannot start the shim: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  const server = await startShimServer(session.deps, { host: opts.host, port: opts.port, log: (l) => io.err(l + "\n") }).catch((e: Error) => e);
  if (server instanceof Error) {
    await session.close();
    io.err(`hookshift: cannot listen on ${opts.host}:${opts.port}: ${server.message}\n`);
    return 1;
  }
  for (const w of session.served.warnings) io.err(c.yellow(`warning: ${w}\n`));
  if (opts.allowNetwork) io.err(c.yellow("warning: --allow-network: functions' context.http calls go out to the network\n"));
  io.out(`hookshift shim serving ${session.served.app.name ?? opts.app} (app id ${session.served.appId}) at ${server.url}\n`);
  for (const r of routeTable(session.deps)) io.out(`  ${r.kind.padEnd(8)} ${r.method.padEnd(6)} ${server.url}${r.path}  ${c.dim(r.target)}\n`);
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
