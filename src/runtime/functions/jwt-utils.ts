// `utils.jwt` (https://www.mongodb.com/docs/atlas/app-services/functions/globals/#function-utils-jwt)
// on jsonwebtoken, synchronous like the runtime's API; a decoded payload is read as Extended JSON
// into the function's realm. jsonwebtoken is loaded at the first `utils.jwt` call, not when a
// function worker starts: loading it was a quarter to a third of every worker's start-up, and
// verify's coverage workers are replaced every thousand calls (pool.ts; bench/README.md, "verify:
// coverage cost").

import { createRequire } from "node:module";
import type { Algorithm, JwtHeader } from "jsonwebtoken";
import { relaxedJson } from "../bson-values.js";
import { copyToRealm, decodeEJSON, hostRealm, type Realm } from "./ejson-codec.js";

let loaded: typeof import("jsonwebtoken") | undefined;
function jwt(): typeof import("jsonwebtoken") {
  loaded ??= createRequire(import.meta.url)("jsonwebtoken") as typeof import("jsonwebtoken");
  return loaded;
}

const JWT_METHODS = new Set(["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]);

export function makeJwtUtils(realm: Realm = hostRealm) {
  return Object.freeze({
    /** `encode(signingMethod, payload, secret, customHeaderFields?) → string`. No `iat` is added. */
    encode(signingMethod: unknown, payload: unknown, secret: unknown, customHeaderFields?: unknown): string {
      const alg = String(signingMethod);
      if (!JWT_METHODS.has(alg)) throw new Error(`utils.jwt.encode: unsupported signing method "${alg}"`);
      const header = customHeaderFields ? (relaxedJson(customHeaderFields) as Record<string, unknown>) : undefined;
      const claims = relaxedJson(payload) as Record<string, unknown>;
      return jwt().sign(claims, String(secret), {
        algorithm: alg as Algorithm,
        // jsonwebtoken adds `iat` unless noTimestamp, and noTimestamp deletes a given `iat`:
        // keep the payload exactly as given either way.
        noTimestamp: claims === null || typeof claims !== "object" || !claims.iat,
        allowInsecureKeySizes: true,
        ...(header ? { header: { ...header, alg } as JwtHeader } : {}),
      });
    },
    /**
     * `decode(jwtString, key, returnHeader?, acceptedSigningMethods?) → payload | {header, payload}`.
     * Verifies the signature (and `exp`/`nbf`); the payload is decoded as Extended JSON.
     */
    decode(token: unknown, key: unknown, returnHeader?: unknown, acceptedSigningMethods?: unknown): unknown {
      const algorithms = Array.isArray(acceptedSigningMethods) ? (acceptedSigningMethods.map(String) as Algorithm[]) : undefined;
      const decoded = jwt().verify(String(token), String(key), { complete: true, ...(algorithms ? { algorithms } : {}) });
      const payload = typeof decoded.payload === "string" ? decoded.payload : decodeEJSON(JSON.stringify(decoded.payload), realm);
      if (!returnHeader) return payload;
      const out = realm.object();
      out.header = copyToRealm(decoded.header, realm);
      out.payload = payload;
      return out;
    },
  });
}
