// App → MigrationPlan. Pure: the app model already holds every text it needs, and the plan says
// which files change and how; the writer applies it, the printers report it.

import { clip, finding, hasErrors, type Finding } from "../app/findings.js";
import { locateIn } from "../app/json.js";
import type { App, EndpointEntry, FunctionEntry, JsonFile, Webhook, WebhookConfig } from "../app/model.js";
import { validate } from "../app/schemas/index.js";
import { differenceFindings } from "./differences.js";
import { appendToArray, newArrayFile } from "./json-append.js";
import { endpointEntry, functionEntry, mappingFindings, namesFor, RULES } from "./map-webhook.js";
import type { FileChange, MigrationPlan, PlanOptions, Production, WebhookPlan } from "../plan/types.js";
import { newEndpointUrl, oldWebhookUrl } from "./urls.js";
import { byCodePoint, fileNameProblem } from "../util/fs.js";
import { selectRules } from "../rewrite/registry.js";
import { applyRewrites, type RewriteSetup } from "./apply-rewrites.js";
import { progressEvery } from "../util/progress.js";
import { existingConversionDifferences, pickExisting } from "./existing-conversion.js";

const CONVERTIBLE = new Set(["http", "github", "twilio"]);

export function planMigration(app: App, options: PlanOptions): MigrationPlan {
  const plan: MigrationPlan = {
    root: app.root,
    appName: app.name,
    appId: app.appId,
    configVersion: app.configVersion,
    layout: app.layout,
    webhooks: [],
    files: [],
    secrets: {},
    secretValues: [...new Set(app.webhooks.flatMap((w) => [...(w.config?.secret ? [w.config.secret] : []), ...(w.otherSecretValues ?? [])]))],
    findings: [...app.findings],
    blocked: false,
  };
  const block = (f: Finding) => {
    plan.findings.push(f);
    plan.blocked = true;
  };

  if (app.configVersion === "20180301" || app.configVersion === "20200603") {
    // Pre-2021 apps go through src/upgrade/ first; this planner only writes 20210101+ layouts.
    block(
      finding("error", "format-upgrade-required", `This is a ${app.configVersion} app; HTTPS endpoints need the 20210101 format or later`, {
        file: app.rootConfig?.path,
        hint: "hookshift migrate upgrades the app's format on the way.",
      }),
    );
  } else if (app.configVersion === "unknown") {
    block(
      finding("error", "no-root-config", "No usable root config, so hookshift cannot write a pushable app", {
        file: app.rootConfig?.path ?? ".",
        hint: "Migrate the complete export (with realm_config.json or root_config.json).",
      }),
    );
  }

  // A folder the reader could not open (finding unreadable-folder): the converted app would lack
  // what it holds, so nothing is written.
  if (app.findings.some((f) => f.code === "unreadable-folder")) plan.blocked = true;

  const endpointFile = chooseEndpointFile(app);
  plan.endpointFile = endpointFile.path;
  const manifest = app.functionManifest;
  for (const [jf, what] of [
    [endpointFile.existing, "endpoint"],
    [manifest, "function"],
  ] as const) {
    if (jf && !Array.isArray(jf.value)) {
      block(
        finding("error", "unusable-manifest", `${jf.path} is not a JSON array, so the new ${what} entries cannot be merged into it`, {
          file: jf.path,
          line: 1,
          column: 1,
          hint: "Fix the file (see the other findings on it), then migrate again.",
        }),
      );
    }
  }

  const { rules, unknown } = selectRules(options.rules, options.skipRules);
  if (unknown.length > 0) {
    block(
      finding("error", "unknown-rule", `Unknown rewrite rule${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`, {
        hint: "`hookshift rules` lists them.",
      }),
    );
  }
  const rewrite: RewriteSetup = { rules, callerChanges: options.callerChanges ?? false, write: !options.detectOnly };
  const existingEndpoints = new EndpointIndex(allEndpoints(app));
  // Indexes, so planning stays linear in the number of webhooks (a scan per webhook would not).
  const appFiles = new Set(app.files);
  const written = new Set<string>();
  const filesByDir = new Map<string, string[]>();
  for (const f of app.files) {
    for (let i = f.indexOf("/"); i > 0; i = f.indexOf("/", i + 1)) {
      const dir = f.slice(0, i);
      (filesByDir.get(dir) ?? filesByDir.set(dir, []).get(dir)!).push(f);
    }
  }
  const takenFunctions = new Set(app.functionNames);
  const newEndpoints: EndpointEntry[] = [];
  const newFunctions: FunctionEntry[] = [];

  const planned = progressEvery(options.onProgress, "plan", app.webhooks.length, "webhooks");
  for (const webhook of [...app.webhooks].sort((a, b) => byCodePoint(a.id, b.id))) {
    const wp = planWebhookSafely(app, webhook, existingEndpoints, takenFunctions, rewrite);
    planned(plan.webhooks.length + 1);
    plan.webhooks.push(wp);
    if (wp.existingEndpoint) {
      // Converted before: nothing is added; only a verbatim copy of the source may be revised.
      if (wp.functionSource !== undefined && wp.functionFile) {
        plan.files.push({ path: wp.functionFile, kind: "modified", before: webhook.source, after: wp.functionSource, rules: wp.produced.map((p) => p.rule) });
      }
      continue;
    }
    if (wp.status !== "converted" && wp.status !== "needs-review") continue;
    newEndpoints.push(wp.endpoint!);
    newFunctions.push(wp.functionEntry!);
    takenFunctions.add(wp.functionEntry!.name);
    existingEndpoints.add({ entry: wp.endpoint!, file: endpointFile.path, index: -1 });
    const rewritten = wp.produced.filter((p) => p.file === wp.functionFile && p.rule !== RULES.source).map((p) => p.rule);
    plan.files.push({
      path: wp.functionFile!,
      kind: "added",
      after: wp.functionSource ?? webhook.source!,
      base: { path: webhook.sourcePath, text: webhook.source! },
      rules: [RULES.source, ...rewritten],
    });
    for (const v of wp.values ?? []) {
      const file = `values/${v.name}.json`;
      if (appFiles.has(file) || written.has(file)) continue;
      written.add(file);
      const { rule, ...value } = v;
      plan.files.push({ path: file, kind: "added", after: JSON.stringify(value, null, 4) + "\n", rules: rule ? [rule] : [] });
    }
    if (webhook.config?.secret !== undefined && wp.secretName) plan.secrets[wp.secretName] = webhook.config.secret;
    if (options.removeWebhooks) {
      // The texts hookshift read go into the diff; other files of the folder are listed without one.
      const known: Record<string, string | undefined> = { [webhook.sourcePath]: webhook.source };
      if (webhook.configFile) known[webhook.configFile.path] = webhook.configFile.text;
      for (const f of filesByDir.get(webhook.dir) ?? []) {
        plan.files.push({ path: f, kind: "removed", before: known[f], rules: [RULES.removeWebhook] });
        wp.produced.push({ rule: RULES.removeWebhook, risk: "semantic-change", file: f, description: `removed ${f}: the old webhook URL stops answering` });
      }
    }
  }

  if (newEndpoints.length > 0) {
    const change = mergeArrayFile(endpointFile.path, endpointFile.existing, newEndpoints, RULES.endpoint, plan);
    if (change) plan.files.push(change);
    const fchange = mergeArrayFile("functions/config.json", manifest, newFunctions, RULES.function, plan);
    if (fchange) plan.files.push(fchange);
  }
  checkOwnEntries(plan, newEndpoints, newFunctions);
  if (plan.blocked) {
    plan.files = [];
    plan.secrets = {};
  }
  // A rewritten function's text is not made when only detecting: no file may come from it.
  if (options.detectOnly) plan.files = [];
  plan.files.sort((a, b) => byCodePoint(a.path, b.path));
  return plan;
}

