// The client API's session route, where a refresh token (login-routes.ts answers one with each
// access token) becomes a new access token, or is revoked:
//   POST   /api/client/v2.0/auth/session   Authorization: Bearer <refresh_token>  -> {"access_token"}
//   DELETE /api/client/v2.0/auth/session   Authorization: Bearer <refresh_token>  -> 204
// POST and its answer are documented ("The session refresh endpoint accepts a POST request that
// includes the refresh token in the Authorization header",
// https://www.mongodb.com/docs/atlas/app-services/users/sessions/#refresh-a-user-access-token-over-https).
// DELETE is inferred: the same page says the SDKs' logOut "invalidates the refresh token", and
// names no route; serve takes the session route's DELETE for it and answers 204 with no body.
// The path names no app: the token's audience (the app id) says which app it is for.

import type http from "node:http";
import type { RefreshClaims } from "./access-tokens.js";
import { fail, json } from "./client-api-replies.js";
import type { LoginState } from "./login-routes.js";

export const SESSION_PATH = /^\/api\/client\/v2\.0\/auth\/session$/;

function bearer(req: http.IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return m?.[1];
}

export async function session(req: http.IncomingMessage, res: http.ServerResponse, state: LoginState): Promise<void> {
  const method = req.method ?? "GET";
  const done = (status: number, outcome: string, userId?: string) =>
    state.log.info(
      { event: method === "DELETE" ? "logout" : "refresh", status, outcome, ...(userId ? { userId } : {}) },
      method === "DELETE" ? "logout" : "session refresh",
    );
  // The body means nothing here; read it so the connection can be reused.
  req.resume();
  try {
    if (method !== "POST" && method !== "DELETE") {
      res.setHeader("Allow", "POST, DELETE");
      fail(res, 405, "MethodNotAllowed", "refresh a session with POST, log out with DELETE");
      return done(405, "method-not-allowed");
    }
    if (!state.tokens) {
      fail(res, 503, "ServiceUnavailable", "logins are off: start serve with HOOKSHIFT_TOKEN_SECRET set (docs/deploy.md, Users)");
      return done(503, "no-token-secret");
    }
    const token = bearer(req);
    if (!token) {
      fail(res, 401, "MissingAuthReq", "send the refresh token of a login as Authorization: Bearer <refresh_token>");
      return done(401, "no-token");
    }
    const claims: RefreshClaims | undefined = state.tokens.verifyRefresh(token);
    if (!claims) {
      // An access token, an expired or altered one, another app's or another secret's.
      fail(res, 401, "InvalidSession", "invalid session: this is not a refresh token this app issued, or it expired (log in again)");
      return done(401, "invalid-token");
    }
    if (method === "DELETE") {
      await state.users.sessions.revoke(claims.jti, claims.sub, claims.exp);
      res.statusCode = 204;
      res.setHeader("Cache-Control", "no-store");
      res.end();
      return done(204, "ok", claims.sub);
    }
    if (await state.users.sessions.isRevoked(claims.jti)) {
      fail(res, 401, "InvalidSession", "invalid session: it was logged out (log in again)");
      return done(401, "revoked", claims.sub);
    }
    const who = await state.users.sessionUser(claims);
    if (!who.ok) {
      fail(res, 401, "InvalidSession", who.message);
      return done(401, "user-gone", claims.sub);
    }
    const { jti: _jti, exp: _exp, ...access } = claims;
    json(res, 200, { access_token: state.tokens.sign(access) });
    return done(200, "ok", claims.sub);
  } catch (e) {
    if (!res.headersSent) fail(res, 500, "InternalServerError", "session request failed");
    state.log.error({ event: "session", error: e instanceof Error ? e.message : String(e) }, "session request failed");
  }
}
