// The custom-token provider's JWK URI (auth/providers.json `config.useJWKURI` / `config.jwkURI`):
// "a URL that hosts a JWK or JWKS that describes the signing method and signing keys the JWTs
// should use. The JWKS may specify up to three signing keys and must use the RS256 algorithm";
// "each token must include a kid header that specifies the Key ID of a key from the JWKS"
// (https://www.mongodb.com/docs/atlas/app-services/authentication/custom-jwt/#use-a-jwk-uri).
//
// serve reads the set once at start (a failure stops the start), then again when a token names
// a `kid` it does not hold (the issuer rotated its keys), at most once per `minRefetchMs`, so a
// stream of made-up `kid`s costs one fetch per interval and no more. The set replaces the last
// one (a key the issuer dropped stops verifying); at most MAX_KEYS keys and MAX_BODY bytes are
// kept or read. Keys become node:crypto KeyObjects (createPublicKey, format "jwk"), which
// jsonwebtoken verifies with.

import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { hostOnList, normaliseHost, normaliseHostList } from "../runtime/functions/allow-hosts.js";

/** More than the documented three, for issuers that publish next and previous keys too. */
const MAX_KEYS = 16;
const MAX_BODY = 1024 * 1024;
const DEFAULT_MIN_REFETCH_MS = 60_000;
const FETCH_TIMEOUT_MS = 5_000;

export interface JwksOptions {
  uri: string;
  /** At most one refetch per this many ms for an unknown `kid` (default 60 s). */
  minRefetchMs?: number;
  /**
   * `--allow-host`: when a list is given, a redirect is refused (every host serve reaches must be
   * one the list names, and the URI's own host was checked at start: allowedJwkHost).
   */
  restricted?: boolean;
  now?: () => number;
}

/** The keys of a JWK URI by `kid`, refetched on an unknown one. */
export interface JwkKeys {
  keyFor(kid: string): Promise<KeyObject | undefined>;
  /** The URI, for messages. */
  readonly uri: string;
}

class JwksError extends Error {}

/** Reads the set at once (throws JwksError with the reason), then answers keys by `kid`. */
export async function loadJwks(opts: JwksOptions): Promise<JwkKeys> {
  const now = opts.now ?? Date.now;
  const minRefetchMs = opts.minRefetchMs ?? DEFAULT_MIN_REFETCH_MS;
  let keys = await fetchKeys(opts.uri, opts.restricted === true);
  let lastFetch = now();
  let inflight: Promise<void> | undefined;
  const refetch = (): Promise<void> => {
    inflight ??= fetchKeys(opts.uri, opts.restricted === true)
      .then((k) => {
        keys = k;
      })
      // An issuer that is down keeps the keys serve had: tokens signed with them still verify.
      .catch(() => undefined)
      .finally(() => {
        lastFetch = now();
        inflight = undefined;
      });
    return inflight;
  };
  return {
    uri: opts.uri,
    async keyFor(kid) {
      const known = keys.get(kid);
      if (known) return known;
      if (inflight) await inflight;
      else if (now() - lastFetch >= minRefetchMs) await refetch();
      return keys.get(kid);
    },
  };
}