/**
 * The endpoint file to merge into: the one the format reads (`http_endpoints/config.json` for
 * 20210101, `https_endpoints/config.json` for 20230101), or, in hybrids where only the other one
 * exists, that one (the Nov 2021 bot exported 20210101 apps with https_endpoints/config.json).
 */
function chooseEndpointFile(app: App): { path: string; existing?: JsonFile<EndpointEntry[]> } {
  const byPath = new Map(app.endpointFiles.map((f) => [f.path, f]));
  const preferred = app.configVersion === "20230101" ? "https_endpoints/config.json" : "http_endpoints/config.json";
  const other = preferred.startsWith("https") ? "http_endpoints/config.json" : "https_endpoints/config.json";
  if (byPath.has(preferred)) return { path: preferred, existing: byPath.get(preferred) };
  if (byPath.has(other)) return { path: other, existing: byPath.get(other) };
  return { path: preferred };
}

interface KnownEndpoint {
  entry: EndpointEntry;
  file: string;
  index: number;
}

function allEndpoints(app: App): KnownEndpoint[] {
  const out: KnownEndpoint[] = [];
  for (const f of app.endpointFiles) {
    if (!Array.isArray(f.value)) continue;
    f.value.forEach((entry, index) => {
      if (entry && typeof entry === "object" && typeof entry.route === "string") out.push({ entry, file: f.path, index });
    });
  }
  return out;
}

