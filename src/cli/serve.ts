// `hookshift serve`: parse → startServe → wait for a signal → graceful stop. JSON logs go to
// stdout (one object a line, pino); problems that stop the start go to stderr as plain text.

import cluster from "node:cluster";
import { createColors } from "picocolors";
import { pino, type DestinationStream, type Logger } from "pino";
import { defaultWorkerCount } from "../runtime/functions/pool.js";
import { DEFAULT_LIMITS, type RuntimeLimits } from "../runtime/limits.js";
import { ServeStartError, startServe, type DatabaseChoice } from "../serve/start.js";
import type { Io } from "./io.js";
import { semanticsFrom, type SemanticsFlags } from "./semantics-flags.js";
import { printUsageError } from "./usage.js";

export interface ServeOptions extends SemanticsFlags {
  app: string;
  port: number;
  host: string;
  appId?: string;
  environment?: string;
  webhooks: boolean;
  mongodbUri?: string;
  embedded: boolean;
  seed?: string;
  dump?: string;
  secrets?: string;
  users?: string;
  allowNetwork: boolean;
  allowHost?: string[];
  sandboxPermissions?: boolean;
  maxBodyMb?: number;
  maxHeaderKb?: number;
  memoryLimitMb?: number;
  poolSize?: number;
  requestTimeout?: number;
  maxInflightBodyMb?: number;
  shutdownTimeout: number;
  logLevel: string;
  authDb?: string;
}

export interface ServeEnvironment {
  env: NodeJS.ProcessEnv;
  /** Where the JSON log goes (default: stdout). */
  logStream?: DestinationStream;
  /** Resolves with the signal that asks for a stop (default: the first SIGTERM or SIGINT). */
  stopSignal?: Promise<string>;
}

const MB = 1024 * 1024;

/** The limits the options ask for, every unset one from DEFAULT_LIMITS. */
function limitsFrom(opts: ServeOptions): RuntimeLimits {
  const l = { ...DEFAULT_LIMITS };
  if (opts.maxBodyMb !== undefined) l.maxBodyBytes = Math.round(opts.maxBodyMb * MB);
  if (opts.maxHeaderKb !== undefined) l.maxHeaderBytes = Math.round(opts.maxHeaderKb * 1024);
  if (opts.timeLimit !== undefined) l.timeLimitMs = Math.round(opts.timeLimit * 1000);
  if (opts.memoryLimitMb !== undefined) l.memoryLimitMb = opts.memoryLimitMb;
  if (opts.requestTimeout !== undefined) l.requestTimeoutMs = Math.round(opts.requestTimeout * 1000);
  if (opts.maxInflightBodyMb !== undefined) l.maxInflightBodyBytes = Math.round(opts.maxInflightBodyMb * MB);
  return l;
}

/** Which database: --mongodb-uri, else MONGODB_URI, else --embedded; neither is an error. */
export function databaseFrom(opts: ServeOptions, env: NodeJS.ProcessEnv): DatabaseChoice | { error: string } {
  const uri = opts.mongodbUri ?? (env.MONGODB_URI || undefined);
  if (uri && opts.embedded) return { error: `give either ${opts.mongodbUri ? "--mongodb-uri" : "MONGODB_URI"} or --embedded, not both` };
  if (uri) {
    if (opts.seed || opts.dump) return { error: "--seed and --dump go with --embedded only (load your MongoDB with mongorestore or mongoimport)" };
    return { kind: "driver", uri };
  }
  if (opts.embedded) return { kind: "embedded", seed: opts.seed, dump: opts.dump };
  return {
    error: "serve needs a database: give --mongodb-uri <uri> (or set MONGODB_URI) for your MongoDB, or --embedded for an in-memory one (data is lost at exit)",
  };
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * serve's exit code when a stop reached --shutdown-timeout with requests still running (they were
 * cut off): the stop worked, but some callers got no answer, which an orchestrator or a deploy
 * script may want to tell from a clean stop (0). Documented in README.md and docs/deploy.md.
 */
export const SHUTDOWN_CUT_SHORT_EXIT_CODE = 3;

