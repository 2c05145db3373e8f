// Runs one webhook's cases: each logical case goes to the original webhook twice (the second run,
// in a session without coverage, measures noise) and to the migrated endpoint once, each on a
// fresh copy of the same seeded database; the outcomes are compared and classified. It also keeps
// the original's coverage takes: the ones a later round aims from, and the ones the report counts.

import type { EndpointEntry, Webhook } from "../app/model.js";
import type { ShimRequest, ShimResponse } from "../runtime/http.js";
import type { ScriptCoverage } from "../runtime/functions/protocol.js";
import { dispatch } from "../runtime/server.js";
import type { Session } from "../runtime/session.js";
import { openStore, parseSeed } from "../runtime/store/index.js";

/** Documents by database and collection, as a seed file holds them (store/index.ts parseSeed). */
type SeedData = ReturnType<typeof parseSeed>;
import type { LogicalCase } from "./cases.js";
import { classify, compareRuns, type Observation } from "./compare.js";
import { measure, type Measured } from "./coverage.js";
import { renderForEndpoint, renderForWebhook, type Credentials } from "./render.js";
import type { CaseResult } from "./types.js";

/** What every webhook of a run shares. */
export interface RunContext {
  original: Session;
  /** The original again, for the second run that measures noise (a session of its own without coverage when coverage is on). */
  noise: Session;
  migrated: Session;
  creds: Credentials;
  /** --seed's documents, parsed once (every run loads a copy: the store copies what it stores). */
  seed: SeedData | undefined;
  coverage: boolean;
  maxCases: number;
}

/**
 * A first-round source case, run on the original under a script name of its own
 * (`source.js#case-N`: the same text, which V8 counts apart), so that the take after the round
 * tells which case reached which line without running any case again.
 */
interface Candidate {
  values: ReadonlyMap<string, unknown>;
  tag: string;
  /** Its lines as its own script's takes counted them (measured once, after the round's take). */
  lines?: Measured["lines"];
}

export class CaseRunner {
  readonly results: CaseResult[] = [];
  /** Every take of the original's coverage, in order: together they are what the cases ran (read them with `coverage()`). */
  readonly #takes: ScriptCoverage[] = [];
  /** First-round source cases, in the order they were sent. */
  readonly #candidates: Candidate[] = [];
  /** The same request twice proves nothing new (a source case can repeat a config case). */
  readonly #sent = new Set<string>();
  /** Calls ran on the original since its last take. */
  #untaken = false;

  constructor(
    private readonly run: RunContext,
    private readonly webhook: Webhook,
    private readonly endpoint: EndpointEntry,
    /**
     * Whether a later round may aim from first-round source cases (coverage on, and the source
     * has conditions): they then run under script names of their own (Candidate).
     */
    private readonly aimsLater: boolean,
  ) {}

  get budgetLeft(): boolean {
    return this.results.length < this.run.maxCases;
  }

