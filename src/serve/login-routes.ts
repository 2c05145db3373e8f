// serve's login route, the one part of App Services' client API a caller needs to reach an
// endpoint as an anonymous user (and, for anyone, to swap credentials for a token once):
//   POST /api/client/v2.0/app/<app id>/auth/providers/<provider>/login
// the client API route App Services' SDKs called to log in (Bearer authentication needs "a valid
// user access token": https://www.mongodb.com/docs/atlas/app-services/data-api/authenticate/,
// which sends to https://www.mongodb.com/docs/atlas/app-services/users/sessions/; anonymous
// users: https://www.mongodb.com/docs/atlas/app-services/authentication/anonymous/). Bodies: anon-user `{}` (or none), local-userpass
// `{"username", "password"}`, api-key `{"key"}`, custom-token `{"token"}`. The answer:
// `{"access_token", "refresh_token", "user_id", "device_id"}`; the access token goes in
// `Authorization: Bearer`, the refresh token to the session route (session-routes.ts).
// A provider answers only when the app's auth/providers.json enables it; every login needs
// HOOKSHIFT_TOKEN_SECRET (access-tokens.ts). Bodies are never logged.

import { randomBytes } from "node:crypto";
import type http from "node:http";
import type { Logger } from "pino";
import type { Credentials } from "../runtime/users.js";
import type { AccessClaims, AccessTokens } from "./access-tokens.js";
import type { DbUserDirectory } from "./db-users.js";
import { fail, json } from "./client-api-replies.js";
import { session, SESSION_PATH } from "./session-routes.js";

const LOGIN_PATH = /^\/api\/client\/v2\.0\/app\/([^/?]+)\/auth\/providers\/([^/?]+)\/login$/;
/** Providers serve can log in with. */
export const LOGIN_PROVIDERS = ["anon-user", "local-userpass", "api-key", "custom-token"] as const;
const MAX_LOGIN_BODY = 64 * 1024;
/** App Services answered with a device id; serve tracks no devices. */
const NO_DEVICE = "000000000000000000000000";

/** The provider types auth/providers.json enables (an object keyed by name, or an array). */
export function enabledProviders(providers: unknown): Set<string> {
  const out = new Set<string>();
  if (!providers || typeof providers !== "object") return out;
  const list = Array.isArray(providers) ? providers : Object.values(providers as Record<string, unknown>);
  for (const p of list) {
    const type = (p as { type?: unknown })?.type;
    if (typeof type === "string" && (p as { disabled?: unknown }).disabled !== true) out.add(type);
  }
  return out;
}

export interface LoginState {
  appId: string;
  enabled: ReadonlySet<string>;
  users: DbUserDirectory;
  /** Undefined without HOOKSHIFT_TOKEN_SECRET: the route then says how to turn logins on. */
  tokens?: AccessTokens;
  log: Logger;
}

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown> | "too-large" | "bad"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_LOGIN_BODY) chunks.push(c);
    });
    req.on("error", () => resolve("bad"));
    req.on("end", () => {
      if (size > MAX_LOGIN_BODY) return resolve("too-large");
      const text = Buffer.concat(chunks).toString("utf8").trim();
      if (text === "") return resolve({});
      try {
        const v = JSON.parse(text) as unknown;
        resolve(v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : "bad");
      } catch {
        resolve("bad");
      }
    });
  });
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The credentials a login body holds for `provider`, or what is missing. */
function credentialsOf(provider: string, body: Record<string, unknown>): Credentials | string {
  switch (provider) {
    case "local-userpass": {
      const email = str(body.username) ?? str(body.email);
      const password = str(body.password);
      return email && password !== undefined ? { kind: "local-userpass", email, password } : 'a JSON body {"username": …, "password": …}';
    }
    case "api-key": {
      const key = str(body.key);
      return key ? { kind: "api-key", key } : 'a JSON body {"key": …}';
    }
    default: {
      const token = str(body.token);
      return token ? { kind: "custom-token", token } : 'a JSON body {"token": …}';
    }
  }
}

