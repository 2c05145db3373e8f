// Rule fixtures (fixtures/rules/<rule-id>/), in Rector's spirit: each states only what differs
// from a default webhook, and is checked like ESLint's RuleTester checks a rule.
//
// - `context.json`: what this rule's webhook has that the default (an HTTP service `api`, webhook
//   `hook`, POST, no validation, Respond With Result on, run as system) does not, e.g.
//   `{ "config": { "respondResult": false } }`. The endpoint entry and function name follow from
//   it as the mapping makes them (docs/mapping.md).
// - `<case>.input.js` and `<case>.output.js`: the source before and after; `skip_<case>.input.js`
//   must come out unchanged.
// - `<case>.json` (optional): `context` (overrides for this case), `findings` (every finding the
//   rule reports for it, detection and fix: `code`, and where given `message`, `line`, `column`),
//   `endpoint` (fields the endpoint entry has after the rewrite; `null`: the field is removed).
//
// Only the tests and `npm run docs:rules` read fixtures; the package ships none (rules/docs.generated.ts).

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Finding } from "../app/findings.js";
import type { EndpointEntry, WebhookConfig } from "../app/model.js";
import { analyseSource } from "../app/source-facts.js";
import { rewriteSource, type RewriteOutcome } from "./engine.js";
import type { DetectContext, Rule, RuleContext } from "./types.js";

/** The repository root, from src/rewrite/ or dist/src/rewrite/. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, "fixtures", "rules"))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/** What a fixture may say about its webhook; everything else is the default's. */
export interface WebhookOverrides {
  service?: string;
  serviceType?: string;
  webhook?: string;
  authMode?: RuleContext["authMode"];
  callerChanges?: boolean;
  config?: Partial<WebhookConfig>;
  /** The app's services (default: the webhook's own service and `mongodb-atlas`). */
  services?: (Partial<RuleContext["services"][number]> & { name: string; type: string })[];
}

interface ExpectedFinding {
  code: string;
  message?: string;
  line?: number;
  column?: number;
}

export interface RuleCase {
  name: string;
  skip: boolean;
  input: string;
  /** undefined when no output file exists yet. */
  output?: string;
  inputFile: string;
  outputFile: string;
  context: Omit<RuleContext, "eol">;
  findings?: ExpectedFinding[];
  endpoint?: Record<string, unknown>;
}

/** The rule context of a default webhook with `over` applied, endpoint derived as the mapping does. */
export function webhookContext(over: WebhookOverrides = {}): Omit<RuleContext, "eol"> {
  const service = over.service ?? "api";
  const serviceType = over.serviceType ?? "http";
  const webhook = over.webhook ?? "hook";
  const http = serviceType === "http";
  const config: WebhookConfig = {
    name: webhook,
    respondResult: true,
    runAsAuthedUser: false,
    runAsUserId: "",
    runAsUserIdScriptSource: "",
    fetchCustomUserData: false,
    createUserOnAuth: false,
    ...(http ? { httpMethod: "POST", validationMethod: "NO_VALIDATION" } : {}),
    ...over.config,
  } as WebhookConfig;
  // `null` in a fixture removes a default (e.g. a webhook without a secret).
  for (const [k, v] of Object.entries(config)) if (v === null) delete (config as unknown as Record<string, unknown>)[k];
  const functionName = `${service}_${webhook}`;
  const method = config.httpMethod ?? "POST";
  const validation = config.validationMethod ?? "NO_VALIDATION";
  const endpoint = {
    route: `/${service}/${webhook}`,
    http_method: method === "ANY" ? "*" : method === "HEAD" ? "GET" : method,
    function_name: functionName,
    validation_method: validation,
    ...(config.secret !== undefined && validation !== "NO_VALIDATION" ? { secret_name: functionName } : {}),
    respond_result: config.respondResult,
    fetch_custom_user_data: false,
    create_user_on_auth: false,
    disabled: false,
    return_type: "EJSON",
  } as EndpointEntry;
  const services = (
    over.services ?? [
      { name: service, type: serviceType },
      { name: "mongodb-atlas", type: "mongodb-atlas" },
    ]
  ).map((s) => ({ hasRules: false, ...s }));
  return {
    service,
    serviceType,
    webhook,
    authMode: over.authMode ?? "system",
    functionName,
    callerChanges: over.callerChanges ?? false,
    services,
    endpoint,
    config,
  };
}

function merge<T>(base: T, over: unknown): T {
  if (!over || typeof over !== "object" || Array.isArray(over)) return (over ?? base) as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = v && typeof v === "object" && !Array.isArray(v) ? merge(out[k], v) : v;
  return out as T;
}

const readJson = (file: string): Record<string, unknown> => (existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {});

export function ruleCases(ruleId: string, root = repoRoot()): RuleCase[] {
  const dir = path.join(root, "fixtures", "rules", ruleId);
  if (!existsSync(dir)) return [];
  const base = readJson(path.join(dir, "context.json")) as WebhookOverrides;
  return readdirSync(dir)
    .filter((f) => f.endsWith(".input.js"))
    .sort()
    .map((f) => {
      const name = f.slice(0, -".input.js".length);
      const spec = readJson(path.join(dir, `${name}.json`));
      const outputFile = path.join(dir, `${name}.output.js`);
      return {
        name,
        skip: name.startsWith("skip_"),
        input: readFileSync(path.join(dir, f), "utf8"),
        output: existsSync(outputFile) ? readFileSync(outputFile, "utf8") : undefined,
        inputFile: path.join(dir, f),
        outputFile,
        context: webhookContext(merge(base, spec.context)),
        findings: spec.findings as ExpectedFinding[] | undefined,
        endpoint: spec.endpoint as Record<string, unknown> | undefined,
      };
    });
}

export function runCase(rule: Rule, c: RuleCase, text = c.input): RewriteOutcome {
  return rewriteSource(text, `${c.name}.input.js`, [rule], c.context);
}

/** What the rule's detection reports for the case's webhook and source (as src/migrate/differences.ts asks). */
export function detectCase(rule: Rule, c: RuleCase, text = c.input): Finding[] {
  const d: DetectContext = {
    serviceType: c.context.serviceType,
    config: c.context.config,
    authMode: c.context.authMode,
    services: c.context.services,
    facts: analyseSource(text),
    sourceFile: `${c.name}.input.js`,
    configFile: "config.json",
    at: () => ({ file: "config.json" }),
  };
  return rule.detect?.(d) ?? [];
}
