// The refresh tokens logging out revoked, kept in the auth database next to `users` and
// `api_keys` (collection `revoked_sessions`), so every serve process that shares the database
// refuses them at once. A session is its refresh token's `jti` (access-tokens.ts); only revoked
// ones are written (one write per logout, none per login), each with the time its token expires
// anyway, after which the row is useless: a logout also removes the expired rows, which bounds the
// collection by the logouts of the last 60 days without needing a TTL index.
// App Services' SDKs' logOut "invalidates the refresh token so that it can't be used to get a
// new access token" (https://www.mongodb.com/docs/atlas/app-services/users/sessions/#end-a-user-session);
// an access token already handed out stays valid until it expires, as there.

import type { Store } from "../runtime/store/types.js";

export const REVOKED_SESSIONS_COLLECTION = "revoked_sessions";

export class RevokedSessions {
  constructor(
    private readonly store: Store,
    private readonly db: string,
  ) {}

  private coll() {
    return this.store.collection(this.db, REVOKED_SESSIONS_COLLECTION);
  }

  /** Revokes session `jti` of `userId` until `expSeconds` (its refresh token's `exp`); again is harmless. */
  async revoke(jti: string, userId: string, expSeconds: number, now = new Date()): Promise<void> {
    await this.coll().updateOne({ _id: jti }, { $set: { user_id: userId, revoked: now, expires: new Date(expSeconds * 1000) } }, { upsert: true });
    await this.coll().deleteMany({ expires: { $lt: now } });
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.coll().findOne({ _id: jti }, { projection: { _id: 1 } })) !== null;
  }
}
