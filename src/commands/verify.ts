// `verify`: the same logical requests go to the original webhook (twice, to measure noise) and to
// the migrated endpoint (once), each run on a fresh copy of the same seeded database, and the
// outcomes are compared (status, headers, body, database writes, outbound calls). The first run
// of the original and the migrated run collect coverage; the noise run goes to a session of its
// own without it (coverage makes every call slower, and one measured run of each side is enough).

import { readFile } from "node:fs/promises";
import path from "node:path";
import type { App, Webhook } from "../app/model.js";
import { readApp } from "../app/read/index.js";
import { planMigration } from "../migrate/plan.js";
import { markersIn } from "../rewrite/engine.js";
import { RULE_IDS } from "../rewrite/registry.js";
import { defaultSemantics } from "../runtime/semantics.js";
import { readSecretsFile } from "../runtime/app-spec.js";
import type { ServedApp } from "../runtime/app-spec.js";
import { openSession } from "../runtime/session.js";
import type { ScriptCoverage } from "../runtime/functions/protocol.js";
import { parseSeed } from "../runtime/store/index.js";
import { parseUsersFile, UserStore, type UsersFile } from "../runtime/users.js";
import { UsageError } from "../util/errors.js";
import { baseCase, casesFor, payloadTemplate, type LogicalCase, type RecordedRequest } from "../verify/cases.js";
import { CaseRunner, type RunContext } from "../verify/case-runner.js";
import { addedLines, measure, summarise as summariseCoverage } from "../verify/coverage.js";
import { readsOf } from "../verify/reads.js";
import { gateHeaderSets } from "../verify/gates.js";
import { branchCases, sourceCases, sourceMethod } from "../verify/source-cases.js";
import { summarise, unprovenReason } from "../verify/summary.js";
import { DEFAULT_MAX_CASES, DEFAULT_VERIFY_TIME_LIMIT_S } from "../verify/defaults.js";
import type { CollectionRead, FunctionReads, SourceView, VerifyResult, WebhookCoverage, WebhookVerification } from "../verify/types.js";
import { callerChanges, type Credentials } from "../verify/render.js";

export interface VerifyOptions {
  original: string;
  migrated: string;
  secretsFile?: string;
  usersFile?: string;
  seedFile?: string;
  requestsFile?: string;
  /** Only these webhooks (`S/W`). */
  webhooks?: string[];
  timeLimitMs?: number;
  /** Measure line and branch coverage and aim further cases at branches not taken (default true). */
  coverage?: boolean;
  /**
   * Run the function workers under Node's permission model (default true; session.ts). Node 20's
   * model closes the inspector, so the workers that measure coverage run without it.
   */
  sandboxPermissions?: boolean;
  /** A webhook whose own lines are covered below this percentage is listed in `belowMinCoverage`. */
  minCoverage?: number;
  /** Most cases per webhook, over every round (default DEFAULT_MAX_CASES). */
  maxCases?: number;
  /** Called as each webhook is done (the CLI prints it at once). */
  onWebhook?: (w: WebhookVerification, index: number, total: number) => void;
}

/** Rounds after the first that aim at branches not taken; each stops early when it finds nothing new to try. */
const BRANCH_ROUNDS = 2;

export type { VerifyResult } from "../verify/types.js";

/**
 * Nothing to verify is an error, not an empty success: an original app without webhooks, or a
 * `--webhook` naming one the app does not have (a typo would otherwise drop it unnoticed).
 */
function checkSelection(app: App, only: string[] | undefined): void {
  const ids = app.webhooks.map((w) => w.id);
  if (ids.length === 0) throw new UsageError(`original app ${app.root} has no incoming webhooks to verify`);
  const unmatched = [...new Set((only ?? []).filter((id) => !ids.includes(id)))];
  if (unmatched.length === 0) return;
  const list = ids.slice(0, 5).join(", ") + (ids.length > 5 ? `, … (${ids.length} in all)` : "");
  throw new UsageError(
    `--webhook ${unmatched.join(", ")} ${unmatched.length === 1 ? "matches" : "match"} no webhook of ${app.root}`,
    `Its webhooks (service/name): ${list}.`,
  );
}

