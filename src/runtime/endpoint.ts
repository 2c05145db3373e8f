// The HTTPS endpoint pipeline (domain.md §10): route + method → authentication from the
// function's settings → secret validation → the function's can_evaluate → fn(request, response)
// → the response rules of §5.3.

import { Binary } from "bson";
import type { ServedEndpoint } from "./app-spec.js";
import { constantTimeEqual, credentialsIn, ejsonToJson, errorResponse, header, headersOf, lowerHeaders, parseQuery, signature, type ShimRequest, type ShimResponse } from "./http.js";
import { callHandler, canEvaluate, fixedUser, fromFailedCall, fromResponseObject, scriptUser, withCustomData, type PipelineDeps, type UserResolution } from "./pipeline.js";
import { requestSpec } from "./webhook.js";
import { SYSTEM_USER } from "./users.js";

export function endpointPrefix(appId: string): string {
  return `/app/${encodeURIComponent(appId)}/endpoint`;
}

/**
 * §5.6: the endpoints for a route; a specific method wins over `*`. Endpoints have no HEAD
 * method; a HEAD request is served by the route's GET endpoint, as HTTP servers do (inferred,
 * docs/parity.md), and answers without a body.
 */
export function matchEndpoint(endpoints: ServedEndpoint[], route: string, method: string): { found?: ServedEndpoint; routeExists: boolean } {
  const onRoute = endpoints.filter((e) => e.entry.route === route);
  const found =
    onRoute.find((e) => e.entry.http_method === method) ??
    (method === "HEAD" ? onRoute.find((e) => e.entry.http_method === "GET") : undefined) ??
    onRoute.find((e) => e.entry.http_method === "*");
  return { found, routeExists: onRoute.length > 0 };
}

export async function handleEndpoint(req: ShimRequest, deps: PipelineDeps): Promise<ShimResponse> {
  const { sem, served } = deps;
  const prefix = endpointPrefix(served.appId);
  if (!req.path.startsWith(prefix + "/")) return errorResponse(sem.errors.endpointNotFound, undefined, "not-found");
  let route: string;
  try {
    route = decodeURIComponent(req.path.slice(prefix.length));
  } catch {
    return errorResponse(sem.errors.endpointNotFound, undefined, "not-found");
  }
  const { found, routeExists } = matchEndpoint(served.endpoints, route, req.method);
  if (!found) return errorResponse(routeExists ? sem.errors.methodNotAllowed : sem.errors.endpointNotFound, undefined, routeExists ? "method-not-allowed" : "not-found");
  if (found.entry.disabled) return errorResponse(sem.errors.endpointNotFound, "endpoint is disabled", "disabled");
  if (found.source === undefined) return errorResponse(sem.errors.functionNotFound, `function ${found.entry.function_name} not found`, "function-not-found");

  const request = { ...requestSpec(req, deps), webhookUrl: route };
  const query = parseQuery(req.rawQuery).first;
  const requestArg: Record<string, unknown> = { query: { ...query }, headers: headersOf(req.rawHeaders, sem.headerCase) };
  if (!sem.querySecretVisible) delete (requestArg.query as Record<string, string>).secret;
  if (req.body !== undefined) requestArg.body = new Binary(req.body);

  const who = await authenticate(req, found, requestArg, request, deps);
  if (!who.ok) return who.response;
  const invalid = validate(req, found, query, deps);
  if (invalid) return invalid;
  const user = found.entry.fetch_custom_user_data && who.user.type !== "system" ? await withCustomData(deps, who.user) : who.user;
  const denied = await canEvaluate(deps, found.fn?.can_evaluate, user, request);
  if (denied) return denied;

  const r = await callHandler(deps, { functionName: found.entry.function_name }, requestArg, { user, system: who.system }, request);
  if (!r.ok) return fromFailedCall(deps, r);
  const notes = [...who.notes, ...r.logs];

  // §5.3: setBody wins; else, with respond_result, the return value encoded by Accept or return_type; else 204.
  if (r.response.bodySet) return { ...fromResponseObject(r, r.response.statusCode ?? 200, true), logs: notes };
  if (found.entry.respond_result) {
    const res = fromResponseObject(r, r.response.statusCode ?? 200, false);
    if (r.value !== undefined && !r.returnedResponse) {
      const accept = header(req.rawHeaders, "Accept");
      const json = chooseEncoding(accept, found.entry.return_type) === "JSON";
      res.body = Buffer.from(json ? ejsonToJson(r.value) : r.value);
      // EJSON is JSON text; "application/ejson" only when the caller asked for it (inferred, docs/parity.md).
      res.headers["Content-Type"] = [!json && (accept ?? "").toLowerCase().includes("application/ejson") ? "application/ejson" : "application/json"];
    }
    return { ...res, logs: notes };
  }
  if (r.response.methodsCalled) return { ...fromResponseObject(r, r.response.statusCode ?? sem.endpointNoResultStatus, false), logs: notes };
  return { status: sem.endpointNoResultStatus, headers: {}, body: Buffer.alloc(0), outcome: "ok", logs: notes, outbound: r.outbound };
}

