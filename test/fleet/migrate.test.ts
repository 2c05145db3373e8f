// Fleet migrate (README "Fleets"): several apps in one run, each exactly as its one-app run, a
// summary in the report folder, exit codes over the fleet, and --resume after a kill.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { fleetSchema } from "../../src/report/fleet-schema.js";
import type { FleetReport } from "../../src/report/fleet-model.js";
import { FIXTURE_SECRETS, FIXTURES, tempDir, treeFingerprint } from "../helpers.js";
import { fleetWorkspace, hookshift, start } from "./fleet-helpers.js";

const FLEET = {
  demo: "exports/team1/demo",
  "bad-input": "exports/team1/bad-input",
  "partial-no-root": "exports/team2/partial",
  "layout-a-20180301": "exports/team2/legacy/old",
  "head-method": "exports/team2/legacy/deeper/head",
};

const readFleet = async (dir: string): Promise<FleetReport> => JSON.parse(await readFile(path.join(dir, "fleet.json"), "utf8")) as FleetReport;

const validateFleet = new Ajv({ allErrors: true, strict: true }).compile(fleetSchema);

describe("migrate of a fleet", () => {
  it("migrates every app in nested folders as its one-app run would, byte for byte, with one summary", async () => {
    const dir = await fleetWorkspace(FLEET);
    const r = hookshift(dir, "migrate", "exports", "--out", "migrated", "--jobs", "2");
    expect(r.stderr).toContain("team2/partial");
    expect(r.code).toBe(1); // bad-input has failed webhooks, the partial export cannot be written
    const reportDir = path.join(dir, "migrated-hookshift-report");
    const fleet = await readFleet(reportDir);
    expect(validateFleet(fleet), JSON.stringify(validateFleet.errors)).toBe(true);
    expect(fleet.apps.map((a) => a.path)).toEqual(["team1/bad-input", "team1/demo", "team2/legacy/deeper/head", "team2/legacy/old", "team2/partial"]);
    const byPath = Object.fromEntries(fleet.apps.map((a) => [a.path, a]));
    expect(byPath["team2/partial"]).toMatchObject({ status: "failed", exit: 1, converted: 0 });
    expect(byPath["team1/bad-input"]).toMatchObject({ status: "migrated", exit: 1 });
    expect(byPath["team1/demo"]).toMatchObject({ status: "migrated", exit: 2, appId: "demo-abcde", format: "20210101" });
    expect(byPath["team2/legacy/old"]).toMatchObject({ status: "migrated", exit: 2, format: "20180301" });
    expect(fleet.summary).toMatchObject({ apps: 5, migrated: 4, failedApps: 1, exit: 1 });
    expect(existsSync(path.join(dir, "migrated/team2/partial"))).toBe(false);

    // The same apps, one at a time, into the same relative places of another folder.
    const solo = await fleetWorkspace(FLEET);
    for (const a of fleet.apps) {
      const one = hookshift(solo, "migrate", `exports/${a.path}`, "--out", `migrated/${a.path}`, "--report", `migrated-hookshift-report/${a.path}`);
      expect(one.code, a.path).toBe(a.exit);
      if (a.status !== "migrated") continue;
      expect(await treeFingerprint(path.join(dir, "migrated", a.path)), a.path).toEqual(await treeFingerprint(path.join(solo, "migrated", a.path)));
      expect(await treeFingerprint(path.join(reportDir, a.path)), a.path).toEqual(await treeFingerprint(path.join(solo, "migrated-hookshift-report", a.path)));
    }

    // Summary files: the index links every written app's report; no secret value anywhere.
    const html = await readFile(path.join(reportDir, "index.html"), "utf8");
    const md = await readFile(path.join(reportDir, "index.md"), "utf8");
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'; style-src 'sha256-/);
    expect(html).not.toMatch(/<(script|link|img)\b/i);
    for (const a of fleet.apps.filter((x) => x.links.report)) {
      expect(html).toContain(`href="${a.links.report}"`);
      expect(existsSync(path.join(reportDir, a.links.report!))).toBe(true);
    }
    const items = fleet.apps.reduce((n, a) => n + a.review.length, 0);
    expect(items).toBeGreaterThan(0);
    expect(md).toContain(`## Needs a person (${items})`);
    expect(md).toContain("`sh migrated-hookshift-report/team1/demo/create-secrets.sh`");
    const csv = await readFile(path.join(reportDir, "url-map.csv"), "utf8");
    const rows = csv.trimEnd().split("\r\n");
    expect(rows[0]).toBe("app,app_id,webhook,method,old_url,new_url");
    expect(rows).toHaveLength(1 + fleet.apps.reduce((n, a) => n + a.urls.length, 0));
    expect(rows).toContain(
      "team1/demo,demo-abcde,orders/createOrder,POST,https://webhooks.mongodb-realm.com/api/client/v2.0/app/demo-abcde/service/orders/incoming_webhook/createOrder,https://data.mongodb-api.com/app/demo-abcde/endpoint/orders/createOrder",
    );
    for (const text of [html, md, csv, JSON.stringify(fleet), r.stdout, r.stderr]) for (const s of FIXTURE_SECRETS) expect(text).not.toContain(s);
    // The inputs are untouched.
    const fresh = await fleetWorkspace(FLEET);
    expect(await treeFingerprint(path.join(dir, "exports"))).toEqual(await treeFingerprint(path.join(fresh, "exports")));
  }, 180_000);

  it("exit codes: 0 all converted, 2 something needs review, 1 an app failed", async () => {
    const clean = await fleetWorkspace({ "existing-endpoints": "a/existing-endpoints", "already-converted": "b/already-converted" });
    expect(hookshift(clean, "migrate", "a", "b", "--out", "out").code).toBe(0);
    const review = await fleetWorkspace({ "existing-endpoints": "a/existing-endpoints", "head-method": "b/head-method" });
    expect(hookshift(review, "migrate", "a/existing-endpoints", "b/head-method", "--out", "out").code).toBe(2);
    // Two app folders as inputs: their common parent is the base.
    expect((await readFleet(path.join(review, "out-hookshift-report"))).apps.map((a) => a.path)).toEqual(["a/existing-endpoints", "b/head-method"]);
    const failed = await fleetWorkspace({ "head-method": "x/head-method", "partial-no-root": "x/partial" });
    expect(hookshift(failed, "migrate", "x", "--out", "out").code).toBe(1);
  }, 120_000);

  it("--check, --dry-run and --json over a fleet write nothing; --json prints fleet.json's document", async () => {
    const dir = await fleetWorkspace({ "existing-endpoints": "apps/a", "already-converted": "apps/b" });
    const check = hookshift(dir, "migrate", "apps", "--check");
    expect(check.code).toBe(2);
    expect(check.stdout).toContain("--check: changes (exit 2).");
    const json = hookshift(dir, "migrate", "apps", "--dry-run", "--json");
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as FleetReport;
    expect(validateFleet(doc), JSON.stringify(validateFleet.errors)).toBe(true);
    expect(doc).toMatchObject({ kind: "fleet", mode: "dry-run" });
    expect(doc.apps.map((a) => a.status)).toEqual(["planned", "planned"]);
    expect((await readdir(dir)).sort()).toEqual(["apps"]);
    const dry = hookshift(dir, "migrate", "apps", "--dry-run");
    expect(dry.stdout).toContain("Dry run: nothing written.");
    expect(dry.stdout).toContain("hookshift migrate apps --out apps-migrated\n"); // the next step writes
    expect((await readdir(dir)).sort()).toEqual(["apps"]);
    // Once written, nothing would change.
    expect(hookshift(dir, "migrate", "apps", "--out", "out").code).toBe(0);
    expect(hookshift(dir, "migrate", "out", "--check").code).toBe(0);
  }, 120_000);

  it("a dry run counts an app that could not be written as not written, and prints every app's errors (it writes no index.md)", async () => {
    const dir = await fleetWorkspace({ "existing-endpoints": "apps/a", "partial-no-root": "apps/partial", "bad-input": "apps/bad" });
    const dry = hookshift(dir, "migrate", "apps", "--dry-run");
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain("3 apps, 2 planned, 1 not written;");
    expect(dry.stderr).toContain("error no-root-config partial: No usable root config");
    // An app that would be written but has a failing webhook: its error, located in the fleet.
    expect(dry.stderr).toContain("error json-syntax bad/http_endpoints/api/incoming_webhooks/badJson/config.json:4:5: JSON syntax error");
    expect(dry.stdout).toContain("Fix the errors above");
    const json = JSON.parse(hookshift(dir, "migrate", "apps", "--dry-run", "--json").stdout) as FleetReport;
    const partial = json.apps.find((a) => a.path === "partial")!;
    expect(partial).toMatchObject({ status: "failed", exit: 1, converted: 0 });
    expect(json.summary).toMatchObject({ planned: 2, failedApps: 1 });
    expect((await readdir(dir)).sort()).toEqual(["apps"]);
  }, 120_000);

  it("refuses an --out that holds an earlier run unless --resume or --force, and an --out inside the inputs", async () => {
    const dir = await fleetWorkspace({ "existing-endpoints": "apps/a", "head-method": "apps/b" });
    expect(hookshift(dir, "migrate", "apps", "--out", "out").code).toBe(2);
    const again = hookshift(dir, "migrate", "apps", "--out", "out");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("hookshift: error: --out out exists and is not empty");
    const inside = hookshift(dir, "migrate", "apps", "--out", "apps/migrated");
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain("lies inside the input");
    const missing = hookshift(dir, "migrate", "apps", "nowhere", "--out", "out2");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`hookshift: error: input ${path.join(dir, "nowhere")} does not exist\nPass exported app folders`);
    expect(hookshift(dir, "migrate", "apps", "--out", "out", "--force").code).toBe(2);
  }, 120_000);

  it("refuses a --report that is the --out folder, or inside it, before anything is written", async () => {
    const dir = await fleetWorkspace({ "existing-endpoints": "apps/a", "head-method": "apps/b" });
    for (const [report, says] of [
      ["out", "hookshift: error: --report out is the --out folder"],
      [path.join("out", "reports"), `hookshift: error: --report ${path.join("out", "reports")} lies inside --out out`],
    ] as const) {
      const r = hookshift(dir, "migrate", "apps", "--out", "out", "--report", report);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(says);
      expect(r.stderr).toContain("keep the two folders apart");
      expect(r.stdout).not.toContain("[1/2]"); // refused before any app ran
      expect((await readdir(dir)).sort()).toEqual(["apps"]);
    }
    const holds = hookshift(dir, "migrate", "apps", "--out", path.join("r", "out"), "--report", "r");
    expect(holds.code).toBe(1);
    expect(holds.stderr).toContain(`hookshift: error: --report r holds --out ${path.join("r", "out")}`);
    expect((await readdir(dir)).sort()).toEqual(["apps"]);
  }, 120_000);
});