/** The `reserved` hook of startHttpServer for the login and session routes: true when the request was one. */
export function loginRoutes(state: LoginState): (req: http.IncomingMessage, res: http.ServerResponse) => boolean {
  return (req, res) => {
    const pathname = (req.url ?? "/").split("?")[0]!;
    if (SESSION_PATH.test(pathname)) {
      void session(req, res, state);
      return true;
    }
    const m = LOGIN_PATH.exec(pathname);
    if (!m) return false;
    void login(req, res, state, decodeURIComponentSafe(m[1]!), decodeURIComponentSafe(m[2]!));
    return true;
  };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function login(req: http.IncomingMessage, res: http.ServerResponse, state: LoginState, appId: string, provider: string): Promise<void> {
  const done = (status: number, outcome: string, userId?: string) =>
    state.log.info({ event: "login", provider, status, outcome, ...(userId ? { userId } : {}) }, "login");
  try {
    if (req.method !== "POST") {
      req.resume();
      res.setHeader("Allow", "POST");
      fail(res, 405, "MethodNotAllowed", "log in with POST");
      return done(405, "method-not-allowed");
    }
    const body = await readJson(req);
    if (appId !== state.appId) {
      fail(res, 404, "AppNotFound", `cannot find app using Client App ID '${appId}'`);
      return done(404, "app-not-found");
    }
    if (!(LOGIN_PROVIDERS as readonly string[]).includes(provider) || !state.enabled.has(provider)) {
      const why = (LOGIN_PROVIDERS as readonly string[]).includes(provider)
        ? `the app does not enable the ${provider} provider (auth/providers.json)`
        : `serve logs in with ${LOGIN_PROVIDERS.join(", ")} only`;
      fail(res, 404, "AuthProviderNotFound", `authentication via '${provider}' is unsupported: ${why}`);
      return done(404, "provider-not-found");
    }
    if (!state.tokens) {
      fail(res, 503, "ServiceUnavailable", "logins are off: start serve with HOOKSHIFT_TOKEN_SECRET set (docs/deploy.md, Users)");
      return done(503, "no-token-secret");
    }
    if (body === "too-large") {
      fail(res, 413, "ReadSizeLimitExceeded", `a login body is ${MAX_LOGIN_BODY} bytes at most`);
      return done(413, "too-large");
    }
    if (body === "bad") {
      fail(res, 400, "InvalidParameter", "the login body must be a JSON object");
      return done(400, "bad-request");
    }
    if (provider === "anon-user") {
      const id = randomBytes(12).toString("hex");
      const claims = { sub: id, prov: "anon-user", src: "none", utype: "normal" } as const;
      json(res, 200, { access_token: state.tokens.sign(claims), refresh_token: state.tokens.signRefresh(claims), user_id: id, device_id: NO_DEVICE });
      return done(200, "ok", id);
    }
    const creds = credentialsOf(provider, body);
    if (typeof creds === "string") {
      fail(res, 400, "InvalidParameter", `${provider} login needs ${creds}`);
      return done(400, "bad-request");
    }
    // A login creates a custom-JWT user it does not know (App Services did); never an email/password one.
    const auth = await state.users.authenticate(creds, provider === "custom-token", new Set(provider === "custom-token" ? (["custom-token"] as const) : []));
    if (!auth.ok) {
      fail(
        res,
        401,
        provider === "local-userpass" ? "InvalidPassword" : "InvalidSession",
        provider === "local-userpass" ? "invalid username/password" : `invalid ${provider} credentials`,
      );
      return done(401, "invalid-credentials");
    }
    const u = auth.user;
    const src = await state.users.storedIn(u);
    const utype = u.type === "server" ? "server" : "normal";
    const claims: AccessClaims = { sub: u.id, prov: provider, src, utype, ...(src === "file" && utype === "server" ? { data: u.data } : {}) };
    json(res, 200, { access_token: state.tokens.sign(claims), refresh_token: state.tokens.signRefresh(claims), user_id: u.id, device_id: NO_DEVICE });
    return done(200, "ok", u.id);
  } catch (e) {
    if (!res.headersSent) fail(res, 500, "InternalServerError", "login failed");
    state.log.error({ event: "login", provider, error: e instanceof Error ? e.message : String(e) }, "login failed");
  }
}
