// Done-when of the rewrite rules: every fixture app migrates and verifies with no difference (or
// only an explained one), and migrating the output again changes no file.

import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrate } from "../../src/commands/migrate.js";
import { percent } from "../../src/verify/coverage.js";
import { verify } from "../../src/commands/verify.js";
import { fixture, tempDir } from "../helpers.js";

// bad-input has webhooks that cannot convert; partial-no-root cannot be written at all.
const APPS = [
  "already-converted",
  "auth-modes",
  "case-collision",
  "demo",
  "existing-endpoints",
  "head-method",
  "hybrid-realm-https",
  "hybrid-root-config-v2021",
  "layout-a-20180301",
  "layout-a-20200603",
  "layout-b-20210101",
  "layout-b-prime",
  "layout-c-20230101",
  "messy-names",
  "shim-basic",
  "shim-services",
  "upgrade-20180301-full",
  "upgrade-20200603-full",
  "verify-paths",
];
// The one fixture webhook verify may not prove: its function throws on every request by design
// (fixtures/apps/README.md), so every case fails the same way on both sides.
const UNPROVEN_BY_DESIGN = ["shim-basic api/fails"];
// Differences that are the migration's documented caller changes, not defects: a HEAD webhook
// becomes a GET endpoint (endpoints have no HEAD method; docs/mapping.md), so the GET the webhook
// refused with 405 now reaches the function. Every other difference fails the test.
const EXPLAINED: Record<string, string[]> = { "head-method": ["probe/ping: GET (method not allowed)"] };
const ownCoverage: number[] = [];
const unproven: string[] = [];

describe("every fixture app: migrate, verify, migrate again", () => {
  for (const name of APPS) {
    it(name, async () => {
      const tmp = await tempDir();
      const out = path.join(tmp, "out");
      const base = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };
      const m = await migrate({ ...base, app: fixture(name), out });
      expect(m.code, m.errors.map((e) => e.message).join("; ")).not.toBe(1);
      const secrets = path.join(m.reportDir!, "secrets.json");
      const v = await verify({ original: fixture(name), migrated: out, secretsFile: existsSync(secrets) ? secrets : undefined, timeLimitMs: 10_000 });
      const different = v.webhooks
        .filter((w) => w.result !== "equal")
        .map(
          (w) =>
            `${w.id}: ${w.cases
              .filter((c) => !c.equal)
              .map((c) => c.name)
              .join(", ")}`,
        );
      expect(different).toEqual(EXPLAINED[name] ?? []);
      expect(v.markers).toEqual([]);
      for (const w of v.webhooks) {
        if (w.coverage) ownCoverage.push(percent(w.coverage.lines));
        if (w.verdict === "unproven") unproven.push(`${name} ${w.id}`);
      }
      const again = await migrate({ ...base, app: out, dryRun: true });
      expect(again.plan!.files).toEqual([]);
    }, 120_000);
  }

  it("median own-line coverage of every fixture webhook is at least 85%, and only the by-design webhook is unproven", () => {
    expect(ownCoverage.length).toBeGreaterThan(40);
    const sorted = [...ownCoverage].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeGreaterThanOrEqual(85);
    expect(unproven).toEqual(UNPROVEN_BY_DESIGN);
  });
});
