// The options more than one command takes, each declared once: its type, its value check and its
// default. A command picks the ones it takes in commands.ts; where one option means something a little
// different to two commands (`--secrets` to the shim and to serve), the command words its help.
// Defaults the runtime also uses come from the runtime (limits.ts, semantics.ts); the rest are here.

import { DEFAULT_LIMITS } from "../runtime/limits.js";
import { numberArg } from "./check.js";

const MB = 1024 * 1024;

/** Where `shim` and `serve` listen unless told otherwise (serve: $PORT first, as container platforms set it). */
const DEFAULT_PORT = 8080;
const DEFAULT_HOST = "127.0.0.1";

/** A boolean flag; off unless given (`on`: on unless `--no-<name>`). */
export const flag = (describe: string, on = false) => ({ type: "boolean", default: on, describe }) as const;

/** A string option without a default. */
export const text = (describe: string) => ({ type: "string", describe }) as const;

/** A whole number from 1; no default (the command decides, e.g. one per core) unless `withDefault`. */
const count = (option: string, describe: string) => ({ requiresArg: true, coerce: numberArg(option, { min: 1, integer: true }), describe }) as const;

/** `spec` with a default, for a command whose default no other command shares. */
export const withDefault = <S extends object, V>(spec: S, value: V) => ({ ...spec, default: value });

export const json = (describe: string) => flag(describe);

/** `--port`; with `fromEnv`, PORT in the environment is the default. */
export const port = (describe: string, fromEnv = false) =>
  ({
    default: fromEnv ? (process.env.PORT ?? DEFAULT_PORT) : DEFAULT_PORT,
    ...(fromEnv ? { defaultDescription: `$PORT, else ${DEFAULT_PORT}` } : {}),
    requiresArg: true,
    coerce: numberArg("--port", { min: 0, max: 65535, integer: true }),
    describe,
  }) as const;

export const host = (describe: string) => ({ type: "string", default: DEFAULT_HOST, describe }) as const;

export const appId = text("App id in the URLs (default: the app's config)");
export const environment = text("environments/<name>.json for context.environment");

/** `--no-sandbox-permissions` turns Node's permission model off for function code (README.md, Security). */
export const sandboxPermissions = (describe: string) => flag(describe, true);

export const timeLimit = (describe: string, seconds: number) =>
  ({ default: seconds, requiresArg: true, coerce: numberArg("--time-limit", { min: 0 }), describe }) as const;

export const jobs = (describe: string) => count("--jobs", describe);
export const workers = (describe: string) => count("--workers", describe);
export const poolSize = (describe: string) => count("--pool-size", describe);

export const maxInflightBodyMb = {
  default: DEFAULT_LIMITS.maxInflightBodyBytes / MB,
  requiresArg: true,
  coerce: numberArg("--max-inflight-body-mb", { min: 1 }),
  describe: "MB of request bodies held at once; past it requests get 503",
} as const;
