// What killed --out runs leave (src/migrate/staging.ts, util/owner.ts): the next run removes
// hookshift's own staging folders and temporary report files of dead processes, and nothing else.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { migrate, type MigrateOptions } from "../../src/commands/migrate.js";
import { removeStaleStaging, STAGING_MARK } from "../../src/migrate/staging.js";
import { startOutWrite } from "../../src/migrate/write.js";
import { ownMark } from "../../src/util/owner.js";
import { copyFixture, tempDir, treeFingerprint } from "../helpers.js";

const base: Omit<MigrateOptions, "app"> = { dryRun: false, inPlace: false, allowDirty: false, removeWebhooks: false, force: false };

/** A pid that no process has (a child that has exited). */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

/** A staging folder as a run killed halfway through the copy leaves it. */
async function leftover(dir: string, pid: number, started = Date.now() - 60_000): Promise<void> {
  await mkdir(path.join(dir, "app", "functions"), { recursive: true });
  await writeFile(path.join(dir, "app", "functions", "half.js"), "exports = fun");
  await writeFile(path.join(dir, STAGING_MARK), JSON.stringify({ tool: "hookshift", pid, started, host: os.hostname() }));
}

describe("stale staging folders", () => {
  it("the next run removes a killed run's marked staging folder, and leaves a look-alike without the mark and a live run's folder alone", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const out = path.join(tmp, "out");
    const stale = `${out}.hookshift-staging-${deadPid()}`;
    await leftover(stale, Number(stale.slice(stale.lastIndexOf("-") + 1)));
    // Same name pattern, no mark: not hookshift's.
    const lookAlike = `${out}.hookshift-staging-4242`;
    await mkdir(lookAlike);
    await writeFile(path.join(lookAlike, "keep.txt"), "someone else's\n");
    const lookAlikeTree = await treeFingerprint(lookAlike);
    // Marked by a process that runs (this one).
    const live = `${out}.hookshift-staging-${process.pid}-9`;
    await leftover(live, process.pid);
    await writeFile(path.join(live, STAGING_MARK), JSON.stringify(ownMark()));

    expect(removeStaleStaging(out).map((s) => s.dir)).toEqual([stale]);
    expect(existsSync(stale)).toBe(false);
    expect(await treeFingerprint(lookAlike)).toEqual(lookAlikeTree);
    expect(existsSync(path.join(live, STAGING_MARK))).toBe(true);

    // And through a whole run, which reports what it removed.
    await leftover(stale, Number(stale.slice(stale.lastIndexOf("-") + 1)));
    const r = await migrate({ ...base, app, out });
    expect(r.errors).toEqual([]);
    expect(r.notices?.join("\n")).toMatch(/Removed .*out\.hookshift-staging-\d+, left by a killed run \(pid \d+\)/);
    expect(existsSync(stale)).toBe(false);
    expect(await treeFingerprint(lookAlike)).toEqual(lookAlikeTree);
    expect(existsSync(path.join(out, "functions", "orders_createOrder.js"))).toBe(true);
    // The output never holds the mark; only the look-alike and the live run's folder remain beside it.
    expect(existsSync(path.join(out, STAGING_MARK))).toBe(false);
    expect((await readdir(tmp)).filter((n) => n.includes("hookshift-staging")).sort()).toEqual([path.basename(lookAlike), path.basename(live)].sort());
  });

  it("a run's own staging folder is marked, and never takes a look-alike's name", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const out = path.join(tmp, "out");
    // An unmarked folder with exactly the name this process would use.
    const taken = `${out}.hookshift-staging-${process.pid}`;
    await mkdir(taken);
    await writeFile(path.join(taken, "keep.txt"), "someone else's\n");
    const write = await startOutWrite(app, out, false);
    const plan = (await migrate({ ...base, app, dryRun: true })).plan!;
    let seen: string[] = [];
    await write.finish(plan, async () => {
      // Just before the rename: the app is complete in the staging folder, the output absent.
      seen = (await readdir(tmp)).filter((n) => n.startsWith("out"));
      expect(existsSync(out)).toBe(false);
      expect(existsSync(path.join(tmp, `out.hookshift-staging-${process.pid}-1`, STAGING_MARK))).toBe(true);
    });
    const mine = seen.find((n) => n !== path.basename(taken) && n.includes("hookshift-staging"));
    expect(mine).toBe(`out.hookshift-staging-${process.pid}-1`);
    expect(existsSync(path.join(tmp, mine!))).toBe(false);
    expect(await readFile(path.join(taken, "keep.txt"), "utf8")).toBe("someone else's\n");
    expect(existsSync(path.join(out, "functions", "orders_createOrder.js"))).toBe(true);
  });

  it("an output a killed --force run had moved aside is put back", async () => {
    const tmp = await tempDir();
    const out = path.join(tmp, "out");
    const stale = `${out}.hookshift-staging-${deadPid()}`;
    await leftover(stale, Number(stale.slice(stale.lastIndexOf("-") + 1)));
    await mkdir(path.join(stale, "old"));
    await writeFile(path.join(stale, "old", "previous.txt"), "the previous output\n");
    const removed = removeStaleStaging(out);
    expect(removed).toHaveLength(1);
    expect(removed[0]!.restored).toBe(true);
    expect(await readFile(path.join(out, "previous.txt"), "utf8")).toBe("the previous output\n");
    expect(existsSync(stale)).toBe(false);
  });
});

