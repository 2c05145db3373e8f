// The shim's local user store (`--users FILE`): email/password users, API keys, a custom-JWT
// secret and custom user data, for application authentication of webhooks (credentials in
// headers or body: https://www.mongodb.com/docs/atlas/app-services/services/configure/service-webhooks/) and
// endpoints (Bearer, then credential headers: https://www.mongodb.com/docs/atlas/app-services/data-api/authenticate/).
//
// File shape (hookshift's own; App Services keeps users server-side):
// {
//   "users": [ { "id": "…", "email": "a@example.com", "password": "…", "data": {…}, "custom_data": {…},
//                "accessTokens": ["…"] } ],
//   "apiKeys": [ { "id": "…", "key": "…", "name": "…" } ],
//   "customJwt": { "secret": "…", "algorithms": ["HS256"], "idField": "sub" }
// }

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import jwt from "jsonwebtoken";
import type { UserSpec } from "./functions/protocol.js";

export interface LocalUser {
  id: string;
  email?: string;
  password?: string;
  data?: Record<string, unknown>;
  custom_data?: Record<string, unknown>;
  accessTokens?: string[];
}

export interface UsersFile {
  users?: LocalUser[];
  apiKeys?: { id: string; key: string; name?: string }[];
  customJwt?: { secret: string; algorithms?: string[]; idField?: string };
}

export type Credentials =
  | { kind: "local-userpass"; email: string; password: string }
  | { kind: "api-key"; key: string }
  | { kind: "custom-token"; token: string }
  | { kind: "bearer"; token: string };

export type AuthOutcome =
  | { ok: true; user: UserSpec; created: boolean }
  | { ok: false; code: "InvalidSession" | "UserNotFound" | "AuthProviderNotFound"; message: string };

export const SYSTEM_USER: UserSpec = { id: "", type: "system", data: {}, custom_data: {}, identities: [] };

/** A credential kind that names a provider a user can be created from. */
export type CreatingProvider = "local-userpass" | "custom-token";

/**
 * Providers whose credentials create a missing user under `create_user_on_auth`.
 * - Endpoints: the config reference names custom JWT, "a valid JWT from the external system that
 *   doesn't correspond to a registered user"
 *   (https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/).
 * - Webhooks: "if they don't match an already existing user (e.g. no other user has the specified
 *   email address)" (https://www.mongodb.com/docs/atlas/app-services/reference/config/v20210101/http_endpoints/),
 *   so email/password too.
 * API keys never create a user: a server key is no user, a user key belongs to one.
 */
export const ENDPOINT_CREATING_PROVIDERS: ReadonlySet<CreatingProvider> = new Set<CreatingProvider>(["custom-token"]);
export const WEBHOOK_CREATING_PROVIDERS: ReadonlySet<CreatingProvider> = new Set<CreatingProvider>(["custom-token", "local-userpass"]);

const equal = (a: string, b: string) => {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
};

type MaybePromise<T> = T | Promise<T>;

/**
 * Where users come from: the --users file (UserStore), or serve's users kept in the app's
 * database (src/serve/db-users.ts). The pipelines await every answer.
 */
export interface UserDirectory {
  byId(id: string): MaybePromise<{ user: UserSpec; known: boolean }>;
  authenticate(c: Credentials, createUserOnAuth: boolean, creating?: ReadonlySet<CreatingProvider>): MaybePromise<AuthOutcome>;
  /** Custom data kept with the user itself, used when the app has no custom user data collection. */
  fileCustomData(id: string): Record<string, unknown>;
}

export class UserStore implements UserDirectory {
  private readonly users: LocalUser[];
  private readonly apiKeys: NonNullable<UsersFile["apiKeys"]>;
  constructor(private readonly file: UsersFile = {}) {
    this.users = [...(file.users ?? [])];
    this.apiKeys = [...(file.apiKeys ?? [])];
  }

  /** A user by id; unknown ids still run (as App Services would for a deleted user), with a flag. */
  byId(id: string): { user: UserSpec; known: boolean } {
    const u = this.users.find((x) => x.id === id);
    return { user: u ? this.spec(u, "local-userpass") : { id, type: "normal", data: {}, custom_data: {}, identities: [] }, known: u !== undefined };
  }