/** Known endpoints by route. */
class EndpointIndex {
  private readonly byRoute = new Map<string, KnownEndpoint[]>();
  constructor(list: KnownEndpoint[]) {
    for (const e of list) this.add(e);
  }
  add(e: KnownEndpoint): void {
    const route = e.entry.route;
    (this.byRoute.get(route) ?? this.byRoute.set(route, []).get(route)!).push(e);
  }
  onRoute(route: string): KnownEndpoint[] {
    return this.byRoute.get(route) ?? [];
  }
}

const methodsOverlap = (a: string, b: string) => a === b || a === "*" || b === "*";

/** A webhook's plan before any decision: failed until proven convertible. */
function failedPlan(app: App, webhook: Webhook): WebhookPlan {
  return {
    id: webhook.id,
    service: webhook.service.name,
    serviceType: webhook.service.type,
    name: webhook.name,
    status: "failed",
    source: webhook.dir,
    oldUrl: oldWebhookUrl(app, webhook.service.name, webhook.name),
    produced: [],
    findings: [...webhook.findings],
  };
}

/** One webhook that trips over something unforeseen fails alone, with a finding; the run goes on. */
function planWebhookSafely(app: App, webhook: Webhook, endpoints: EndpointIndex, takenFunctions: Set<string>, rewrite: RewriteSetup): WebhookPlan {
  try {
    return planWebhook(app, webhook, endpoints, takenFunctions, rewrite);
  } catch (e) {
    const wp = failedPlan(app, webhook);
    wp.findings.push(
      finding("error", "internal", `hookshift could not plan this webhook: ${e instanceof Error ? e.message : String(e)}`, {
        file: webhook.configFile?.path ?? webhook.dir,
        hint: "Please report this with the webhook's config (without its secret); the other webhooks were converted.",
      }),
    );
    return wp;
  }
}