export async function runServe(opts: ServeOptions, io: Io, envIn: ServeEnvironment = { env: process.env }): Promise<number> {
  const c = createColors(io.color);
  const parsed = semanticsFrom(opts);
  if (!parsed.ok) {
    printUsageError(io, parsed.message, { command: "serve" });
    return 1;
  }
  const database = databaseFrom(opts, envIn.env);
  if ("error" in database) {
    printUsageError(io, database.error, { command: "serve" });
    return 1;
  }
  const logger: Logger = pino(
    {
      level: opts.logLevel,
      base: { service: "hookshift-serve", pid: process.pid },
      // Level names and ISO times read better in log search than pino's numbers.
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Belt and braces: no field of these names is ever logged with its value.
      redact: { paths: ["secret", "password", "apiKey", "authorization", "*.secret", "*.password", "*.apiKey", "*.authorization"], censor: "«redacted»" },
    },
    envIn.logStream ?? pino.destination({ dest: 1, sync: true }),
  );
  if (database.kind === "embedded") {
    io.err(
      c.bold(
        c.yellow(
          "WARNING: --embedded: the database lives in this process's memory. Every write is lost when the server stops, and each --workers process has its own copy. Use --mongodb-uri in production.\n",
        ),
      ),
    );
    logger.warn({ event: "database" }, "embedded in-memory database: data is lost at exit");
  }
  let running;
  try {
    running = await startServe({
      app: opts.app,
      appId: opts.appId,
      environment: opts.environment,
      host: opts.host,
      port: opts.port,
      webhooks: opts.webhooks,
      database,
      secretsFile: opts.secrets,
      env: envIn.env,
      usersFile: opts.users,
      allowNetwork: opts.allowNetwork || (opts.allowHost?.length ?? 0) > 0,
      allowHosts: opts.allowHost,
      sandboxPermissions: opts.sandboxPermissions !== false,
      semantics: parsed.sem,
      limits: limitsFrom(opts),
      poolSize: opts.poolSize ?? defaultWorkerCount(),
      authDb: opts.authDb,
      logger,
    });
  } catch (e) {
    const why = e instanceof ServeStartError ? e.message : `cannot start: ${e instanceof Error ? e.message : String(e)}`;
    io.err(`hookshift: error: ${why}\n`);
    logger.fatal({ event: "start-failed" }, "serve could not start");
    return 1;
  }
  for (const w of running.served.warnings) logger.warn({ event: "app-warning" }, w);
  if (opts.host !== "127.0.0.1" && opts.host !== "::1" && opts.host !== "localhost")
    logger.warn({ event: "listen", host: opts.host }, `listening on ${opts.host}: reachable from other machines`);
  logger.info(
    {
      event: "listening",
      url: running.url,
      appId: running.served.appId,
      routes: running.routes.map((r) => `${r.method} ${r.path}`),
      logins: running.logins,
      secrets: running.secretSources,
    },
    `serving ${running.served.app.name ?? opts.app} at ${running.url}`,
  );
  io.err(
    `hookshift serve: ${running.routes.length} route${running.routes.length === 1 ? "" : "s"} at ${running.url} (health ${running.url}/healthz, readiness /readyz, metrics /metrics). Stop with SIGTERM or Ctrl-C.\n`,
  );
  if (running.logins.length > 0)
    io.err(`Logins (${running.logins.join(", ")}): POST ${running.url}/api/client/v2.0/app/${running.served.appId}/auth/providers/<provider>/login\n`);

  // A --workers process stops on its primary's SIGTERM only: Ctrl-C reaches every process of the
  // terminal's group, and the primary passes it on as SIGTERM (serve-cluster.ts).
  const signals = cluster.isWorker ? (["SIGTERM"] as const) : (["SIGINT", "SIGTERM"] as const);
  if (cluster.isWorker) process.on("SIGINT", () => undefined);
  const signal = await (envIn.stopSignal ??
    new Promise<string>((resolve) => {
      for (const s of signals) process.once(s, () => resolve(s));
    }));
  // A second signal during the stop: exit at once, with the conventional 128 + signal number.
  for (const s of signals) {
    process.once(s, () => {
      logger.warn({ event: "shutdown", signal: s }, "second signal: exiting at once");
      process.exit(128 + SIGNAL_NUMBERS[s]!);
    });
  }
  logger.info({ event: "shutdown", signal, deadlineSeconds: opts.shutdownTimeout }, "stopping: no new connections; finishing the requests in flight");
  const { finished } = await running.shutdown(opts.shutdownTimeout * 1000);
  if (finished) {
    logger.info({ event: "stopped" }, "stopped: every request in flight was answered");
    return 0;
  }
  logger.warn(
    { event: "stopped", exitCode: SHUTDOWN_CUT_SHORT_EXIT_CODE },
    `stopped: requests still running after --shutdown-timeout ${opts.shutdownTimeout}s were cut off`,
  );
  io.err(
    `hookshift serve: stopped with requests still running after --shutdown-timeout ${opts.shutdownTimeout}s; they were cut off (exit ${SHUTDOWN_CUT_SHORT_EXIT_CODE}). Give a longer --shutdown-timeout, and your orchestrator a longer stop grace period, if they should finish.\n`,
  );
  return SHUTDOWN_CUT_SHORT_EXIT_CODE;
}
