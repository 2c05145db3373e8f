// The migration plan: everything `migrate` will do, computed without touching the disk. The
// writer applies `files`; the report printers read the rest. Types only, below every module that
// uses them (migrate plans, rewrite rules contribute, upgrade and report read), so none of those
// imports another for its shapes.

import type { OnProgress } from "../util/progress.js";
import type { Finding } from "../app/findings.js";
import type { AppLayout, ConfigVersion, EndpointEntry, FunctionEntry, ServiceType } from "../app/model.js";

export type WebhookStatus = "converted" | "needs-review" | "already-converted" | "failed";
export type Risk = "safe" | "semantic-change" | "needs-review";

/** One thing a rule produced for a webhook. */
export interface Production {
  rule: string;
  risk: Risk;
  file: string;
  description: string;
}

export interface WebhookPlan {
  /** `S/W` */
  id: string;
  service: string;
  serviceType: ServiceType;
  name: string;
  status: WebhookStatus;
  /**
   * The app already had the endpoint `/S/W` calling `S_W` (an earlier conversion): nothing is added
   * for this webhook. Its status is `already-converted`, or `needs-review` when that endpoint or
   * its function differs from the webhook (method, validation, execution user).
   */
  existingEndpoint?: boolean;
  /** App-relative folder of the original webhook. */
  source: string;
  oldUrl: string;
  newUrl?: string;
  endpoint?: EndpointEntry;
  functionEntry?: FunctionEntry;
  functionFile?: string;
  /** Name of the Secret that holds the webhook's secret (the value is only in `plan.secrets`). */
  secretName?: string;
  /** The function's source after the rewrite rules (the webhook's source when none applied). */
  functionSource?: string;
  /** Values the rewritten source reads (`values/<name>.json`). */
  values?: { name: string; value: string; from_secret: boolean; rule?: string }[];
  produced: Production[];
  findings: Finding[];
}

export type ChangeKind = "added" | "modified" | "removed" | "renamed";

export interface FileChange {
  /** App-relative path (the new path of a rename). */
  path: string;
  kind: ChangeKind;
  /**
   * `renamed`: the old path. `added`: copy this original file's bytes (when `after` is absent, a
   * file hookshift did not read as text, such as an image).
   */
  from?: string;
  before?: string;
  after?: string;
  /**
   * `added`: the file this one was made from, for the report's diff against it (a new function:
   * the webhook's source.js, which it copies with the rules' edits). Nothing is copied from it.
   */
  base?: { path: string; text: string };
  /** Ids of the rules whose output is in this change. */
  rules: string[];
}

export interface MigrationPlan {
  root: string;
  appName?: string;
  appId?: string;
  configVersion: ConfigVersion;
  layout: AppLayout;
  /** Endpoint file the new entries go to. */
  endpointFile?: string;
  webhooks: WebhookPlan[];
  files: FileChange[];
  /** Secret name → value. Written only to `<report>/secrets.json`. */
  secrets: Record<string, string>;
  /**
   * Every webhook secret of the app, converted or not (a failed or already converted webhook's
   * config can be in a diff too): the report redacts them where they are values.
   */
  secretValues?: string[];
  /** App-level findings. */
  findings: Finding[];
  /** True when nothing may be written (unsupported format, unusable manifest ...). */
  blocked: boolean;
  /** Set when the app's format was upgraded on the way (pre-2021 exports). */
  upgrade?: UpgradeSummary;
}

/** What the format upgrade did, file by file, for the report's "Format upgrade" section. */
export interface UpgradeSummary {
  from: string;
  to: string;
  moves: { from: string; to: string[]; kind: string; rule: string }[];
}

export interface PlanOptions {
  removeWebhooks: boolean;
  /** Only these rewrite rules (default: all). */
  rules?: string[];
  /** Not these rewrite rules. */
  skipRules?: string[];
  /** Keep endpoint-native contracts (e.g. Endpoint-Signature) and list caller changes instead. */
  callerChanges?: boolean;
  /** Called as webhooks are planned (phase "plan", n of N); the CLI shows it as a progress bar. */
  onProgress?: OnProgress;
  /**
   * Decide every change, write none (scan): the rules' edits inside functions, which need ts-morph,
   * are left out, so the plan has findings, statuses and endpoints as a full one does, and no files.
   */
  detectOnly?: boolean;
}