async function fetchKeys(uri: string, restricted: boolean): Promise<Map<string, KeyObject>> {
  let res: Response;
  try {
    res = await fetch(uri, {
      headers: { Accept: "application/json" },
      redirect: restricted ? "error" : "follow",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
    throw new JwksError(`${e instanceof Error ? e.message : String(e)}${cause}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new JwksError(`it answered HTTP ${res.status}`);
  }
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY) {
    await res.body?.cancel();
    throw new JwksError(`its answer is ${declared} bytes, more than ${MAX_BODY}`);
  }
  const text = await res.text();
  if (text.length > MAX_BODY) throw new JwksError(`its answer is more than ${MAX_BODY} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new JwksError("its answer is not JSON");
  }
  return keysOf(body);
}

/** A JWKS (`{"keys": [...]}`) or a single JWK, as the docs allow both: RSA signing keys with a `kid`. */
export function keysOf(body: unknown): Map<string, KeyObject> {
  if (!body || typeof body !== "object") throw new JwksError("its answer is not a JWK or a JWK Set");
  const list = Array.isArray((body as { keys?: unknown }).keys) ? (body as { keys: unknown[] }).keys : "kty" in body ? [body] : undefined;
  if (!list) throw new JwksError('its answer has no "keys" array (a JWK Set) and is not a JWK');
  const out = new Map<string, KeyObject>();
  const skipped: string[] = [];
  for (const k of list) {
    if (out.size >= MAX_KEYS) break;
    const jwk = k as JsonWebKey & { kid?: unknown; use?: unknown; alg?: unknown };
    if (typeof jwk?.kid !== "string" || jwk.kty !== "RSA" || (jwk.use !== undefined && jwk.use !== "sig") || (jwk.alg !== undefined && jwk.alg !== "RS256")) {
      skipped.push(typeof jwk?.kid === "string" ? jwk.kid : "(no kid)");
      continue;
    }
    try {
      out.set(jwk.kid, createPublicKey({ key: jwk, format: "jwk" }));
    } catch {
      skipped.push(jwk.kid);
    }
  }
  if (out.size === 0) throw new JwksError(`it holds no RS256 signing key with a kid${skipped.length ? ` (skipped: ${skipped.join(", ")})` : ""}`);
  return out;
}

/**
 * Whether `--allow-host` lets serve reach the JWK URI's host: the functions' rule
 * (src/runtime/functions/allow-hosts.ts hostOnList), with serve's own list; an empty list
 * restricts nothing.
 */
export function allowedJwkHost(
  uri: string,
  allowHosts: readonly string[] | undefined,
): { ok: true } | { ok: false; host: string } | { ok: false; invalid: string } {
  let host: string;
  try {
    const u = new URL(uri);
    if (u.protocol !== "https:" && u.protocol !== "http:") return { ok: false, invalid: `${u.protocol} is not http: or https:` };
    host = u.hostname;
  } catch {
    return { ok: false, invalid: "not a URL" };
  }
  const list = normaliseHostList(allowHosts);
  if (list.length === 0 || hostOnList(host, list)) return { ok: true };
  return { ok: false, host: normaliseHost(host) };
}

/**
 * serve's start: checks the URI against `--allow-host` and reads the set. Throws JwksError with a
 * whole message for the user (the URI, what is wrong, what to do).
 */
export async function openJwkUri(uri: string, allowHosts: readonly string[] | undefined, refetchSeconds?: string): Promise<JwkKeys> {
  const where = "auth/providers.json: the custom-token provider's JWK URI";
  const seconds = refetchSeconds === undefined || refetchSeconds.trim() === "" ? undefined : Number(refetchSeconds);
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds >= 0))
    throw new JwksError(
      `HOOKSHIFT_JWKS_REFETCH_SECONDS is "${refetchSeconds}": give a number of seconds, 0 or more (default ${DEFAULT_MIN_REFETCH_MS / 1000})`,
    );
  const minRefetchMs = seconds === undefined ? undefined : seconds * 1000;
  if (uri === "")
    throw new JwksError(
      `${where} is empty (config.useJWKURI is true): set config.jwkURI, or turn useJWKURI off and give signing keys (secret_config.signingKeys)`,
    );
  const allowed = allowedJwkHost(uri, allowHosts);
  if (!allowed.ok && "invalid" in allowed) throw new JwksError(`${where} ${uri} is not usable: ${allowed.invalid}`);
  if (!allowed.ok)
    throw new JwksError(`${where} ${uri} names host ${allowed.host}, which serve's --allow-host list does not: add --allow-host ${allowed.host}`);
  try {
    return await loadJwks({ uri, restricted: (allowHosts ?? []).some((h) => h.trim() !== ""), ...(minRefetchMs !== undefined ? { minRefetchMs } : {}) });
  } catch (e) {
    throw new JwksError(
      `${where} ${uri} cannot be read: ${e instanceof Error ? e.message : String(e)}. Check that it answers a JWK Set (https://www.mongodb.com/docs/atlas/app-services/authentication/custom-jwt/#use-a-jwk-uri)`,
    );
  }
}
