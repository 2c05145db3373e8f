// `verify`: the same logical requests go to the original webhook (twice, to measure noise) and to
// the migrated endpoint (once), each run on a fresh copy of the same seeded database, and the
// outcomes are compared (status, headers, body, database writes, outbound calls). The first run
// of the original and the migrated run collect coverage; the noise run goes to a session of its
// own without it (coverage makes every call slower, and one measured run of each side is enough).

import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Webhook } from "../app/model.js";
import { readApp } from "../app/read/index.js";
import { planMigration } from "../migrate/plan.js";
import { markersIn } from "../rewrite/engine.js";
import { RULE_IDS } from "../rewrite/registry.js";
import type { ShimRequest, ShimResponse } from "../runtime/http.js";
import { dispatch } from "../runtime/server.js";
import { defaultSemantics } from "../runtime/semantics.js";
import { readSecretsFile } from "../runtime/app-spec.js";
import { openSession, type Session } from "../runtime/session.js";
import type { ScriptCoverage } from "../runtime/functions/protocol.js";
import { loadSeedFile, openStore, parseSeed } from "../runtime/store/index.js";
import { parseUsersFile, UserStore, type UsersFile } from "../runtime/users.js";
import { baseCase, casesFor, payloadTemplate, type LogicalCase, type RecordedRequest } from "./cases.js";
import { classify, compareRuns, type Observation } from "./compare.js";
import { addedLines, measure, percent, summarise as summariseCoverage, type Measured } from "./coverage.js";
import { readsOf } from "./reads.js";
import { gateHeaderSets } from "./gates.js";
import { branchCases, sourceCases, sourceMethod } from "./source-cases.js";
import type { CaseResult, FunctionReads, SourceView, VerifyResult, VerifySummary, WebhookCoverage, WebhookVerification } from "./types.js";
import { callerChanges, renderForEndpoint, renderForWebhook, type Credentials } from "./render.js";

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
  /** A webhook whose own lines are covered below this percentage is listed in `belowMinCoverage`. */
  minCoverage?: number;
  /** Most cases per webhook, over every round (default DEFAULT_MAX_CASES). */
  maxCases?: number;
  /** Called as each webhook is done (the CLI prints it at once). */
  onWebhook?: (w: WebhookVerification, index: number, total: number) => void;
}

/** Enough for a webhook's config cases, its source cases and two rounds aimed at branches, on 2 cores. */
export const DEFAULT_MAX_CASES = 40;
/** Rounds after the first that aim at branches not taken; each stops early when it finds nothing new to try. */
const BRANCH_ROUNDS = 2;

export type { CaseResult, VerifyResult, WebhookVerification } from "./types.js";

export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const usersFile: UsersFile = opts.usersFile ? parseUsersFile(await readFile(opts.usersFile, "utf8"), opts.usersFile) : UserStore.forVerify().file;
  const creds = firstCredentials(usersFile);
  const seed = opts.seedFile ? await readFile(opts.seedFile, "utf8") : undefined;
  const recorded = opts.requestsFile ? parseRecorded(await readFile(opts.requestsFile, "utf8")) : [];
  const sem = defaultSemantics();
  sem.timeLimitMs = opts.timeLimitMs ?? 10_000;
  const coverage = opts.coverage ?? true;

  const originalApp = await readApp(path.resolve(opts.original));
  // The differences a verbatim conversion has (whether or not a rule handled them in this one):
  // what may explain a difference verify finds.
  const known = new Map(
    planMigration(originalApp, { removeWebhooks: false, skipRules: RULE_IDS }).webhooks.map((w) => [w.id, w.findings.filter((f) => f.needsReview).map((f) => f.code)]),
  );
  const original = await openSession({ app: opts.original, users: usersFile, semantics: sem, coverage });
  const noise = coverage ? await openSession({ app: opts.original, users: usersFile, semantics: sem }) : original;
  // migrate and App Services' own conversion both keep a webhook's secret in a Secret named S_W,
  // and verify knows those values from the original app. Giving them to the migrated app's session
  // (before it resolves its from_secret Values) makes it work without --secrets, and for endpoints
  // converted before hookshift, which have no entry in migrate's secrets.json. The file wins.
  const secrets: Record<string, string> = {};
  for (const w of original.served.webhooks) if (w.config?.secret !== undefined) secrets[`${w.service.name}_${w.name}`] = w.config.secret;
  if (opts.secretsFile) Object.assign(secrets, await readSecretsFile(opts.secretsFile));
  const migrated = await openSession({ app: opts.migrated, users: usersFile, secrets, semantics: sem, appId: original.served.appId, coverage });
  try {
    const run: Run = { original, noise, migrated, creds, seed, recorded, coverage, maxCases: Math.max(1, opts.maxCases ?? DEFAULT_MAX_CASES) };
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
    return { webhooks: results, markers, summary: summarise(results, opts.minCoverage), ...(coverage ? { views } : {}) };
  } finally {
    await original.close();
    if (noise !== original) await noise.close();
    await migrated.close();
  }
}