describe("migrate of a fleet in place", () => {
  it("checks each app's own folder in the git work tree, as the one-app --in-place does", async () => {
    const dir = await fleetWorkspace({ demo: "apps/a", "head-method": "apps/b" });
    const git = (...args: string[]) => spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "exports");
    await writeFile(path.join(dir, "apps/a/functions/extra.js"), "exports = () => 1;\n"); // uncommitted, in app a only
    const r = hookshift(dir, "migrate", "apps", "--in-place");
    expect(r.code).toBe(1);
    const fleet = await readFleet(path.join(dir, "apps-hookshift-report"));
    expect(fleet.mode).toBe("in-place");
    expect(fleet.apps.map((a) => [a.path, a.status])).toEqual([
      ["a", "failed"],
      ["b", "migrated"],
    ]);
    expect(fleet.apps[0]!.errors[0]!.message).toContain("uncommitted changes");
    expect(existsSync(path.join(dir, "apps/b/functions/probe_ping.js"))).toBe(true);
    expect(existsSync(path.join(dir, "apps/a/functions/orders_createOrder.js"))).toBe(false);
    // --resume with --allow-dirty: b is as the run left it (skipped), a is migrated now.
    const again = hookshift(dir, "migrate", "apps", "--in-place", "--allow-dirty", "--resume");
    expect(again.code).toBe(2);
    const after = await readFleet(path.join(dir, "apps-hookshift-report"));
    expect(after.apps.map((a) => [a.path, a.status])).toEqual([
      ["a", "migrated"],
      ["b", "skipped"],
    ]);
  }, 120_000);
});

