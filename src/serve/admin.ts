// What `hookshift serve-admin` does to serve's users and API keys (db-users.ts), on any Store.

import { randomBytes } from "node:crypto";
import type { Store } from "../runtime/store/types.js";
import { API_KEYS_COLLECTION, apiKeyHash, DEFAULT_AUTH_DB, hashPassword, USERS_COLLECTION } from "./db-users.js";

export interface UserRow {
  id: string;
  email?: string;
  provider: string;
  created?: string;
}
export interface KeyRow {
  id: string;
  name: string;
  created?: string;
}

export class AdminError extends Error {}

export function adminOps(store: Store, db = DEFAULT_AUTH_DB) {
  const users = store.collection(db, USERS_COLLECTION);
  const keys = store.collection(db, API_KEYS_COLLECTION);
  return {
    async addUser(email: string, password: string): Promise<UserRow> {
      const e = email.trim().toLowerCase();
      if (!/^[^@\s]+@[^@\s]+$/.test(e)) throw new AdminError(`"${email}" is not an email address`);
      if (password.length < 6) throw new AdminError("the password must have at least 6 characters");
      if (await users.findOne({ email: e })) throw new AdminError(`a user with email ${e} exists already`);
      const row = { _id: randomBytes(12).toString("hex"), email: e, password: await hashPassword(password), provider: "local-userpass", created: new Date() };
      await users.insertOne(row);
      return { id: row._id, email: e, provider: row.provider, created: row.created.toISOString() };
    },
    async listUsers(): Promise<UserRow[]> {
      return (await users.find({}, { projection: { password: 0 }, sort: { created: 1 } })).map((u) => ({
        id: String(u._id),
        ...(u.email ? { email: String(u.email) } : {}),
        provider: String(u.provider ?? ""),
        ...(u.created instanceof Date ? { created: u.created.toISOString() } : {}),
      }));
    },
    /** By id or email; false when there is none. */
    async deleteUser(idOrEmail: string): Promise<boolean> {
      const r = await users.deleteOne({ $or: [{ _id: idOrEmail }, { email: idOrEmail.toLowerCase() }] });
      return r.deletedCount > 0;
    },
    /** The key itself is in the answer only: the database keeps its hash. */
    async addKey(name: string): Promise<KeyRow & { key: string }> {
      if (!name.trim()) throw new AdminError("an API key needs a name: serve-admin key-add <name>");
      if (await keys.findOne({ name })) throw new AdminError(`an API key named ${name} exists already`);
      const key = randomBytes(32).toString("base64url");
      const row = { _id: randomBytes(12).toString("hex"), name, key_hash: apiKeyHash(key), created: new Date() };
      await keys.insertOne(row);
      return { id: row._id, name, created: row.created.toISOString(), key };
    },
    async listKeys(): Promise<KeyRow[]> {
      return (await keys.find({}, { projection: { key_hash: 0 }, sort: { created: 1 } })).map((k) => ({
        id: String(k._id),
        name: String(k.name ?? ""),
        ...(k.created instanceof Date ? { created: k.created.toISOString() } : {}),
      }));
    },
    async deleteKey(idOrName: string): Promise<boolean> {
      const r = await keys.deleteOne({ $or: [{ _id: idOrName }, { name: idOrName }] });
      return r.deletedCount > 0;
    },
  };
}