function planWebhook(app: App, webhook: Webhook, endpoints: EndpointIndex, takenFunctions: Set<string>, rewrite: RewriteSetup): WebhookPlan {
  const wp = failedPlan(app, webhook);
  const cfg = webhook.config;
  if (!CONVERTIBLE.has(webhook.service.type)) {
    if (!wp.findings.some((f) => f.code === "unsupported-service-type")) {
      wp.findings.push(
        finding("error", "unsupported-service-type", `Service type "${webhook.service.type}" cannot be converted`, {
          file: webhook.service.config?.path ?? webhook.service.dir,
        }),
      );
    }
    return wp;
  }
  if (!cfg || webhook.source === undefined || hasErrors(wp.findings)) return wp;

  const { route, functionName, secretName } = namesFor(webhook.service.name, cfg.name);
  const badName = fileNameProblem(functionName);
  if (badName) {
    wp.findings.push(
      finding("error", "invalid-name", `The function name ${clip(functionName)} cannot name functions/${clip(functionName)}.js: ${badName}`, {
        file: webhook.configFile?.path ?? webhook.dir,
        ...(webhook.configFile ? locateIn(webhook.configFile, ["name"]) : {}),
        hint: "Give the webhook (or its service) a short name, as App Services requires, or convert it by hand.",
      }),
    );
    return wp;
  }
  wp.newUrl = newEndpointUrl(app, route);

  const earlier = endpoints.onRoute(route).filter((e) => e.entry.function_name === functionName);
  if (earlier.length > 0) {
    // Converted before. It counts as this webhook's conversion only if it answers the same
    // requests (method, validation, execution user); each difference needs a person.
    const converted = pickExisting(webhook, cfg, earlier);
    const differences = existingConversionDifferences(app, webhook, cfg, converted, earlier);
    wp.status = "already-converted";
    wp.existingEndpoint = true;
    wp.endpoint = converted.entry;
    wp.findings.push(
      finding(
        "info",
        "already-converted",
        differences.length === 0
          ? `Endpoint ${route} (function ${functionName}) exists; nothing to do`
          : `Endpoint ${route} (function ${functionName}) exists, so nothing was added; it differs from the webhook (see the other findings)`,
        { file: converted.file },
      ),
    );
    if (!takenFunctions.has(functionName)) {
      wp.findings.push(
        finding("warning", "missing-function", `Endpoint ${route} calls ${functionName}, which the app does not define`, {
          file: converted.file,
          needsReview: true,
          hint: `Add functions/${functionName}.js and its functions/config.json entry.`,
        }),
      );
    }
    reviseVerbatimConversion(app, webhook, cfg, wp, rewrite);
    wp.findings.push(...differences);
    // What a person must check about the earlier conversion (its differences, a missing function,
    // a verbatim copy left alone) makes the webhook need review; the webhook's own findings from
    // reading its config were there when it was converted, and do not.
    const fromReading = new Set(webhook.findings);
    if (wp.findings.some((f) => f.needsReview && !fromReading.has(f))) wp.status = "needs-review";
    return wp;
  }

  wp.findings.push(...mappingFindings(webhook, cfg));
  const endpoint = endpointEntry(webhook, cfg);
  const collision = endpoints.onRoute(route).find((e) => methodsOverlap(String(e.entry.http_method), endpoint.http_method));
  if (collision) {
    wp.findings.push(
      finding(
        "error",
        "route-collision",
        `Route ${route} (${collision.entry.http_method}) already exists and calls ${collision.entry.function_name}, not ${functionName}`,
        {
          file: collision.file,
          ...positionOfEntry(app, collision),
          hint: "Rename or remove the existing endpoint, or convert this webhook by hand.",
        },
      ),
    );
  }
  if (takenFunctions.has(functionName)) {
    wp.findings.push(
      finding("error", "function-collision", `A function named ${functionName} already exists, but no endpoint ${route} calls it`, {
        file: app.functionManifest?.path ?? "functions",
        hint: `Remove or rename the existing ${functionName} (a half-finished earlier conversion?), then migrate again.`,
      }),
    );
  }
  if (hasErrors(wp.findings)) return wp;

  wp.endpoint = endpoint;
  wp.functionEntry = functionEntry(webhook, cfg);
  wp.functionFile = `functions/${functionName}.js`;
  if (endpoint.secret_name || cfg.secret !== undefined) wp.secretName = secretName;
  wp.findings.push(...differenceFindings(webhook, cfg, app.services));

  const produced: Production[] = [
    { rule: RULES.endpoint, risk: "safe", file: "", description: `endpoint ${endpoint.http_method} ${route} runs ${functionName}` },
    { rule: RULES.function, risk: "safe", file: "functions/config.json", description: `function ${functionName} (${authText(webhook)})` },
    { rule: RULES.source, risk: "safe", file: wp.functionFile, description: `source copied byte for byte from ${webhook.sourcePath}` },
  ];
  if (wp.secretName) {
    produced.push({ rule: RULES.secret, risk: "safe", file: "secrets.json", description: `Secret ${wp.secretName} holds the webhook's secret` });
  }
  wp.produced = produced;
  applyRewrites(app, webhook, cfg, wp, rewrite);
  const review = wp.findings.some((f) => f.needsReview);
  wp.status = review ? "needs-review" : "converted";
  return wp;
}

