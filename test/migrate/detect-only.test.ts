// A plan made only to detect (scan: `detectOnly`, no ts-morph) says what a full plan says: every
// webhook's status, findings, endpoint, Values and what each rule did; only the rewritten texts, and
// so the files, are left out (src/rewrite/engine.ts, `write: false`).

import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readApp } from "../../src/app/read/index.js";
import { planMigration } from "../../src/migrate/plan.js";
import type { MigrationPlan } from "../../src/plan/types.js";
import { FIXTURES, fixture } from "../helpers.js";

/** The plan without what a detect-only plan leaves out. */
const decided = (p: MigrationPlan) => ({ ...p, files: [], webhooks: p.webhooks.map(({ functionSource: _, ...w }) => w) });

describe("a detect-only plan", () => {
  for (const name of readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)) {
    for (const callerChanges of [false, true]) {
      it(`${name}${callerChanges ? " (--caller-changes)" : ""}: decides what the full plan decides, and holds no files`, async () => {
        // Each plan reads the app afresh: a rewrite lets the reader's trees go.
        const full = planMigration(await readApp(fixture(name)), { removeWebhooks: false, callerChanges });
        const detected = planMigration(await readApp(fixture(name)), { removeWebhooks: false, callerChanges, detectOnly: true });
        expect(detected.files).toEqual([]);
        expect(decided(detected)).toEqual(decided(full));
      });
    }
  }

  it("is what the fixture apps' rewrites need ts-morph for: at least one of them rewrites inside a function", async () => {
    const full = planMigration(await readApp(fixture("demo")), { removeWebhooks: false });
    const detected = planMigration(await readApp(fixture("demo")), { removeWebhooks: false, detectOnly: true });
    const rewritten = full.webhooks.filter((w) => w.functionSource?.includes("// hookshift:respond-result-off - "));
    expect(rewritten.length).toBeGreaterThan(0);
    for (const w of rewritten) expect(detected.webhooks.find((d) => d.id === w.id)?.functionSource).toBeUndefined();
  });
});
