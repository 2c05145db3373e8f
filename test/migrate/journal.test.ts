// The --in-place transaction (src/migrate/journal.ts): a kill after any step, and a second kill
// during the recovery, end in exactly the old tree or exactly the new tree, never a mix.
// Kills are simulated by a hook that throws after step k (deterministic, unlike timed kills):
// nothing is cleaned up or undone after it, as after a real kill.

import { spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyJournaled, hasJournal, JOURNAL_DIR, JOURNAL_FILE, recoverJournal, SimulatedKill } from "../../src/migrate/journal.js";
import { bufferIo } from "../../src/cli/io.js";
import { runMigrate } from "../../src/cli/migrate.js";
import { migrate, type MigrateOptions } from "../../src/commands/migrate.js";
import type { FileChange } from "../../src/plan/types.js";
import { copyFixture, tempDir, treeFingerprint } from "../helpers.js";

const base: Omit<MigrateOptions, "app"> = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };
const dead = () => false;
// Kills, not power cuts, are simulated: the flushes to disk only cost time here.
const noFlush = { flush: false } as const;

/** The plan's file changes for a fixture (a dry run: nothing written). */
async function changesOf(fixtureName: string, removeWebhooks: boolean): Promise<FileChange[]> {
  const app = await copyFixture(fixtureName);
  const r = await migrate({ ...base, app, dryRun: true, removeWebhooks });
  expect(r.plan!.files.length).toBeGreaterThan(0);
  return r.plan!.files;
}

/** A fresh copy of a fixture (synchronous: the loops below make hundreds). */
const templates = new Map<string, string>();
async function freshCopy(fixtureName: string): Promise<string> {
  if (!templates.has(fixtureName)) templates.set(fixtureName, await copyFixture(fixtureName));
  const dest = path.join(await tempDir(), fixtureName);
  cpSync(templates.get(fixtureName)!, dest, { recursive: true, verbatimSymlinks: true });
  return dest;
}

/** Runs the transaction on a fresh copy, killed after the `k`th step (never when k < 0; -2 flushes to disk as a real run does). */
async function killedAt(fixtureName: string, changes: FileChange[], k: number): Promise<{ app: string; steps: string[] }> {
  const app = await freshCopy(fixtureName);
  const steps: string[] = [];
  const step = (name: string) => {
    steps.push(name);
    if (steps.length - 1 === k) throw new SimulatedKill(`killed after ${name}`);
  };
  if (k < 0) applyJournaled(app, changes, { step, ...(k === -1 ? noFlush : {}) });
  else expect(() => applyJournaled(app, changes, { step, ...noFlush })).toThrow(SimulatedKill);
  return { app, steps };
}

/** A pid that no process has (a child that has exited). */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

const cases: [string, boolean][] = [
  // added functions, changed manifests, removed webhook folders (and the folders they leave empty)
  ["demo", true],
  // manifests and folders the change makes
  ["layout-b-prime", false],
  // a format upgrade: renames, copies, removals
  ["upgrade-20200603-full", false],
];