interface Run {
  original: Session;
  /** The original again, for the second run that measures noise (without coverage when coverage is on). */
  noise: Session;
  migrated: Session;
  creds: Credentials;
  seed: string | undefined;
  recorded: RecordedRequest[];
  coverage: boolean;
  maxCases: number;
}

const NO_READS: FunctionReads = { body: "none", fields: [], collections: [], userFields: [], documentFields: [], conditions: [] };

/**
 * What the webhook's source reads, plus the request fields its run_as_user_id_script_source reads
 * (a script that picks the user from `payload.query.as` decides whether the function runs at all).
 */
function readsOfWebhook(w: Webhook): FunctionReads {
  const shape = w.service.type === "github" ? "json" : w.service.type === "twilio" ? "form" : "request";
  const reads = w.source !== undefined ? readsOf(w.source, shape) : NO_READS;
  const script = w.config?.runAsUserIdScriptSource;
  if (!script) return reads;
  const known = new Set(reads.fields.map((f) => `${f.from}:${f.name}`));
  // Only the fields: the script's conditions are on lines of another source.
  const extra = readsOf(script).fields.filter((f) => !known.has(`${f.from}:${f.name}`));
  return { ...reads, fields: [...reads.fields, ...extra] };
}

async function verifyWebhook(w: Webhook, run: Run, knownDifferences: string[]): Promise<{ result: WebhookVerification; view?: { original: SourceView; migrated?: SourceView } }> {
  const { original, migrated } = run;
  const route = `/${w.service.name}/${w.name}`;
  const fn = `${w.service.name}_${w.name}`;
  const endpoint = migrated.served.endpoints.find((e) => e.entry.route === route && e.entry.function_name === fn);
  const empty = { equal: 0, different: 0, bothFailed: 0, emulatorDefault: 0 };
  if (!endpoint) return { result: { id: w.id, result: "unpaired", verdict: "unpaired", counts: empty, cases: [], callerChanges: [], knownDifferences } };
  const appId = original.served.appId;
  const reads = readsOfWebhook(w);
  const migratedFile = `functions/${fn}.js`;
  const takes = { original: [] as ScriptCoverage[], migrated: [] as ScriptCoverage[] };
  // A take costs 1-2 ms of the worker whatever it holds (bench/README.md), so verify takes only
  // what it uses: the original after each round (what the next round aims at) and after each
  // first-round source case (where later rounds start from); the migrated function once, at the end.
  let untaken = false; // calls ran on the original since its last take
  const takeOriginal = async (): Promise<ScriptCoverage[]> => {
    untaken = false;
    const take = await original.takeCoverage(w.sourcePath);
    takes.original.push(...take);
    return take;
  };
  /** Whether a round's source cases take their own coverage: the first round's, when a later round can use them. */
  const perCase = (round: number) => run.coverage && round === 1 && reads.conditions.length > 0;

  const results: CaseResult[] = [];
  const reached: { values: ReadonlyMap<string, unknown>; take: ScriptCoverage[]; lines?: Measured["lines"] }[] = [];
  // The same request twice proves nothing new (a source case can repeat a config case).
  const sent = new Set<string>();
  /** Runs the cases not sent before, within the budget; returns how each ended on the webhook side. */
  const runCases = async (cases: LogicalCase[], round: number): Promise<string[]> => {
    const outcomes: string[] = [];
    for (const c of cases) {
      if (results.length >= run.maxCases) break;
      const key = JSON.stringify([c.method, c.query, c.headers, c.body, c.seed, c.secret, c.credentials]);
      if (sent.has(key)) continue;
      sent.add(key);
      const own = perCase(round) && c.values !== undefined;
      // The counts of cases without values (config cases) go in before a per-case take.
      if (own && untaken) await takeOriginal();
      const toWebhook = renderForWebhook(c, appId, w, run.creds);
      const toEndpoint = renderForEndpoint(c, appId, w, endpoint.entry, migrated.served.secrets, run.creds);
      const o1 = await observe(original, toWebhook, run.seed, c.seed);
      untaken = true;
      const o2 = await observe(run.noise, toWebhook, run.seed, c.seed);
      const m = await observe(migrated, toEndpoint, run.seed, c.seed);
      const cmp = compareRuns(o1, o2, m);
      const { outcome, reason } = classify(cmp, o1);
      results.push({ name: c.name, round, webhookStatus: o1.status, endpointStatus: m.status, equal: cmp.equal, outcome, ...(reason ? { reason } : {}), differences: cmp.differences });
      outcomes.push(o1.outcome ?? "ok");
      // A source case's own coverage: which lines its values lead to, for later rounds.
      if (own) reached.push({ values: c.values!, take: await takeOriginal() });
    }
    if (run.coverage && untaken) await takeOriginal();
    return outcomes;
  };

  // can_evaluate first: every later case carries the first header set the webhook let through.
  let gate: Record<string, string> = {};
  const main = baseCase(w, "", sourceMethod(w, reads));
  for (const headers of gateHeaderSets(w.config?.canEvaluate, original.served.spec.functions)) {
    const [how] = await runCases([{ ...main, name: `${main.method} can_evaluate headers ${JSON.stringify(headers)}`, headers }], 1);
    if (how !== undefined && how !== "can-evaluate-denied") {
      gate = headers;
      break;
    }
  }
  const gated = (cases: LogicalCase[]) => cases.map((c) => ({ ...c, headers: { ...gate, ...c.headers } }));
  const from = { base: main, template: payloadTemplate(w) };
  await runCases(gated([...casesFor(w, run.recorded), ...sourceCases(w, reads, from)]), 1);
  const source = w.source ?? "";
  for (let round = 2; run.coverage && round <= BRANCH_ROUNDS + 1 && results.length < run.maxCases; round++) {
    const open = new Set(measure(source, takes.original).branches.filter((b) => !b.taken).map((b) => b.line));
    const reachedBy = (line: number) => reached.find((r) => (r.lines ??= measure(source, r.take).lines)[line - 1] === "covered")?.values;
    if (open.size === 0 || (await runCases(gated(branchCases(w, reads, open, from, reachedBy)), round)).length === 0) break;
  }

  if (run.coverage) takes.migrated.push(...(await migrated.takeCoverage(migratedFile)));

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
    callerChanges: callerChanges(w, endpoint.entry, appId),
    knownDifferences,
  };
  if (!run.coverage) return { result };
  const { coverage, view } = coverageOf(w, source, migrated.served.spec.functions[fn]?.source, takes);
  return { result: { ...result, coverage }, view };
}

