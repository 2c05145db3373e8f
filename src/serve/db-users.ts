// serve's users, kept in the app's own MongoDB (collections `users` and `api_keys` of the auth
// database, `hookshift` unless --auth-db says otherwise), so every replica sees the same ones:
// - email/password users, passwords hashed with scrypt (node:crypto) and a salt of their own;
// - API keys, stored as their SHA-256 (a key is 32 random bytes: a fast hash is enough, and a
//   lookup by hash needs no scan); the key itself is shown once, when `serve-admin` makes it;
// - custom JWT, verified with the signing keys the app's custom-token provider names (Secrets).
// What the --users file holds still works next to them (local use, tests).

import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import jwt from "jsonwebtoken";
import type { UserSpec } from "../runtime/functions/protocol.js";
import type { Store } from "../runtime/store/types.js";
import type { AccessClaims, AccessTokens } from "./access-tokens.js";
import type { JwkKeys } from "./jwks.js";
import { RevokedSessions } from "./refresh-tokens.js";
import {
  ENDPOINT_CREATING_PROVIDERS,
  type AuthOutcome,
  type CreatingProvider,
  type Credentials,
  type UserDirectory,
  type UserStore,
} from "../runtime/users.js";

export const DEFAULT_AUTH_DB = "hookshift";
export const USERS_COLLECTION = "users";
export const API_KEYS_COLLECTION = "api_keys";

/** scrypt's cost parameters (Node's defaults, https://nodejs.org/api/crypto.html#cryptoscryptpassword-salt-keylen-options-callback). */
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 64 } as const;

export interface PasswordHash {
  algorithm: "scrypt";
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

function scrypt(password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return { algorithm: "scrypt", N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, salt: salt.toString("base64"), hash: key.toString("base64") };
}

/** False for a wrong password and for a stored hash it cannot read. Numbers may come back as BSON Int32 (Number() unwraps them). */
async function verifyPassword(password: string, h: PasswordHash): Promise<boolean> {
  if (h?.algorithm !== "scrypt") return false;
  try {
    const expected = Buffer.from(String(h.hash), "base64");
    const key = await scrypt(password, Buffer.from(String(h.salt), "base64"), expected.length, { N: Number(h.N), r: Number(h.r), p: Number(h.p) });
    return timingSafeEqual(key, expected);
  } catch {
    return false;
  }
}

export const apiKeyHash = (key: string) => createHash("sha256").update(key).digest("hex");

/**
 * The app's custom-token provider (auth/providers.json) with its signing keys resolved from
 * Secrets, or, with a JWK URI, the keys of that set (jwks.ts; then `keys` is empty and tokens are
 * RS256 with a `kid` header, as the docs require).
 */
export interface CustomJwtConfig {
  algorithm: jwt.Algorithm;
  keys: string[];
  audience?: string[];
  jwks?: JwkKeys;
}

interface UserDoc {
  _id: string;
  email?: string;
  password?: PasswordHash;
  data?: Record<string, unknown>;
  provider: string;
  created?: Date;
}

export class DbUserDirectory implements UserDirectory {
  constructor(
    private readonly store: Store,
    private readonly file: UserStore,
    private readonly opts: {
      db?: string;
      customJwt?: CustomJwtConfig;
      accessTokens?: AccessTokens;
      /**
       * The provider types the app's auth/providers.json enables; a credential of another one is
       * refused ("You must enable an authentication provider before users can authenticate with
       * it": https://www.mongodb.com/docs/atlas/app-services/data-api/authenticate/). Undefined
       * when the app has no such file: every provider then works, as in the shim.
       */
      enabled?: ReadonlySet<string>;
    } = {},
  ) {
    this.sessions = new RevokedSessions(store, opts.db ?? DEFAULT_AUTH_DB);
  }

  /** Refresh tokens logging out revoked (the login route's /auth/session). */
  readonly sessions: RevokedSessions;

  private users() {
    return this.store.collection(this.opts.db ?? DEFAULT_AUTH_DB, USERS_COLLECTION);
  }

  private keys() {
    return this.store.collection(this.opts.db ?? DEFAULT_AUTH_DB, API_KEYS_COLLECTION);
  }

  private spec(u: UserDoc): UserSpec {
    return {
      id: u._id,
      type: "normal",
      data: { ...(u.email ? { email: u.email } : {}), ...(u.data ?? {}) },
      custom_data: {},
      identities: [{ id: u._id, provider_type: u.provider }],
    };
  }

