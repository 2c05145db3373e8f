// What the webhook and endpoint pipelines share: their dependencies, the execution user,
// can_evaluate, custom user data, and turning a function's result into an HTTP response.

import { EJSON } from "bson";
import type { Store } from "./store/types.js";
import type { ServedApp } from "./app-spec.js";
import { relaxedJson } from "./bson-values.js";
import { evaluateExpression } from "./expressions.js";
import type { CallRequest, CallResult, RequestSpec, UserSpec } from "./functions/protocol.js";
import { errorResponse, type ShimResponse } from "./http.js";
import type { Semantics } from "./semantics.js";
import { SYSTEM_USER, type UserDirectory } from "./users.js";

export interface Runner {
  /** `signal` cancels the call (server.ts: the HTTP client went away); see FunctionRuntime.call. */
  call(req: Omit<CallRequest, "kind" | "id">, opts?: { signal?: AbortSignal }): Promise<CallResult>;
}

export interface PipelineDeps {
  served: ServedApp;
  runner: Runner;
  users: UserDirectory;
  store: Store;
  sem: Semantics;
  allowNetwork: boolean;
}

/** Arguments cross into the sandbox as EJSON; relaxed keeps plain numbers plain, as a request's JSON is. */
const encodeArgs = (args: unknown[]): string => EJSON.stringify(args, { relaxed: true });

export type UserResolution = { ok: true; user: UserSpec; system: boolean; notes: string[] } | { ok: false; response: ShimResponse };

/** Fixed user id: runs as that id even when the user store does not know it, with a note (as App Services would). */
export async function fixedUser(deps: PipelineDeps, id: string): Promise<UserResolution> {
  const { user, known } = await deps.users.byId(id);
  return { ok: true, user, system: false, notes: known ? [] : [`run_as_user_id ${id} is not in the --users file; running as that id with no data`] };
}

/** Runs `run_as_user_id_script_source`: a user id string, or `{ runAsSystem: true }`. */
export async function scriptUser(deps: PipelineDeps, script: string, arg: unknown, request: RequestSpec): Promise<UserResolution> {
  const r = await deps.runner.call({
    source: script,
    args: encodeArgs([arg]),
    withResponse: false,
    user: SYSTEM_USER,
    runningAsSystem: true,
    request,
    timeLimitMs: deps.sem.timeLimitMs,
    awaitPending: deps.sem.awaitPending,
    allowNetwork: deps.allowNetwork,
  });
  if (!r.ok) return { ok: false, response: fromFailedCall(deps, r) };
  const v = r.value === undefined ? undefined : EJSON.parse(r.value, { relaxed: true });
  if (v && typeof v === "object" && (v as { runAsSystem?: unknown }).runAsSystem === true) return { ok: true, user: SYSTEM_USER, system: true, notes: [] };
  if (typeof v === "string" && v) return fixedUser(deps, v);
  return {
    ok: false,
    response: errorResponse(
      deps.sem.errors.functionError,
      "run_as_user_id_script_source returned neither a user id nor { runAsSystem: true }",
      "user-script-failed",
    ),
  };
}

/** `context.user.custom_data`: the app's custom user data collection, else the --users file. */
export async function withCustomData(deps: PipelineDeps, user: UserSpec): Promise<UserSpec> {
  const cfg = deps.served.customUserData;
  if (cfg?.database_name && cfg.collection_name) {
    const doc = await deps.store
      .collection(cfg.database_name, cfg.collection_name)
      .findOne({ [cfg.user_id_field ?? "user_id"]: user.id })
      .catch(() => null);
    if (doc) return { ...user, custom_data: relaxedJson(doc) as Record<string, unknown> };
  }
  return { ...user, custom_data: deps.users.fileCustomData(user.id) };
}

export async function canEvaluate(
  deps: PipelineDeps,
  expr: Record<string, unknown> | undefined,
  user: UserSpec,
  request: RequestSpec,
): Promise<ShimResponse | undefined> {
  if (!expr || Object.keys(expr).length === 0) return undefined;
  try {
    const r = await evaluateExpression(expr, {
      request: request as unknown as Record<string, unknown>,
      user: user as unknown as Record<string, unknown>,
      values: deps.served.spec.values,
      environment: deps.served.spec.environment,
      callFunction: async (name, args) => {
        const res = await deps.runner.call({
          functionName: name,
          args: encodeArgs(args),
          withResponse: false,
          user,
          runningAsSystem: user.type === "system",
          request,
          timeLimitMs: deps.sem.timeLimitMs,
          awaitPending: deps.sem.awaitPending,
          allowNetwork: deps.allowNetwork,
        });
        if (!res.ok) throw new Error(res.error.message);
        return res.value === undefined ? undefined : EJSON.parse(res.value, { relaxed: true });
      },
    });
    if (r.allowed) return undefined;
    return errorResponse(deps.sem.errors.canEvaluateFailed, undefined, "can-evaluate-denied", { logs: r.trace });
  } catch (e) {
    return errorResponse(
      deps.sem.errors.canEvaluateFailed,
      `can_evaluate could not be evaluated: ${e instanceof Error ? e.message : String(e)}`,
      "can-evaluate-error",
    );
  }
}

/** Calls a webhook source or an endpoint function with `(arg, response)` as the given user. */
export function callHandler(
  deps: PipelineDeps,
  target: { source: string; sourceFile?: string } | { functionName: string },
  arg: unknown,
  who: { user: UserSpec; system: boolean },
  request: RequestSpec,
): Promise<CallResult> {
  return deps.runner.call({
    ...target,
    args: encodeArgs([arg]),
    withResponse: true,
    setBodyOther: deps.sem.setBodyOther,
    user: who.user,
    runningAsSystem: who.system,
    request,
    timeLimitMs: deps.sem.timeLimitMs,
    awaitPending: deps.sem.awaitPending,
    allowNetwork: deps.allowNetwork,
  });
}

export function fromFailedCall(deps: PipelineDeps, r: Extract<CallResult, { ok: false }>): ShimResponse {
  const spec =
    r.error.code === "ExecutionTimeLimitExceeded"
      ? deps.sem.errors.timeout
      : r.error.code === "FunctionNotFound"
        ? deps.sem.errors.functionNotFound
        : deps.sem.errors.functionError;
  return errorResponse(spec, r.error.message, r.error.code === "ExecutionTimeLimitExceeded" ? "timeout" : "function-error", {
    logs: r.logs,
    outbound: r.outbound,
    failure: { message: r.error.message, ...(r.error.line !== undefined ? { line: r.error.line } : {}) },
  });
}

/** The response object's headers and body, as the function left them. */
export function fromResponseObject(r: Extract<CallResult, { ok: true }>, status: number, withBody: boolean): ShimResponse {
  return {
    status,
    headers: structuredClone(r.response.headers),
    body: withBody && r.response.body !== undefined ? Buffer.from(r.response.body, "base64") : Buffer.alloc(0),
    outcome: "ok",
    logs: r.logs,
    outbound: r.outbound,
  };
}
