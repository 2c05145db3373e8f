// The migration plan: everything `migrate` will do, computed without touching the disk. The
// writer applies `files`; the report printers read the rest.

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
  /** App-relative folder of the original webhook. */
  source: string;
  oldUrl: string;
  newUrl?: string;
  endpoint?: EndpointEntry;
  functionEntry?: FunctionEntry;
  functionFile?: string;
  /** Name of the Secret that holds the webhook's secret (the value is only in `plan.secrets`). */
  secretName?: string;
  produced: Production[];
  findings: Finding[];
}

export type ChangeKind = "added" | "modified" | "removed";

export interface FileChange {
  /** App-relative path. */
  path: string;
  kind: ChangeKind;
  before?: string;
  after?: string;
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
  /** App-level findings. */
  findings: Finding[];
  /** True when nothing may be written (unsupported format, unusable manifest ...). */
  blocked: boolean;
}

export interface PlanOptions {
  removeWebhooks: boolean;
}