  authenticate(c: Credentials, createUserOnAuth: boolean, creating: ReadonlySet<CreatingProvider> = ENDPOINT_CREATING_PROVIDERS): AuthOutcome {
    switch (c.kind) {
      case "local-userpass": {
        const u = this.users.find((x) => x.email !== undefined && x.email.toLowerCase() === c.email.toLowerCase());
        if (!u && createUserOnAuth && creating.has("local-userpass") && c.email !== "" && c.password !== "") {
          const made: LocalUser = { id: randomBytes(12).toString("hex"), email: c.email, password: c.password };
          this.users.push(made);
          return { ok: true, user: this.spec(made, "local-userpass"), created: true };
        }
        if (!u || u.password === undefined || !equal(u.password, c.password))
          return { ok: false, code: "InvalidSession", message: "invalid username/password" };
        return { ok: true, user: this.spec(u, "local-userpass"), created: false };
      }
      case "api-key": {
        const k = this.apiKeys.find((x) => equal(x.key, c.key));
        if (!k) return { ok: false, code: "InvalidSession", message: "invalid API key" };
        return {
          ok: true,
          user: { id: k.id, type: "server", data: { name: k.name ?? "" }, custom_data: {}, identities: [{ id: k.id, provider_type: "api-key" }] },
          created: false,
        };
      }
      case "custom-token": {
        const cfg = this.file.customJwt;
        if (!cfg) return { ok: false, code: "AuthProviderNotFound", message: "custom JWT authentication is not configured (customJwt in --users)" };
        let payload: jwt.JwtPayload;
        try {
          payload = jwt.verify(c.token, cfg.secret, { algorithms: (cfg.algorithms ?? ["HS256"]) as jwt.Algorithm[] }) as jwt.JwtPayload;
        } catch (e) {
          return { ok: false, code: "InvalidSession", message: `invalid custom JWT: ${e instanceof Error ? e.message : String(e)}` };
        }
        const externalId = String(payload[cfg.idField ?? "sub"] ?? "");
        let u = this.users.find((x) => x.id === externalId);
        let created = false;
        if (!u) {
          if (!createUserOnAuth || !creating.has("custom-token"))
            return { ok: false, code: "UserNotFound", message: `no user for custom JWT subject ${externalId}` };
          u = { id: externalId || randomBytes(12).toString("hex"), data: { ...payload } };
          this.users.push(u);
          created = true;
        }
        return { ok: true, user: this.spec(u, "custom-token"), created };
      }
      case "bearer": {
        const u = this.users.find((x) => (x.accessTokens ?? []).some((t) => equal(t, c.token)));
        if (!u) return { ok: false, code: "InvalidSession", message: "invalid session: access token not recognised" };
        return { ok: true, user: this.spec(u, "local-userpass"), created: false };
      }
    }
  }

  private spec(u: LocalUser, provider: string): UserSpec {
    return {
      id: u.id,
      type: "normal",
      data: { ...(u.email ? { email: u.email } : {}), ...(u.data ?? {}) },
      custom_data: {},
      identities: [{ id: u.id, provider_type: provider }],
    };
  }

  /** Custom data from the users file, used when the app has no custom user data collection. */
  fileCustomData(id: string): Record<string, unknown> {
    return this.users.find((x) => x.id === id)?.custom_data ?? {};
  }

  /** Test users verify makes when no --users file is given; known, fixed values so runs repeat. */
  static forVerify(): { store: UserStore; file: UsersFile } {
    const file: UsersFile = {
      users: [
        {
          id: "64a000000000000000000001",
          email: "verify@example.com",
          password: "verify-password-1",
          accessTokens: ["verify-access-token-1"],
          custom_data: { role: "tester" },
        },
      ],
      apiKeys: [{ id: "64a000000000000000000002", key: "verify-api-key-1", name: "verify" }],
      customJwt: { secret: "verify-jwt-secret-1", algorithms: ["HS256"], idField: "sub" },
    };
    return { store: new UserStore(file), file };
  }
}

export function parseUsersFile(text: string, file: string): UsersFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error(`${file} must be a JSON object with "users", "apiKeys" and/or "customJwt"`);
  return v as UsersFile;
}
