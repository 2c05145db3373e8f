// The runtime's semantic choices as flags (docs/parity.md), turned into one Semantics object:
// `shim` and `serve` take the same flags so a server behaves as the shim it was verified with.
// Every default is the runtime's (defaultSemantics, semantics.ts); none is written here.

import type { Argv } from "yargs";
import {
  applyErrorStatus,
  defaultSemantics,
  HEADER_CASES,
  SET_BODY_OTHER,
  WEBHOOK_EMPTY_BODIES,
  WEBHOOK_SIGNATURE_OVER,
  type Semantics,
} from "../runtime/semantics.js";
import { numberArg } from "./check.js";
import { timeLimit } from "./options.js";

const QUERY_SECRET = ["visible", "hidden"] as const;

/** What the flags set; an unset one keeps the runtime's default. */
export interface SemanticsFlags {
  errorStatus?: string[];
  webhookNoResultStatus?: number;
  endpointNoResultStatus?: number;
  headerCase?: Semantics["headerCase"];
  querySecret?: (typeof QUERY_SECRET)[number];
  rawQueryQuestionMark?: boolean;
  webhookEmptyBody?: Semantics["webhookEmptyBody"];
  webhookSignatureOver?: Semantics["webhookSignatureOver"];
  /** Serve HEAD requests from the route's GET endpoint (default: endpoints have no HEAD method). */
  endpointHeadAsGet?: boolean;
  /** Seconds a function may run. */
  timeLimit?: number;
  /** `--set-body-other`: response.setBody with a value that is neither a string nor a BSON.Binary. */
  setBodyOther?: Semantics["setBodyOther"];
  /** `--no-await-pending`: answer when the function returns, not once its pending work has settled. */
  awaitPending?: boolean;
}

/** The flags' names as parsed arguments, for a command handler to pass them on (`semanticsArgs`). */
const FLAG_KEYS = [
  "errorStatus",
  "webhookNoResultStatus",
  "endpointNoResultStatus",
  "headerCase",
  "querySecret",
  "rawQueryQuestionMark",
  "webhookEmptyBody",
  "webhookSignatureOver",
  "endpointHeadAsGet",
  "setBodyOther",
  "timeLimit",
  "awaitPending",
] as const satisfies readonly (keyof SemanticsFlags)[];

/** The SemanticsFlags among a command's parsed arguments. */
export function semanticsArgs(args: Partial<Record<(typeof FLAG_KEYS)[number], unknown>>): SemanticsFlags {
  const out: Record<string, unknown> = {};
  for (const k of FLAG_KEYS) if (args[k] !== undefined) out[k] = args[k];
  return out as SemanticsFlags;
}

/** The Semantics the flags ask for, or the message of a bad `--error-status`. */
export function semanticsFrom(opts: SemanticsFlags): { ok: true; sem: Semantics } | { ok: false; message: string } {
  const sem = defaultSemantics();
  const bad = applyErrorStatus(sem, opts.errorStatus ?? []);
  if (bad) return { ok: false, message: bad };
  sem.webhookNoResultStatus = opts.webhookNoResultStatus ?? sem.webhookNoResultStatus;
  sem.endpointNoResultStatus = opts.endpointNoResultStatus ?? sem.endpointNoResultStatus;
  sem.headerCase = opts.headerCase ?? sem.headerCase;
  if (opts.querySecret !== undefined) sem.querySecretVisible = opts.querySecret === "visible";
  sem.rawQueryLeadingQuestionMark = opts.rawQueryQuestionMark ?? sem.rawQueryLeadingQuestionMark;
  sem.webhookEmptyBody = opts.webhookEmptyBody ?? sem.webhookEmptyBody;
  sem.webhookSignatureOver = opts.webhookSignatureOver ?? sem.webhookSignatureOver;
  sem.endpointHeadAsGet = opts.endpointHeadAsGet ?? sem.endpointHeadAsGet;
  sem.setBodyOther = opts.setBodyOther ?? sem.setBodyOther;
  if (opts.timeLimit !== undefined) sem.timeLimitMs = opts.timeLimit * 1000;
  sem.awaitPending = opts.awaitPending ?? sem.awaitPending;
  return { ok: true, sem };
}

/** The flags of SemanticsFlags on a yargs command (`shim` and `serve`), with the runtime's defaults. */
export function semanticsOptions<T>(y: Argv<T>) {
  const d = defaultSemantics();
  const status = (option: string) => numberArg(option, { min: 100, max: 599, integer: true, what: "an HTTP status" });
  return y
    .option("error-status", { type: "string", array: true, default: [] as string[], describe: "Override an error status: <kind>=<code> (docs/parity.md)" })
    .option("webhook-no-result-status", {
      default: d.webhookNoResultStatus,
      requiresArg: true,
      coerce: status("--webhook-no-result-status"),
      describe: "Webhook status with respond_result off and no response set",
    })
    .option("endpoint-no-result-status", {
      default: d.endpointNoResultStatus,
      requiresArg: true,
      coerce: status("--endpoint-no-result-status"),
      describe: "Endpoint status with respond_result off and no body set",
    })
    .option("header-case", { choices: HEADER_CASES, default: d.headerCase, describe: "Header names in payload.headers" })
    .option("query-secret", {
      choices: QUERY_SECRET,
      default: d.querySecretVisible ? QUERY_SECRET[0] : QUERY_SECRET[1],
      describe: "Whether payload.query / request.query keep the secret parameter",
    })
    .option("raw-query-question-mark", { type: "boolean", default: d.rawQueryLeadingQuestionMark, describe: "Start context.request.rawQueryString with '?'" })
    .option("webhook-empty-body", { choices: WEBHOOK_EMPTY_BODIES, default: d.webhookEmptyBody, describe: "payload.body of a body-less webhook request" })
    .option("webhook-signature-over", {
      choices: WEBHOOK_SIGNATURE_OVER,
      default: d.webhookSignatureOver,
      describe: "What X-Hook-Signature signs: the raw body or its EJSON re-serialisation",
    })
    .option("endpoint-head-as-get", {
      type: "boolean",
      default: d.endpointHeadAsGet,
      describe: "Serve HEAD requests from the route's GET endpoint (default: endpoints have no HEAD method, docs/parity.md)",
    })
    .option("set-body-other", {
      choices: SET_BODY_OTHER,
      default: d.setBodyOther,
      describe: "response.setBody with neither a string nor a BSON.Binary: fail, String(value), or its EJSON",
    })
    .option("time-limit", timeLimit("Seconds a function may run (App Services' limit)", d.timeLimitMs / 1000))
    .option("await-pending", {
      type: "boolean",
      default: d.awaitPending,
      describe: "Answer once the work a function did not await (database calls, context.http, timers) has settled (--no-await-pending: answer when it returns)",
    });
}
