// Real kills of an --in-place transaction: a child process runs journal.ts (transpiled on the fly,
// so no build is needed) and gets SIGKILL at a random moment; recovery must then give exactly the
// old tree or exactly the new one. journal.test.ts covers every step deterministically; this
// checks that nothing the simulation leaves out (buffers, half-done system calls) matters.

import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { applyJournaled, hasJournal, recoverJournal } from "../../src/migrate/journal.js";
import { migrate } from "../../src/commands/migrate.js";
import { copyFixture, REPO, tempDir, treeFingerprint } from "../helpers.js";

/** journal.ts and the project modules it imports, as JavaScript modules in `dir` (same layout). */
function transpile(dir: string): string {
  const queue = ["src/migrate/journal.ts"];
  const done = new Set<string>();
  while (queue.length > 0) {
    const rel = queue.pop()!;
    if (done.has(rel)) continue;
    done.add(rel);
    const source = readFileSync(path.join(REPO, rel), "utf8");
    for (const m of source.matchAll(/from "(\.\.?\/[^"]+)\.js"/g)) queue.push(path.posix.join(path.posix.dirname(rel), `${m[1]}.ts`));
    const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    const file = path.join(dir, rel.replace(/\.ts$/, ".js"));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, out.outputText);
  }
  writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }\n');
  const child = path.join(dir, "child.mjs");
  writeFileSync(
    child,
    [
      'import { readFileSync } from "node:fs";',
      'import { applyJournaled } from "./src/migrate/journal.js";',
      "const [app, changes] = process.argv.slice(2);",
      "const list = JSON.parse(readFileSync(changes, 'utf8'));",
      'process.stdout.write("ready\\n");',
      "applyJournaled(app, list);",
      'process.stdout.write("done\\n");',
    ].join("\n"),
  );
  return child;
}

/** Runs the child on `app`; kills it `delayMs` after it is ready (never, when undefined). */
function runChild(child: string, app: string, changes: string, delayMs?: number): Promise<{ finished: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, app, changes], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let readyAt = 0;
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!readyAt && out.includes("ready")) {
        readyAt = performance.now();
        if (delayMs !== undefined) setTimeout(() => p.kill("SIGKILL"), delayMs);
      }
    });
    p.on("error", reject);
    p.on("close", () => resolve({ finished: out.includes("done"), ms: performance.now() - readyAt }));
  });
}

describe("killed --in-place transaction (real SIGKILL)", () => {
  it("leaves exactly the old or the new tree after recovery, wherever the kill lands", { timeout: 180_000 }, async () => {
    const tmp = await tempDir();
    const child = transpile(path.join(tmp, "js"));
    const template = await copyFixture("upgrade-20200603-full", tmp);
    const plan = (await migrate({ app: template, dryRun: true, inPlace: false, allowDirty: false, removeWebhooks: false, force: false })).plan!;
    const changes = path.join(tmp, "changes.json");
    writeFileSync(changes, JSON.stringify(plan.files));
    const oldTree = await treeFingerprint(template);
    const whole = path.join(tmp, "whole");
    cpSync(template, whole, { recursive: true, verbatimSymlinks: true });
    applyJournaled(whole, plan.files);
    const newTree = await treeFingerprint(whole);

    // How long an uninterrupted run takes after start-up, to spread the kills over it.
    const probe = path.join(tmp, "probe");
    cpSync(template, probe, { recursive: true, verbatimSymlinks: true });
    const full = await runChild(child, probe, changes);
    expect(full.finished).toBe(true);
    expect(await treeFingerprint(probe)).toEqual(newTree);

    const seen = { old: 0, new: 0, recovered: 0 };
    for (let i = 0; i < 16; i++) {
      const app = path.join(tmp, `run${i}`);
      cpSync(template, app, { recursive: true, verbatimSymlinks: true });
      const r = await runChild(child, app, changes, (full.ms * i) / 14);
      if (!r.finished && recoverJournal(app)) seen.recovered++;
      expect(hasJournal(app)).toBe(false);
      const tree = await treeFingerprint(app);
      if (JSON.stringify(tree) === JSON.stringify(oldTree)) seen.old++;
      else {
        expect(tree, `kill ${i} after ${((full.ms * i) / 14).toFixed(1)} ms`).toEqual(newTree);
        seen.new++;
      }
    }
    expect(seen.old + seen.new).toBe(16);
    // Kills landed before the commit, after it, and in the middle of the run.
    expect(seen.old).toBeGreaterThan(0);
    expect(seen.new).toBeGreaterThan(0);
    expect(seen.recovered).toBeGreaterThan(0);
  });
});
