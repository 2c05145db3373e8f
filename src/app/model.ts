// The exported-app model: what hookshift knows about one App Services app on disk.
// Readers build it (never throwing on bad input), planners consume it (pure), writers and
// reports turn plans back into files. Paths in the model are relative to the app root and use
// forward slashes, so plans and reports are the same on every platform.

import type { Finding } from "./findings.js";
import type { SourceFacts } from "./source-facts.js";

/** `config_version` values, plus "unknown" for a partial export without a root config. */
export type ConfigVersion = "20180301" | "20200603" | "20210101" | "20230101" | "unknown";

/**
 * Where a webhook sits on disk
 * (https://github.com/10gen/realm-cli/blob/master/internal/local/structure_v1.go, structure_v2.go;
 * https://www.mongodb.com/docs/atlas/app-services/reference/config/):
 * - `A`  `services/<svc>/incoming_webhooks/<w>/` (every version; GitHub/Twilio in 20210101 too)
 * - `B`  `http_endpoints/<svc>/incoming_webhooks/<w>/`
 * - `B′` `http_endpoints/<svc>/<w>/` (docs-only variant without the `incoming_webhooks` level)
 * - `C`  `https_endpoints/<svc>/incoming_webhooks/<w>/` or `https_endpoints/<svc>/<w>/` (20230101)
 */
export type WebhookLayout = "A" | "B" | "B′" | "C";

/** App-level layout label: the format family, or "hybrid" when the files present disagree. */
export type AppLayout = "A" | "B" | "C" | "hybrid" | "partial";

export type ServiceType = "http" | "github" | "twilio" | "aws" | "gcm" | "mongodb" | "unknown" | string;

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "ANY";
export type ValidationMethod = "NO_VALIDATION" | "SECRET_AS_QUERY_PARAM" | "VERIFY_PAYLOAD";
export type EndpointMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "*";

/**
 * Execution user of a webhook
 * (https://www.mongodb.com/docs/atlas/app-services/services/configure/service-webhooks/).
 */
export type AuthMode = "system" | "user-id" | "script" | "application";

/** A JSON file as read: its text (for byte-exact merges), parsed value, and where it came from. */
export interface JsonFile<T = unknown> {
  path: string;
  text: string;
  value: T | undefined;
}

export interface Service {
  /** Service name as configured (the config `name`, else the folder name). */
  name: string;
  /** Folder name on disk; differs from `name` in messy exports. */
  dirName: string;
  /** App-relative folder, e.g. `http_endpoints/httpServ`. */
  dir: string;
  type: ServiceType;
  /** `services`, `http_endpoints` or `https_endpoints`. */
  root: "services" | "http_endpoints" | "https_endpoints";
  config?: JsonFile<Record<string, unknown>>;
}

/** Normalised webhook settings; `raw` keeps the parsed config for anything not normalised. */
export interface WebhookConfig {
  name: string;
  httpMethod?: HttpMethod;
  validationMethod?: ValidationMethod;
  /** Plaintext secret from `options.secret`. Never printed; reports redact it. */
  secret?: string;
  respondResult: boolean;
  runAsAuthedUser: boolean;
  runAsUserId: string;
  runAsUserIdScriptSource: string;
  /** Legacy `run_as_system` (legacy docs only). */
  runAsSystem?: boolean;
  canEvaluate?: Record<string, unknown>;
  fetchCustomUserData: boolean;
  createUserOnAuth: boolean;
  disableArgLogs?: boolean;
  /** Legacy Admin API option `secretAsQueryParam: true`, read as SECRET_AS_QUERY_PARAM. */
  legacySecretAsQueryParam?: boolean;
}

export interface Webhook {
  /** `S/W`: service name, slash, webhook name. Unique within an app. */
  id: string;
  service: Service;
  name: string;
  dirName: string;
  /** App-relative folder of the webhook. */
  dir: string;
  layout: WebhookLayout;
  configFile?: JsonFile<Record<string, unknown>>;
  /** Undefined when the config could not be read or is unusable (see findings). */
  config?: WebhookConfig;
  authMode?: AuthMode;
  sourcePath: string;
  /** Source text exactly as on disk; undefined when missing or unreadable. */
  source?: string;
  /** What the source calls and returns (source-facts.ts), from the reader's parse. */
  sourceFacts?: SourceFacts;
  /**
   * Every string value of a `secret` key in the config text: a key written twice keeps only
   * its last value in `config.secret` (JSON.parse), but every value is redacted from the reports.
   */
  otherSecretValues?: string[];
  /** Problems with this webhook. An `error` finding means it cannot be converted. */
  findings: Finding[];
}

/**
 * One entry of `http_endpoints/config.json` / `https_endpoints/config.json`
 * (https://www.mongodb.com/docs/atlas/app-services/reference/config/https_endpoints/).
 */
export interface EndpointEntry {
  route: string;
  http_method: EndpointMethod | string;
  function_name: string;
  validation_method: ValidationMethod | string;
  secret_name?: string;
  respond_result: boolean;
  fetch_custom_user_data: boolean;
  create_user_on_auth: boolean;
  disabled: boolean;
  return_type?: "JSON" | "EJSON" | string;
  [extra: string]: unknown;
}

/**
 * One entry of `functions/config.json`
 * (https://www.mongodb.com/docs/atlas/app-services/reference/config/functions/).
 */
export interface FunctionEntry {
  name: string;
  private: boolean;
  can_evaluate?: Record<string, unknown>;
  disable_arg_logs?: boolean;
  run_as_system?: boolean;
  run_as_user_id?: string;
  run_as_user_id_script_source?: string;
  [extra: string]: unknown;
}

export interface App {
  /** Absolute path of the app folder. */
  root: string;
  configVersion: ConfigVersion;
  layout: AppLayout;
  /** App-relative path of the root config file, if any. */
  rootConfig?: JsonFile<Record<string, unknown>>;
  appId?: string;
  name?: string;
  services: Service[];
  webhooks: Webhook[];
  /** Endpoint files present (`http_endpoints/config.json`, `https_endpoints/config.json`). */
  endpointFiles: JsonFile<EndpointEntry[]>[];
  /** The 20210101+ function manifest, when present. */
  functionManifest?: JsonFile<FunctionEntry[]>;
  /** Names of functions that exist (manifest entries and legacy function folders). */
  functionNames: string[];
  /**
   * Sources of functions named like a webhook's conversion (`S_W`), keyed by name: an earlier
   * conversion may have copied a webhook verbatim, and the rewrite rules still apply to it.
   */
  convertedSources: Record<string, string>;
  /** Every file of the app, app-relative, sorted; used for copying and collision checks. */
  files: string[];
  /** App-level findings (layout, root config, manifests). Webhook findings live on the webhook. */
  findings: Finding[];
}