  /** Runs the cases not sent before, within the budget; returns how each ended on the webhook side. */
  async send(cases: LogicalCase[], round: number): Promise<string[]> {
    const { run, webhook: w } = this;
    const appId = run.original.served.appId;
    const outcomes: string[] = [];
    for (const c of cases) {
      if (!this.budgetLeft) break;
      const key = JSON.stringify([c.method, c.query, c.headers, c.body, c.seed, c.secret, c.credentials]);
      if (this.#sent.has(key)) continue;
      this.#sent.add(key);
      const toWebhook = renderForWebhook(c, appId, w, run.creds);
      const toEndpoint = renderForEndpoint(c, appId, w, this.endpoint, run.migrated.served.secrets, run.creds);
      const caseSeed = c.seed !== undefined ? parseSeed(c.seed) : undefined;
      const url = w.sourcePath;
      const candidate =
        this.aimsLater && round === 1 && c.values !== undefined ? { values: c.values, tag: `${url}#case-${this.#candidates.length}` } : undefined;
      // Every run of the webhook under the same name, so that a stack trace the function shows
      // reads the same in all of them and never passes for noise.
      const as = candidate ? { url, as: candidate.tag } : undefined;
      // The webhook and the endpoint run at once (two sessions, two workers, two databases:
      // nothing shared). The noise run comes after both, so that what depends on the time (a
      // `new Date()` written to the database) differs between the two runs of the webhook, as
      // between the webhook and the endpoint, and is told apart as noise.
      const [o1, m] = await Promise.all([observe(run.original, toWebhook, run.seed, caseSeed, as), observe(run.migrated, toEndpoint, run.seed, caseSeed)]);
      this.#untaken = true;
      const o2 = await observe(run.noise, toWebhook, run.seed, caseSeed, as);
      let cmp = compareRuns(o1, o2, m);
      if (!cmp.equal) {
        // Two runs of the webhook within one millisecond agree on a date that the endpoint, run
        // at the same time as the first, may still have taken a millisecond apart. A third run,
        // from a later millisecond, tells such noise from a difference (only differing cases pay).
        const after = Date.now();
        while (Date.now() <= after) await new Promise((resolve) => setImmediate(resolve));
        cmp = compareRuns(o1, o2, m, [await observe(run.noise, toWebhook, run.seed, caseSeed, as)]);
      }
      const { outcome, reason } = classify(cmp, o1, m);
      this.results.push({
        name: c.name,
        round,
        webhookStatus: o1.status,
        endpointStatus: m.status,
        equal: cmp.equal,
        outcome,
        ...(reason ? { reason } : {}),
        differences: cmp.differences,
      });
      outcomes.push(o1.outcome ?? "ok");
      if (candidate) this.#candidates.push(candidate);
    }
    return outcomes;
  }

  /**
   * The values of a first-round source case that ran `line` of `source`, if one did. Read after
   * `coverage()` took the round: each candidate's lines come from its own script's takes.
   */
  reachedBy(source: string, line: number): ReadonlyMap<string, unknown> | undefined {
    return this.#candidates.find(
      (c) =>
        (c.lines ??= measure(
          source,
          this.#takes.filter((s) => s.url === c.tag),
        ).lines)[line - 1] === "covered",
    )?.values;
  }

  /**
   * What the original's cases ran so far. Taken only when asked (before a round is aimed, and at
   * the end), since each take costs the same whatever it holds. Every webhook's cases are taken
   * before the next webhook's run: a take resets the counts of every script in the worker.
   */
  async coverage(): Promise<ScriptCoverage[]> {
    if (this.#untaken) await this.#takeOriginal();
    return this.#takes;
  }

  async #takeOriginal(): Promise<void> {
    this.#untaken = false;
    this.#takes.push(...(await this.run.original.takeCoverage(this.webhook.sourcePath)));
  }
}

/**
 * One run on a fresh copy of the seeded database, plus the case's own documents. `rename` runs the
 * script named `url` under the name `as` instead (a copy of the same source, which V8 counts apart).
 */
async function observe(
  session: Session,
  req: ShimRequest,
  seed: SeedData | undefined,
  caseSeed: SeedData | undefined,
  rename?: { url: string; as: string },
): Promise<Observation> {
  const store = await openStore({});
  if (seed !== undefined) await store.load(seed);
  if (caseSeed !== undefined) {
    // A case's documents sit beside --seed's; one that clashes with a seeded `_id` gives way to it.
    for (const [db, colls] of Object.entries(caseSeed)) {
      for (const [coll, docs] of Object.entries(colls))
        for (const doc of docs)
          await store
            .collection(db, coll)
            .insertOne(doc)
            .catch(() => undefined);
    }
  }
  session.deps.store = store;
  const runner = session.deps.runner;
  if (rename) session.deps.runner = { call: (r, o) => runner.call(r.sourceFile === rename.url ? { ...r, sourceFile: rename.as } : r, o) };
  try {
    const res: ShimResponse = await dispatch(req, session.deps);
    const db = await store.snapshot();
    return {
      status: res.status,
      headers: res.headers,
      body: res.body,
      db,
      outbound: res.outbound,
      outcome: res.outcome,
      ...(res.failure ? { failure: res.failure } : {}),
    };
  } finally {
    session.deps.runner = runner;
    await store.close();
  }
}
