// The restart policy of `serve --workers` (src/serve/restart-backoff.ts): delays that double per
// quick death up to a cap, a count cleared by a stable run, and giving up on a crash loop.

import { describe, expect, it } from "vitest";
import { DEFAULT_RESTART_POLICY, RestartBackoff } from "../../src/serve/restart-backoff.js";

const policy = { baseMs: 100, capMs: 1000, stableMs: 60_000, maxQuickDeaths: 6 };

describe("RestartBackoff", () => {
  it("doubles the delay with each quick death, up to the cap, then gives up", () => {
    const b = new RestartBackoff(policy);
    const delays = [];
    for (let i = 0; i < 6; i++) {
      const d = b.died(5_000);
      expect(d.restart).toBe(true);
      if (d.restart) delays.push(d.delayMs);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.died(5_000)).toEqual({ restart: false, quickDeaths: 7 });
  });

  it("starts again from the base delay after a worker served for the stable period", () => {
    const b = new RestartBackoff(policy);
    for (let i = 0; i < 5; i++) b.died(1_000);
    expect(b.died(60_000)).toEqual({ restart: true, delayMs: 100, quickDeaths: 1 });
    expect(b.died(10)).toEqual({ restart: true, delayMs: 200, quickDeaths: 2 });
  });

  it("by default restarts five times within a few seconds and gives up on the sixth quick death", () => {
    const b = new RestartBackoff();
    const decisions = Array.from({ length: DEFAULT_RESTART_POLICY.maxQuickDeaths + 1 }, () => b.died(0));
    expect(decisions.slice(0, -1).every((d) => d.restart)).toBe(true);
    expect(decisions.at(-1)!.restart).toBe(false);
    const total = decisions.reduce((sum, d) => sum + (d.restart ? d.delayMs : 0), 0);
    expect(total).toBeGreaterThan(DEFAULT_RESTART_POLICY.baseMs * 5);
    expect(total).toBeLessThanOrEqual(DEFAULT_RESTART_POLICY.capMs * 5);
  });
});