/** `Accept: application/json|application/ejson` overrides return_type; missing return_type reads as EJSON (§9 Q12, inferred). */
export function chooseEncoding(accept: string | undefined, returnType: unknown): "JSON" | "EJSON" {
  const a = (accept ?? "").toLowerCase();
  if (a.includes("application/ejson")) return "EJSON";
  if (a.includes("application/json")) return "JSON";
  return returnType === "JSON" ? "JSON" : "EJSON";
}

/** §4.3 / §5.5: authentication comes from the function's settings. */
async function authenticate(
  req: ShimRequest,
  ep: ServedEndpoint,
  requestArg: unknown,
  request: ReturnType<typeof requestSpec>,
  deps: PipelineDeps,
): Promise<UserResolution> {
  const fn = ep.fn ?? { name: ep.entry.function_name, private: false };
  if (fn.run_as_system) return { ok: true, user: SYSTEM_USER, system: true, notes: [] };
  if (fn.run_as_user_id) return fixedUser(deps, fn.run_as_user_id);
  if (fn.run_as_user_id_script_source) return scriptUser(deps, fn.run_as_user_id_script_source, requestArg, request);
  const authz = header(req.rawHeaders, "Authorization");
  const bearer = authz && /^Bearer\s+(.+)$/i.exec(authz)?.[1];
  const creds = bearer ? { kind: "bearer" as const, token: bearer } : credentialsIn(lowerHeaders(req.rawHeaders));
  if (!creds) return { ok: false, response: errorResponse(deps.sem.errors.missingCredentials, undefined, "missing-credentials") };
  const auth = deps.users.authenticate(creds, ep.entry.create_user_on_auth === true);
  if (!auth.ok) return { ok: false, response: errorResponse(deps.sem.errors.invalidCredentials, auth.message, "invalid-credentials") };
  return { ok: true, user: auth.user, system: false, notes: auth.created ? [`created user ${auth.user.id} (create_user_on_auth)`] : [] };
}

/** §5.4: `?secret=` or `Endpoint-Signature` over the raw body, against the Secret named by secret_name. */
function validate(req: ShimRequest, ep: ServedEndpoint, query: Record<string, string>, deps: PipelineDeps): ShimResponse | undefined {
  const method = ep.entry.validation_method;
  if (method !== "SECRET_AS_QUERY_PARAM" && method !== "VERIFY_PAYLOAD") return undefined;
  const name = ep.entry.secret_name;
  const secret = name ? deps.served.secrets[name] : undefined;
  const fail = (why: string) => errorResponse(deps.sem.errors.endpointAuthFailed, undefined, "auth-failed", { logs: [why] });
  if (secret === undefined) return fail(`Secret ${name ?? "(no secret_name)"} is not in the --secrets file`);
  if (method === "SECRET_AS_QUERY_PARAM") return query.secret !== undefined && constantTimeEqual(query.secret, secret) ? undefined : fail("secret query parameter missing or wrong");
  const sent = header(req.rawHeaders, "Endpoint-Signature");
  if (sent === undefined) return fail("Endpoint-Signature missing");
  return constantTimeEqual(sent, signature(secret, req.body ?? Buffer.alloc(0))) ? undefined : fail("Endpoint-Signature does not match");
}