export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const usersFile: UsersFile = opts.usersFile ? parseUsersFile(await readFile(opts.usersFile, "utf8"), opts.usersFile) : UserStore.forVerify().file;
  const creds = firstCredentials(usersFile);
  const seed = opts.seedFile ? parseSeed(await readFile(opts.seedFile, "utf8")) : undefined;
  const recorded = opts.requestsFile ? parseRecorded(await readFile(opts.requestsFile, "utf8")) : [];
  const sem = defaultSemantics();
  sem.timeLimitMs = opts.timeLimitMs ?? DEFAULT_VERIFY_TIME_LIMIT_S * 1000;
  const coverage = opts.coverage ?? true;

  const originalApp = await readApp(path.resolve(opts.original));
  checkSelection(originalApp, opts.webhooks);
  // The differences a verbatim conversion has (whether or not a rule handled them in this one):
  // what may explain a difference verify finds.
  const known = new Map(
    planMigration(originalApp, { removeWebhooks: false, skipRules: RULE_IDS }).webhooks.map((w) => [
      w.id,
      w.findings.filter((f) => f.needsReview).map((f) => f.code),
    ]),
  );
  const sandboxPermissions = opts.sandboxPermissions ?? true;
  const original = await openSession({ app: opts.original, users: usersFile, semantics: sem, coverage, sandboxPermissions });
  const noise = coverage ? await openSession({ app: opts.original, users: usersFile, semantics: sem, sandboxPermissions }) : original;
  // migrate and App Services' own conversion both keep a webhook's secret in a Secret named S_W,
  // and verify knows those values from the original app. Giving them to the migrated app's session
  // (before it resolves its from_secret Values) makes it work without --secrets, and for endpoints
  // converted before hookshift, which have no entry in migrate's secrets.json. The file wins.
  const secrets: Record<string, string> = {};
  for (const w of original.served.webhooks) if (w.config?.secret !== undefined) secrets[`${w.service.name}_${w.name}`] = w.config.secret;
  if (opts.secretsFile) Object.assign(secrets, await readSecretsFile(opts.secretsFile));
  const migrated = await openSession({
    app: opts.migrated,
    users: usersFile,
    secrets,
    semantics: sem,
    appId: original.served.appId,
    coverage,
    sandboxPermissions,
  });
  try {
    const userId = usersFile.users?.find((u) => u.email === creds.email)?.id;
    const run: Run = { original, noise, migrated, creds, userId, seed, recorded, coverage, maxCases: Math.max(1, opts.maxCases ?? DEFAULT_MAX_CASES) };
    const results: WebhookVerification[] = [];
    const views: NonNullable<VerifyResult["views"]> = {};
    const webhooks = original.served.webhooks.filter((w) => !opts.webhooks || opts.webhooks.includes(w.id));
    for (const w of webhooks) {
      const { result, view } = await verifyWebhook(w, run, known.get(w.id) ?? []).catch((e: unknown) => ({ result: failedWebhook(w, e), view: undefined }));
      results.push(result);
      if (view) views[w.id] = view;
      opts.onWebhook?.(result, results.length, webhooks.length);
    }
    const markers = Object.entries(migrated.served.spec.functions).flatMap(([name, f]) => markersIn(f.source).map((m) => ({ function: name, ...m })));
    const appId = originalApp.appId;
    return { ...(appId ? { appId } : {}), webhooks: results, markers, summary: summarise(results, opts.minCoverage), ...(coverage ? { views } : {}) };
  } finally {
    await Promise.all([original.close(), noise === original ? undefined : noise.close(), migrated.close()]);
  }
}

