// `hookshift serve`: the shim's request pipeline (runtime/server.ts startHttpServer, the same
// endpoint and webhook code) as a production server: Secrets checked at start, the user's
// MongoDB through the driver (or the embedded store when asked), JSON request logs without
// secrets, /healthz, /readyz, /metrics, and a graceful stop.

import { readFile, writeFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import type { Logger } from "pino";
import { readApp } from "../app/read/index.js";
import { buildServedApp, readSecretsFile, type ServedApp } from "../runtime/app-spec.js";
import type { FunctionRuntime } from "../runtime/functions/pool.js";
import type { RuntimeLimits } from "../runtime/limits.js";
import type { Semantics } from "../runtime/semantics.js";
import { routeTable, startHttpServer, type RequestEvent, type RouteRow } from "../runtime/server.js";
import { openSession } from "../runtime/session.js";
import { dumpStore, loadSeedFile, openStore } from "../runtime/store/index.js";
import type { Store } from "../runtime/store/types.js";
import { parseJson } from "../app/json.js";
import type { UserStore } from "../runtime/users.js";
import { accessTokens, MIN_TOKEN_SECRET_LENGTH } from "./access-tokens.js";
import { customTokenProvider, DbUserDirectory } from "./db-users.js";
import { openJwkUri } from "./jwks.js";
import { enabledProviders, LOGIN_PROVIDERS, loginRoutes } from "./login-routes.js";
import { resolveSecrets, valueOverrides } from "./env-names.js";
import { createMetrics } from "./metrics.js";
import { opsRoutes, pingStore } from "./ops-routes.js";
import { secretRedactor } from "./redact.js";

export type DatabaseChoice = { kind: "driver"; uri: string } | { kind: "embedded"; seed?: string; dump?: string };

export interface ServeConfig {
  app: string;
  appId?: string;
  environment?: string;
  host: string;
  port: number;
  /** Also serve the old incoming-webhook URLs, with webhook semantics. */
  webhooks: boolean;
  database: DatabaseChoice;
  secretsFile?: string;
  /** Where HOOKSHIFT_SECRET_* and HOOKSHIFT_VALUE_* come from (process.env). */
  env: NodeJS.ProcessEnv;
  usersFile?: string;
  allowNetwork: boolean;
  allowHosts?: string[];
  sandboxPermissions: boolean;
  semantics: Semantics;
  limits: RuntimeLimits;
  /** Function worker threads in this process. */
  poolSize: number;
  logger: Logger;
  /** Database of the `users` and `api_keys` collections (default DEFAULT_AUTH_DB). */
  authDb?: string;
  /** How long /readyz and the start-up check wait for the database's ping (default 2000 ms). */
  pingTimeoutMs?: number;
}

export interface RunningServe {
  url: string;
  served: ServedApp;
  routes: RouteRow[];
  /** The providers the login route answers for (none without HOOKSHIFT_TOKEN_SECRET). */
  logins: string[];
  /** Names of the Secrets in use and where each came from (never their values). */
  secretSources: Record<string, "environment" | "file">;
  /** Stop accepting, finish the requests in flight until `deadlineMs`, write --dump, close the database. */
  shutdown(deadlineMs: number): Promise<{ finished: boolean }>;
}

/** A problem that stops serve before it listens; its message is for the user as it is. */
export class ServeStartError extends Error {}

export async function startServe(cfg: ServeConfig): Promise<RunningServe> {
  const log = cfg.logger;
  const app = await readApp(path.resolve(cfg.app));
  const fileSecrets = cfg.secretsFile ? await readSecretsFile(cfg.secretsFile) : {};
  // A first look at the app names the Secrets it needs; each must be set before anything listens.
  const probe = await buildServedApp(app, { appId: cfg.appId, environment: cfg.environment, secrets: {} });
  const providersText = await readFile(path.join(app.root, "auth", "providers.json"), "utf8").catch(() => undefined);
  const providers = providersText === undefined ? undefined : parseJson(providersText, "auth/providers.json").value;
  const jwtProvider = customTokenProvider(providers);
  // serve's access tokens (login route, Bearer) are signed with this; without it logins are off.
  const tokenSecret = cfg.env.HOOKSHIFT_TOKEN_SECRET || undefined;
  if (tokenSecret !== undefined && tokenSecret.length < MIN_TOKEN_SECRET_LENGTH)
    throw new ServeStartError(
      `HOOKSHIFT_TOKEN_SECRET is ${tokenSecret.length} characters long; give at least ${MIN_TOKEN_SECRET_LENGTH} random ones (for example: openssl rand -base64 48)`,
    );
  const refs = [
    ...probe.secretRefs,
    ...(jwtProvider?.keyNames ?? []).map((name) => ({ name, usedBy: "the custom-token provider's signing keys (auth/providers.json)" })),
  ];
  const resolved = resolveSecrets(refs, cfg.env, fileSecrets);
  if (resolved.missing.length > 0) {
    const lines = resolved.missing.map(
      (m) =>
        `  Secret ${m.name} (used by ${m.usedBy.join(", ")}): set ${m.variable}${cfg.secretsFile ? ` or add it to ${cfg.secretsFile}` : " or give it in a --secrets file"}`,
    );
    throw new ServeStartError(
      `${resolved.missing.length} Secret${resolved.missing.length === 1 ? "" : "s"} the app needs ${resolved.missing.length === 1 ? "is" : "are"} not set:\n${lines.join("\n")}`,
    );
  }
  // A custom-token provider with a JWK URI: its keys are read now, so a wrong URI stops the start (jwks.ts).
  const jwks =
    jwtProvider?.jwkUri !== undefined
      ? await openJwkUri(jwtProvider.jwkUri, cfg.allowHosts, cfg.env.HOOKSHIFT_JWKS_REFETCH_SECONDS).catch((e: Error) =>
          Promise.reject(new ServeStartError(e.message)),
        )
      : undefined;

  const store = await openDatabase(cfg.database);
  let session;
  try {
    session = await openSession({
      app: cfg.app,
      appId: cfg.appId,
      environment: cfg.environment,
      secrets: resolved.secrets,
      usersFile: cfg.usersFile,
      store,
      allowNetwork: cfg.allowNetwork,
      allowHosts: cfg.allowHosts,
      sandboxPermissions: cfg.sandboxPermissions,
      semantics: { ...cfg.semantics, maxBodyBytes: cfg.limits.maxBodyBytes, timeLimitMs: cfg.limits.timeLimitMs },
      workers: cfg.poolSize,
      memoryLimitMb: cfg.limits.memoryLimitMb,
      valueOverrides: (names) => valueOverrides(names, cfg.env),
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  const runtime = session.deps.runner as FunctionRuntime;
  // Users and API keys in the database (serve-admin makes them), then the --users file.
  const tokens = tokenSecret === undefined ? undefined : accessTokens(tokenSecret, session.served.appId);
  const enabled = enabledProviders(providers);
  const directory = new DbUserDirectory(store, session.deps.users as UserStore, {
    db: cfg.authDb,
    ...(providers !== undefined ? { enabled } : {}),
    ...(tokens ? { accessTokens: tokens } : {}),
    ...(jwtProvider
      ? {
          customJwt: {
            algorithm: jwtProvider.algorithm,
            keys: jwtProvider.keyNames.map((n) => resolved.secrets[n]!),
            audience: jwtProvider.audience,
            ...(jwks ? { jwks } : {}),
          },
        }
      : {}),
  });
  session.deps.users = directory;
  const served = session.served;
  if (jwks) log.info({ event: "auth", jwkUri: jwks.uri }, "custom-token keys read from the provider's JWK URI");
  if (enabled.has("anon-user") && !tokens)
    log.warn(
      { event: "auth" },
      "the app enables anonymous users, but logins are off: set HOOKSHIFT_TOKEN_SECRET so callers can log in (docs/deploy.md, Users)",
    );

  const pingTimeoutMs = cfg.pingTimeoutMs ?? 2000;
  if (cfg.database.kind === "driver") {
    const first = await pingStore(store, pingTimeoutMs);
    if (first.ok) log.info({ event: "database" }, "MongoDB reachable");
    else log.warn({ event: "database", reason: first.reason }, "MongoDB unreachable at start: /readyz answers 503 until it answers");
  }

  const redact = secretRedactor([
    ...Object.values(resolved.secrets),
    ...(tokenSecret ? [tokenSecret] : []),
    ...served.webhooks.map((w) => w.config?.secret).filter((s): s is string => typeof s === "string"),
  ]);
  const metrics = createMetrics(() => runtime.stats());
  let draining = false;
  const onRequest = (e: RequestEvent) => {
    metrics.observe(e);
    const entry = {
      event: "request",
      reqId: e.requestId,
      method: e.method,
      url: redact(e.url),
      route: e.route,
      ...(e.functionName !== undefined ? { function: e.functionName } : {}),
      status: e.cancelled ? undefined : e.status,
      outcome: e.cancelled ? "cancelled" : e.outcome,
      ms: e.durationMs,
      ...(e.failure !== undefined ? { error: redact(e.failure) } : {}),
    };
    if (e.cancelled) log.info(entry, "request cancelled: the client closed the connection");
    else if (e.status >= 500) log.error(entry, "request failed");
    else if (e.outcome === "function-error" || e.outcome === "timeout") log.warn(entry, "function failed");
    else log.info(entry, "request");
  };
  let server;
  try {
    server = await startHttpServer(session.deps, {
      host: cfg.host,
      port: cfg.port,
      limits: cfg.limits,
      dispatch: { webhooks: cfg.webhooks },
      onRequest,
      reserved: reservedRoutes(
        opsRoutes({ store, registry: metrics.registry, draining: () => draining, pingTimeoutMs }),
        loginRoutes({ appId: served.appId, enabled, users: directory, tokens, log }),
      ),
    });
  } catch (e) {
    await session.close();
    await store.close();
    throw new ServeStartError(`cannot listen on ${cfg.host}:${cfg.port}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const routes = routeTable(session.deps).filter((r) => cfg.webhooks || r.kind === "endpoint");
  const running = server;
  return {
    url: running.url,
    served,
    routes,
    secretSources: resolved.sources,
    logins: tokens ? LOGIN_PROVIDERS.filter((p) => enabled.has(p)) : [],
    async shutdown(deadlineMs) {
      draining = true;
      const finished = await running.drain(deadlineMs);
      await session.close();
      if (cfg.database.kind === "embedded" && cfg.database.dump) await writeFile(cfg.database.dump, await dumpStore(store));
      await store.close();
      return { finished };
    },
  };
}

/** Each hook in turn until one answers the request. */
function reservedRoutes(...hooks: ((req: IncomingMessage, res: ServerResponse) => boolean)[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => hooks.some((h) => h(req, res));
}

async function openDatabase(db: DatabaseChoice): Promise<Store> {
  if (db.kind === "driver") {
    try {
      return await openStore({ mongodbUri: db.uri, lazy: true });
    } catch (e) {
      // A malformed URI fails here (the driver parses it at once); an unreachable server does not.
      throw new ServeStartError(`--mongodb-uri: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const store = await openStore();
  if (db.seed) {
    const seed = db.seed;
    await loadSeedFile(store, await readFile(seed, "utf8")).catch(async (e: Error) => {
      await store.close();
      throw new ServeStartError(`--seed ${seed}: ${e.message}`);
    });
  }
  return store;
}
