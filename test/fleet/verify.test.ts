// verify --fleet (README "Fleets"): every migrated app of a fleet run verified against its
// original, the pairs taken from fleet.json; one row per app in verify.json and verify-index.html.

import { existsSync } from "node:fs";
import { lstat, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { FleetVerifyReport } from "../../src/report/fleet-model.js";
import { fleetVerifySchema } from "../../src/report/fleet-schema.js";
import { fleetWorkspace, hookshift } from "./fleet-helpers.js";

describe("verify --fleet", () => {
  it("verifies each migrated app of the fleet, writes each app's verify.html and the fleet's verify.json and verify-index.html", async () => {
    const dir = await fleetWorkspace({ demo: "apps/demo", "head-method": "apps/head-method", "partial-no-root": "apps/partial" });
    expect(hookshift(dir, "migrate", "apps", "--out", "out", "--jobs", "2").code).toBe(1); // the partial export is not written
    const report = path.join(dir, "out-hookshift-report");
    const r = hookshift(dir, "verify", "--fleet", "out-hookshift-report", "--no-coverage", "--cases", "6", "--jobs", "2");
    // head-method's endpoint answers GET where the webhook answered HEAD: a difference, so exit 1.
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\[\d\/2\] head-method: 1 webhook, \d+ cases: \d+ equal, [1-9]\d* different/m);
    expect(r.stdout).toContain("hookshift verify apps/head-method out/head-method --report out-hookshift-report/head-method");
    const doc = JSON.parse(await readFile(path.join(report, "verify.json"), "utf8")) as FleetVerifyReport;
    const validate = new Ajv({ allErrors: true, strict: true }).compile(fleetVerifySchema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.apps.map((a) => [a.path, a.status, a.exit])).toEqual([
      ["demo", "verified", doc.apps[0]!.exit],
      ["head-method", "verified", 1],
      ["partial", "not-verified", 2],
    ]);
    const demo = doc.apps[0]!;
    expect(demo.webhooks).toBe(3);
    expect(demo.verdicts.different).toBe(0);
    expect(demo.verdicts.equal + demo.verdicts.unproven).toBe(3);
    // Each app's own verify.json is the one-app `verify --report` writes, beside its migrate report.
    const own = JSON.parse(await readFile(path.join(report, "demo", "verify.json"), "utf8")) as { summary: { webhooks: number; cases: number } };
    expect(own.summary).toMatchObject({ webhooks: 3, cases: demo.cases });
    const html = await readFile(path.join(report, "verify-index.html"), "utf8");
    for (const a of doc.apps.filter((x) => x.links.verify)) {
      expect(html).toContain(`href="${a.links.verify}"`);
      expect(existsSync(path.join(report, a.links.verify!))).toBe(true);
    }
    expect(html).not.toMatch(/<(script|link|img)\b/i);
    expect(doc.summary).toMatchObject({ apps: 3, verified: 2, notVerified: 1, webhooks: 4, exit: 1 });
  }, 240_000);

  it("replaces an app's verify.json and verify.html, never writing through a link there", async () => {
    const dir = await fleetWorkspace({ "head-method": "apps/head", "existing-endpoints": "apps/existing" });
    expect(hookshift(dir, "migrate", "apps", "--out", "out").code).toBe(2);
    const outside = path.join(dir, "outside.json");
    await writeFile(outside, "not hookshift's\n");
    const planted = path.join(dir, "out-hookshift-report", "head", "verify.json");
    await symlink(outside, planted);
    hookshift(dir, "verify", "--fleet", "out-hookshift-report", "--no-coverage", "--cases", "4", "--jobs", "1");
    expect(await readFile(outside, "utf8")).toBe("not hookshift's\n");
    expect((await lstat(planted)).isFile()).toBe(true);
    expect(JSON.parse(await readFile(planted, "utf8"))).toHaveProperty("summary");
  }, 120_000);

  it("says what is wrong with a folder that holds no fleet.json, and with apps given alongside --fleet", async () => {
    const dir = await fleetWorkspace({ demo: "apps/demo" });
    const r = hookshift(dir, "verify", "--fleet", "apps");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`hookshift: error: --fleet ${path.join(dir, "apps")} holds no fleet.json`);
    await writeFile(path.join(dir, "apps", "fleet.json"), '{\n  "kind": "fleet",\n  "apps": [\n');
    const cut = hookshift(dir, "verify", "--fleet", "apps");
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain(`hookshift: error: ${path.join(dir, "apps", "fleet.json")}:4:1 is not valid JSON`);
    expect(cut.stderr).not.toMatch(/\n\s+at /);
    const both = hookshift(dir, "verify", "apps/demo", "--fleet", "apps");
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("--fleet takes no <original> <migrated>");
    const none = hookshift(dir, "verify");
    expect(none.code).toBe(1);
    // The one-app message, with the --fleet form as its hint.
    expect(none.stderr).toContain("hookshift: error: missing <original> and <migrated>");
    expect(none.stderr).toContain("--fleet <report-dir>");
  }, 60_000);
});
