// The HTTPS endpoint pipeline: route + method → authentication from the function's settings →
// secret validation → the function's can_evaluate → fn(request, response) → the response rules of
// respond_result. https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/,
// https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/

import { Binary } from "bson";
import type { ServedEndpoint } from "./app-spec.js";
import {
  constantTimeEqual,
  credentialsIn,
  ejsonToJson,
  errorResponse,
  hasCredentialFields,
  header,
  headersOf,
  lowerHeaders,
  parseQuery,
  signature,
  type ShimRequest,
  type ShimResponse,
} from "./http.js";
import {
  callHandler,
  canEvaluate,
  fixedUser,
  fromFailedCall,
  fromResponseObject,
  scriptUser,
  withCustomData,
  type PipelineDeps,
  type UserResolution,
} from "./pipeline.js";
import { negotiateEncoding } from "./accept.js";
import { requestSpec } from "./webhook.js";
import { SYSTEM_USER } from "./users.js";

export function endpointPrefix(appId: string): string {
  return `/app/${encodeURIComponent(appId)}/endpoint`;
}

/**
 * The endpoints for a route; a specific method wins over `*` (docs/parity.md, "URLs and routing").
 * Endpoints list GET, POST, PUT, PATCH, DELETE and `*`, no HEAD
 * (https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/): a HEAD
 * request reaches a `*` endpoint ("all methods") and otherwise gets what any method without an
 * endpoint gets. `headAsGet` (`--endpoint-head-as-get`) serves it from the route's GET endpoint
 * instead, as generic HTTP servers do; dispatch drops the body of every HEAD answer.
 */
export function matchEndpoint(endpoints: ServedEndpoint[], route: string, method: string, headAsGet = false): { found?: ServedEndpoint; routeExists: boolean } {
  const onRoute = endpoints.filter((e) => e.entry.route === route);
  const found =
    onRoute.find((e) => e.entry.http_method === method) ??
    (method === "HEAD" && headAsGet ? onRoute.find((e) => e.entry.http_method === "GET") : undefined) ??
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
  const { found, routeExists } = matchEndpoint(served.endpoints, route, req.method, sem.endpointHeadAsGet);
  if (!found)
    return errorResponse(routeExists ? sem.errors.methodNotAllowed : sem.errors.endpointNotFound, undefined, routeExists ? "method-not-allowed" : "not-found");
  if (found.entry.disabled) return errorResponse(sem.errors.endpointNotFound, "endpoint is disabled", "disabled");
  if (found.source === undefined) return errorResponse(sem.errors.functionNotFound, `function ${found.entry.function_name} not found`, "function-not-found");

  // `webhookUrl` is the route; `action` the endpoint's function ("<Endpoint Function or Service
  // Action Name>", https://www.mongodb.com/docs/atlas/app-services/rules/expressions/#request-expansions);
  // an endpoint belongs to no service, so `service` stays absent (inferred, docs/parity.md).
  const request = { ...requestSpec(req, deps), webhookUrl: route, action: found.entry.function_name };
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

  // setBody wins; else, with respond_result, the return value encoded by Accept or return_type;
  // else 204 (docs/parity.md, "Responses").
  if (r.response.bodySet) return { ...fromResponseObject(r, r.response.statusCode ?? 200, true), logs: notes };
  if (found.entry.respond_result) {
    const res = fromResponseObject(r, r.response.statusCode ?? 200, false);
    if (r.value !== undefined && !r.returnedResponse) {
      const { encoding, explicit } = negotiateEncoding(acceptHeader(req.rawHeaders), found.entry.return_type);
      const json = encoding === "JSON";
      res.body = Buffer.from(json ? ejsonToJson(r.value) : r.value);
      // EJSON is JSON text; "application/ejson" only when the caller named it (inferred, docs/parity.md).
      res.headers["Content-Type"] = [!json && explicit ? "application/ejson" : "application/json"];
    }
    return { ...res, logs: notes };
  }
  if (r.response.methodsCalled) return { ...fromResponseObject(r, r.response.statusCode ?? sem.endpointNoResultStatus, false), logs: notes };
  return { status: sem.endpointNoResultStatus, headers: {}, body: Buffer.alloc(0), outcome: "ok", logs: notes, outbound: r.outbound };
}

/**
 * `Accept` overrides return_type when it weighs the other format higher (src/runtime/accept.ts); a
 * missing return_type reads as EJSON (undocumented; inferred, docs/parity.md).
 */
export function chooseEncoding(accept: string | undefined, returnType: unknown): "JSON" | "EJSON" {
  return negotiateEncoding(accept, returnType).encoding;
}

/** Every Accept header the request carries, as one list (RFC 9110 section 5.3: repeated fields join with commas). */
function acceptHeader(rawHeaders: string[]): string | undefined {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === "accept") values.push(rawHeaders[i + 1]!);
  return values.length ? values.join(", ") : undefined;
}

/**
 * Authentication comes from the function's settings:
 * https://www.mongodb.com/docs/atlas/app-services/reference/config/functions/,
 * https://www.mongodb.com/docs/atlas/app-services/data-api/authenticate/
 */
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
  const headers = lowerHeaders(req.rawHeaders);
  const creds = bearer ? { kind: "bearer" as const, token: bearer } : credentialsIn(headers);
  // The Data API's OpenAPI documents these three answers (semantics.ts): no credential header at
  // all, an incomplete set (an email without its password), and credentials no user matches.
  if (!creds && hasCredentialFields(headers))
    return { ok: false, response: errorResponse(deps.sem.errors.endpointPartialCredentials, undefined, "partial-credentials") };
  if (!creds) return { ok: false, response: errorResponse(deps.sem.errors.endpointNoCredentials, undefined, "missing-credentials") };
  const auth = await deps.users.authenticate(creds, ep.entry.create_user_on_auth === true);
  if (!auth.ok)
    return { ok: false, response: errorResponse(deps.sem.errors.endpointInvalidCredentials, undefined, "invalid-credentials", { logs: [auth.message] }) };
  return { ok: true, user: auth.user, system: false, notes: auth.created ? [`created user ${auth.user.id} (create_user_on_auth)`] : [] };
}

/**
 * `?secret=` or `Endpoint-Signature` over the raw body, against the Secret named by secret_name
 * (https://www.mongodb.com/docs/atlas/app-services/data-api/custom-endpoints/#endpoint-authorization).
 */
function validate(req: ShimRequest, ep: ServedEndpoint, query: Record<string, string>, deps: PipelineDeps): ShimResponse | undefined {
  const method = ep.entry.validation_method;
  if (method !== "SECRET_AS_QUERY_PARAM" && method !== "VERIFY_PAYLOAD") return undefined;
  const name = ep.entry.secret_name;
  const secret = name ? deps.served.secrets[name] : undefined;
  const fail = (why: string) => errorResponse(deps.sem.errors.endpointAuthFailed, undefined, "auth-failed", { logs: [why] });
  if (secret === undefined) return fail(`Secret ${name ?? "(no secret_name)"} is not in the --secrets file`);
  if (method === "SECRET_AS_QUERY_PARAM")
    return query.secret !== undefined && constantTimeEqual(query.secret, secret) ? undefined : fail("secret query parameter missing or wrong");
  const sent = header(req.rawHeaders, "Endpoint-Signature");
  if (sent === undefined) return fail("Endpoint-Signature missing");
  return constantTimeEqual(sent, signature(secret, req.body ?? Buffer.alloc(0))) ? undefined : fail("Endpoint-Signature does not match");
}
