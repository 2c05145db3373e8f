// The runtime's semantic choices as flags (docs/parity.md), turned into one Semantics object:
// `shim` and `serve` take the same flags so a server behaves as the shim it was verified with.

import type { Argv } from "yargs";
import { DEFAULT_LIMITS } from "../runtime/limits.js";
import { applyErrorStatus, defaultSemantics, type Semantics } from "../runtime/semantics.js";
import { numberArg } from "./check.js";

export interface SemanticsFlags {
  errorStatus: string[];
  webhookNoResultStatus: number;
  endpointNoResultStatus: number;
  headerCase: "canonical" | "as-sent";
  querySecret: "visible" | "hidden";
  rawQueryQuestionMark: boolean;
  webhookEmptyBody: "undefined" | "empty-binary";
  webhookSignatureOver: "raw" | "ejson";
  /** Serve HEAD requests from the route's GET endpoint (default: endpoints have no HEAD method). */
  endpointHeadAsGet?: boolean;
  /** Seconds a function may run. */
  timeLimit: number;
  /** `--set-body-other`: response.setBody with a value that is neither a string nor a BSON.Binary. */
  setBodyOther?: "error" | "string" | "ejson";
  /** `--no-await-pending`: answer when the function returns, not once its pending work has settled. */
  awaitPending?: boolean;
}

/** The Semantics the flags ask for, or the message of a bad `--error-status`. */
export function semanticsFrom(opts: SemanticsFlags): { ok: true; sem: Semantics } | { ok: false; message: string } {
  const sem = defaultSemantics();
  const bad = applyErrorStatus(sem, opts.errorStatus);
  if (bad) return { ok: false, message: bad };
  sem.webhookNoResultStatus = opts.webhookNoResultStatus;
  sem.endpointNoResultStatus = opts.endpointNoResultStatus;
  sem.headerCase = opts.headerCase;
  sem.querySecretVisible = opts.querySecret === "visible";
  sem.rawQueryLeadingQuestionMark = opts.rawQueryQuestionMark;
  sem.webhookEmptyBody = opts.webhookEmptyBody;
  sem.webhookSignatureOver = opts.webhookSignatureOver;
  sem.endpointHeadAsGet = opts.endpointHeadAsGet ?? false;
  if (opts.setBodyOther) sem.setBodyOther = opts.setBodyOther;
  sem.timeLimitMs = opts.timeLimit * 1000;
  if (opts.awaitPending === false) sem.awaitPending = false;
  return { ok: true, sem };
}

/**
 * The flags of SemanticsFlags on a yargs command (`shim` and `serve`). Their defaults are the
 * runtime's (semantics.ts, limits.ts).
 */
export function semanticsOptions<T>(y: Argv<T>) {
  const d = defaultSemantics();
  return y
    .option("error-status", { type: "string", array: true, default: [] as string[], describe: "Override an error status: <kind>=<code> (docs/parity.md)" })
    .option("webhook-no-result-status", { default: d.webhookNoResultStatus, requiresArg: true, coerce: numberArg("--webhook-no-result-status", { min: 100, max: 599, integer: true, what: "an HTTP status" }), describe: "Webhook status with respond_result off and no response set" })
    .option("endpoint-no-result-status", { default: d.endpointNoResultStatus, requiresArg: true, coerce: numberArg("--endpoint-no-result-status", { min: 100, max: 599, integer: true, what: "an HTTP status" }), describe: "Endpoint status with respond_result off and no body set" })
    .option("header-case", { choices: ["canonical", "as-sent"] as const, default: "canonical" as const, describe: "Header names in payload.headers" })
    .option("query-secret", { choices: ["visible", "hidden"] as const, default: "visible" as const, describe: "Whether payload.query / request.query keep the secret parameter" })
    .option("raw-query-question-mark", { type: "boolean", default: false, describe: "Start context.request.rawQueryString with '?'" })
    .option("webhook-empty-body", { choices: ["undefined", "empty-binary"] as const, default: "undefined" as const, describe: "payload.body of a body-less webhook request" })
    .option("webhook-signature-over", { choices: ["raw", "ejson"] as const, default: "raw" as const, describe: "What X-Hook-Signature signs: the raw body or its EJSON re-serialisation" })
    .option("endpoint-head-as-get", { type: "boolean", default: false, describe: "Serve HEAD requests from the route's GET endpoint (default: endpoints have no HEAD method, docs/parity.md)" })
    .option("set-body-other", { choices: ["error", "string", "ejson"] as const, default: "error" as const, describe: "response.setBody with neither a string nor a BSON.Binary: fail, String(value), or its EJSON" })
    .option("time-limit", { default: DEFAULT_LIMITS.timeLimitMs / 1000, requiresArg: true, coerce: numberArg("--time-limit", { min: 0 }), describe: "Seconds a function may run (App Services' limit)" })
    .option("await-pending", { type: "boolean", default: true, describe: "Answer once the work a function did not await (database calls, context.http, timers) has settled (--no-await-pending: answer when it returns)" });
}
