// `verify`: the same logical requests go to the original webhook (twice, to measure noise) and to
// the migrated endpoint (once), each run on a fresh copy of the same seeded database, and the
// outcomes are compared (status, headers, body, database writes, outbound calls).

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
import { loadSeedFile, openStore } from "../runtime/store/index.js";
import { parseUsersFile, UserStore, type UsersFile } from "../runtime/users.js";
import { casesFor, type LogicalCase, type RecordedRequest } from "./cases.js";
import { compareRuns, type Difference, type Observation } from "./compare.js";
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
}

export interface CaseResult {
  name: string;
  webhookStatus: number;
  endpointStatus: number;
  equal: boolean;
  differences: Difference[];
}

export interface WebhookVerification {
  id: string;
  endpoint?: string;
  result: "equal" | "different" | "unpaired";
  cases: CaseResult[];
  callerChanges: string[];
  /** Review findings migrate raised for this webhook: the known differences that may explain these. */
  knownDifferences: string[];
}

export interface VerifyResult {
  webhooks: WebhookVerification[];
  /** Unresolved `hookshift-todo` markers in the migrated functions: verify fails while any remain. */
  markers: { function: string; rule: string; line: number; message: string }[];
  summary: { webhooks: number; cases: number; equal: number; different: number; unpaired: number; line: string };
}

export async function verify(opts: VerifyOptions): Promise<VerifyResult> {
  const usersFile: UsersFile = opts.usersFile ? parseUsersFile(await readFile(opts.usersFile, "utf8"), opts.usersFile) : UserStore.forVerify().file;
  const creds = firstCredentials(usersFile);
  const seed = opts.seedFile ? await readFile(opts.seedFile, "utf8") : undefined;
  const recorded = opts.requestsFile ? parseRecorded(await readFile(opts.requestsFile, "utf8")) : [];
  const sem = defaultSemantics();
  sem.timeLimitMs = opts.timeLimitMs ?? 30_000;

  const originalApp = await readApp(path.resolve(opts.original));
  // The differences a verbatim conversion has (whether or not a rule handled them in this one):
  // what may explain a difference verify finds.
  const known = new Map(
    planMigration(originalApp, { removeWebhooks: false, skipRules: RULE_IDS }).webhooks.map((w) => [w.id, w.findings.filter((f) => f.needsReview).map((f) => f.code)]),
  );
  const original = await openSession({ app: opts.original, users: usersFile, semantics: sem });
  // migrate and App Services' own conversion both keep a webhook's secret in a Secret named S_W,
  // and verify knows those values from the original app. Giving them to the migrated app's session
  // (before it resolves its from_secret Values) makes it work without --secrets, and for endpoints
  // converted before hookshift, which have no entry in migrate's secrets.json. The file wins.
  const secrets: Record<string, string> = {};
  for (const w of original.served.webhooks) if (w.config?.secret !== undefined) secrets[`${w.service.name}_${w.name}`] = w.config.secret;
  if (opts.secretsFile) Object.assign(secrets, await readSecretsFile(opts.secretsFile));
  const migrated = await openSession({ app: opts.migrated, users: usersFile, secrets, semantics: sem, appId: original.served.appId });
  try {
    const results: WebhookVerification[] = [];
    const webhooks = original.served.webhooks.filter((w) => !opts.webhooks || opts.webhooks.includes(w.id));
    for (const w of webhooks) results.push(await verifyWebhook(w, original, migrated, creds, seed, recorded, known.get(w.id) ?? []));
    const cases = results.flatMap((r) => r.cases);
    const equal = cases.filter((c) => c.equal).length;
    const unpaired = results.filter((r) => r.result === "unpaired").length;
    const line =
      `${results.length} webhook${results.length === 1 ? "" : "s"}, ${cases.length} case${cases.length === 1 ? "" : "s"}: ` +
      `${equal} equal, ${cases.length - equal} different` +
      (unpaired ? `; ${unpaired} without an endpoint` : "");
    const markers = Object.entries(migrated.served.spec.functions).flatMap(([name, f]) => markersIn(f.source).map((m) => ({ function: name, ...m })));
    return { webhooks: results, markers, summary: { webhooks: results.length, cases: cases.length, equal, different: cases.length - equal, unpaired, line } };
  } finally {
    await original.close();
    await migrated.close();
  }
}

async function verifyWebhook(
  w: Webhook,
  original: Session,
  migrated: Session,
  creds: Credentials,
  seed: string | undefined,
  recorded: RecordedRequest[],
  knownDifferences: string[],
): Promise<WebhookVerification> {
  const route = `/${w.service.name}/${w.name}`;
  const fn = `${w.service.name}_${w.name}`;
  const endpoint = migrated.served.endpoints.find((e) => e.entry.route === route && e.entry.function_name === fn);
  if (!endpoint) return { id: w.id, result: "unpaired", cases: [], callerChanges: [], knownDifferences };
  const appId = original.served.appId;
  const cases: CaseResult[] = [];
  for (const c of casesFor(w, recorded)) {
    const toWebhook = renderForWebhook(c, appId, w, creds);
    const toEndpoint = renderForEndpoint(c, appId, w, endpoint.entry, migrated.served.secrets, creds);
    const o1 = await observe(original, toWebhook, seed);
    const o2 = await observe(original, toWebhook, seed);
    const m = await observe(migrated, toEndpoint, seed);
    const cmp = compareRuns(o1, o2, m);
    cases.push({ name: c.name, webhookStatus: o1.status, endpointStatus: m.status, equal: cmp.equal, differences: cmp.differences });
  }
  return {
    id: w.id,
    endpoint: route,
    result: cases.every((c) => c.equal) ? "equal" : "different",
    cases,
    callerChanges: callerChanges(w, endpoint.entry, appId),
    knownDifferences,
  };
}

/** One run on a fresh copy of the seeded database. */
async function observe(session: Session, req: ShimRequest, seed: string | undefined): Promise<Observation> {
  const store = await openStore({});
  if (seed !== undefined) await loadSeedFile(store, seed);
  session.deps.store = store;
  try {
    const res: ShimResponse = await dispatch(req, session.deps);
    const db = await store.snapshot();
    return { status: res.status, headers: res.headers, body: res.body, db, outbound: res.outbound };
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
