// The contract between the shim (main thread) and the function runtime (a worker thread that
// runs App Services function sources in node:vm). Everything that crosses the thread boundary is
// plain data; BSON values travel as canonical EJSON strings so no type is lost.

/** What the runtime needs to know about the app, sent once per worker (and again when it changes). */
export interface AppSpec {
  /** `context.app` (https://www.mongodb.com/docs/atlas/app-services/functions/context/#context-app). */
  app: {
    id: string;
    clientAppId: string;
    name: string;
    projectId: string;
    deployment: { model: string; providerRegion: string };
    lastDeployed: string;
    hostingUri: string;
  };
  /** `context.environment`. */
  environment: { tag: string; values: Record<string, unknown> };
  /** App functions by name (`functions/<name>.js`), for `context.functions.execute` and `%function`. */
  functions: Record<string, { source: string; private: boolean }>;
  /** `context.values.get`: already resolved (a `from_secret` Value holds the secret's value, or is absent). */
  values: Record<string, unknown>;
  /** Services by name → type (`mongodb-atlas`, `http`, `twilio`, `github`, `aws` ...). */
  services: Record<string, string>;
  /**
   * The app's npm dependencies for `require` (require.ts AppDependencies): the absolute path of its
   * `functions/node_modules`, and the names `functions/package.json` lists.
   */
  dependencies?: { nodeModules?: string; declared?: string[] };
}

export interface UserSpec {
  id: string;
  type: "normal" | "server" | "system";
  data: Record<string, unknown>;
  custom_data: Record<string, unknown>;
  identities: { id: string; provider_type: string; data?: Record<string, unknown> }[];
}

/**
 * `context.request`
 * (https://www.mongodb.com/docs/atlas/app-services/functions/context/#context-request).
 */
export interface RequestSpec {
  remoteIPAddress: string;
  requestHeaders: Record<string, string[]>;
  webhookUrl: string;
  httpMethod: string;
  rawQueryString: string;
  httpReferrer?: string;
  httpUserAgent?: string;
  service?: string;
  action?: string;
}

export interface CallRequest {
  kind: "call";
  id: number;
  /** Run this app function ... */
  functionName?: string;
  /** ... or this source (a webhook's source.js, which is no app function). */
  source?: string;
  /** The app-relative file `source` came from: names its script (stack traces, coverage). */
  sourceFile?: string;
  /** Canonical EJSON of the argument array, without the response object. */
  args: string;
  /** Pass an HTTPResponse as the last argument (webhooks and endpoints). */
  withResponse: boolean;
  user: UserSpec;
  runningAsSystem: boolean;
  request?: RequestSpec;
  timeLimitMs: number;
  allowNetwork: boolean;
  /**
   * Answer once the work the call started has settled (database calls, HTTP requests, timers),
   * as App Services does (docs/parity.md, "Function runtime"); default true. False answers when
   * the handler returns (`--no-await-pending`).
   */
  awaitPending?: boolean;
  /** What `response.setBody` does with a value that is neither a string nor a BSON.Binary (http-response.ts SetBodyOther); default "error". */
  setBodyOther?: "error" | "string" | "ejson";
}

/** The HTTPResponse object's state after the call. */
export interface ResponseState {
  /** True once any of setStatusCode / setHeader / addHeader / setBody ran. */
  methodsCalled: boolean;
  statusCode?: number;
  headers: Record<string, string[]>;
  /** Base64 of the body bytes when setBody ran. */
  body?: string;
  bodySet: boolean;
}

export interface OutboundCall {
  /** `http.get`, `twilio.send`, `http-service.post` ... */
  kind: string;
  service?: string;
  /** Canonical EJSON of the arguments. */
  args: string;
  /** Whether it was actually sent (only with allowNetwork, for context.http). */
  sent: boolean;
}

export type CallResult =
  | {
      kind: "result";
      id: number;
      ok: true;
      /** Canonical EJSON of the return value (awaited); undefined when the function returned undefined. */
      value?: string;
      /** True when the function returned the HTTPResponse object itself (tutorial pattern). */
      returnedResponse: boolean;
      response: ResponseState;
      logs: string[];
      outbound: OutboundCall[];
    }
  | {
      kind: "result";
      id: number;
      ok: false;
      /** `line`: where in the called source the error was thrown, when its stack says (verify's "which line"). */
      error: { message: string; code: "FunctionExecutionError" | "ExecutionTimeLimitExceeded" | "FunctionNotFound"; line?: number };
      response: ResponseState;
      logs: string[];
      outbound: OutboundCall[];
      /** The worker dropped the call before it started, as a DropRequest asked (pool.ts: calls sent ahead). */
      dropped?: true;
    };

/** A database call from the worker; the main thread answers with DbReply. */
export interface DbRequest {
  kind: "db";
  /** RPC id, unique per worker. */
  rpc: number;
  service: string;
  db: string;
  collection?: string;
  /** A CollectionApi method name, or `listCollections` / `listDatabases`. */
  method: string;
  /** Canonical EJSON of the argument array. */
  args: string;
}

export type DbReply = { kind: "db-result"; rpc: number; ok: true; value: string } | { kind: "db-result"; rpc: number; ok: false; message: string };

/**
 * V8's precise coverage of one function script since the last take (the inspector's
 * Profiler.ScriptCoverage: byte offsets into the source, with execution counts).
 */
export interface ScriptCoverage {
  /** The script's file name: `functions/<name>.js`, or a webhook's app-relative `source.js` path. */
  url: string;
  functions: { functionName: string; isBlockCoverage: boolean; ranges: { startOffset: number; endOffset: number; count: number }[] }[];
}

/** Asks a worker started with coverage on for what its function scripts ran since the last take. */
export interface CoverageRequest {
  kind: "coverage";
  id: number;
  /** Only this script (its `url`); every function script when absent. */
  url?: string;
}
interface CoverageReply {
  kind: "coverage";
  id: number;
  scripts: ScriptCoverage[];
}

/** Asks a worker not to start a call it was sent ahead (pool.ts); it answers with a `dropped` result, or not at all once the call runs. */
interface DropRequest {
  kind: "drop";
  id: number;
}

export type ToWorker = { kind: "app"; app: AppSpec } | CallRequest | DbReply | CoverageRequest | DropRequest;
export type FromWorker = CallResult | DbRequest | CoverageReply;
