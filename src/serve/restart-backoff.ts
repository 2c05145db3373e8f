// When `serve --workers N` restarts a worker process that died (src/cli/serve-cluster.ts): after a
// short delay that doubles with each quick death of the same slot, up to a cap (a worker that dies
// at once, restarted at once, would spin the CPU and flood the logs); a worker that served for a
// stable period clears its slot's count. A slot whose workers keep dying quickly is a crash loop
// (a bad deployment, a host out of memory): restarting it for ever would hide the problem behind a
// process that looks alive, so the policy tells the primary to give up.

export interface RestartPolicy {
  /** Delay before the first restart; each quick death in a row doubles it. */
  baseMs: number;
  /** Longest delay between restarts. */
  capMs: number;
  /** A worker that served this long before it died was stable: its slot starts counting again. */
  stableMs: number;
  /** Quick deaths in a row a slot may have; one more gives up. */
  maxQuickDeaths: number;
}

/** 0.25, 0.5, 1, 2, 4 s before the restarts, then a crash loop (a sixth death, none after a stable minute). */
export const DEFAULT_RESTART_POLICY: RestartPolicy = { baseMs: 250, capMs: 10_000, stableMs: 60_000, maxQuickDeaths: 5 };

type RestartDecision = { restart: true; delayMs: number; quickDeaths: number } | { restart: false; quickDeaths: number };

/** The restart state of one worker slot. */
export class RestartBackoff {
  #quickDeaths = 0;
  readonly #policy: RestartPolicy;

  constructor(policy: RestartPolicy = DEFAULT_RESTART_POLICY) {
    this.#policy = policy;
  }

  /** A worker of this slot died after serving `uptimeMs`: restart it after `delayMs`, or give up. */
  died(uptimeMs: number): RestartDecision {
    if (uptimeMs >= this.#policy.stableMs) this.#quickDeaths = 0;
    this.#quickDeaths++;
    const n = this.#quickDeaths;
    if (n > this.#policy.maxQuickDeaths) return { restart: false, quickDeaths: n };
    const delayMs = Math.min(this.#policy.capMs, this.#policy.baseMs * 2 ** (n - 1));
    return { restart: true, delayMs, quickDeaths: n };
  }
}