  async byId(id: string): Promise<{ user: UserSpec; known: boolean }> {
    const u = (await this.users().findOne({ _id: id })) as UserDoc | null;
    return u ? { user: this.spec(u), known: true } : this.file.byId(id);
  }

  async authenticate(c: Credentials, createUserOnAuth: boolean, creating: ReadonlySet<CreatingProvider> = ENDPOINT_CREATING_PROVIDERS): Promise<AuthOutcome> {
    if (c.kind !== "bearer" && !this.enables(c.kind)) return notEnabled(c.kind);
    switch (c.kind) {
      case "local-userpass": {
        const u = (await this.users().findOne({ email: c.email.toLowerCase() })) as UserDoc | null;
        if (u) {
          if (!u.password || !(await verifyPassword(c.password, u.password)))
            return { ok: false, code: "InvalidSession", message: "invalid username/password" };
          return { ok: true, user: this.spec(u), created: false };
        }
        const fromFile = this.file.authenticate(c, false, creating);
        if (fromFile.ok || !createUserOnAuth || !creating.has("local-userpass") || c.email === "" || c.password === "") return fromFile;
        const made: UserDoc = {
          _id: randomBytes(12).toString("hex"),
          email: c.email.toLowerCase(),
          password: await hashPassword(c.password),
          provider: "local-userpass",
          created: new Date(),
        };
        await this.users().insertOne(made as never);
        return { ok: true, user: this.spec(made), created: true };
      }
      case "api-key": {
        const k = (await this.keys().findOne({ key_hash: apiKeyHash(c.key) })) as { _id: string; name?: string; disabled?: boolean } | null;
        if (k && !k.disabled)
          return {
            ok: true,
            user: { id: k._id, type: "server", data: { name: k.name ?? "" }, custom_data: {}, identities: [{ id: k._id, provider_type: "api-key" }] },
            created: false,
          };
        return this.file.authenticate(c, false, creating);
      }
      case "custom-token": {
        const cfg = this.opts.customJwt;
        if (!cfg) return this.file.authenticate(c, createUserOnAuth, creating);
        let payload: jwt.JwtPayload | undefined;
        let why = "no signing key";
        if (cfg.jwks) {
          const v = await verifyWithJwks(c.token, cfg.jwks, cfg.audience);
          if (typeof v === "string") why = v;
          else payload = v;
        }
        for (const key of cfg.jwks ? [] : cfg.keys) {
          try {
            payload = jwt.verify(c.token, key, {
              algorithms: [cfg.algorithm],
              ...(cfg.audience?.length ? { audience: cfg.audience as [string, ...string[]] } : {}),
            }) as jwt.JwtPayload;
            break;
          } catch (e) {
            why = e instanceof Error ? e.message : String(e);
          }
        }
        if (!payload) return { ok: false, code: "InvalidSession", message: `invalid custom JWT: ${why}` };
        const sub = String(payload.sub ?? "");
        if (!sub) return { ok: false, code: "InvalidSession", message: "invalid custom JWT: no sub claim" };
        const u = (await this.users().findOne({ _id: sub })) as UserDoc | null;
        if (u) return { ok: true, user: this.spec(u), created: false };
        if (!createUserOnAuth || !creating.has("custom-token")) return { ok: false, code: "UserNotFound", message: `no user for custom JWT subject ${sub}` };
        const made: UserDoc = { _id: sub, data: { ...payload }, provider: "custom-token", created: new Date() };
        await this.users().insertOne(made as never);
        return { ok: true, user: this.spec(made), created: true };
      }
      case "bearer": {
        // serve's own access tokens (its login route); then the --users file's access tokens.
        const claims = this.opts.accessTokens?.verify(c.token);
        if (!claims) return this.file.authenticate(c, createUserOnAuth, creating);
        return this.sessionUser(claims);
      }
    }
  }

  /**
   * The user a token of serve's names (an access token's, or a refresh token's on
   * /auth/session), while its provider is enabled and the user is still there.
   */
  async sessionUser(claims: AccessClaims): Promise<AuthOutcome> {
    if (!this.enables(claims.prov)) return notEnabled(claims.prov);
    const user = await this.tokenUser(claims);
    return user ? { ok: true, user, created: false } : { ok: false, code: "InvalidSession", message: `invalid session: user ${claims.sub} no longer exists` };
  }

