// serve's own access tokens, the answer of its login route (login-routes.ts) and what a caller
// then sends as `Authorization: Bearer <token>`, as App Services' access tokens were
// (https://www.mongodb.com/docs/atlas/app-services/data-api/authenticate/). They are JWTs signed
// with HS256 and HOOKSHIFT_TOKEN_SECRET (jsonwebtoken), so every replica that shares the secret
// accepts every replica's tokens and nothing is kept server-side. They last 30 minutes, as App
// Services' access tokens did; there is no refresh token: a client logs in again.

import jwt from "jsonwebtoken";

export const ACCESS_TOKEN_SECONDS = 30 * 60;
/** A secret shorter than this is refused at start (HS256 wants at least its 256-bit output). */
export const MIN_TOKEN_SECRET_LENGTH = 32;
const ISSUER = "hookshift-serve";

/** Who a token was issued to: the user id, the provider, and where the user is kept. */
export interface AccessClaims {
  sub: string;
  /** The login provider: anon-user, local-userpass, api-key, custom-token. */
  prov: string;
  /** "db": users / api_keys collections; "file": the --users file; "none": an anonymous user (kept nowhere). */
  src: "db" | "file" | "none";
  /** A server API key's user is a "server" user; every other one "normal". */
  utype: "normal" | "server";
  /** An API key's name, a user's email: the user's `data` when it is kept nowhere we can read again. */
  data?: Record<string, unknown>;
}

export interface AccessTokens {
  sign(claims: AccessClaims): string;
  /** The claims of a token this app's servers signed and that has not expired, else undefined. */
  verify(token: string): AccessClaims | undefined;
}

export function accessTokens(secret: string, appId: string): AccessTokens {
  return {
    sign(c) {
      const { sub, ...rest } = c;
      return jwt.sign({ ...rest, typ: "access" }, secret, { algorithm: "HS256", subject: sub, audience: appId, issuer: ISSUER, expiresIn: ACCESS_TOKEN_SECONDS });
    },
    verify(token) {
      let p: jwt.JwtPayload;
      try {
        p = jwt.verify(token, secret, { algorithms: ["HS256"], audience: appId, issuer: ISSUER }) as jwt.JwtPayload;
      } catch {
        return undefined;
      }
      if (p.typ !== "access" || typeof p.sub !== "string" || typeof p.prov !== "string") return undefined;
      const src = p.src === "db" || p.src === "file" ? p.src : "none";
      return { sub: p.sub, prov: p.prov, src, utype: p.utype === "server" ? "server" : "normal", ...(p.data && typeof p.data === "object" ? { data: p.data as Record<string, unknown> } : {}) };
    },
  };
}
