// serve's own access tokens, the answer of its login route (login-routes.ts) and what a caller
// then sends as `Authorization: Bearer <token>`, as App Services' access tokens were
// (https://www.mongodb.com/docs/atlas/app-services/data-api/authenticate/). They are JWTs signed
// with HS256 and HOOKSHIFT_TOKEN_SECRET (jsonwebtoken), so every replica that shares the secret
// accepts every replica's tokens and nothing is kept server-side. They last 30 minutes, as App
// Services' access tokens did.
// A login also answers a refresh token (https://www.mongodb.com/docs/atlas/app-services/users/sessions/:
// "A refresh token lets you generate a new access token for a session even if the previous token
// has already expired"; "By default, refresh tokens expire 60 days after they are issued"): signed
// the same way with its own `typ` ("refresh"), so neither kind passes for the other, and a session
// id (`jti`) that logging out revokes (refresh-tokens.ts keeps the revoked ones in the database).

import { randomBytes } from "node:crypto";
import jwt from "jsonwebtoken";

export const ACCESS_TOKEN_SECONDS = 30 * 60;
/** App Services' default refresh token lifetime (the sessions page above). */
export const REFRESH_TOKEN_SECONDS = 60 * 24 * 60 * 60;
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

/** A refresh token's claims: the access claims it hands on, its session id and when it expires. */
export interface RefreshClaims extends AccessClaims {
  jti: string;
  /** Seconds since the epoch. */
  exp: number;
}

export interface AccessTokens {
  sign(claims: AccessClaims): string;
  /** The claims of a token this app's servers signed and that has not expired, else undefined. */
  verify(token: string): AccessClaims | undefined;
  /** A refresh token for a new session (a random `jti`) of these claims. */
  signRefresh(claims: AccessClaims): string;
  /** The claims of a refresh token this app's servers signed and that has not expired (revocation aside), else undefined. */
  verifyRefresh(token: string): RefreshClaims | undefined;
}

function claimsOf(p: jwt.JwtPayload): AccessClaims | undefined {
  if (typeof p.sub !== "string" || typeof p.prov !== "string") return undefined;
  const src = p.src === "db" || p.src === "file" ? p.src : "none";
  return {
    sub: p.sub,
    prov: p.prov,
    src,
    utype: p.utype === "server" ? "server" : "normal",
    ...(p.data && typeof p.data === "object" ? { data: p.data as Record<string, unknown> } : {}),
  };
}

export function accessTokens(secret: string, appId: string): AccessTokens {
  const verified = (token: string, typ: "access" | "refresh"): jwt.JwtPayload | undefined => {
    try {
      const p = jwt.verify(token, secret, { algorithms: ["HS256"], audience: appId, issuer: ISSUER }) as jwt.JwtPayload;
      return p.typ === typ ? p : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    sign(c) {
      const { sub, ...rest } = c;
      return jwt.sign({ ...rest, typ: "access" }, secret, {
        algorithm: "HS256",
        subject: sub,
        audience: appId,
        issuer: ISSUER,
        expiresIn: ACCESS_TOKEN_SECONDS,
      });
    },
    verify(token) {
      const p = verified(token, "access");
      return p ? claimsOf(p) : undefined;
    },
    signRefresh(c) {
      const { sub, ...rest } = c;
      return jwt.sign({ ...rest, typ: "refresh" }, secret, {
        algorithm: "HS256",
        subject: sub,
        audience: appId,
        issuer: ISSUER,
        expiresIn: REFRESH_TOKEN_SECONDS,
        jwtid: randomBytes(16).toString("hex"),
      });
    },
    verifyRefresh(token) {
      const p = verified(token, "refresh");
      const c = p ? claimsOf(p) : undefined;
      return c && typeof p!.jti === "string" && typeof p!.exp === "number" ? { ...c, jti: p!.jti, exp: p!.exp } : undefined;
    },
  };
}