  /**
   * The user an access token names. One kept in the database must still be there (a deleted user
   * or API key loses its sessions at once); an anonymous user is kept nowhere, and the --users
   * file cannot change while serve runs.
   */
  private async tokenUser(c: AccessClaims): Promise<UserSpec | undefined> {
    const identities = [{ id: c.sub, provider_type: c.prov }];
    if (c.src === "db") {
      if (c.utype === "server") {
        const k = (await this.keys().findOne({ _id: c.sub })) as { _id: string; name?: string; disabled?: boolean } | null;
        return k && !k.disabled ? { id: k._id, type: "server", data: { name: k.name ?? "" }, custom_data: {}, identities } : undefined;
      }
      const u = (await this.users().findOne({ _id: c.sub })) as UserDoc | null;
      return u ? this.spec(u) : undefined;
    }
    if (c.src === "file" && c.utype === "normal") {
      const f = this.file.byId(c.sub);
      return f.known ? { ...f.user, identities } : undefined;
    }
    return { id: c.sub, type: c.utype, data: c.data ?? {}, custom_data: {}, identities };
  }

  private enables(provider: string): boolean {
    return this.opts.enabled === undefined || this.opts.enabled.has(provider);
  }

  /** Where a user that just authenticated is kept, for the claims of its access token. */
  async storedIn(user: UserSpec): Promise<"db" | "file"> {
    const coll = user.type === "server" ? this.keys() : this.users();
    return (await coll.findOne({ _id: user.id })) ? "db" : "file";
  }

  fileCustomData(id: string): Record<string, unknown> {
    return this.file.fileCustomData(id);
  }
}

/**
 * A custom JWT checked against the JWK URI's keys: the key whose `kid` the token's header names
 * ("You must include the kid header when you use a JWK URL",
 * https://www.mongodb.com/docs/atlas/app-services/authentication/custom-jwt/#jwt-header), RS256
 * only (so a token cannot pick HS256 and be "verified" with a public key). The payload, or why not.
 */
async function verifyWithJwks(token: string, jwks: JwkKeys, audience: string[] | undefined): Promise<jwt.JwtPayload | string> {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded) return "jwt malformed";
  const kid = decoded.header.kid;
  if (typeof kid !== "string" || kid === "") return "no kid header (a JWK URI needs one)";
  const key = await jwks.keyFor(kid);
  if (!key) return `no key ${kid} in the JWK URI's set`;
  try {
    return jwt.verify(token, key, { algorithms: ["RS256"], ...(audience?.length ? { audience: audience as [string, ...string[]] } : {}) }) as jwt.JwtPayload;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const notEnabled = (provider: string): AuthOutcome => ({
  ok: false,
  code: "AuthProviderNotFound",
  message: `the app does not enable the ${provider} authentication provider (auth/providers.json)`,
});

/**
 * The app's custom-token provider from auth/providers.json
 * (https://www.mongodb.com/docs/atlas/app-services/authentication/custom-jwt/): its algorithm,
 * audience and the names of the Secrets that hold its signing keys, or its JWK URI (then no
 * Secret is needed: the URI's keys replace them; `jwkUri` is "" when useJWKURI is on without a
 * URI, which start refuses). Undefined when the app has none or it is disabled.
 */
export function customTokenProvider(providers: unknown): { algorithm: jwt.Algorithm; audience?: string[]; keyNames: string[]; jwkUri?: string } | undefined {
  if (!providers || typeof providers !== "object") return undefined;
  const list = Array.isArray(providers) ? providers : Object.values(providers as Record<string, unknown>);
  const p = list.find((x) => x && typeof x === "object" && (x as { type?: unknown }).type === "custom-token") as
    | {
        disabled?: boolean;
        config?: { signingAlgorithm?: string; audience?: string | string[]; useJWKURI?: boolean; jwkURI?: string };
        secret_config?: { signingKeys?: string[] };
      }
    | undefined;
  if (!p || p.disabled) return undefined;
  const aud = p.config?.audience;
  const useJwk = p.config?.useJWKURI === true;
  return {
    algorithm: (useJwk ? "RS256" : (p.config?.signingAlgorithm ?? "HS256")) as jwt.Algorithm,
    ...(aud ? { audience: Array.isArray(aud) ? aud : [aud] } : {}),
    keyNames: !useJwk && Array.isArray(p.secret_config?.signingKeys) ? p.secret_config!.signingKeys.filter((k): k is string => typeof k === "string") : [],
    ...(useJwk ? { jwkUri: typeof p.config?.jwkURI === "string" ? p.config.jwkURI.trim() : "" } : {}),
  };
}