/** A webhook verify could not finish: one broken webhook does not stop the others. */
function failedWebhook(w: Webhook, e: unknown): WebhookVerification {
  const error = e instanceof Error ? e.message : String(e);
  return { id: w.id, result: "different", verdict: "error", error, counts: { equal: 0, different: 0, bothFailed: 0, emulatorDefault: 0 }, cases: [], callerChanges: [], knownDifferences: [] };
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

/** Why no case is evidence: the most frequent shared failure, or the platform answers that stopped every case. */
function unprovenReason(cases: CaseResult[]): string {
  if (cases.length === 0) return "no case could be generated for this webhook";
  const tally = (outcome: CaseResult["outcome"]) => {
    const n = new Map<string, number>();
    for (const c of cases) if (c.outcome === outcome) n.set(c.reason ?? "", (n.get(c.reason ?? "") ?? 0) + 1);
    return [...n].sort((a, b) => b[1] - a[1]);
  };
  const failed = tally("bothFailed");
  if (failed.length) {
    const [reason, n] = failed[0]!;
    const others = failed.length > 1 ? `; ${failed.length - 1} other error${failed.length > 2 ? "s" : ""}` : "";
    return `every case that reached the function failed the same way on both sides: ${reason} (${n} of ${cases.length} cases${others})`;
  }
  const platform = tally("emulatorDefault").map(([r, n]) => `${r} ×${n}`);
  return `no case got past the platform to the function: ${platform.join(", ")}`;
}

function summarise(results: WebhookVerification[], minCoverage: number | undefined): VerifySummary {
  const cases = results.flatMap((r) => r.cases);
  const count = (o: CaseResult["outcome"]) => cases.filter((c) => c.outcome === o).length;
  const unpaired = results.filter((r) => r.verdict === "unpaired").length;
  const unproven = results.filter((r) => r.verdict === "unproven").length;
  const errors = results.filter((r) => r.verdict === "error").length;
  const measured = results.filter((r) => r.coverage);
  const own = measured.map((r) => ({ id: r.id, percent: percent(r.coverage!.lines) }));
  const sorted = [...own].sort((a, b) => a.percent - b.percent || a.id.localeCompare(b.id));
  const median = sorted.length ? medianOf(sorted.map((x) => x.percent)) : undefined;
  const sum = (pick: (c: WebhookCoverage) => { covered: number; total: number }) =>
    measured.reduce((acc, r) => ({ covered: acc.covered + pick(r.coverage!).covered, total: acc.total + pick(r.coverage!).total }), { covered: 0, total: 0 });
  const summary: VerifySummary = {
    webhooks: results.length,
    cases: cases.length,
    equal: count("equal"),
    different: count("different"),
    bothFailed: count("bothFailed"),
    emulatorDefault: count("emulatorDefault"),
    unpaired,
    unproven,
    errors,
    ...(median !== undefined ? { medianLineCoverage: median, lines: sum((c) => c.lines), branches: sum((c) => c.branches) } : {}),
    weakest: sorted.filter((x) => x.percent < 100).slice(0, 5),
    belowMinCoverage: minCoverage === undefined ? [] : own.filter((x) => x.percent < minCoverage).map((x) => x.id),
    line: "",
  };
  summary.line =
    `${results.length} webhook${results.length === 1 ? "" : "s"}, ${cases.length} case${cases.length === 1 ? "" : "s"}: ` +
    `${summary.equal} equal, ${summary.different} different, ${summary.bothFailed} both failed, ${summary.emulatorDefault} emulator default` +
    (median !== undefined ? `; lines ${median}% (median)` : "") +
    (unproven ? `; ${unproven} unproven` : "") +
    (unpaired ? `; ${unpaired} without an endpoint` : "") +
    (errors ? `; ${errors} could not be verified` : "");
  return summary;
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : Math.round(((s[mid - 1]! + s[mid]!) / 2) * 10) / 10;
}

/** One run on a fresh copy of the seeded database, plus the case's own documents. */
async function observe(session: Session, req: ShimRequest, seed: string | undefined, caseSeed: string | undefined): Promise<Observation> {
  const store = await openStore({});
  if (seed !== undefined) await loadSeedFile(store, seed);
  if (caseSeed !== undefined) {
    // A case's documents sit beside --seed's; one that clashes with a seeded `_id` gives way to it.
    for (const [db, colls] of Object.entries(parseSeed(caseSeed))) {
      for (const [coll, docs] of Object.entries(colls)) for (const doc of docs) await store.collection(db, coll).insertOne(doc).catch(() => undefined);
    }
  }
  session.deps.store = store;
  try {
    const res: ShimResponse = await dispatch(req, session.deps);
    const db = await store.snapshot();
    return { status: res.status, headers: res.headers, body: res.body, db, outbound: res.outbound, outcome: res.outcome, ...(res.failure ? { failure: res.failure } : {}) };
  } finally {
    await store.close();
  }
}

function firstCredentials(file: UsersFile): Credentials {
  const u = (file.users ?? []).find((x) => x.email && x.password);
  return { email: u?.email ?? "nobody@example.com", password: u?.password ?? "no-password" };
}

export function parseRecorded(text: string): RecordedRequest[] {
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

export type { LogicalCase };