describe.each(cases)("in-place transaction on %s (remove webhooks: %s)", (fixtureName, removeWebhooks) => {
  it("a kill after any step, then recovery, leaves exactly the old or the new tree", { timeout: 180_000 }, async () => {
    const changes = await changesOf(fixtureName, removeWebhooks);
    const oldTree = await treeFingerprint(await copyFixture(fixtureName));
    const full = await killedAt(fixtureName, changes, -1);
    const newTree = await treeFingerprint(full.app);
    expect(newTree).not.toEqual(oldTree);
    expect(hasJournal(full.app)).toBe(false);
    const committed = full.steps.indexOf("journal");
    expect(committed).toBeGreaterThan(0);

    for (let k = 0; k < full.steps.length; k++) {
      const { app } = await killedAt(fixtureName, changes, k);
      const r = recoverJournal(app, { alive: dead, ...noFlush });
      // After the last step there is nothing left to recover.
      if (k === full.steps.length - 1) expect(r).toBeUndefined();
      else expect(r, `kill after ${full.steps[k]}`).toBeDefined();
      expect(hasJournal(app), `kill after ${full.steps[k]}`).toBe(false);
      const tree = await treeFingerprint(app);
      // Staged but not committed: the old app; committed: the new one.
      if (k < committed) {
        expect(r?.action).toBe("rolled-back");
        expect(tree, `kill after ${full.steps[k]}`).toEqual(oldTree);
      } else {
        if (r) expect(r.action).toBe("rolled-forward");
        expect(tree, `kill after ${full.steps[k]}`).toEqual(newTree);
      }
      // The next run finds nothing more to do.
      expect(recoverJournal(app, { alive: dead, ...noFlush })).toBeUndefined();
    }
  });

  it("a kill during the recovery is recovered by the next one", { timeout: 180_000 }, async () => {
    const changes = await changesOf(fixtureName, removeWebhooks);
    const full = await killedAt(fixtureName, changes, -1);
    const newTree = await treeFingerprint(full.app);
    // Killed halfway through applying, then killed again after each step of the recovery.
    const k = Math.floor((full.steps.indexOf("journal") + full.steps.indexOf("prune")) / 2);
    const recoverySteps: string[] = [];
    recoverJournal((await killedAt(fixtureName, changes, k)).app, { alive: dead, ...noFlush, step: (s) => void recoverySteps.push(s) });
    for (let j = 0; j < recoverySteps.length; j++) {
      const { app } = await killedAt(fixtureName, changes, k);
      let n = 0;
      const step = () => {
        if (n++ === j) throw new SimulatedKill("killed during recovery");
      };
      expect(() => recoverJournal(app, { alive: dead, ...noFlush, step })).toThrow(SimulatedKill);
      recoverJournal(app, { alive: dead, ...noFlush });
      expect(hasJournal(app)).toBe(false);
      expect(await treeFingerprint(app), `recovery killed after ${recoverySteps[j]}`).toEqual(newTree);
    }
  });

  it("an error while applying (not a kill) undoes every change at once", async () => {
    const changes = await changesOf(fixtureName, removeWebhooks);
    const oldTree = await treeFingerprint(await copyFixture(fixtureName));
    const full = await killedAt(fixtureName, changes, -1);
    const applySteps = full.steps.map((s, i) => [s, i] as const).filter(([s]) => s.startsWith("apply:"));
    for (const [name, i] of [applySteps[0]!, applySteps[applySteps.length - 1]!]) {
      const app = await copyFixture(fixtureName);
      let n = 0;
      const step = () => {
        if (n++ === i) throw new Error("disk full");
      };
      expect(() => applyJournaled(app, changes, { step, ...noFlush }), name).toThrow(/disk full \(nothing was changed/);
      expect(hasJournal(app)).toBe(false);
      expect(await treeFingerprint(app), name).toEqual(oldTree);
    }
  });

  it("the journaled write gives the same tree as the --out write", async () => {
    const tmp = await tempDir();
    const app = await copyFixture(fixtureName, tmp);
    const out = path.join(tmp, "out");
    await migrate({ ...base, app, out, removeWebhooks });
    const changes = await changesOf(fixtureName, removeWebhooks);
    const { app: inPlace } = await killedAt(fixtureName, changes, -2);
    expect(await treeFingerprint(inPlace)).toEqual(await treeFingerprint(out));
  });
});

describe("in-place journal and the next run", () => {
  it("an apply cut short lists no function whose file is missing: new files go first, the manifests last", async () => {
    const changes = await changesOf("demo", false);
    const full = await killedAt("demo", changes, -1);
    const firstManifest = full.steps.findIndex((s) => s.endsWith("/config.json") && s.startsWith("apply:"));
    const lastNewFile = full.steps.findLastIndex((s) => s.startsWith("apply:functions/") && s.endsWith(".js"));
    expect(lastNewFile).toBeLessThan(firstManifest);
    const { app } = await killedAt("demo", changes, firstManifest - 1);
    const original = await copyFixture("demo");
    for (const manifest of ["functions/config.json", "http_endpoints/config.json"]) {
      expect(await readFile(path.join(app, manifest), "utf8")).toBe(await readFile(path.join(original, manifest), "utf8"));
    }
  });

  it("the next --in-place run recovers first and says so; --out and --dry-run refuse; --recover recovers alone", async () => {
    const changes = await changesOf("demo", false);
    const full = await killedAt("demo", changes, -1);
    const newTree = await treeFingerprint(full.app);
    const k = full.steps.indexOf("journal") + 2;
    const markDead = async (app: string) => {
      const file = path.join(app, JOURNAL_DIR, "owner.json");
      const owner = JSON.parse(await readFile(file, "utf8"));
      await writeFile(file, JSON.stringify({ ...owner, pid: deadPid() }));
    };

    // A journal whose process still runs (this one) is left alone.
    const live = (await killedAt("demo", changes, k)).app;
    const busy = await migrate({ ...base, app: live, recover: true });
    expect(busy.code).toBe(1);
    expect(busy.errors[0]?.message).toMatch(/being written by another hookshift run/);
    expect(hasJournal(live)).toBe(true);

    const tmp = await tempDir();
    const app = (await killedAt("demo", changes, k)).app;
    await markDead(app);
    const out = await migrate({ ...base, app, out: path.join(tmp, "out") });
    expect(out.code).toBe(1);
    expect(out.errors[0]?.message).toMatch(/interrupted --in-place migration/);
    const dry = await migrate({ ...base, app, dryRun: true });
    expect(dry.errors[0]?.message).toMatch(/interrupted --in-place migration/);

    const run = await migrate({ ...base, app, inPlace: true, report: path.join(tmp, "report") });
    expect(run.errors).toEqual([]);
    expect(run.notices?.join("\n")).toMatch(/^Recovered .*: an interrupted --in-place run \(pid \d+, started .*\) had staged all its changes; finished it/);
    // Everything was converted by the run that was killed: nothing is left to write.
    expect(run.plan!.files).toEqual([]);
    expect(await treeFingerprint(app)).toEqual(newTree);

    const app2 = (await killedAt("demo", changes, k)).app;
    await markDead(app2);
    const recovered = await migrate({ ...base, app: app2, recover: true });
    expect(recovered.code).toBe(0);
    expect(recovered.notices?.[0]).toMatch(/finished it/);
    expect(await treeFingerprint(app2)).toEqual(newTree);
    const io = bufferIo();
    expect(await runMigrate({ ...base, app: app2, recover: true, json: false }, io)).toBe(0);
    expect(io.stdout()).toMatch(/^Nothing to recover: .* has no interrupted --in-place run\.\n$/);
  });

  it("a folder named like the journal that hookshift did not mark is not removed", async () => {
    const app = await copyFixture("demo");
    await mkdir(path.join(app, JOURNAL_DIR));
    await writeFile(path.join(app, JOURNAL_DIR, "mine.txt"), "not hookshift's\n");
    expect(() => recoverJournal(app)).toThrow(/is not hookshift's/);
    expect(await readFile(path.join(app, JOURNAL_DIR, "mine.txt"), "utf8")).toBe("not hookshift's\n");
    // An empty one is what a kill right after making it leaves: it goes.
    const app2 = await copyFixture("demo");
    const before = await treeFingerprint(app2);
    await mkdir(path.join(app2, JOURNAL_DIR));
    expect(recoverJournal(app2)?.action).toBe("rolled-back");
    expect(await treeFingerprint(app2)).toEqual(before);
    expect(JOURNAL_FILE).toBe(".hookshift-journal.json");
  });
});