/** What every webhook of the run shares, and what only the case generation needs. */
interface Run extends RunContext {
  recorded: RecordedRequest[];
  /** The id of the user verify signs in as (whose custom user data a case can seed). */
  userId: string | undefined;
}

const NO_READS: FunctionReads = { body: "none", fields: [], collections: [], userFields: [], documentFields: [], conditions: [] };

/**
 * What the webhook's source reads, plus the request fields its run_as_user_id_script_source reads
 * (a script that picks the user from `payload.query.as` decides whether the function runs at all).
 * `context.user.custom_data` is a document of the app's custom user data collection when the
 * webhook runs as the calling user and fetches it (as webhook.ts serves it): verify's cases seed
 * that document for the user they sign in as, with the values the function's conditions compare.
 */
function readsOfWebhook(w: Webhook, customUserData: ServedApp["customUserData"], userId: string | undefined): FunctionReads {
  const shape = w.service.type === "github" ? "json" : w.service.type === "twilio" ? "form" : "request";
  const db = customUserData?.database_name;
  const collection = customUserData?.collection_name;
  const fetches = w.config?.runAsAuthedUser === true && w.config.fetchCustomUserData === true && db && collection && userId !== undefined;
  const reads = w.source !== undefined ? readsOf(w.source, shape, fetches ? { db, collection } : undefined) : NO_READS;
  if (fetches && reads.documentFields.some((d) => d.db === db && d.collection === collection)) {
    const filter: CollectionRead["filter"] = { [customUserData!.user_id_field ?? "user_id"]: { kind: "literal", value: userId } };
    reads.collections.push({ service: customUserData!.mongo_service_name ?? "mongodb-atlas", db, collection, method: "findOne", filter, line: 0 });
  }
  const script = w.config?.runAsUserIdScriptSource;
  if (!script) return reads;
  const known = new Set(reads.fields.map((f) => `${f.from}:${f.name}`));
  // Only the fields: the script's conditions are on lines of another source.
  const extra = readsOf(script).fields.filter((f) => !known.has(`${f.from}:${f.name}`));
  return { ...reads, fields: [...reads.fields, ...extra] };
}

async function verifyWebhook(
  w: Webhook,
  run: Run,
  knownDifferences: string[],
): Promise<{ result: WebhookVerification; view?: { original: SourceView; migrated?: SourceView } }> {
  const { original, migrated } = run;
  const route = `/${w.service.name}/${w.name}`;
  const fn = `${w.service.name}_${w.name}`;
  const endpoint = migrated.served.endpoints.find((e) => e.entry.route === route && e.entry.function_name === fn);
  const empty = { equal: 0, different: 0, bothFailed: 0, emulatorDefault: 0, callerChange: 0 };
  if (!endpoint) return { result: { id: w.id, result: "unpaired", verdict: "unpaired", counts: empty, cases: [], callerChanges: [], knownDifferences } };
  const reads = readsOfWebhook(w, original.served.customUserData, run.userId);
  const runner = new CaseRunner(run, w, endpoint.entry, run.coverage && reads.conditions.length > 0);

  // can_evaluate first: every later case carries the first header set the webhook let through.
  let gate: Record<string, string> = {};
  const main = baseCase(w, "", sourceMethod(w, reads));
  for (const headers of gateHeaderSets(w.config?.canEvaluate, original.served.spec.functions)) {
    const [how] = await runner.send([{ ...main, name: `${main.method} can_evaluate headers ${JSON.stringify(headers)}`, headers }], 1);
    if (how !== undefined && how !== "can-evaluate-denied") {
      gate = headers;
      break;
    }
  }
  const gated = (cases: LogicalCase[]) => cases.map((c) => ({ ...c, headers: { ...gate, ...c.headers } }));
  const from = { base: main, template: payloadTemplate(w) };
  await runner.send(gated([...casesFor(w, run.recorded), ...sourceCases(w, reads, from)]), 1);
  const source = w.source ?? "";
  // Later rounds aim at the branches no case took yet; each stops early when it finds nothing new to try.
  for (let round = 2; run.coverage && round <= BRANCH_ROUNDS + 1 && runner.budgetLeft; round++) {
    const open = new Set(
      measure(source, await runner.coverage())
        .branches.filter((b) => !b.taken)
        .map((b) => b.line),
    );
    if (open.size === 0) break;
    const cases = branchCases(w, reads, open, from, (line) => runner.reachedBy(source, line));
    if ((await runner.send(gated(cases), round)).length === 0) break;
  }

  const results = runner.results;
  const counts = { ...empty };
  for (const c of results) counts[c.outcome]++;
  const verdict = counts.different > 0 ? "different" : counts.equal === 0 ? "unproven" : "equal";
  const result: WebhookVerification = {
    id: w.id,
    endpoint: route,
    result: counts.different > 0 ? "different" : "equal",
    verdict,
    counts,
    ...(verdict === "unproven" ? { unprovenReason: unprovenReason(results) } : {}),
    cases: results,
    callerChanges: callerChanges(w, endpoint.entry, original.served.appId),
    knownDifferences,
  };
  if (!run.coverage) return { result };
  // The migrated function's coverage is taken once, at the end: no round aims from it. Both
  // takes at once: each is its own worker's.
  const [originalTakes, migratedTakes] = await Promise.all([runner.coverage(), migrated.takeCoverage(`functions/${fn}.js`)]);
  const takes = { original: originalTakes, migrated: migratedTakes };
  const { coverage, view } = coverageOf(w, source, migrated.served.spec.functions[fn]?.source, takes);
  return { result: { ...result, coverage }, view };
}