describe("stale report files", () => {
  it("the next run removes temporary report files of dead processes only, and renames its own report after the app", async () => {
    const tmp = await tempDir();
    const app = await copyFixture("demo", tmp);
    const out = path.join(tmp, "out");
    const report = path.join(tmp, "review");
    await mkdir(report);
    const deadTmp = `report.html.hookshift-tmp-${deadPid()}`;
    const liveTmp = `report.md.hookshift-tmp-${process.ppid}`;
    await writeFile(path.join(report, deadTmp), "<html>half");
    await writeFile(path.join(report, liveTmp), "# half");
    await writeFile(path.join(report, "notes.txt"), "mine\n");
    const r = await migrate({ ...base, app, out, report });
    expect(r.errors).toEqual([]);
    expect(r.notices?.join("\n")).toContain(deadTmp);
    expect((await readdir(report)).sort()).toEqual(
      [liveTmp, "notes.txt", "create-secrets.sh", "report.html", "report.json", "report.md", "secrets.json"].sort(),
    );
  });
});

describe("owner marks", () => {
  it("a mark is alive only while its process runs and, where /proc tells, started when the mark says", async () => {
    const { spawn } = await import("node:child_process");
    const { markAlive } = await import("../../src/util/owner.js");
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"], { stdio: "ignore" });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const mark = { tool: "hookshift" as const, pid: child.pid!, started: Date.now() - 200, host: os.hostname() };
      expect(markAlive(mark)).toBe(true);
      expect(markAlive({ ...mark, host: "another-host" })).toBe(true); // cannot be looked up: never taken as dead
      if (process.platform === "linux") expect(markAlive({ ...mark, started: mark.started - 3600_000 })).toBe(false); // the pid was reused
      expect(markAlive({ ...mark, pid: deadPid() })).toBe(false);
      expect(markAlive(ownMark())).toBe(true);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it.runIf(process.platform === "linux")("a process that ended but was never reaped (a zombie) is not alive", async () => {
    const { spawn } = await import("node:child_process");
    const { markAlive } = await import("../../src/util/owner.js");
    // The shell starts a background `sleep 1` and then becomes `sleep 20`, which never reaps it. The
    // background one ends a second later, well after the exec: a `true` there could end before it,
    // and the shell then reaped it and no zombie was left (seen once in a fresh clone's run).
    const shell = spawn("sh", ["-c", "sleep 1 & echo $!; exec sleep 20"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const pid = Number(await new Promise<string>((resolve) => shell.stdout.once("data", (d: Buffer) => resolve(d.toString()))));
      const zombie = async () => (await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")).includes(") Z ");
      for (let i = 0; i < 200 && !(await zombie()); i++) await new Promise((r) => setTimeout(r, 20));
      expect(await zombie()).toBe(true);
      expect(markAlive({ tool: "hookshift", pid, started: Date.now(), host: os.hostname() })).toBe(false);
    } finally {
      shell.kill("SIGKILL");
    }
  });
});