describe("migrate of a fleet: interrupted and resumed", () => {
  it("a run killed in the middle leaves finished apps complete; --resume skips them and finishes the rest", async () => {
    const dir = await tempDir("hookshift-fleet-kill-");
    for (let i = 0; i < 8; i++) await cp(path.join(FIXTURES, i % 2 ? "demo" : "head-method"), path.join(dir, "apps", `app${i}`), { recursive: true });
    const markers = path.join(dir, "out-hookshift-report", ".hookshift-fleet");
    const child = start(dir, "migrate", "apps", "--out", "out", "--jobs", "1");
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    // Kill once two apps are done (their markers are written last), while others are running.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const done = existsSync(markers) ? (await readdir(markers)).length : 0;
      if (done >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    await exited;
    const finished = (await readdir(markers)).sort();
    expect(finished.length).toBeGreaterThanOrEqual(2);
    expect(finished.length).toBeLessThan(8);
    // Every app with a marker is complete: output and report in place.
    for (const app of finished) {
      expect(existsSync(path.join(dir, "out", app, "realm_config.json")), app).toBe(true);
      expect(existsSync(path.join(dir, "out-hookshift-report", app, "report.json")), app).toBe(true);
    }
    expect(existsSync(path.join(dir, "out-hookshift-report", "fleet.json"))).toBe(false);

    const r = hookshift(dir, "migrate", "apps", "--out", "out", "--resume", "--jobs", "2");
    expect(r.code).toBe(2);
    const fleet = await readFleet(path.join(dir, "out-hookshift-report"));
    expect(
      fleet.apps
        .filter((a) => a.status === "skipped")
        .map((a) => a.path)
        .sort(),
    ).toEqual(finished);
    expect(fleet.apps.every((a) => a.status === "skipped" || a.status === "migrated")).toBe(true);
    // No staging folder of the killed run is left, and each app is what a fresh run writes.
    expect((await readdir(path.join(dir, "out"))).filter((n) => n.includes("hookshift-staging"))).toEqual([]);
    const fresh = await tempDir("hookshift-fleet-fresh-");
    await cp(path.join(dir, "apps"), path.join(fresh, "apps"), { recursive: true });
    expect(hookshift(fresh, "migrate", "apps", "--out", "out", "--jobs", "2").code).toBe(2);
    expect(await treeFingerprint(path.join(dir, "out"))).toEqual(await treeFingerprint(path.join(fresh, "out")));

    // A changed input is done again; the others are skipped.
    await writeFile(path.join(dir, "apps", "app1", "functions", "extra.js"), "exports = () => 1;\n");
    const third = hookshift(dir, "migrate", "apps", "--out", "out", "--resume");
    expect(third.code).toBe(2);
    const after = await readFleet(path.join(dir, "out-hookshift-report"));
    expect(after.apps.filter((a) => a.status === "migrated").map((a) => a.path)).toEqual(["app1"]);
    expect(existsSync(path.join(dir, "out", "app1", "functions", "extra.js"))).toBe(true);
  }, 240_000);
});