/** A webhook verify could not finish: one broken webhook does not stop the others. */
function failedWebhook(w: Webhook, e: unknown): WebhookVerification {
  const error = e instanceof Error ? e.message : String(e);
  return {
    id: w.id,
    result: "different",
    verdict: "error",
    error,
    counts: { equal: 0, different: 0, bothFailed: 0, emulatorDefault: 0, callerChange: 0 },
    cases: [],
    callerChanges: [],
    knownDifferences: [],
  };
}

/** The webhook's own coverage (source.js as the webhook ran it) and the migrated function's, its rule-added lines apart. */
function coverageOf(
  w: Webhook,
  source: string,
  migratedSource: string | undefined,
  takes: { original: ScriptCoverage[]; migrated: ScriptCoverage[] },
): { coverage: WebhookCoverage; view: { original: SourceView; migrated?: SourceView } } {
  const om = measure(source, takes.original);
  const coverage: WebhookCoverage = summariseCoverage(om);
  const view: { original: SourceView; migrated?: SourceView } = { original: { file: w.sourcePath, text: source, lines: om.lines } };
  if (migratedSource !== undefined) {
    const mm = measure(migratedSource, takes.migrated);
    const added = addedLines(source, migratedSource);
    const isAdded = new Set(added);
    coverage.migrated = summariseCoverage(mm, (l) => !isAdded.has(l));
    const a = summariseCoverage(mm, (l) => isAdded.has(l));
    coverage.addedLines = { ...a.lines, uncoveredLines: a.uncoveredLines };
    view.migrated = { file: `functions/${w.service.name}_${w.name}.js`, text: migratedSource, lines: mm.lines, added };
  }
  return { coverage, view };
}

function firstCredentials(file: UsersFile): Credentials {
  const u = (file.users ?? []).find((x) => x.email && x.password);
  return { email: u?.email ?? "nobody@example.com", password: u?.password ?? "no-password" };
}

function parseRecorded(text: string): RecordedRequest[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l, i) => {
      try {
        const v = JSON.parse(l) as RecordedRequest;
        if (typeof v.method !== "string") throw new Error("no method");
        return v;
      } catch (e) {
        throw new Error(`--requests line ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
}