/**
 * An earlier conversion (App Services' own) that copied the webhook's source verbatim has the
 * same behaviour differences as a fresh one: apply the source-only rewrites to it. Rules that
 * would also change the existing endpoint or add Values are left to a person, with a finding.
 */
function reviseVerbatimConversion(app: App, webhook: Webhook, cfg: WebhookConfig, wp: WebhookPlan, rewrite: RewriteSetup): void {
  const name = `${webhook.service.name}_${webhook.name}`;
  if (app.convertedSources[name] !== webhook.source || webhook.source === undefined || !wp.endpoint) return;
  const trial: WebhookPlan = { ...wp, produced: [], findings: [...wp.findings], functionFile: `functions/${name}.js`, functionEntry: { name, private: false } };
  applyRewrites(app, webhook, cfg, trial, rewrite);
  if (trial.functionSource === webhook.source) return;
  const patched = JSON.stringify(trial.endpoint) !== JSON.stringify(wp.endpoint) || (trial.values ?? []).length > 0;
  if (patched) {
    wp.findings.push(
      finding(
        "warning",
        "verbatim-conversion",
        `${trial.functionFile} is a verbatim copy of this webhook, and the rules that keep its behaviour would also change its existing endpoint`,
        {
          file: trial.functionFile,
          needsReview: true,
          hint: "Remove the endpoint and function, then migrate again to let hookshift convert the webhook whole.",
        },
      ),
    );
    return;
  }
  wp.functionFile = trial.functionFile;
  wp.functionSource = trial.functionSource;
  wp.produced = trial.produced;
  wp.findings = trial.findings;
  wp.findings.push(
    finding(
      "info",
      "verbatim-conversion",
      `${trial.functionFile} was a verbatim copy of the webhook (an earlier conversion); hookshift's rules were applied to it`,
      {
        file: trial.functionFile,
      },
    ),
  );
}

function authText(webhook: Webhook): string {
  switch (webhook.authMode) {
    case "system":
      return "runs as system";
    case "user-id":
      return "runs as a fixed user";
    case "script":
      return "runs as the user its script returns";
    default:
      return "application authentication";
  }
}

function positionOfEntry(app: App, known: KnownEndpoint): { line?: number; column?: number } {
  const f = app.endpointFiles.find((e) => e.path === known.file);
  if (!f || known.index < 0) return {};
  return locateIn(f, [known.index]);
}

function mergeArrayFile(
  path: string,
  existing: JsonFile<unknown[]> | undefined,
  entries: unknown[],
  rule: string,
  plan: MigrationPlan,
): FileChange | undefined {
  if (!existing) return { path, kind: "added", after: newArrayFile(entries), rules: [rule] };
  // Not an array (broken, too deep, …): the plan is blocked already (unusable-manifest).
  if (!Array.isArray(existing.value)) return undefined;
  const merged = appendToArray(existing.text, entries);
  if (!merged.ok) {
    plan.findings.push(finding("error", "unusable-manifest", `${path} could not be merged into`, { file: path }));
    plan.blocked = true;
    return undefined;
  }
  for (const wp of plan.webhooks) for (const p of wp.produced) if (p.rule === rule && p.file === "") p.file = path;
  return { path, kind: "modified", before: existing.text, after: merged.text, rules: [rule] };
}

/** hookshift's own entries must pass the strict output schemas; a failure is hookshift's bug, reported loudly. */
function checkOwnEntries(plan: MigrationPlan, endpoints: EndpointEntry[], functions: FunctionEntry[]): void {
  const checks = [
    ["endpoints-output", endpoints, plan.endpointFile ?? "http_endpoints/config.json"],
    ["function-manifest-output", functions, "functions/config.json"],
  ] as const;
  for (const [kind, entries, file] of checks) {
    for (const p of validate(kind, entries, newArrayFile(entries), file)) {
      plan.findings.push({ ...p, severity: "error", code: "output-schema", message: `hookshift produced an invalid entry: ${p.message}` });
      plan.blocked = true;
    }
  }
}
